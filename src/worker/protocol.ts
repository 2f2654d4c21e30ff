/**
 * What crosses the thread boundary between the main thread and a parse worker. Both sides
 * import these types; nothing else is sent.
 */
import type { CellValue } from '../core/cell.js';
import type { KeepMode } from '../core/dedupe.js';
import type { HeaderRules, SourceColumn } from '../core/header.js';
import type { KeyOptions } from '../core/key.js';
import type { PackedKeys } from '../core/packed-keys.js';
import type { SerializedError } from '../errors.js';
import type { SheetSelector } from '../options.js';
import type { CellFormatIds } from '../reader/cell-formats.js';
import type { ReadLimits } from '../reader/read-limits.js';
import type { WorkbookFormat } from '../reader/workbook-reader.js';
import type { CsvRows, RenderedRows } from '../render/rendered-rows.js';

/** How the worker hands over the surviving rows. */
export type RenderMode =
  /** As cell XML for the output sheet (`renderRowCells`), the cheapest form for the writer. */
  | 'xlsx'
  /**
   * As CSV fields (`renderCsvFieldsInto`), field `i` for source column `i` (or, with the task's
   * `columns`, for output position `i`), so the main thread copies them as bytes.
   */
  | 'csv'
  /** As cell values, for callers that want the rows themselves. */
  | 'values'
  /** Not at all: only counts and keys (a dry run). */
  | 'none';

/** One file to parse and deduplicate. */
export interface ParseTask {
  readonly file: string;
  readonly display: string;
  readonly sheet: SheetSelector;
  readonly headerRow: number | null;
  /** Renames and how names are compared (`rename`, `matchHeaders`). */
  readonly headers: HeaderRules;
  /**
   * The output's columns (`columns`), in order: the sheet's other columns are left out, and
   * rendered cells go straight to their output columns (`columnOffset + position`), so the
   * main thread copies rows as bytes. `null`: every column, rendered at `source + offset`.
   */
  readonly columns: readonly string[] | null;
  /** A CSV file's delimiter (`csvDelimiter`); `null` detects it. A `sep=` first line wins. */
  readonly csvDelimiter: string | null;
  /** A CSV file's numbers and ISO dates become typed cells (`csvTypes`). */
  readonly csvTypes: boolean;
  readonly keyColumns: readonly string[] | 'all' | null;
  readonly key: KeyOptions;
  readonly keep: KeepMode;
  readonly render: RenderMode;
  /**
   * Output columns before the file's own (the `Source` column): rendered cell references are
   * shifted right by this many columns (render `xlsx` only).
   */
  readonly columnOffset: number;
  /**
   * The output style of each source cell style (a cell's s), when cells keep their number
   * format; null: they do not (formats plain).
   */
  readonly outputStyles: Uint32Array | null;
  readonly limits: ReadLimits;
  /** Cut text past Excel's 32,767 characters instead of failing. */
  readonly truncateLong: boolean;
  /**
   * The output is a workbook, so a sheet past Excel's limits fails the file: text past 32,767
   * characters (render `xlsx` always checks; this tells a dry run what to check), and more
   * than 16,384 columns (checked on the header before its names are made unique, and as data
   * reaches new columns; without `columns` only, as those leave the others out). A CSV output
   * has neither limit.
   */
  readonly sheetLimits: boolean;
  /**
   * Hand over the rows dropped inside the file, and every surviving row's values, for the
   * duplicates report.
   */
  readonly reportDuplicates: boolean;
}

/** The surviving rows of one sheet, after the in-file dedupe. */
export interface SheetResult {
  readonly name: string;
  /** 0-based position among the workbook's worksheets. */
  readonly index: number;
  /** 1-based row of the header, or 0 for a sheet with no rows at all. */
  readonly headerRow: number;
  /** Rows above the header taken for title lines and not read (see `HeaderFinder`). */
  readonly titleLines: readonly number[];
  /**
   * The sheet's columns in source order; with the task's `columns`, only the selected ones,
   * in output order and named as listed.
   */
  readonly columns: readonly SourceColumn[];
  /** With the task's `columns`: names of the sheet's columns left out. */
  readonly otherColumns: readonly string[];
  /**
   * The `xml` cells are at their output columns already (the task listed the columns), so
   * rows are copied as they are.
   */
  readonly placed: boolean;
  /** Data rows read (blank rows not counted). */
  readonly rowsRead: number;
  /**
   * Keys of the surviving rows, one per row (`null`: every key cell empty, or no dedupe),
   * packed so they cross the thread boundary as buffers.
   */
  readonly keys: PackedKeys;
  /** 1-based source row numbers of the surviving rows. */
  readonly rowNumbers: readonly number[];
  /**
   * With render `xlsx`: the surviving rows as cell XML whose references use the column letters
   * of `source + columnOffset` (or, when `placed`, of the output column) and the row-number
   * placeholder.
   */
  readonly xml: RenderedRows | null;
  /** With render `csv`: the surviving rows as CSV fields, all of one width. */
  readonly csv: CsvRows | null;
  /**
   * With render `values` or `reportDuplicates`: each surviving row's cells by source column
   * index.
   */
  readonly values: readonly CellValue[][] | null;
  /**
   * With `values` and `outputStyles`: each of those rows' output styles by source column
   * (`null`: none), for the duplicates report; absent or `null` otherwise.
   */
  readonly valueStyles?: readonly (readonly number[] | null)[] | null;
  /** With `reportDuplicates`: the rows dropped inside the file as duplicates. */
  readonly dropped: DroppedRows | null;
  /** Widest text seen per column (same order as `columns`), in characters. */
  readonly widths: readonly number[];
}

/** Rows dropped as duplicates inside one sheet, for the duplicates report. */
export interface DroppedRows {
  /** In the form `keyAt` gives (comparable with the packed keys, not for showing). */
  readonly keys: readonly string[];
  /** 1-based source row numbers. */
  readonly rowNumbers: readonly number[];
  /** Cells by source column index. */
  readonly values: readonly CellValue[][];
  /** With `outputStyles`: each row's output styles by source column (`null`: none). */
  readonly styles?: readonly (readonly number[] | null)[] | null;
}

export interface FileResult {
  /** What the file is, by its content (see `openInput`). */
  readonly format: WorkbookFormat;
  readonly sheets: readonly SheetResult[];
  /** Hidden sheets the `sheet` selection passed over (see `SelectedSheets.hiddenPassedOver`). */
  readonly hiddenSheets: readonly string[];
  /** The old names of `rename` (as the options spell them) that renamed a column here. */
  readonly renamesUsed: readonly string[];
  /** Data rows read in all sheets (blank rows not counted). */
  readonly rowsRead: number;
  /** Blank rows inside the data, left out. */
  readonly blankRows: number;
  /** Rows dropped as duplicates of rows in the same file. */
  readonly duplicatesInFile: number;
  /**
   * With keep `none`: keys that occurred more than once in this file, in the form `keyAt`
   * gives.
   */
  readonly repeatedKeys: readonly string[];
  /** Formula cells without a cached value (read as empty). */
  readonly formulasWithoutValue: number;
  /** Cells written without their number format: the output kept too many others. */
  readonly cellsWithoutFormat: number;
  /** Text cells cut to 32,767 characters (`truncateLong`). */
  readonly truncatedCells: number;
  /** Bytes inflated from the file, counted on the real streams. */
  readonly inflatedBytes: number;
}

/** A worker's answer; errors travel as data so their code and context survive the trip. */
export type ParseResponse =
  | { readonly ok: true; readonly result: FileResult }
  | { readonly ok: false; readonly error: SerializedError };

/** What a worker is asked to read of a workbook's styles (for `KeptFormats`). */
export interface FormatsTask {
  readonly file: string;
  readonly display: string;
  readonly limits: ReadLimits;
}

/** A worker's answer to a {@link FormatsTask}. */
export type FormatsResponse =
  | { readonly ok: true; readonly formats: CellFormatIds }
  | { readonly ok: false; readonly error: SerializedError };

/**
 * What a worker emits (through the pool library's events) when it begins a task: `fileTimeout`
 * counts from here, so a worker's start-up time is not charged to the file it was given.
 */
export const PARSE_STARTED = 'parse-started';
