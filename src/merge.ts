import { ParseCache } from './cache/parse-cache.js';
import type { CellValue } from './core/cell.js';
import { MAX_DATA_ROWS } from './core/excel-limits.js';
import { renamesInNoFile } from './core/option-mistakes.js';
import { ErrorCode, throwIfAborted, XlmergeError } from './errors.js';
import { placeFiles, removeStaleTempFiles } from './io/temp-files.js';
import { type MergeOptions, normalizeOptions, type Settings } from './options.js';
import { checkOutput } from './output/check-output.js';
import { KeptFormats } from './output/kept-formats.js';
import {
  createMergeOutput,
  outputSheetName,
  SOURCE_COLUMN,
  SUMMARY_SHEET,
  tooManyRows,
} from './output/merge-output.js';
import { createReportFile, writeDuplicatesReport } from './output/report-file.js';
import { ColumnUnion } from './reduce/column-union.js';
import { DuplicatesCollector } from './reduce/duplicates-report.js';
import {
  finishFileSummaries,
  type MergeState,
  type ReducedSheet,
  reduceFiles,
} from './reduce/reduce-files.js';
import type { OutputStyles } from './render/cell-styles.js';
import { type InputFile, scanInputs } from './scan/scan-inputs.js';
import type { MergeSummary, RunWarning } from './summary.js';
import { parseTaskFor } from './worker/parse-task.js';
import { createParsePool } from './worker/pool.js';
import type { ParseTask, RenderMode } from './worker/protocol.js';

/** One merged row, as {@link mergeRows} yields it. */
export interface MergedRow {
  /** The input file, as shown to the user. */
  readonly file: string;
  readonly sheet: string;
  /** 1-based row number in the source sheet. */
  readonly row: number;
  /** The row's cells by header name; columns its sheet lacks are absent. */
  readonly values: Readonly<Record<string, CellValue>>;
}
/**
 * Merges the workbooks named by `options.inputs` into one workbook at `options.output`,
 * dropping duplicate rows on the key columns. The output appears only when the run succeeds:
 * it is written to a temporary file beside the target and renamed into place.
 *
 * Throws an {@link XlmergeError}; `FILES_FAILED` lists every file that could not be read.
 */
export async function merge(options: MergeOptions): Promise<MergeSummary> {
  const started = performance.now();
  const settings = normalizeOptions(options);
  if (settings.dryRun) return dryRun(settings, started);
  const scan = await scanInputs(settings);
  // Before any work: nothing is parsed, and the cache folder not even made, for a run that
  // would write over an input or an existing file.
  const targets = await checkOutput(settings, scan.files);
  throwIfAborted(settings.signal);
  // Temp files that earlier runs on this machine left when they were killed.
  await removeStaleTempFiles(targets.output);
  if (targets.duplicatesReport !== null) await removeStaleTempFiles(targets.duplicatesReport);
  const cache = await openCache(settings);
  const state = newMergeState(settings, cache);
  const kept =
    settings.formats === 'keep' && settings.outputFormat === 'xlsx' ? new KeptFormats() : null;
  const output = createMergeOutput(settings, targets.output, state, cache, kept?.styles ?? null);
  const duplicates = targets.duplicatesReport === null ? null : new DuplicatesCollector();
  const reportFile =
    targets.duplicatesReport === null
      ? null
      : createReportFile(
          targets.duplicatesReport,
          settings.duplicatesReportFormat,
          kept?.styles ?? null,
        );
  try {
    const render = output.render;
    const files = scan.files;
    for await (const reduced of reduceWithPool(settings, files, render, state, cache, kept)) {
      await output.write(reduced);
      duplicates?.add(reduced);
    }
    if (state.files.length === 0) throw allSkipped(state);
    const header = state.union.header(settings.sourceColumn ? [SOURCE_COLUMN] : []);
    const names = await output.end(header);
    if (duplicates !== null && reportFile !== null) {
      await writeDuplicatesReport(reportFile, duplicates, header.names, settings);
    }
    const finished = [await output.finish()];
    if (reportFile !== null) finished.push(await reportFile.finish());
    throwIfAborted(settings.signal);
    // Both files or neither: a failed run never leaves a new report beside an old output (or
    // the other way round), and never takes away the previous ones.
    await placeFiles(finished, settings.force);
    await output.abort();
    await reportFile?.abort();
    return summarize(
      settings,
      state,
      scan.ignored,
      started,
      settings.output,
      header.names,
      names,
      cache,
      settings.duplicatesReport,
      kept?.styles ?? null,
    );
  } catch (error) {
    await output.abort();
    await reportFile?.abort();
    throw error;
  } finally {
    // After the output: its segments are stored as they are compressed.
    await cache?.close();
  }
}
/** A merge that reads, aligns and deduplicates everything but writes nothing. */
async function dryRun(settings: Settings, started: number): Promise<MergeSummary> {
  const scan = await scanInputs(settings);
  // A dry run fails wherever the real run would, short of writing.
  await checkOutput(settings, scan.files);
  const cache = await openCache(settings);
  const state = newMergeState(settings, cache);
  let rows = 0;
  try {
    for await (const reduced of reduceWithPool(settings, scan.files, 'none', state, cache)) {
      rows += reduced.kept.length;
    }
  } finally {
    await cache?.close();
  }
  if (state.files.length === 0) throw allSkipped(state);
  const header = state.union.header(settings.sourceColumn ? [SOURCE_COLUMN] : []);
  let names: string[] = [];
  // A CSV output has no sheets, so no row limit either.
  if (settings.outputFormat === 'xlsx') {
    if (rows > MAX_DATA_ROWS && settings.overflow === 'error') throw tooManyRows();
    const sheetCount = Math.max(1, Math.ceil(rows / MAX_DATA_ROWS));
    names = Array.from({ length: sheetCount }, (_, i) => outputSheetName(i));
    if (settings.summarySheet) names.push(SUMMARY_SHEET);
  }
  return summarize(settings, state, scan.ignored, started, null, header.names, names, cache);
}
/**
 * Like {@link merge}, but yields the merged rows instead of writing a workbook. Rows come in
 * merge order; the generator's return value is the summary.
 */
export async function* mergeRows(
  options: Omit<MergeOptions, 'output' | 'force'>,
): AsyncGenerator<MergedRow, MergeSummary> {
  const started = performance.now();
  // Nothing is written, so no output is checked against the inputs, and each row carries its
  // file and sheet itself (`sourceColumn` adds nothing here).
  const settings = normalizeOptions({ ...options, sourceColumn: false });
  const cache = await openCache(settings);
  const scan = await scanInputs(settings);
  const state = newMergeState(settings, cache);
  try {
    for await (const reduced of reduceWithPool(settings, scan.files, 'values', state, cache)) {
      // Loosely matched columns go by the merged header's spelling, not the sheet's own.
      const names = reduced.outputs.map((output) => state.union.nameAt(output));
      for (const index of reduced.kept) yield toMergedRow(reduced, index, names);
    }
  } finally {
    await cache?.close();
  }
  if (state.files.length === 0) throw allSkipped(state);
  const header = state.union.header([]);
  return summarize(settings, state, scan.ignored, started, null, header.names, [], cache);
}
/**
 * Runs the parse pool for the length of one reduction, and always stops it. With a cache, a
 * file goes to the pool only when the cache has no sound entry for it; the caller closes the
 * cache.
 */
async function* reduceWithPool(
  settings: Settings,
  files: readonly InputFile[],
  render: RenderMode,
  state: MergeState,
  cache: ParseCache | null,
  kept: KeptFormats | null = null,
): AsyncGenerator<ReducedSheet> {
  const pool = createParsePool(Math.min(settings.jobs, files.length), settings);
  // Killing the workers makes every parse in flight fail at once, so a cancelled run ends now.
  const stop = () => void pool.close(true);
  settings.signal?.addEventListener('abort', stop, { once: true });
  const parseInPool = (task: ParseTask) => pool.parse(task);
  try {
    const parse = async (file: InputFile) => {
      // Asked for in input order, as parseInOrder starts the files.
      const styles =
        kept === null
          ? null
          : kept.tableFor(file, (input) =>
              pool.readFormats({
                file: input.path,
                display: input.display,
                limits: settings.limits,
              }),
            );
      const task = parseTaskFor(file, settings, render, styles === null ? null : await styles);
      return cache === null ? parseInPool(task) : cache.parse(task, parseInPool);
    };
    yield* reduceFiles(files, settings, parse, state);
    await cache?.prune();
  } catch (error) {
    throwIfAborted(settings.signal);
    throw error;
  } finally {
    settings.signal?.removeEventListener('abort', stop);
    await pool.close(true);
  }
}
function openCache(settings: Settings): Promise<ParseCache | null> {
  return settings.cache === null ? Promise.resolve(null) : ParseCache.open(settings.cache);
}
function toMergedRow(reduced: ReducedSheet, index: number, names: readonly string[]): MergedRow {
  const cells = reduced.sheet.values?.[index] ?? [];
  // fromEntries defines own properties, so a column called "__proto__" is kept like any other.
  const values: Record<string, CellValue> = Object.fromEntries(
    reduced.sheet.columns.map((column, slot) => [
      names[slot] ?? column.name,
      cells[column.source] ?? null,
    ]),
  );
  return {
    file: reduced.file.display,
    sheet: reduced.sheet.name,
    row: reduced.sheet.rowNumbers[index] ?? 0,
    values,
  };
}
function newMergeState(settings: Settings, cache: ParseCache | null): MergeState {
  const union = new ColumnUnion(settings.sourceColumn ? 1 : 0, {
    match: settings.matchHeaders,
    selected: settings.columns,
  });
  return {
    union,
    files: [],
    skipped: [],
    renamesUsed: new Set(),
    fromCache: cache?.cachedResults ?? new WeakSet(),
  };
}
function summarize(
  settings: Settings,
  state: MergeState,
  ignored: MergeSummary['ignored'],
  started: number,
  output: string | null,
  columns: readonly string[],
  sheets: readonly string[],
  cache: ParseCache | null,
  duplicatesReport: string | null = null,
  styles: OutputStyles | null = null,
): MergeSummary {
  const files = finishFileSummaries(state);
  const sum = (pick: (file: (typeof files)[number]) => number) =>
    files.reduce((total, file) => total + pick(file), 0);
  const warnings = renamesInNoFile(settings.rename, state.renamesUsed, columns).map(
    (message): RunWarning => ({ kind: 'unusedRename', message }),
  );
  return {
    output,
    duplicatesReport,
    sheets,
    columns,
    files,
    skipped: state.skipped,
    ignored,
    warnings,
    rowsRead: sum((file) => file.rowsRead),
    rowsKept: sum((file) => file.rowsKept),
    duplicates: sum((file) => file.duplicatesInFile + file.duplicatesAcrossFiles),
    truncatedCells: sum((file) => file.truncatedCells),
    numberFormats:
      styles === null
        ? null
        : {
            kept: styles.keptFormats,
            refused: styles.refusedFormats,
            cellsWithoutFormat: sum((file) => file.cellsWithoutFormat),
          },
    cache: cache === null ? null : { folder: cache.folder, ...cache.counts },
    seconds: Math.round(performance.now() - started) / 1000,
  };
}
function allSkipped(state: MergeState): XlmergeError {
  return new XlmergeError(ErrorCode.FilesFailed, 'No file could be merged; nothing was written', {
    hint: state.skipped.map((skipped) => skipped.reason).join('; '),
  });
}
