import type { CellValue } from '../../core/cell.js';

/** One worksheet as listed in the workbook, in workbook order. */
export interface SheetInfo {
  /** The sheet's name as shown on its tab. */
  readonly name: string;
  /** 0-based position in the workbook's sheet list (worksheets only). */
  readonly index: number;
  /** The zip entry holding the sheet XML, such as `xl/worksheets/sheet1.xml`; `''` for a CSV file. */
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
}

/** What one sheet read counted besides its rows. */
export interface ReadStats {
  /** Formula cells that had no cached value (read as empty). */
  formulasWithoutValue: number;
}

/** Caps that protect a worker against decompression bombs and absurd parts. */
export interface ReadLimits {
  /** Most inflated bytes one zip entry may produce. @default 4 GiB */
  readonly maxEntryBytes: number;
  /** Most inflated bytes all the entries read from one file may produce. @default 16 GiB */
  readonly maxFileBytes: number;
  /**
   * Most inflated bytes all the files of one run may produce together. Checked as each file
   * is done (a single file is held to maxFileBytes as it streams). @default 1 TiB
   */
  readonly maxRunBytes: number;
  /** Longest single XML element (such as one row, or one shared string) held in memory. @default 256 MiB (chars) */
  readonly maxElementChars: number;
  /**
   * Most strings in a workbook's shared strings table. Each costs memory however short it is
   * (`<si/>`, 5 bytes of XML, is 8 bytes of the table, and 24 in the row engine's), and a few
   * hundred KB of zip inflate to tens of millions of them. @default 2^24 (16,777,216)
   */
  readonly maxSharedStrings: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = Object.freeze({
  maxEntryBytes: 4 * 1024 ** 3,
  maxFileBytes: 16 * 1024 ** 3,
  maxRunBytes: 1024 ** 4,
  maxElementChars: 256 * 1024 ** 2,
  maxSharedStrings: 2 ** 24,
});
