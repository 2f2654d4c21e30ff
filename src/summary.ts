import type { ErrorCode } from './errors.js';
import type { WorkbookFormat } from './reader/workbook-reader.js';

/** What happened to one input file. */
export interface FileSummary {
  /** The file as shown to the user. */
  readonly file: string;
  /**
   * What the file is, told by its content rather than its name: `xlsx` (also an .xlsm), `xlsb`,
   * `xls` (Excel 97-2003), `ods` (OpenDocument) or `csv`.
   */
  readonly format: WorkbookFormat;
  /** The sheets read, in workbook order. */
  readonly sheets: readonly SheetSummary[];
  /**
   * Hidden sheets passed over that would have been read were they visible: before the first
   * visible sheet by default, every one with `sheet: 'all'`, those a pattern matches. A hidden
   * sheet is read only when named.
   */
  readonly hiddenSheets: readonly string[];
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
  /**
   * Cells written without their number format (`formats: 'keep'`): the output already keeps as
   * many custom formats as Excel takes (see {@link NumberFormatsSummary}).
   */
  readonly cellsWithoutFormat: number;
  /** Text cells cut to Excel's 32,767 characters (`truncateLong`). */
  readonly truncatedCells: number;
  /** Bytes the file inflated to as it was read (what `limits.maxRunBytes` counts). */
  readonly inflatedBytes: number;
  /** Columns this file brought into the merge first. */
  readonly addedColumns: readonly string[];
  /** Columns of the merge this file does not have (its rows are empty there). */
  readonly missingColumns: readonly string[];
  /**
   * The file's parse result came from the cache (`cache`): its bytes and the parse options were
   * those of an earlier run. The counts above are the same as if it had been parsed.
   */
  readonly cached: boolean;
}

export interface SheetSummary {
  readonly name: string;
  /** 1-based row of the header. */
  readonly headerRow: number;
  /**
   * Rows above the header taken for title lines and not read: a narrow row ("Monthly report")
   * above the first wide all-text row. Empty when the header is the first row with anything in
   * it, or was given (`headerRow`).
   */
  readonly titleLines: readonly number[];
  readonly rowsRead: number;
}

/** A file that could not be merged and was left out (`skipErrors`). */
export interface SkippedFile {
  readonly file: string;
  readonly code: ErrorCode;
  /** The reason in words, with the sheet/row when known. */
  readonly reason: string;
}

/**
 * Something in an input folder that is not read, with the reason: a lock file, a file of
 * another type, a subfolder (without `recursive`), the cache folder. Dot files are left out.
 */
export interface IgnoredFile {
  /** The file or folder as shown to the user. */
  readonly file: string;
  /**
   * `lock`: a lock file of an open workbook; `unsupported`: a spreadsheet xlmerge does not read
   * (`.xls`, `.ods`, `.xlsb`, `.numbers`, …) or does not read from folders (a template);
   * `other`: any other file the patterns do not take; `folder`: a subfolder, read only with
   * `recursive`; `cache`: the cache folder (`cache`); `notAFile`: a FIFO, socket, device, a
   * symbolic link to nothing, or a name that is not valid UTF-8; `link`: a link to a folder
   * that is read already (a loop), not followed; `duplicate`: a file read already through
   * another path (a link, a hard link, a second input), read once.
   */
  readonly kind:
    | 'lock'
    | 'unsupported'
    | 'other'
    | 'folder'
    | 'cache'
    | 'notAFile'
    | 'link'
    | 'duplicate';
  /** The reason in words. */
  readonly reason: string;
}

/** Something the run did not do as asked, though it could go on: said once for the run. */
export interface RunWarning {
  /** `unusedRename`: a `rename` whose old name no merged file has. */
  readonly kind: 'unusedRename';
  /** In words, naming the option and the closest name the files have. */
  readonly message: string;
}

/** What the parse cache (`cache`) did in a run. */
export interface CacheSummary {
  /** Absolute path of the cache folder. */
  readonly folder: string;
  /** Files whose parse result came from the cache. */
  readonly hits: number;
  /** Files parsed, for want of an entry for their current bytes and options. */
  readonly misses: number;
  /**
   * Of the misses: files whose entry was there but damaged (truncated, altered, written by
   * other code) and was parsed again and replaced.
   */
  readonly rebuilt: number;
  /**
   * Input sheets whose rows went into the output as the cache kept them, already compressed:
   * the same rows of the same files landed on the same output rows as in an earlier run.
   */
  readonly segmentsReused: number;
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
  /** What the run did not do as asked, though it could go on (a rename no file needed). */
  readonly warnings: readonly RunWarning[];
  readonly rowsRead: number;
  readonly rowsKept: number;
  /** Rows dropped as duplicates, in and across files. */
  readonly duplicates: number;
  /** Text cells cut to Excel's 32,767 characters (`truncateLong`). */
  readonly truncatedCells: number;
  /** The number formats kept, or `null` when none were (`formats: 'plain'`, a CSV output). */
  readonly numberFormats: NumberFormatsSummary | null;
  /** What the parse cache did, or `null` without `cache`. */
  readonly cache: CacheSummary | null;
  /** Wall-clock duration of the run. */
  readonly seconds: number;
}

/** What `formats: 'keep'` did. */
export interface NumberFormatsSummary {
  /** Distinct number formats the output's cells have, General aside. */
  readonly kept: number;
  /**
   * Distinct custom formats past what the output can hold (196: Excel takes 200 at least), left
   * out: their cells are written as with `formats: 'plain'`.
   */
  readonly refused: number;
  /** Cells written without their number format, over every file. */
  readonly cellsWithoutFormat: number;
}
