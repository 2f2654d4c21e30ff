/**
 * The merged output: a workbook (`Merged`, more sheets past Excel's row limit, `Summary`), or
 * one CSV file.
 */
import { segmentKey } from '../cache/cache-key.js';
import type { ParseCache } from '../cache/parse-cache.js';
import { MAX_DATA_ROWS } from '../core/excel-limits.js';
import { createCsvWriter } from '../csv/write/csv-writer.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { FinishedFile } from '../io/temp-files.js';
import type { OverflowMode, Settings } from '../options.js';
import {
  finishFileSummaries,
  type MergeState,
  type ReducedSheet,
  sourceLabel,
} from '../reduce/reduce-files.js';
import type { OutputStyles } from '../render/cell-styles.js';
import { renderRowCells } from '../render/cell-xml.js';
import { placeCells } from '../render/place-columns.js';
import { decodeRow, rowStart } from '../render/rendered-rows.js';
import type { RenderMode } from '../worker/protocol.js';
import { type CompressedSegment, SEGMENT_COMPRESSION } from '../xlsx/write/segmented-body.js';
import type { SheetHeader } from '../xlsx/write/sheet-writer.js';
import {
  createWorkbookWriter,
  type SheetWriter,
  type WorkbookWriter,
} from '../xlsx/write/workbook-writer.js';
import { writeCsvRows } from './csv-rows.js';

/** The name of the output sheet. */
export const OUTPUT_SHEET = 'Merged';
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
export const DRAIN_EVERY = 4096;
/** Where the merged rows go: a workbook or a CSV file. */
export interface MergeOutput {
  /** How the workers hand rows over for this output. */
  readonly render: RenderMode;
  /** Writes a reduced sheet's surviving rows. */
  write(reduced: ReducedSheet): Promise<void>;
  /** Ends the output under the final header; returns the output's sheets. */
  end(header: { names: string[]; widths: number[] }): Promise<string[]>;
  /**
   * The output's complete file under its temporary name, for the run to put in place with the
   * duplicates report (`placeFiles`), all or none.
   */
  finish(): Promise<FinishedFile>;
  /**
   * Removes the temp files left: everything written when the run failed (the target is
   * untouched), what is left once the finished file was placed.
   */
  abort(): Promise<void>;
}
/**
 * The output as a workbook: `Merged` (and more with `overflow: 'split'`), maybe `Summary`. With
 * a cache, each input sheet's rows are reused from it compressed, or kept there, when they fill
 * the same rows of the same sheet (see {@link writeRows}).
 */
function workbookOutput(
  settings: Settings,
  target: string,
  state: MergeState,
  cache: ParseCache | null,
  styles: OutputStyles | null,
): MergeOutput {
  const writer = createWorkbookWriter(
    styles === null ? { path: target } : { path: target, styles: () => styles.toXml() },
  );
  const sheets = new OutputSheets(writer, settings.overflow);
  return {
    render: 'xlsx',
    write: (reduced) => writeRows(sheets, reduced, settings, cache),
    async end(header) {
      await sheets.end({ columns: header.names, widths: header.widths });
      const names = [...sheets.names];
      if (settings.summarySheet) {
        names.push(SUMMARY_SHEET);
        await writeSummarySheet(writer.addSheet(SUMMARY_SHEET), state);
      }
      return names;
    },
    finish: () => writer.finish(),
    abort: () => writer.abort(),
  };
}
/** The output as one CSV file, which has no sheets (and so no row limit). */
function csvOutput(settings: Settings, target: string, state: MergeState): MergeOutput {
  const writer = createCsvWriter({ path: target });
  return {
    render: 'csv',
    write: (reduced) => writeCsvRows(writer, reduced, state.union.size, settings.sourceColumn),
    async end(header) {
      await writer.end(header.names);
      return [];
    },
    finish: async () => writer.finish(),
    abort: () => writer.abort(),
  };
}
/** The `Summary` sheet: one line per merged file, then one per skipped file. */
async function writeSummarySheet(sheet: SheetWriter, state: MergeState): Promise<void> {
  for (const file of finishFileSummaries(state)) {
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
  for (const skipped of state.skipped) {
    sheet.writeRow([skipped.file, null, null, null, null, null, '', '', skipped.reason]);
  }
  await sheet.end({ columns: SUMMARY_COLUMNS });
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
export function outputSheetName(index: number): string {
  return index === 0 ? OUTPUT_SHEET : `${OUTPUT_SHEET} (${index + 1})`;
}
export function tooManyRows(): XlmergeError {
  return new XlmergeError(
    ErrorCode.TooManyRows,
    `The merge has more than ${MAX_DATA_ROWS.toLocaleString('en-US')} rows, the most an Excel sheet holds below its header; nothing was written`,
    { hint: "Use `overflow: 'split'` to continue in more sheets, or merge fewer files" },
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
    : placeCells(reduced.sheet.columns, reduced.outputs, offset);
  const prefix = prefixXml === '' ? undefined : Buffer.from(prefixXml, 'utf8');
  // A Buffer view (no copy) of the transferred bytes, for Buffer's fast indexOf.
  const bytes = Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.bytes.length);
  sheet.startSegment(keep);
  let written = 0;
  // An indexed loop: for-of made an iterator result per row here (25 MB on the medium set),
  // as the awaits below keep the loop from being optimised whole.
  const kept = reduced.kept;
  for (let k = 0; k < kept.length; k++) {
    const index = kept[k] as number;
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

/**
 * The output `settings.output` names, written at `target` (the same path, or the file its link
 * points to): a workbook, or one CSV file for a `.csv` name.
 */
export function createMergeOutput(
  settings: Settings,
  target: string,
  state: MergeState,
  cache: ParseCache | null,
  styles: OutputStyles | null = null,
): MergeOutput {
  return settings.outputFormat === 'csv'
    ? csvOutput(settings, target, state)
    : workbookOutput(settings, target, state, cache, styles);
}
