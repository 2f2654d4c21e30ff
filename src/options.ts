import os from 'node:os';
import path from 'node:path';
import { closestName } from './core/closest-name.js';
import { KEEP_MODES, type KeepMode } from './core/dedupe.js';
import { MAX_ROWS } from './core/excel-limits.js';
import { HEADER_MATCHES, type HeaderMatch, headerKeyFor } from './core/header-match.js';
import type { KeyOptions } from './core/key.js';
import { isSheetPattern, sheetPatternProblem } from './core/sheet-pattern.js';
import { ErrorCode, XlmergeError } from './errors.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './reader/read-limits.js';

/** Which sheets of each workbook to read (`sheet`). A hidden sheet is read only when named. */
export type SheetSelector =
  /** The first visible worksheet. */
  | { readonly kind: 'first' }
  /** Every visible worksheet. */
  | { readonly kind: 'all' }
  /** The sheets listed: by name, position or pattern, each sheet once, in workbook order. */
  | { readonly kind: 'pick'; readonly wanted: readonly WantedSheet[] };

/** One item of a `sheet` list. */
export type WantedSheet =
  /** A name (exactly, then ignoring case); digits that name no sheet are a position. */
  | { readonly kind: 'name'; readonly name: string }
  /** A 1-based position among the worksheets, hidden ones counted. */
  | { readonly kind: 'position'; readonly position: number }
  /** A pattern (`Q*`, `Q?`, `Q[1-3]`) over the visible sheets' names, ignoring case. */
  | { readonly kind: 'pattern'; readonly pattern: string };

/** What to do with more rows than one sheet holds. */
export type OverflowMode = 'error' | 'split';

export const OVERFLOW_MODES: readonly OverflowMode[] = ['error', 'split'];

/** What a merged workbook's cells show: their sources' number formats, or plain values. */
export type FormatsMode = 'keep' | 'plain';

export const FORMATS_MODES: readonly FormatsMode[] = ['keep', 'plain'];

/** The default of {@link MergeOptions.formats}. */
export const DEFAULT_FORMATS: FormatsMode = 'keep';

/**
 * The kind of file written, chosen by the name: CSV when it ends in `.csv` (any case), else an
 * xlsx workbook.
 */
export type OutputFormat = 'xlsx' | 'csv';

/** Progress of a run, reported through `onProgress`. */
export interface Progress {
  readonly filesTotal: number;
  readonly filesDone: number;
  /** Data rows read so far (blank rows not counted). */
  readonly rowsRead: number;
  /** Rows dropped as duplicates so far. */
  readonly duplicates: number;
}

/** Options of {@link merge} and {@link mergeRows}. Every field is optional but `inputs`. */
export interface MergeOptions {
  /** Directories, files and glob patterns to read. */
  inputs: readonly string[];
  /**
   * The file to write: an xlsx workbook, or a CSV file when the name ends in `.csv` (any case):
   * UTF-8 with a byte order mark, comma-delimited, CRLF record ends, no row limit, and text
   * that a spreadsheet would run as a formula written with a leading `'`.
   * @default 'merged.xlsx'
   */
  output?: string;
  /**
   * Also write a workbook listing every dropped row: its file, sheet and row, the file, sheet
   * and row of the row kept in its place, and its cells, with a group number per key. A name
   * ending in `.csv` writes it as CSV, like `output`.
   * @default none
   */
  duplicatesReport?: string;
  /** Also read workbooks in subfolders of input directories. @default false */
  recursive?: boolean;
  /**
   * Glob(s) choosing the files inside input directories. Files ending in `.csv` are read as
   * CSV text, every other file as the workbook its content shows it is (.xlsx, .xlsm, .xlsb,
   * .xls or .ods). @default ['*.xlsx', '*.xlsm', '*.xlsb', '*.xls', '*.ods', '*.csv']
   */
  pattern?: string | readonly string[];
  /**
   * The sheets to read: a sheet name, a 1-based position, a pattern (`'Q*'`, `'Q[1-3]'`: a name
   * with `*`, `?` or `[`, which Excel forbids in names), `'all'` (every visible sheet), or a
   * list of names, positions and patterns. A value that names a sheet is taken as a name first,
   * exactly, then ignoring case. A hidden or very hidden sheet is read only when named (or by
   * its position): the default, `'all'` and patterns pass over hidden sheets, and the summary
   * says so. A name or position that a workbook lacks fails that file (`SHEET_NOT_FOUND`); a
   * pattern need not match in every workbook. With several sheets, an empty one is passed over.
   * A CSV file has one table, which is read whatever this says.
   * @default the first visible worksheet
   */
  sheet?: string | number | readonly (string | number)[];
  /** 1-based row holding the header. @default the first row that is not empty */
  headerRow?: number;
  /**
   * New names for header names, before columns are aligned, selected or used as keys:
   * `{ 'Cust ID': 'customer_id' }` or `[['Cust ID', 'customer_id']]`. Both sides are trimmed;
   * old names are compared per `matchHeaders`; renames apply once (not one after another); a
   * name may be renamed only once. @default {} (no renames)
   */
  rename?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /**
   * How header names are compared: `'exact'`, or `'loose'`: equal after NFKC, case folding and
   * removing everything but letters and digits (`Customer ID` = `customer_id`). The output
   * shows the first spelling seen. @default 'exact'
   */
  matchHeaders?: HeaderMatch;
  /**
   * Keep only these columns (names after `rename`, compared per `matchHeaders`), in this order,
   * spelled as listed. Key columns need not be among them. A name no file has fails the run.
   * @default all columns
   */
  columns?: readonly string[];
  /**
   * The field separator of CSV files: one character, not a quote, CR or LF. Omitted, each file's
   * own is detected among `,` `;` TAB `|` from its first records. A file whose first line is
   * Excel's `sep=` directive (`sep=;`) uses the delimiter it names, given or not.
   * @default detected per file
   */
  csvDelimiter?: string;
  /**
   * Read CSV fields that are exactly decimal numbers as numbers, and ISO dates and date-times
   * (`2024-03-01`, `2024-03-01 10:30:00`) as dates; everything else stays text. Without it every
   * CSV field is text, so `00123` stays `00123`. @default false
   */
  csvTypes?: boolean;
  /** Key columns by header name; `true` means all columns; omitted: no rows are dropped. @default none */
  dedupe?: readonly string[] | boolean;
  /** Which row survives among rows with the same key. @default 'first' */
  keep?: KeepMode;
  /** Compare key text without regard to case. @default false */
  ignoreCase?: boolean;
  /** Ignore whitespace around key text. @default false */
  trim?: boolean;
  /** Compare the text form of key values ("123" matches 123; "00123" does not). @default false */
  keysAsText?: boolean;
  /** Add a `Source` column naming each row's file (and sheet, when several). @default false */
  sourceColumn?: boolean;
  /** Replace an existing output file. @default false */
  force?: boolean;
  /** Read, align and deduplicate everything, but write nothing; the summary says what would be written. @default false */
  dryRun?: boolean;
  /**
   * Add a `Summary` sheet to the output: one line per input file (and per skipped file). Not
   * with a CSV output, which has no sheets (`INVALID_OPTION`). @default false
   */
  summarySheet?: boolean;
  /** Merge the readable files and report the others instead of failing the run. @default false */
  skipErrors?: boolean;
  /**
   * What to do when the merge has more data rows than one Excel sheet holds (1,048,575):
   * `'error'` fails the run without writing anything; `'split'` goes on in new sheets
   * `Merged (2)`, `Merged (3)`, … each with the header. A CSV output has no row limit, so
   * this does not apply to it. @default 'error'
   */
  overflow?: OverflowMode;
  /**
   * The number formats of a workbook output's cells: `'keep'` writes each data cell with its
   * source cell's number format (built-in or custom; `00123` stays `00123`, `15.5%` stays
   * `15.5%`), `'plain'` writes numbers General and dates in ISO formats. Keys compare values
   * either way. A CSV output has no formats. @default 'keep'
   */
  formats?: FormatsMode;
  /**
   * Cut text longer than Excel's 32,767 characters to that length (and count the cells)
   * instead of failing. @default false
   */
  truncateLong?: boolean;
  /** Worker threads parsing files. @default os.availableParallelism() */
  jobs?: number;
  /**
   * Heap limit of each worker thread in MB (V8's old generation, 64 to 65536); it caps the
   * worker's WebAssembly memory too. A file that needs more fails with `WORKER_CRASHED` instead
   * of exhausting the machine. @default V8's own limit
   */
  workerMemoryMb?: number;
  /**
   * Seconds one file may take to parse; a slower file fails with `TIMEOUT` and its worker is
   * replaced. @default no limit
   */
  fileTimeout?: number;
  /**
   * Folder of parse results kept between runs (created if missing): a file whose bytes and
   * parse options are unchanged since a run with the same folder is not parsed again. With an
   * xlsx output it also keeps each file's rows as compressed into the output, copied as they
   * are when they land on the same output rows again. The output is the same bytes as without
   * the cache. Entries unused for 30 days are removed at the end of a run.
   * @default none (every file is parsed)
   */
  cache?: string;
  /** Folder that relative inputs, output and cache are resolved against. @default process.cwd() */
  cwd?: string;
  /** Caps against decompression bombs. @default DEFAULT_READ_LIMITS */
  limits?: Partial<ReadLimits>;
  /** Cancels the run; the output is not written. */
  signal?: AbortSignal;
  /** Called as files finish. */
  onProgress?: (progress: Progress) => void;
}

/** The fully defaulted, validated, frozen form of {@link MergeOptions} used inside xlmerge. */
export interface Settings {
  readonly inputs: readonly string[];
  readonly output: string;
  /** By the output's name. */
  readonly outputFormat: OutputFormat;
  /** Absolute path of the duplicates report, or `null`. */
  readonly duplicatesReport: string | null;
  /** By the report's name (`xlsx` when there is no report). */
  readonly duplicatesReportFormat: OutputFormat;
  readonly recursive: boolean;
  readonly patterns: readonly string[];
  readonly sheet: SheetSelector;
  readonly headerRow: number | null;
  /** Old (trimmed) name → new name. */
  readonly rename: Readonly<Record<string, string>>;
  readonly matchHeaders: HeaderMatch;
  /** `null`: every column. */
  readonly columns: readonly string[] | null;
  /** `null`: detected per file. */
  readonly csvDelimiter: string | null;
  readonly csvTypes: boolean;
  /** `null`: no dedupe; `'all'`: every column; else the key column names. */
  readonly keyColumns: readonly string[] | 'all' | null;
  readonly keep: KeepMode;
  readonly key: KeyOptions;
  readonly sourceColumn: boolean;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly summarySheet: boolean;
  readonly skipErrors: boolean;
  readonly overflow: OverflowMode;
  readonly formats: FormatsMode;
  readonly truncateLong: boolean;
  readonly jobs: number;
  /** `null`: V8's default heap limit. */
  readonly workerMemoryMb: number | null;
  /** Seconds; `null`: no limit. */
  readonly fileTimeout: number | null;
  /** Absolute path of the cache folder, or `null`. */
  readonly cache: string | null;
  readonly cwd: string;
  readonly limits: ReadLimits;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((progress: Progress) => void) | undefined;
}

export const DEFAULT_OUTPUT = 'merged.xlsx';
/** V8's longest string (2^29 - 24 characters). */
const MAX_STRING_LENGTH = 2 ** 29 - 24;
export const DEFAULT_PATTERNS: readonly string[] = [
  '*.xlsx',
  '*.xlsm',
  '*.xlsb',
  '*.xls',
  '*.ods',
  '*.csv',
];

/**
 * Every option {@link MergeOptions} has, by name: a key that is not one of them is a mistake
 * (`dedup: ['id']` would otherwise merge without removing anything).
 */
export const OPTION_NAMES = [
  'inputs',
  'output',
  'duplicatesReport',
  'recursive',
  'pattern',
  'sheet',
  'headerRow',
  'rename',
  'matchHeaders',
  'columns',
  'csvDelimiter',
  'csvTypes',
  'dedupe',
  'keep',
  'ignoreCase',
  'trim',
  'keysAsText',
  'sourceColumn',
  'force',
  'dryRun',
  'summarySheet',
  'skipErrors',
  'overflow',
  'formats',
  'truncateLong',
  'jobs',
  'workerMemoryMb',
  'fileTimeout',
  'cache',
  'cwd',
  'limits',
  'signal',
  'onProgress',
] as const satisfies readonly (keyof MergeOptions)[];

/** Fails to compile when an option of {@link MergeOptions} is missing from OPTION_NAMES. */
const everyOptionNamed: [Exclude<keyof MergeOptions, (typeof OPTION_NAMES)[number]>] extends [never]
  ? true
  : never = true;
void everyOptionNamed;

/** The file names xlmerge writes: a workbook, or CSV text. */
const OUTPUT_EXTENSIONS = ['.xlsx', '.csv'];

/** Validates `options` and fills in every default, once, at the library's boundary. */
export function normalizeOptions(options: MergeOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'an object', options);
  }
  validateNames(options);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const matchHeaders = validateMatchHeaders(options.matchHeaders);
  const output = path.resolve(cwd, validateOutputName('output', options.output ?? DEFAULT_OUTPUT));
  const outputFormat = formatOf(output);
  const duplicatesReport =
    options.duplicatesReport === undefined
      ? null
      : path.resolve(cwd, validateOutputName('duplicatesReport', options.duplicatesReport));
  const summarySheet = validateBoolean('summarySheet', options.summarySheet);
  if (summarySheet && outputFormat === 'csv') throw summaryInCsv(output);
  return Object.freeze({
    inputs: Object.freeze(validateInputs(options.inputs)),
    output,
    outputFormat,
    duplicatesReport,
    duplicatesReportFormat: duplicatesReport === null ? 'xlsx' : formatOf(duplicatesReport),
    recursive: validateBoolean('recursive', options.recursive),
    patterns: Object.freeze(validatePatterns(options.pattern)),
    sheet: Object.freeze(validateSheet(options.sheet)),
    headerRow: validateHeaderRow(options.headerRow),
    rename: Object.freeze(validateRename(options.rename, matchHeaders)),
    matchHeaders,
    columns: validateColumns(options.columns, matchHeaders),
    csvDelimiter: validateCsvDelimiter(options.csvDelimiter),
    csvTypes: validateBoolean('csvTypes', options.csvTypes),
    keyColumns: validateDedupe(options.dedupe),
    keep: validateKeep(options.keep),
    key: Object.freeze({
      ignoreCase: validateBoolean('ignoreCase', options.ignoreCase),
      trim: validateBoolean('trim', options.trim),
      keysAsText: validateBoolean('keysAsText', options.keysAsText),
    }),
    sourceColumn: validateBoolean('sourceColumn', options.sourceColumn),
    force: validateBoolean('force', options.force),
    dryRun: validateBoolean('dryRun', options.dryRun),
    summarySheet,
    skipErrors: validateBoolean('skipErrors', options.skipErrors),
    overflow: validateOverflow(options.overflow),
    formats: validateFormats(options.formats),
    truncateLong: validateBoolean('truncateLong', options.truncateLong),
    jobs: validateJobs(options.jobs),
    workerMemoryMb: validateWorkerMemory(options.workerMemoryMb),
    fileTimeout: validateFileTimeout(options.fileTimeout),
    cache:
      options.cache === undefined ? null : path.resolve(cwd, validateText('cache', options.cache)),
    cwd,
    limits: Object.freeze(validateLimits(options.limits)),
    signal: validateSignal(options.signal),
    onProgress: validateCallback('onProgress', options.onProgress),
  });
}

/** CSV for a name ending in `.csv`, whatever its case; else xlsx. */
export function formatOf(file: string): OutputFormat {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
}

function summaryInCsv(output: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.InvalidOption,
    `Invalid option summarySheet: the output ${path.basename(output)} is a CSV file, which has no sheets to hold the Summary sheet`,
    {
      hint: "Leave out `summarySheet` (the run's own summary gives the same figures per file), or write the output as .xlsx",
    },
  );
}

function validateSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw invalid('signal', 'an AbortSignal', signal);
}

function validateCallback<T>(name: string, callback: T | undefined): T | undefined {
  if (callback === undefined || typeof callback === 'function') return callback;
  throw invalid(name, 'a function', callback);
}

/** Refuses an option the library does not have, naming the closest one it has. */
function validateNames(options: object): void {
  const known: ReadonlySet<string> = new Set(OPTION_NAMES);
  for (const name of Object.keys(options)) {
    if (known.has(name)) continue;
    const closest = closestName(name, OPTION_NAMES);
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `Unknown option ${JSON.stringify(name)}${closest === undefined ? '' : `; did you mean ${closest}?`}`,
      { hint: `The options are ${OPTION_NAMES.join(', ')}` },
    );
  }
}

/**
 * A file to write must end in a name xlmerge writes: `out.txt` would otherwise hold a
 * workbook that nothing opens by its name.
 */
function validateOutputName(name: string, value: unknown): string {
  const file = validateText(name, value);
  const lower = file.toLowerCase();
  if (!OUTPUT_EXTENSIONS.some((extension) => lower.endsWith(extension))) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `Invalid option ${name}: expected a file name ending in .xlsx or .csv, got ${describeValue(value)}`,
      { hint: 'xlmerge writes an Excel workbook (.xlsx) or a CSV file (.csv)' },
    );
  }
  return file;
}

function invalid(name: string, expected: string, got: unknown): XlmergeError {
  return new XlmergeError(
    ErrorCode.InvalidOption,
    `Invalid option ${name}: expected ${expected}, got ${describeValue(got)}`,
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  return String(value);
}

function validateInputs(inputs: unknown): string[] {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw invalid('inputs', 'a non-empty list of files, folders or globs', inputs);
  }
  return inputs.map((input) => validateText('inputs', input));
}

function validateText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(name, 'a non-empty text', value);
  return value;
}

function validateBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(name, 'true or false', value);
  return value;
}

function validatePatterns(pattern: unknown): string[] {
  if (pattern === undefined) return [...DEFAULT_PATTERNS];
  const patterns = typeof pattern === 'string' ? [pattern] : pattern;
  if (!Array.isArray(patterns) || patterns.length === 0) {
    throw invalid('pattern', 'a glob or a list of globs', pattern);
  }
  return patterns.map((item) => validateText('pattern', item));
}

function validateSheet(sheet: unknown): SheetSelector {
  if (sheet === undefined) return { kind: 'first' };
  if (sheet === 'all') return { kind: 'all' };
  const items: unknown[] = Array.isArray(sheet) ? sheet : [sheet];
  if (items.length === 0) throw invalid('sheet', 'a sheet, or a non-empty list of sheets', sheet);
  if (items.length > 1 && items.includes('all')) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `Invalid option sheet: "all" reads every visible sheet and cannot be listed with others, got ${describeValue(sheet)}`,
    );
  }
  if (items.length === 1 && items[0] === 'all') return { kind: 'all' };
  const wanted = items.map(validateWantedSheet);
  const shown = wanted.map((item) => JSON.stringify(item));
  const repeated = shown.find((item, index) => shown.indexOf(item) !== index);
  if (repeated !== undefined) throw invalid('sheet', 'each sheet once', sheet);
  return { kind: 'pick', wanted: Object.freeze(wanted) };
}

function validateWantedSheet(item: unknown): WantedSheet {
  if (typeof item === 'number') {
    if (!Number.isInteger(item) || item < 1) throw invalid('sheet', 'a position from 1 up', item);
    return { kind: 'position', position: item };
  }
  const name = validateText('sheet', item);
  if (!isSheetPattern(name)) return { kind: 'name', name };
  const problem = sheetPatternProblem(name);
  if (problem !== null) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `Invalid option sheet: ${JSON.stringify(name)} is not a pattern: ${problem}`,
      { hint: 'A pattern takes * (any text), ? (one character) and [abc], [a-z] or [!abc]' },
    );
  }
  return { kind: 'pattern', pattern: name };
}

function validateHeaderRow(row: unknown): number | null {
  if (row === undefined) return null;
  if (typeof row !== 'number' || !Number.isInteger(row) || row < 1 || row > MAX_ROWS) {
    throw invalid('headerRow', `a row number from 1 to ${MAX_ROWS}`, row);
  }
  return row;
}

function validateMatchHeaders(match: unknown): HeaderMatch {
  if (match === undefined) return 'exact';
  if (!HEADER_MATCHES.includes(match as HeaderMatch)) {
    throw invalid('matchHeaders', 'exact or loose', match);
  }
  return match as HeaderMatch;
}

function validateRename(rename: unknown, match: HeaderMatch): Record<string, string> {
  if (rename === undefined) return {};
  if (typeof rename !== 'object' || rename === null) {
    throw invalid('rename', 'an object of old → new names, or a list of [old, new] pairs', rename);
  }
  const pairs: unknown[] = Array.isArray(rename) ? rename : Object.entries(rename);
  const keyOf = headerKeyFor(match);
  const result: Record<string, string> = {};
  const byKey = new Map<string, [string, string]>();
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw invalid('rename', 'pairs of [old, new] names', pair);
    }
    const [from, to] = pair.map((name) => (typeof name === 'string' ? name.trim() : ''));
    if (!from || !to) throw invalid('rename', 'a non-empty old and new name', pair);
    const earlier = byKey.get(keyOf(from));
    if (earlier !== undefined) {
      const same = earlier[0] === from ? `"${from}"` : `"${earlier[0]}" (as "${from}")`;
      throw new XlmergeError(
        ErrorCode.InvalidOption,
        `Invalid option rename: ${same} is renamed twice, to "${earlier[1]}" and to "${to}"`,
      );
    }
    byKey.set(keyOf(from), [from, to]);
    result[from] = to;
  }
  return result;
}

function validateColumns(columns: unknown, match: HeaderMatch): readonly string[] | null {
  if (columns === undefined) return null;
  if (!Array.isArray(columns) || columns.length === 0) {
    throw invalid('columns', 'a non-empty list of column names', columns);
  }
  const names = columns.map((name) => validateText('columns', name).trim());
  const keys = names.map(headerKeyFor(match));
  if (keys.some((key, index) => keys.indexOf(key) !== index)) {
    throw invalid('columns', 'each column once', columns);
  }
  return Object.freeze(names);
}

function validateCsvDelimiter(delimiter: unknown): string | null {
  if (delimiter === undefined) return null;
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '"' ||
    delimiter === '\r' ||
    delimiter === '\n'
  ) {
    throw invalid('csvDelimiter', 'one character other than a quote, CR or LF', delimiter);
  }
  return delimiter;
}

function validateDedupe(dedupe: unknown): readonly string[] | 'all' | null {
  if (dedupe === undefined || dedupe === false) return null;
  if (dedupe === true) return 'all';
  if (!Array.isArray(dedupe)) throw invalid('dedupe', 'a list of column names or true', dedupe);
  if (dedupe.length === 0) return 'all';
  const names = dedupe.map((name) => validateText('dedupe', name).trim());
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw invalid('dedupe', 'each column once', dedupe);
  return Object.freeze(names);
}

function validateKeep(keep: unknown): KeepMode {
  if (keep === undefined) return 'first';
  if (!KEEP_MODES.includes(keep as KeepMode)) throw invalid('keep', 'first, last or none', keep);
  return keep as KeepMode;
}

function validateFormats(formats: unknown): FormatsMode {
  if (formats === undefined) return DEFAULT_FORMATS;
  if (!FORMATS_MODES.includes(formats as FormatsMode)) {
    throw invalid('formats', 'keep or plain', formats);
  }
  return formats as FormatsMode;
}

function validateOverflow(overflow: unknown): OverflowMode {
  if (overflow === undefined) return 'error';
  if (!OVERFLOW_MODES.includes(overflow as OverflowMode)) {
    throw invalid('overflow', 'error or split', overflow);
  }
  return overflow as OverflowMode;
}

function validateJobs(jobs: unknown): number {
  if (jobs === undefined) return Math.max(1, os.availableParallelism());
  if (typeof jobs !== 'number' || !Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
    throw invalid('jobs', 'a whole number from 1 to 256', jobs);
  }
  return jobs;
}

function validateWorkerMemory(megabytes: unknown): number | null {
  if (megabytes === undefined) return null;
  if (
    typeof megabytes !== 'number' ||
    !Number.isInteger(megabytes) ||
    megabytes < 64 ||
    megabytes > 65_536
  ) {
    throw invalid('workerMemoryMb', 'a whole number of MB from 64 to 65536', megabytes);
  }
  return megabytes;
}

/** The longest delay a timer takes (2^31 - 1 ms), in seconds. */
const MAX_TIMEOUT_SECONDS = 2_147_483;

function validateFileTimeout(seconds: unknown): number | null {
  if (seconds === undefined) return null;
  if (typeof seconds !== 'number' || !(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
    throw invalid(
      'fileTimeout',
      `a number of seconds above 0, at most ${MAX_TIMEOUT_SECONDS}`,
      seconds,
    );
  }
  return seconds;
}

function validateLimits(limits: unknown): ReadLimits {
  if (limits === undefined) return { ...DEFAULT_READ_LIMITS };
  if (typeof limits !== 'object' || limits === null) throw invalid('limits', 'an object', limits);
  const result: Record<string, number> = { ...DEFAULT_READ_LIMITS };
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in DEFAULT_READ_LIMITS)) {
      throw invalid('limits', `only ${Object.keys(DEFAULT_READ_LIMITS).join(', ')}`, name);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw invalid(`limits.${name}`, 'a positive whole number', value);
    }
    // One element is held as one string, and V8 cannot make longer ones.
    if (name === 'maxElementChars' && value > MAX_STRING_LENGTH) {
      throw invalid(`limits.${name}`, `at most ${MAX_STRING_LENGTH}`, value);
    }
    result[name] = value;
  }
  return result as unknown as ReadLimits;
}
