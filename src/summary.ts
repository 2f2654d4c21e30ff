import type { ErrorCode } from './errors.js';

/** What happened to one input file. */
export interface FileSummary {
  /** The file as shown to the user. */
  readonly file: string;
  /** The sheets read, in workbook order. */
  readonly sheets: readonly SheetSummary[];
  /** Data rows read (blank rows not counted). */
  readonly rowsRead: number;
  /** Rows of this file in the output. */
  readonly rowsKept: number;
  /** Rows dropped as duplicates of rows in the same file. */
  readonly duplicatesInFile: number;
  /** Rows dropped because another file has a row with the same key. */
  readonly duplicatesAcrossFiles: number;
  /** Blank rows inside the data, left out. */
  readonly blankRows: number;
  /** Formula cells without a cached value (written as empty). */
  readonly formulasWithoutValue: number;
  /** Text cells cut to Excel's 32,767 characters (`truncateLong`). */
  readonly truncatedCells: number;
  /** Bytes the file inflated to as it was read (what `limits.maxRunBytes` counts). */
  readonly inflatedBytes: number;
  /** Columns this file brought into the merge first. */
  readonly addedColumns: readonly string[];
  /** Columns of the merge this file does not have (its rows are empty there). */
  readonly missingColumns: readonly string[];
}

export interface SheetSummary {
  readonly name: string;
  /** 1-based row of the header. */
  readonly headerRow: number;
  readonly rowsRead: number;
}

/** A file that could not be merged and was left out (`skipErrors`). */
export interface SkippedFile {
  readonly file: string;
  readonly code: ErrorCode;
  /** The reason in words, with the sheet/row when known. */
  readonly reason: string;
}

/** A file the scan passed over, such as a lock file or the output itself. */
export interface IgnoredFile {
  readonly file: string;
  readonly reason: string;
}

/** The outcome of a merge. */
export interface MergeSummary {
  /** Absolute path of the written workbook, or `null` when nothing was written. */
  readonly output: string | null;
  /** Absolute path of the written duplicates report, or `null`. */
  readonly duplicatesReport: string | null;
  /**
   * The output's sheets: `Merged`, then `Merged (2)`, … with `overflow: 'split'`, and `Summary`
   * with `summarySheet`. Empty for a CSV output, which has no sheets.
   */
  readonly sheets: readonly string[];
  /** The merged header, in output order. */
  readonly columns: readonly string[];
  /** Every merged file, in merge order. */
  readonly files: readonly FileSummary[];
  readonly skipped: readonly SkippedFile[];
  readonly ignored: readonly IgnoredFile[];
  readonly rowsRead: number;
  readonly rowsKept: number;
  /** Rows dropped as duplicates, in and across files. */
  readonly duplicates: number;
  /** Text cells cut to Excel's 32,767 characters (`truncateLong`). */
  readonly truncatedCells: number;
  /** Wall-clock duration of the run. */
  readonly seconds: number;
}
