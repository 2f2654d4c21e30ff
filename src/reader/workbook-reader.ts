/**
 * What every reader gives, whatever the format: an open workbook whose sheets stream as rows.
 * The .xlsx, .xlsb, .xls, .ods and CSV readers implement it; everything after them (keys,
 * dedupe, output) sees only this.
 */
import type { CellValue } from '../core/cell.js';
import type { CellFormatIds } from './cell-formats.js';
import type { ReadLimits } from './read-limits.js';

/**
 * The formats xlmerge reads. `xlsx` includes `.xlsm` (the same format with macros, which are
 * not run); the workbook formats are told apart by their content, CSV by the `.csv` name.
 */
export type WorkbookFormat = (typeof WORKBOOK_FORMATS)[number];

/** Every {@link WorkbookFormat}. */
export const WORKBOOK_FORMATS = ['xlsx', 'xlsb', 'xls', 'ods', 'csv'] as const;

/** What a workbook format's opener takes. */
export interface OpenReaderOptions {
  /** The path to show in messages. */
  readonly displayPath: string;
  /** Caps against decompression bombs and hostile files, each in full. */
  readonly limits: ReadLimits;
}

/** One worksheet as listed in the workbook, in workbook order. */
export interface SheetInfo {
  /** The sheet's name as shown on its tab. */
  readonly name: string;
  /** 0-based position in the workbook's sheet list (worksheets only). */
  readonly index: number;
  /**
   * Where the sheet is in the file, for messages: the zip entry of an .xlsx, .xlsb or .ods sheet
   * (`xl/worksheets/sheet1.xml`, `xl/worksheets/sheet1.bin`, `content.xml`), the stream of an
   * .xls one (`Workbook`); `''` for a CSV file.
   */
  readonly part: string;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
}

/** One row read from a sheet. */
export interface SheetRow {
  /** 1-based row number in the sheet (from `r`, or counted when `r` is missing). */
  readonly number: number;
  /**
   * Cell values by 0-based column index (A = 0). Empty cells are `null`; the array ends at the
   * row's last cell that the XML lists, so rows differ in length.
   */
  readonly cells: CellValue[];
  /**
   * When the read was asked for them ({@link ReadRowsOptions.outputStyles}): the output style of
   * each cell by column, for the cells that have one (others are 0 or past the end); `null` when
   * none has. Absent otherwise.
   */
  readonly styles?: number[] | null;
}

/** What one sheet read counted besides its rows. */
export interface ReadStats {
  /** Formula cells that had no cached value (read as empty). */
  formulasWithoutValue: number;
  /** Cells whose number format the output could not keep (`STYLE_REFUSED` in the table). */
  cellsWithoutFormat: number;
}

/** Options of {@link WorkbookReader.readRows}. */
export interface ReadRowsOptions {
  /**
   * The output style of each of the workbook's cell styles (an .xlsx cell's `s`; the indexes of
   * {@link WorkbookReader.readFormatIds}), when cells keep
   * their number format: rows then carry {@link SheetRow.styles}. A CSV file has no styles.
   */
  readonly outputStyles?: Uint32Array | null;
  /** Stops reading with an `ABORTED` error. */
  readonly signal?: AbortSignal;
  /** Filled in when the sheet has been read to the end. */
  readonly stats?: ReadStats;
}

/** An open workbook whose sheets can be read as streams of rows, or a CSV file read as one. */
export interface WorkbookReader<Format extends WorkbookFormat = WorkbookFormat> {
  /** What the file is (see `openInput`). */
  readonly format: Format;
  /** The display path given in the options, for messages. */
  readonly file: string;
  /** Worksheets only, in workbook order (chart sheets and dialog sheets are skipped). */
  readonly sheets: readonly SheetInfo[];
  /** The workbook counts dates from 1904; date cells are converted to the 1900 system anyway. */
  readonly date1904: boolean;
  /**
   * Rows of one sheet, in batches (about one batch per inflated chunk, cut at about a million
   * cells counting the empty ones before a row's last cell), streaming: memory
   * holds one chunk and the shared strings, however big the sheet. If reading fails, the
   * workbook is closed; stopping early only stops this sheet's stream.
   */
  readRows(sheet: SheetInfo, options?: ReadRowsOptions): AsyncIterable<SheetRow[]>;
  /** Bytes inflated from the file so far, counted on the real streams (for a per-run cap). */
  readonly inflatedBytes: number;
  /**
   * The number format id of each of the workbook's cell styles (what {@link
   * ReadRowsOptions.outputStyles} is indexed by) and the custom codes; null for a file that has
   * no styles (CSV).
   */
  readFormatIds(signal?: AbortSignal): Promise<CellFormatIds | null>;
  /** Closes the file. Safe to call more than once. */
  close(): Promise<void>;
}
