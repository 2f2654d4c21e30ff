import { planSurvivors, splitIndexes } from '../core/dedupe.js';
import { MAX_COLUMNS } from '../core/excel-limits.js';
import {
  didYouMean,
  keyColumnsInNoFile,
  type NamesSeen,
  type OptionMistake,
  sheetsInNoFile,
} from '../core/option-mistakes.js';
import { KeySet, keyCount, unpackKeys } from '../core/packed-keys.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { describeWanted } from '../input/select-sheets.js';
import type { Progress, Settings } from '../options.js';
import { isCsvPath } from '../reader/format-names.js';
import type { InputFile } from '../scan/scan-inputs.js';
import type { FileSummary, SkippedFile } from '../summary.js';
import type { FileResult, SheetResult } from '../worker/protocol.js';
import type { ColumnUnion } from './column-union.js';
import { type ParsedFile, parseInOrder } from './parse-in-order.js';

/** The surviving rows of one input sheet, ready to be written, in merge order. */
export interface ReducedSheet {
  readonly file: InputFile;
  /** The file's parse result, which `sheet` is one of the sheets of. */
  readonly result: FileResult;
  readonly sheet: SheetResult;
  /** The file has more than one sheet in the merge. */
  readonly severalSheets: boolean;
  /** Output column index of each of the sheet's columns (same order as `sheet.columns`). */
  readonly outputs: readonly number[];
  /** Indexes into the sheet's rows (`keys`, `xml`, `values`) of the rows that survive. */
  readonly kept: readonly number[];
}

/**
 * The merge's working state, filled by the reducer as files come in: the merged columns, each
 * file's summary, the files skipped, the renames used and which results came from the cache.
 */
export interface MergeState {
  readonly union: ColumnUnion;
  readonly files: FileSummary[];
  readonly skipped: SkippedFile[];
  /** The old names of `rename` that renamed a column in some merged file. */
  readonly renamesUsed: Set<string>;
  /** The results that came from the parse cache (`cache`), for `FileSummary.cached`. */
  readonly fromCache: WeakSet<FileResult>;
}

/**
 * The rows of `sheet` whose keys `seen` did not have, which it now has. A function of its own
 * rather than a closure per file: V8 optimises its loop once, not once per file.
 */
function newKeys(seen: KeySet, sheet: SheetResult): number[] {
  const kept: number[] = [];
  const rows = keyCount(sheet.keys);
  for (let row = 0; row < rows; row++) {
    if (seen.add(sheet.keys, row)) kept.push(row);
  }
  return kept;
}

/**
 * Merges per-file results in input order: aligns columns by name, drops rows whose key an
 * earlier (or, for `last`/`none`, any other) file already has, and yields each sheet's
 * survivors. With `keep: 'first'` sheets are yielded as soon as their turn comes; `last` and
 * `none` wait for every file, because a later file can still decide an earlier row's fate.
 *
 * A failed file is skipped and reported with `skipErrors`; otherwise nothing more is yielded,
 * the remaining files are still parsed so every failure can be listed, and the run throws
 * `FILES_FAILED`.
 */
export async function* reduceFiles(
  files: readonly InputFile[],
  settings: Settings,
  parse: (file: InputFile) => Promise<FileResult>,
  state: MergeState,
): AsyncGenerator<ReducedSheet> {
  const failures: XlmergeError[] = [];
  /** Every file's error, failed or skipped, for the run-level check of the options. */
  const errors: XlmergeError[] = [];
  const names = new NamesFound();
  const progress = { filesDone: 0, rowsRead: 0, duplicates: 0 };
  const window = settings.keep === 'first' ? settings.jobs * 2 : files.length;
  const delivered: { file: InputFile; result: FileResult }[] = [];
  const seen = new KeySet();
  let inflated = 0;

  for await (const outcome of parseInOrder(files, parse, window, settings.signal)) {
    progress.filesDone += 1;
    if ('error' in outcome) {
      errors.push(outcome.error);
      names.addFailed(outcome.file, outcome.error);
      if (settings.skipErrors) state.skipped.push(toSkipped(outcome));
      else failures.push(outcome.error);
    } else {
      names.addMerged(outcome.file, outcome.result);
      for (const used of outcome.result.renamesUsed) state.renamesUsed.add(used);
      inflated += outcome.result.inflatedBytes;
      if (inflated > settings.limits.maxRunBytes) throw runTooLarge(outcome.file, settings);
      progress.rowsRead += outcome.result.rowsRead;
      progress.duplicates += outcome.result.duplicatesInFile;
      if (failures.length === 0) {
        if (settings.keep === 'first') {
          const survivors = outcome.result.sheets.map((sheet) => newKeys(seen, sheet));
          progress.duplicates += countDropped(outcome.result, survivors);
          yield* emitFile(outcome.file, outcome.result, survivors, state, settings);
        } else {
          delivered.push({ file: outcome.file, result: outcome.result });
        }
      }
    }
    reportProgress(settings, { filesTotal: files.length, ...progress });
  }

  // A key column or sheet that no file has is a typo: one usage error, not a failure per file.
  const mistake = errors.length === 0 ? null : names.mistake(settings, errors);
  if (mistake !== null) throw mistake;
  if (failures.length > 0) throw filesFailed(failures);
  if (settings.keep === 'first') {
    checkSelectedColumns(state.union, settings);
    return;
  }

  const plan = planSurvivors(
    delivered.map(({ result }) => ({
      keys: result.sheets.flatMap((sheet) => unpackKeys(sheet.keys)),
      repeatedKeys: result.repeatedKeys,
    })),
    settings.keep,
  );
  for (const [i, { file, result }] of delivered.entries()) {
    const survivors = splitIndexes(
      plan[i] ?? [],
      result.sheets.map((sheet) => keyCount(sheet.keys)),
    );
    yield* emitFile(file, result, survivors, state, settings);
  }
  checkSelectedColumns(state.union, settings);
}

/**
 * What the files showed of the key columns and sheets the options ask for: for each file whose
 * header was read, the key columns it lacks and the columns it has; for each workbook whose
 * sheets were listed, the sheets it lacks and the ones it has. A merged file lacks nothing.
 */
class NamesFound {
  readonly #keys: NamesSeen[] = [];
  readonly #sheets: NamesSeen[] = [];

  addMerged(file: InputFile, result: FileResult): void {
    const columns = result.sheets.flatMap((sheet) => sheet.columns.map((column) => column.name));
    this.#keys.push({ missing: [], available: columns });
    if (!isCsvPath(file.path)) this.#sheets.push({ missing: [], available: [] });
  }

  addFailed(file: InputFile, error: XlmergeError): void {
    const seen = { missing: error.missing ?? [], available: error.available ?? [] };
    if (error.code === ErrorCode.MissingKeyColumn) this.#keys.push(seen);
    if (error.code === ErrorCode.SheetNotFound && !isCsvPath(file.path)) this.#sheets.push(seen);
  }

  /**
   * The usage error for key columns or sheets that no file has, with the files that failed for
   * other reasons as its failures; `null` when each is in some file.
   */
  mistake(settings: Settings, errors: readonly XlmergeError[]): XlmergeError | null {
    const { keyColumns, sheet } = settings;
    const found: [string, OptionMistake | null][] = [
      [
        'dedupe',
        Array.isArray(keyColumns)
          ? keyColumnsInNoFile(keyColumns, this.#keys, settings.matchHeaders)
          : null,
      ],
      [
        'sheet',
        sheet.kind === 'pick'
          ? sheetsInNoFile(sheet.wanted.map(describeWanted), this.#sheets)
          : null,
      ],
    ];
    const [option, mistake] = found.find(([, mistake]) => mistake !== null) ?? [];
    if (option === undefined || mistake == null) return null;
    const explained: ErrorCode =
      option === 'dedupe' ? ErrorCode.MissingKeyColumn : ErrorCode.SheetNotFound;
    const others = errors.filter((error) => error.code !== explained);
    return new XlmergeError(
      ErrorCode.InvalidOption,
      `Invalid option ${option}: ${mistake.message}`,
      {
        hint: mistake.hint,
        ...(others.length > 0 ? { failures: others } : {}),
      },
    );
  }
}

/**
 * Calls `onProgress`. A callback that throws ends the run, which writes nothing, with a coded
 * error that keeps the callback's own as its cause.
 */
function reportProgress(settings: Settings, progress: Progress): void {
  try {
    settings.onProgress?.(progress);
  } catch (error) {
    throw new XlmergeError(
      ErrorCode.CallbackFailed,
      `The \`onProgress\` callback threw an error: ${error instanceof Error ? error.message : String(error)}; nothing was written`,
      { cause: error, hint: 'Fix the callback; xlmerge stops rather than go on without it' },
    );
  }
}

/**
 * Fails the run when a column listed in `columns` was in no sheet: a misspelt name would
 * otherwise give an empty column without a word. Checked at the end, before the output is
 * committed, since only then is every file's header known.
 */
function checkSelectedColumns(union: ColumnUnion, settings: Settings): void {
  const unseen = union.unseenNames;
  if (settings.columns === null || unseen.length === 0) return;
  const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');
  const which = unseen.length === 1 ? 'the column' : 'the columns';
  const existing = union.existingNames;
  const compared =
    settings.matchHeaders === 'exact'
      ? " (names are compared exactly; `matchHeaders: 'loose'` ignores case, spaces and punctuation)"
      : '';
  throw new XlmergeError(
    ErrorCode.InvalidOption,
    `Invalid option columns: no input file has ${which} ${quoted(unseen)}${didYouMean(unseen, existing)}`,
    {
      hint: `The files have the columns ${quoted(existing) || '(none)'}${compared}`,
    },
  );
}

function* emitFile(
  file: InputFile,
  result: FileResult,
  survivors: readonly number[][],
  state: MergeState,
  settings: Settings,
): Generator<ReducedSheet> {
  const added: string[] = [];
  let rowsKept = 0;
  const severalSheets = result.sheets.length > 1;
  for (const [i, sheet] of result.sheets.entries()) {
    const columns = state.union.add(sheet.columns);
    state.union.noteColumns(sheet.otherColumns);
    // A CSV file has no column limit; Excel's sheet has.
    if (state.union.size > MAX_COLUMNS && settings.outputFormat === 'xlsx') {
      throw new XlmergeError(
        ErrorCode.TooManyColumns,
        `With this sheet the merged header has ${state.union.size.toLocaleString('en-US')} columns; an Excel sheet holds ${MAX_COLUMNS.toLocaleString('en-US')}`,
        {
          file: file.display,
          sheet: sheet.name,
          hint: 'Merge files with fewer distinct columns, keep fewer with `columns`, or write the output as CSV (a .csv name), which has no column limit',
        },
      );
    }
    added.push(...columns.added);
    columns.outputs.forEach((output, slot) => {
      state.union.widen(output, sheet.widths[slot] ?? 0);
    });
    const kept = survivors[i] ?? [];
    rowsKept += kept.length;
    yield { file, result, sheet, severalSheets, outputs: columns.outputs, kept };
  }
  const keptBefore = result.sheets.reduce((sum, sheet) => sum + keyCount(sheet.keys), 0);
  state.files.push({
    file: file.display,
    format: result.format,
    sheets: result.sheets.map((sheet) => ({
      name: sheet.name,
      headerRow: sheet.headerRow,
      titleLines: sheet.titleLines,
      rowsRead: sheet.rowsRead,
    })),
    hiddenSheets: result.hiddenSheets,
    rowsRead: result.rowsRead,
    rowsKept,
    duplicatesInFile: result.duplicatesInFile,
    duplicatesAcrossFiles: keptBefore - rowsKept,
    blankRows: result.blankRows,
    formulasWithoutValue: result.formulasWithoutValue,
    cellsWithoutFormat: result.cellsWithoutFormat,
    truncatedCells: result.truncatedCells,
    inflatedBytes: result.inflatedBytes,
    addedColumns: added,
    // Filled in once the whole union is known.
    missingColumns: result.sheets.flatMap((sheet) => sheet.columns.map((column) => column.name)),
    cached: state.fromCache.has(result),
  });
}

/** The `Source` column's text for a sheet's rows: the file, and the sheet when it has several. */
export function sourceLabel(reduced: ReducedSheet): string {
  return reduced.severalSheets
    ? `${reduced.file.source} [${reduced.sheet.name}]`
    : reduced.file.source;
}

/** Replaces each file's column list (stored in `missingColumns` meanwhile) by what it lacks. */
export function finishFileSummaries(state: MergeState): FileSummary[] {
  const { union } = state;
  const all = union.dataNames;
  return state.files.map((summary) => {
    const has = new Set(summary.missingColumns.map(union.keyOf));
    return { ...summary, missingColumns: all.filter((name) => !has.has(union.keyOf(name))) };
  });
}

function countDropped(result: FileResult, survivors: readonly number[][]): number {
  return result.sheets.reduce(
    (sum, sheet, i) => sum + keyCount(sheet.keys) - (survivors[i]?.length ?? 0),
    0,
  );
}

function runTooLarge(file: InputFile, settings: Settings): XlmergeError {
  const limit = settings.limits.maxRunBytes.toLocaleString('en-US');
  return new XlmergeError(
    ErrorCode.SizeLimit,
    `With this file the inputs inflate to more than the maxRunBytes limit of ${limit} bytes; nothing was written`,
    {
      file: file.display,
      hint: 'If the inputs are genuine, raise the limit with the limits.maxRunBytes option',
    },
  );
}

function toSkipped(outcome: ParsedFile & { error: XlmergeError }): SkippedFile {
  return { file: outcome.file.display, code: outcome.error.code, reason: outcome.error.describe() };
}

function filesFailed(failures: readonly XlmergeError[]): XlmergeError {
  const count = failures.length === 1 ? 'A file' : `${failures.length} files`;
  return new XlmergeError(
    ErrorCode.FilesFailed,
    `${count} could not be merged; nothing was written`,
    {
      failures,
      hint: 'Fix or remove the files listed, or use `skipErrors: true` to merge the others',
    },
  );
}
