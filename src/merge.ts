import { promises as fs } from 'node:fs';
import path from 'node:path';
import { segmentKey } from './cache/cache-key.js';
import { ParseCache } from './cache/parse-cache.js';
import type { CellValue } from './core/cell.js';
import { writeCsvRows } from './csv/write/csv-rows.js';
import { type CsvWriter, createCsvWriter } from './csv/write/csv-writer.js';
import { ErrorCode, XlmergeError } from './errors.js';
import {
  type MergeOptions,
  normalizeOptions,
  type OutputFormat,
  type OverflowMode,
  type Settings,
} from './options.js';
import { ColumnUnion } from './reduce/column-union.js';
import { DUPLICATES_COLUMNS, DuplicatesCollector } from './reduce/duplicates-report.js';
import { throwIfAborted } from './reduce/parse-in-order.js';
import { placeRow } from './reduce/place-row.js';
import {
  finishFileSummaries,
  type ReducedSheet,
  type ReduceReport,
  reduceFiles,
  sourceLabel,
} from './reduce/reduce-files.js';
import { type InputFile, scanInputs } from './scan/scan-inputs.js';
import type { MergeSummary } from './summary.js';
import { parseTaskFor } from './worker/parse-task.js';
import { createParsePool } from './worker/pool.js';
import type { ParseTask, RenderMode } from './worker/protocol.js';
import { decodeRow, rowStart } from './worker/rendered-rows.js';
import { renderRowCells } from './xlsx/write/cell-xml.js';
import { type CompressedSegment, SEGMENT_COMPRESSION } from './xlsx/write/segmented-body.js';
import { MAX_DATA_ROWS, type SheetHeader } from './xlsx/write/sheet-writer.js';
import {
  createWorkbookWriter,
  type SheetWriter,
  type WorkbookWriter,
} from './xlsx/write/workbook-writer.js';

/** The name of the output sheet. */
export const OUTPUT_SHEET = 'Merged';
/** The sheet of the duplicates report (`duplicatesReport`). */
export const DUPLICATES_SHEET = 'Duplicates';
/** The name of the per-file summary sheet (`summarySheet`). */
export const SUMMARY_SHEET = 'Summary';
const SUMMARY_COLUMNS = [
  'File',
  'Rows read',
  'Rows kept',
  'Duplicates in the file',
  'Duplicates of other files',
  'Blank rows',
  'Adds columns',
  'Lacks columns',
  'Skipped because',
];
/** The wanted name of the provenance column (`sourceColumn`). */
export const SOURCE_COLUMN = 'Source';
/** Rows written between waits for the compressor (or the file) to catch up. */
const DRAIN_EVERY = 4096;

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
  await checkOutput(settings);
  const cache = await openCache(settings);
  const scan = await scanInputs(settings);
  throwIfAborted(settings.signal);
  const report = newReport(settings, cache);
  const output =
    settings.outputFormat === 'csv'
      ? csvOutput(settings, report)
      : workbookOutput(settings, report, cache);
  const duplicates = settings.duplicatesReport === null ? null : new DuplicatesCollector();
  const reportFile =
    settings.duplicatesReport === null
      ? null
      : createReportFile(settings.duplicatesReport, settings.duplicatesReportFormat);
  try {
    const render = output.render;
    for await (const reduced of reduceWithPool(settings, scan.files, render, report, cache)) {
      await output.write(reduced);
      duplicates?.add(reduced);
    }
    if (report.files.length === 0) throw allSkipped(report);
    const header = report.union.header(settings.sourceColumn ? [SOURCE_COLUMN] : []);
    const names = await output.end(header);
    if (duplicates !== null && reportFile !== null) {
      await writeDuplicatesReport(reportFile, duplicates, header.names, settings);
    }
    throwIfAborted(settings.signal);
    // The report first: if the output then fails, the new report is taken back, so a failed
    // run never leaves one file of the pair replaced.
    await reportFile?.commit();
    try {
      await output.commit();
    } catch (error) {
      if (settings.duplicatesReport !== null)
        await fs.rm(settings.duplicatesReport, { force: true });
      throw error;
    }
    return summarize(
      report,
      scan.ignored,
      started,
      settings.output,
      header.names,
      names,
      cache,
      settings.duplicatesReport,
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

/** Where the merged rows go: a workbook or a CSV file. */
interface MergeOutput {
  /** How the workers hand rows over for this output. */
  readonly render: RenderMode;
  /** Writes a reduced sheet's surviving rows. */
  write(reduced: ReducedSheet): Promise<void>;
  /** Ends the output under the final header; returns the output's sheets. */
  end(header: { names: string[]; widths: number[] }): Promise<string[]>;
  /** Puts the output in place. */
  commit(): Promise<void>;
  /** Removes whatever was written; the target is untouched. */
  abort(): Promise<void>;
}

/**
 * The output as a workbook: `Merged` (and more with `overflow: 'split'`), maybe `Summary`. With
 * a cache, each input sheet's rows are reused from it compressed, or kept there, when they fill
 * the same rows of the same sheet (see {@link writeRows}).
 */
function workbookOutput(
  settings: Settings,
  report: ReduceReport,
  cache: ParseCache | null,
): MergeOutput {
  const writer = createWorkbookWriter({ path: settings.output });
  const sheets = new OutputSheets(writer, settings.overflow);
  return {
    render: 'xlsx',
    write: (reduced) => writeRows(sheets, reduced, settings, cache),
    async end(header) {
      await sheets.end({ columns: header.names, widths: header.widths });
      const names = [...sheets.names];
      if (settings.summarySheet) {
        names.push(SUMMARY_SHEET);
        await writeSummarySheet(writer.addSheet(SUMMARY_SHEET), report);
      }
      return names;
    },
    commit: () => writer.commit(),
    abort: () => writer.abort(),
  };
}

/** The output as one CSV file, which has no sheets (and so no row limit). */
function csvOutput(settings: Settings, report: ReduceReport): MergeOutput {
  const writer = createCsvWriter({ path: settings.output });
  return {
    render: 'csv',
    write: (reduced) => writeCsvRows(writer, reduced, report.union.size, settings.sourceColumn),
    async end(header) {
      await writer.end(header.names);
      return [];
    },
    commit: () => writer.commit(),
    abort: () => writer.abort(),
  };
}

/** The duplicates report's file, a one-sheet workbook or CSV, written at the end of the run. */
interface ReportFile {
  /** Writes the header and the rows (each at most as wide as the header). */
  write(columns: readonly string[], rows: readonly (readonly CellValue[])[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

function createReportFile(file: string, format: OutputFormat): ReportFile {
  if (format === 'csv') {
    let writer: CsvWriter | null = null;
    return {
      async write(columns, rows) {
        const csv = createCsvWriter({ path: file });
        writer = csv;
        csv.widen(columns.length);
        await writeAll(
          rows,
          (row) => csv.writeRow(row),
          () => csv.drain(),
        );
        await csv.end(columns);
      },
      commit: async () => writer?.commit(),
      abort: async () => writer?.abort(),
    };
  }
  const writer = createWorkbookWriter({ path: file });
  return {
    async write(columns, rows) {
      const sheet = writer.addSheet(DUPLICATES_SHEET);
      await writeAll(
        rows,
        (row) => sheet.writeRow(row),
        () => sheet.drain(),
      );
      await sheet.end({ columns });
    },
    commit: () => writer.commit(),
    abort: () => writer.abort(),
  };
}

/** Writes `rows` one by one, waiting for the writer every few thousand. */
async function writeAll(
  rows: readonly (readonly CellValue[])[],
  write: (row: readonly CellValue[]) => void,
  drain: () => Promise<void>,
): Promise<void> {
  let written = 0;
  for (const row of rows) {
    write(row);
    written += 1;
    if (written % DRAIN_EVERY === 0) await drain();
  }
  await drain();
}

/** The duplicates report: one line per dropped row (see {@link DuplicatesCollector}). */
async function writeDuplicatesReport(
  file: ReportFile,
  duplicates: DuplicatesCollector,
  header: readonly string[],
  settings: Settings,
): Promise<void> {
  const reserved = settings.sourceColumn ? 1 : 0;
  await file.write([...DUPLICATES_COLUMNS, ...header.slice(reserved)], duplicates.rows(reserved));
}

/** A merge that reads, aligns and deduplicates everything but writes nothing. */
async function dryRun(settings: Settings, started: number): Promise<MergeSummary> {
  // A dry run fails wherever the real run would, short of writing.
  await checkOutput(settings);
  const cache = await openCache(settings);
  const scan = await scanInputs(settings);
  const report = newReport(settings, cache);
  let rows = 0;
  try {
    for await (const reduced of reduceWithPool(settings, scan.files, 'none', report, cache)) {
      rows += reduced.kept.length;
    }
  } finally {
    await cache?.close();
  }
  if (report.files.length === 0) throw allSkipped(report);
  const header = report.union.header(settings.sourceColumn ? [SOURCE_COLUMN] : []);
  let names: string[] = [];
  // A CSV output has no sheets, so no row limit either.
  if (settings.outputFormat === 'xlsx') {
    if (rows > MAX_DATA_ROWS && settings.overflow === 'error') throw tooManyRows();
    const sheetCount = Math.max(1, Math.ceil(rows / MAX_DATA_ROWS));
    names = Array.from({ length: sheetCount }, (_, i) => outputSheetName(i));
    if (settings.summarySheet) names.push(SUMMARY_SHEET);
  }
  return summarize(report, scan.ignored, started, null, header.names, names, cache);
}

/** The `Summary` sheet: one line per merged file, then one per skipped file. */
async function writeSummarySheet(sheet: SheetWriter, report: ReduceReport): Promise<void> {
  for (const file of finishFileSummaries(report)) {
    sheet.writeRow([
      file.file,
      file.rowsRead,
      file.rowsKept,
      file.duplicatesInFile,
      file.duplicatesAcrossFiles,
      file.blankRows,
      file.addedColumns.join(', '),
      file.missingColumns.join(', '),
      '',
    ]);
  }
  for (const skipped of report.skipped) {
    sheet.writeRow([skipped.file, null, null, null, null, null, '', '', skipped.reason]);
  }
  await sheet.end({ columns: SUMMARY_COLUMNS });
}

/**
 * Like {@link merge}, but yields the merged rows instead of writing a workbook. Rows come in
 * merge order; the generator's return value is the summary.
 */
export async function* mergeRows(
  options: Omit<MergeOptions, 'output' | 'force'>,
): AsyncGenerator<MergedRow, MergeSummary> {
  const started = performance.now();
  // Nothing is written, so no output file is kept out of the inputs, and each row carries its
  // file and sheet itself (`sourceColumn` adds nothing here).
  const settings = normalizeOptions({ ...options, sourceColumn: false });
  const cache = await openCache(settings);
  const scan = await scanInputs(settings, { output: false });
  const report = newReport(settings, cache);
  try {
    for await (const reduced of reduceWithPool(settings, scan.files, 'values', report, cache)) {
      // Loosely matched columns go by the merged header's spelling, not the sheet's own.
      const names = reduced.outputs.map((output) => report.union.nameAt(output));
      for (const index of reduced.kept) yield toMergedRow(reduced, index, names);
    }
  } finally {
    await cache?.close();
  }
  if (report.files.length === 0) throw allSkipped(report);
  const header = report.union.header([]);
  return summarize(report, scan.ignored, started, null, header.names, [], cache);
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
  report: ReduceReport,
  cache: ParseCache | null,
): AsyncGenerator<ReducedSheet> {
  const pool = createParsePool(Math.min(settings.jobs, files.length), settings);
  // Killing the workers makes every parse in flight fail at once, so a cancelled run ends now.
  const stop = () => void pool.close(true);
  settings.signal?.addEventListener('abort', stop, { once: true });
  const parseInPool = (task: ParseTask) => pool.parse(task);
  try {
    const parse = (file: InputFile) => {
      const task = parseTaskFor(file, settings, render);
      return cache === null ? parseInPool(task) : cache.parse(task, parseInPool);
    };
    yield* reduceFiles(files, settings, parse, report);
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

/**
 * The output sheets: `Merged`, then with `overflow: 'split'` `Merged (2)`, … as each fills up
 * to Excel's row limit. With `overflow: 'error'` a full sheet fails the run (before anything
 * reaches the output path).
 */
class OutputSheets {
  readonly #writer: WorkbookWriter;
  readonly #overflow: OverflowMode;
  readonly #sheets: SheetWriter[] = [];
  readonly names: string[] = [];

  constructor(writer: WorkbookWriter, overflow: OverflowMode) {
    this.#writer = writer;
    this.#overflow = overflow;
    this.#add();
  }

  /** The sheet the next row goes to. */
  current(): SheetWriter {
    const sheet = this.#sheets.at(-1) as SheetWriter;
    if (sheet.rowCount < MAX_DATA_ROWS) return sheet;
    if (this.#overflow === 'error') throw tooManyRows();
    return this.#add();
  }

  async end(header: SheetHeader): Promise<void> {
    for (const sheet of this.#sheets) await sheet.end(header);
  }

  #add(): SheetWriter {
    const name = outputSheetName(this.#sheets.length);
    const sheet = this.#writer.addSheet(name);
    this.#sheets.push(sheet);
    this.names.push(name);
    return sheet;
  }
}

/** `Merged`, then `Merged (2)`, `Merged (3)`, … for the sheets `overflow: 'split'` adds. */
function outputSheetName(index: number): string {
  return index === 0 ? OUTPUT_SHEET : `${OUTPUT_SHEET} (${index + 1})`;
}

function tooManyRows(): XlmergeError {
  return new XlmergeError(
    ErrorCode.TooManyRows,
    `The merge has more than ${MAX_DATA_ROWS.toLocaleString('en-US')} rows, the most an Excel sheet holds below its header; nothing was written`,
    { hint: 'Use --overflow split to continue in more sheets, or merge fewer files' },
  );
}

/**
 * Writes a reduced sheet's surviving rows as one segment of the current output sheet (see
 * `SheetWriter`), or, when they overflow into the next sheet, as one segment in each.
 *
 * With a cache, a segment written whole is looked up by what its bytes depend on (the file's
 * parse result, the rows kept, where they go): found, its compressed bytes are appended as
 * they are; otherwise it is written and kept for the next run. Only results that came from the
 * cache are looked up: a file just parsed was not in the cache, so neither are its segments.
 */
async function writeRows(
  sheets: OutputSheets,
  reduced: ReducedSheet,
  settings: Settings,
  cache: ParseCache | null,
): Promise<void> {
  const rows = reduced.sheet.xml;
  if (rows === null) throw new Error('Internal: a worker rendered no XML');
  // Ask for a sheet only when there is a row for it: a full sheet followed by nothing new
  // must neither fail (overflow 'error') nor open an empty sheet (overflow 'split').
  if (reduced.kept.length === 0) return;
  const offset = settings.sourceColumn ? 1 : 0;
  const prefixXml = settings.sourceColumn ? renderRowCells([sourceLabel(reduced)]) : '';
  let sheet = sheets.current();
  let keep: ((segment: CompressedSegment) => void) | undefined;
  if (cache !== null && sheet.rowCount + reduced.kept.length <= MAX_DATA_ROWS) {
    const parts = {
      sheet: reduced.sheet.index,
      kept: reduced.kept,
      firstRow: sheet.rowCount + 2,
      outputs: reduced.outputs,
      placed: reduced.sheet.placed,
      columnOffset: offset,
      prefix: prefixXml,
      compression: SEGMENT_COMPRESSION,
    };
    const resultKey = cache.keyOf(reduced.result);
    if (cache.cachedResults.has(reduced.result)) {
      const key = await resultKey;
      const found =
        key === null
          ? null
          : await cache.readSegment(segmentKey({ resultKey: key, ...parts }), reduced.kept.length);
      if (found !== null) {
        sheet.appendSegment(found);
        await sheet.drain();
        return;
      }
    }
    keep = (segment) => {
      const key = resultKey.then((settled) =>
        settled === null ? null : segmentKey({ resultKey: settled, ...parts }),
      );
      cache.storeSegment(key, segment);
    };
  }
  const place = reduced.sheet.placed
    ? null
    : placeRow(reduced.sheet.columns, reduced.outputs, offset);
  const prefix = prefixXml === '' ? undefined : Buffer.from(prefixXml, 'utf8');
  // A Buffer view (no copy) of the transferred bytes, for Buffer's fast indexOf.
  const bytes = Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.bytes.length);
  sheet.startSegment(keep);
  let written = 0;
  for (const index of reduced.kept) {
    if (sheet.rowCount >= MAX_DATA_ROWS) {
      await sheet.drain();
      sheet = sheets.current();
      sheet.startSegment();
    }
    if (place === null) {
      sheet.writeRenderedBytes(bytes, rowStart(rows, index), rows.ends[index] as number, prefix);
    } else {
      sheet.writeRenderedRow(prefixXml + place(decodeRow(rows, index)));
    }
    written += 1;
    if (written % DRAIN_EVERY === 0) await sheet.drain();
  }
  // Ends the segment, so it is kept without waiting for the next one.
  sheet.startSegment();
  await sheet.drain();
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

function newReport(settings: Settings, cache: ParseCache | null): ReduceReport {
  const union = new ColumnUnion(settings.sourceColumn ? 1 : 0, {
    match: settings.matchHeaders,
    selected: settings.columns,
  });
  return { union, files: [], skipped: [], fromCache: cache?.cachedResults ?? new WeakSet() };
}

function summarize(
  report: ReduceReport,
  ignored: MergeSummary['ignored'],
  started: number,
  output: string | null,
  columns: readonly string[],
  sheets: readonly string[],
  cache: ParseCache | null,
  duplicatesReport: string | null = null,
): MergeSummary {
  const files = finishFileSummaries(report);
  const sum = (pick: (file: (typeof files)[number]) => number) =>
    files.reduce((total, file) => total + pick(file), 0);
  return {
    output,
    duplicatesReport,
    sheets,
    columns,
    files,
    skipped: report.skipped,
    ignored,
    rowsRead: sum((file) => file.rowsRead),
    rowsKept: sum((file) => file.rowsKept),
    duplicates: sum((file) => file.duplicatesInFile + file.duplicatesAcrossFiles),
    truncatedCells: sum((file) => file.truncatedCells),
    cache: cache === null ? null : { folder: cache.folder, ...cache.counts },
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

/** Refuses to start a run whose output cannot or must not be written. */
async function checkOutput(settings: Settings): Promise<void> {
  await checkTarget(settings.output, settings.force, '-o');
  const report = settings.duplicatesReport;
  if (report === null) return;
  if (report === settings.output) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      'The duplicates report and the output are the same file',
      { file: report, hint: 'Give --duplicates another file name' },
    );
  }
  await checkTarget(report, settings.force, '--duplicates');
}

/** Refuses a file to write that is a folder, exists (without `force`), or has no folder. */
async function checkTarget(target: string, force: boolean, option: string): Promise<void> {
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) {
    throw new XlmergeError(ErrorCode.InvalidOption, 'The output path is a folder', {
      file: target,
      hint: `Give a file name, such as ${option} merged.xlsx`,
    });
  }
  if (stat !== null && !force) {
    throw new XlmergeError(ErrorCode.OutputExists, 'The output file already exists', {
      file: target,
      hint: `Use --force to replace it, or choose another name with ${option}`,
    });
  }
  const folder = await fs.stat(path.dirname(target)).catch(() => null);
  if (!folder?.isDirectory()) {
    throw new XlmergeError(ErrorCode.WriteFailed, 'The output folder does not exist', {
      file: target,
      hint: `Create ${path.dirname(target)} first`,
    });
  }
}

function allSkipped(report: ReduceReport): XlmergeError {
  return new XlmergeError(ErrorCode.FilesFailed, 'No file could be merged; nothing was written', {
    hint: report.skipped.map((skipped) => skipped.reason).join('; '),
  });
}
