/**
 * The options of each command, in one table per command: the name and alias a person types,
 * what a repeat means (the kind), the help text, and how the value reaches the library. The
 * argv reader, the checks for repeats and unknown options, and --help all read these tables,
 * so an option cannot be parsed one way and documented another.
 */
import { KEEP_MODES } from '../core/dedupe.js';
import { HEADER_MATCHES, type HeaderMatch } from '../core/header-match.js';
import {
  DEFAULT_FORMATS,
  DEFAULT_OUTPUT,
  FORMATS_MODES,
  type FormatsMode,
  type MergeOptions,
  OVERFLOW_MODES,
  type OverflowMode,
} from '../options.js';
import {
  parseColumns,
  parseCsvDelimiter,
  parseDedupe,
  parseNumber,
  parseRename,
} from './option-values.js';

/** How the CLI itself prints, as opposed to what the library does. */
export interface Display {
  /** `--json`: a JSON summary on stdout. */
  json: boolean;
  /** `--quiet`: nothing but errors. */
  quiet: boolean;
  /** `--progress` / `--no-progress`; `undefined`: on a terminal only. */
  progress: boolean | undefined;
  /** `--verbose`: stack traces with errors. */
  verbose: boolean;
}

/** What a command line comes to, filled in by the options' `apply`. */
export interface CommandLine {
  /** For the library; the run adds `signal` and `onProgress`. Only options given are set. */
  readonly options: MergeOptions;
  readonly display: Display;
  /** `--help` or `--version`: print that instead of running. */
  show: 'help' | 'version' | undefined;
}

interface OptionBase {
  /** The long name, typed after `--`. */
  readonly name: string;
  /** The one-letter alias, typed after `-`. */
  readonly alias?: string;
  /** The --help text. */
  readonly describe: string;
  /** The default as --help shows it, for options whose description does not say it. */
  readonly defaultText?: string;
  /** The values --help lists; the library checks them, in its own words. */
  readonly choices?: readonly string[];
}

/** Repeats accumulate: `--dedupe id --dedupe email` is `--dedupe id,email`. */
export interface ListOption extends OptionBase {
  readonly kind: 'list';
  apply(line: CommandLine, values: readonly string[]): void;
}

/** One value; giving it twice is a usage error, whatever the values. */
export interface ScalarOption extends OptionBase {
  readonly kind: 'scalar';
  /** `number`: the text is read as a decimal number (--help says `[number]`). */
  readonly type?: 'number';
  apply(line: CommandLine, value: string): void;
}

/** On or off: repeats that agree are fine (`-f --force`), repeats that differ are an error. */
export interface SwitchOption extends OptionBase {
  readonly kind: 'switch';
  apply(line: CommandLine, on: boolean): void;
}

export type CliOption = ListOption | ScalarOption | SwitchOption;
export type OptionKind = CliOption['kind'];

/** A command and its options. */
export interface Command {
  readonly name: 'merge' | 'inspect';
  /** How messages name the command: `xlmerge` or `xlmerge inspect`. */
  readonly program: string;
  readonly options: readonly CliOption[];
}

/** A number option: the text is read here, the range is checked by the library. */
function numberOption(
  name: string,
  expected: string,
  describe: string,
  set: (options: MergeOptions, value: number) => void,
): ScalarOption {
  return {
    name,
    kind: 'scalar',
    type: 'number',
    describe,
    apply: (line, value) => set(line.options, parseNumber(`--${name}`, expected, value)),
  };
}

// The `expected` texts of the number options are the library's own (src/options.ts), so that
// `--jobs abc` and `--jobs 0` are explained alike; test/cli/option-table.test.ts holds them
// together.

const HEADER_ROW = numberOption(
  'header-row',
  'a row number from 1 to 1048576',
  'Row holding the header (default: first non-empty)',
  (options, row) => {
    options.headerRow = row;
  },
);

/**
 * `--sheet`, given once: the name, position or "all" as a string; given several times: the
 * list.
 */
const SHEET: ListOption = {
  name: 'sheet',
  kind: 'list',
  describe: 'Sheet name, 1-based position, pattern (Q*), or "all" (every visible sheet)',
  apply(line, values) {
    line.options.sheet = values.length === 1 ? values[0] : [...values];
  },
};

const RECURSIVE: SwitchOption = {
  name: 'recursive',
  alias: 'r',
  kind: 'switch',
  describe: 'Include subfolders',
  apply(line, on) {
    line.options.recursive = on;
  },
};

const PATTERN: ListOption = {
  name: 'pattern',
  kind: 'list',
  describe: 'Glob for files in folders; default *.xlsx *.xlsm *.xlsb *.xls *.ods *.csv',
  apply(line, values) {
    line.options.pattern = [...values];
  },
};

const CSV_DELIMITER: ScalarOption = {
  name: 'csv-delimiter',
  kind: 'scalar',
  describe: 'Field separator of CSV files: one character, or "tab" (default: detected per file)',
  apply(line, value) {
    line.options.csvDelimiter = parseCsvDelimiter(value);
  },
};

const RENAME: ListOption = {
  name: 'rename',
  kind: 'list',
  describe: 'Rename a header: "OLD=NEW"',
  apply(line, values) {
    line.options.rename = values.map(parseRename);
  },
};

const MATCH_HEADERS: ScalarOption = {
  name: 'match-headers',
  kind: 'scalar',
  describe: 'Header names equal exactly, or loosely (case, spaces, punctuation)',
  choices: HEADER_MATCHES,
  defaultText: 'exact',
  apply(line, value) {
    // The library refuses any other value, in the same words as for the API.
    line.options.matchHeaders = value as HeaderMatch;
  },
};

const VERBOSE: SwitchOption = {
  name: 'verbose',
  kind: 'switch',
  describe: 'Show stack traces with errors',
  apply(line, on) {
    line.display.verbose = on;
  },
};

const HELP: SwitchOption = {
  name: 'help',
  alias: 'h',
  kind: 'switch',
  describe: 'Show help',
  apply(line, on) {
    if (on) line.show = 'help';
  },
};

/** The merge command's options, in --help order. */
export const MERGE_OPTIONS: readonly CliOption[] = [
  {
    name: 'output',
    alias: 'o',
    kind: 'scalar',
    describe: 'Workbook to write; a name ending in .csv writes CSV',
    defaultText: DEFAULT_OUTPUT,
    apply(line, value) {
      line.options.output = value;
    },
  },
  {
    name: 'dedupe',
    alias: 'd',
    kind: 'list',
    describe: 'Key columns by header, comma-separated; alone: all columns',
    apply(line, values) {
      line.options.dedupe = parseDedupe(values);
    },
  },
  {
    name: 'keep',
    kind: 'scalar',
    describe: 'Which duplicate survives',
    choices: KEEP_MODES,
    defaultText: 'first',
    apply(line, value) {
      // The library refuses any other value, in the same words as for the API.
      line.options.keep = value as MergeOptions['keep'];
    },
  },
  {
    name: 'ignore-case',
    kind: 'switch',
    describe: 'Compare key text ignoring case',
    apply(line, on) {
      line.options.ignoreCase = on;
    },
  },
  {
    name: 'trim',
    kind: 'switch',
    describe: 'Ignore spaces around key text',
    apply(line, on) {
      line.options.trim = on;
    },
  },
  {
    name: 'keys-as-text',
    kind: 'switch',
    describe: 'Compare keys as text ("123" matches 123)',
    apply(line, on) {
      line.options.keysAsText = on;
    },
  },
  SHEET,
  HEADER_ROW,
  RENAME,
  MATCH_HEADERS,
  {
    name: 'columns',
    kind: 'list',
    describe: 'Keep only these columns, in this order, comma-separated',
    apply(line, values) {
      line.options.columns = parseColumns(values);
    },
  },
  RECURSIVE,
  PATTERN,
  CSV_DELIMITER,
  {
    name: 'csv-types',
    kind: 'switch',
    describe: 'Read CSV numbers and ISO dates as numbers and dates (default: all text)',
    apply(line, on) {
      line.options.csvTypes = on;
    },
  },
  {
    name: 'source-column',
    kind: 'switch',
    describe: 'Add a Source column',
    apply(line, on) {
      line.options.sourceColumn = on;
    },
  },
  {
    name: 'duplicates',
    kind: 'scalar',
    describe: 'Also write a workbook (or .csv) of every dropped row and the row kept in its place',
    apply(line, value) {
      line.options.duplicatesReport = value;
    },
  },
  {
    name: 'dry-run',
    kind: 'switch',
    describe: 'Report what the merge would do; write nothing',
    apply(line, on) {
      line.options.dryRun = on;
    },
  },
  {
    name: 'summary',
    kind: 'switch',
    describe: 'Add a Summary sheet: one line per input file (not in a CSV output)',
    apply(line, on) {
      line.options.summarySheet = on;
    },
  },
  {
    name: 'force',
    alias: 'f',
    kind: 'switch',
    describe: 'Replace an existing output file',
    apply(line, on) {
      line.options.force = on;
    },
  },
  {
    name: 'skip-errors',
    kind: 'switch',
    describe: 'Merge the readable files, report the rest',
    apply(line, on) {
      line.options.skipErrors = on;
    },
  },
  {
    name: 'overflow',
    kind: 'scalar',
    describe: 'Over 1,048,575 rows: fail, or split into more sheets (CSV: no limit)',
    choices: OVERFLOW_MODES,
    defaultText: 'error',
    apply(line, value) {
      // The library refuses any other value, in the same words as for the API.
      line.options.overflow = value as OverflowMode;
    },
  },
  {
    name: 'formats',
    kind: 'scalar',
    describe: "Cells keep their sources' number formats, or are written plain (CSV: no formats)",
    choices: FORMATS_MODES,
    defaultText: DEFAULT_FORMATS,
    apply(line, value) {
      line.options.formats = value as FormatsMode;
    },
  },
  {
    name: 'truncate-long',
    kind: 'switch',
    describe: 'Cut text over 32,767 characters instead of failing',
    apply(line, on) {
      line.options.truncateLong = on;
    },
  },
  {
    ...numberOption(
      'jobs',
      'a whole number from 1 to 256',
      'Worker threads (default: CPU cores)',
      (options, jobs) => {
        options.jobs = jobs;
      },
    ),
    alias: 'j',
  },
  numberOption(
    'worker-memory',
    'a whole number of MB from 64 to 65536',
    "Heap limit of each worker in MB (default: V8's)",
    (options, megabytes) => {
      options.workerMemoryMb = megabytes;
    },
  ),
  numberOption(
    'file-timeout',
    'a number of seconds above 0, at most 2147483',
    'Seconds one file may take to read (default: no limit)',
    (options, seconds) => {
      options.fileTimeout = seconds;
    },
  ),
  {
    name: 'cache',
    kind: 'scalar',
    describe:
      'Keep parse results and written rows in this folder; files unchanged since are not parsed again',
    apply(line, value) {
      line.options.cache = value;
    },
  },
  {
    name: 'json',
    kind: 'switch',
    describe: 'Print a JSON summary on stdout',
    apply(line, on) {
      line.display.json = on;
    },
  },
  {
    name: 'quiet',
    alias: 'q',
    kind: 'switch',
    describe: 'Print nothing but errors',
    apply(line, on) {
      line.display.quiet = on;
    },
  },
  {
    name: 'progress',
    kind: 'switch',
    describe: 'Show the progress bar (default: on a terminal)',
    apply(line, on) {
      line.display.progress = on;
    },
  },
  VERBOSE,
  {
    name: 'version',
    alias: 'V',
    kind: 'switch',
    describe: 'Show the version number',
    apply(line, on) {
      if (on) line.show ??= 'version';
    },
  },
  HELP,
];

/** The inspect command's options, in --help order: those of the merge that inspecting uses. */
export const INSPECT_OPTIONS: readonly CliOption[] = [
  {
    name: 'dedupe',
    alias: 'd',
    kind: 'list',
    describe: 'Key columns to check for, comma-separated',
    apply(line, values) {
      line.options.dedupe = parseDedupe(values);
    },
  },
  SHEET,
  HEADER_ROW,
  RECURSIVE,
  PATTERN,
  CSV_DELIMITER,
  {
    name: 'output',
    alias: 'o',
    kind: 'scalar',
    describe: 'The merge output, which the merge leaves out of its inputs',
    defaultText: DEFAULT_OUTPUT,
    apply(line, value) {
      line.options.output = value;
    },
  },
  RENAME,
  MATCH_HEADERS,
  {
    name: 'json',
    kind: 'switch',
    describe: 'Print the report as JSON',
    apply(line, on) {
      line.display.json = on;
    },
  },
  VERBOSE,
  HELP,
];

export const MERGE_COMMAND: Command = { name: 'merge', program: 'xlmerge', options: MERGE_OPTIONS };

export const INSPECT_COMMAND: Command = {
  name: 'inspect',
  program: 'xlmerge inspect',
  options: INSPECT_OPTIONS,
};
