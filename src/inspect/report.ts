import type { HeaderChoice } from '../core/header-row.js';
import type { CsvEncoding } from '../csv/read/text-decoder.js';
import type { ErrorCode } from '../errors.js';
import type { WorkbookFormat } from '../reader/workbook-reader.js';
import type { IgnoredFile, RunWarning } from '../summary.js';

/** What {@link inspect} found: what a merge with the same options would see, file by file. */
export interface InspectReport {
  /** Every workbook the merge would read, in merge order. */
  readonly files: readonly InspectedFile[];
  /**
   * The union of the column names of every file that could be read, in first-seen order: the
   * header the merge would write (without a `Source` column).
   */
  readonly columns: readonly string[];
  /** The key columns checked (`dedupe`); `'all'`: every column; `null`: no dedupe. */
  readonly keyColumns: readonly string[] | 'all' | null;
  /** Everything in the input folders that would not be read, with the reason. */
  readonly ignored: readonly IgnoredFile[];
  /**
   * What would stop the merge as a whole: the output (or duplicates report, or cache folder) is
   * an input, a key column or a sheet that no file has (a typo).
   */
  readonly runProblems: readonly RunProblem[];
  /** What the merge would warn of and go on: a rename no file needs. */
  readonly warnings: readonly RunWarning[];
  /** True when nothing would stop the merge: no run problem, and no file with a problem. */
  readonly ok: boolean;
}

/** A problem of the run as a whole, not of one file. */
export interface RunProblem {
  /**
   * `outputIsInput`: the merge would refuse to write over an input (`OUTPUT_IS_INPUT`);
   * `keyColumnsInNoFile`, `sheetsInNoFile`: a name in `dedupe` or `sheet` that no file has.
   */
  readonly kind: 'outputIsInput' | 'keyColumnsInNoFile' | 'sheetsInNoFile';
  /** In words, with the closest names the files have. */
  readonly description: string;
}

/** One input workbook. */
export interface InspectedFile {
  /** The file as shown to the user (relative to the working folder when inside it). */
  readonly file: string;
  /** Absolute path. */
  readonly path: string;
  /**
   * What the file is, told by its content (`xlsx`, also for an .xlsm; `xlsb`, `xls`, `ods`,
   * `csv`); `null` when it could not be opened as any of them.
   */
  readonly format: WorkbookFormat | null;
  /** Every worksheet of the workbook, in workbook order; empty when it could not be opened. */
  readonly sheets: readonly WorkbookSheet[];
  /**
   * Hidden sheets the `sheet` selection passes over and would read were they visible (before
   * the first visible sheet by default, all of them with `all`, those a pattern matches).
   */
  readonly hiddenSheets: readonly string[];
  /**
   * The sheets the merge would read (`sheet` option), in workbook order. A sheet whose reading
   * failed is left out (the failure is in `problems`).
   */
  readonly read: readonly InspectedSheet[];
  /** The file's column names over its read sheets, in first-seen order. */
  readonly columns: readonly string[];
  /** For each name of {@link InspectReport.columns}, in order: whether this file has it. */
  readonly hasColumns: readonly boolean[];
  /** Data rows over its read sheets (blank rows not counted). */
  readonly rows: number;
  /**
   * Distinct number formats, General aside, of its data cells: what the merged workbook keeps
   * of this file (`formats: 'keep'`). 0 for a CSV file, which has none.
   */
  readonly numberFormats: number;
  /** What would make the merge fail on this file, or leave it without data. Empty: fine. */
  readonly problems: readonly InspectProblem[];
  /** For a `.csv` file that could be opened: how its text was read. Absent for workbooks. */
  readonly csv?: CsvFacts;
}

/** How a CSV file was read. */
export interface CsvFacts {
  /**
   * The encoding: from the byte order mark, or detected (see docs/csv.md, Encoding). A file that is all
   * ASCII says `utf-8`, which reads it the same as windows-1252.
   */
  readonly encoding: CsvEncoding;
  /** The file starts with a byte order mark. */
  readonly bom: boolean;
  /** The field separator. */
  readonly delimiter: string;
  /** The delimiter was detected: neither named by a `sep=` line nor given (`csvDelimiter`). */
  readonly delimiterDetected: boolean;
  /**
   * The file's first line is Excel's `sep=` directive (`sep=;`): the delimiter is the one it
   * names, over detection and `csvDelimiter`, and the line is not a row (row 1 is the line
   * after it).
   */
  readonly sepLine: boolean;
}

/** A worksheet as the workbook lists it. */
export interface WorkbookSheet {
  readonly name: string;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
}

/** One sheet the merge would read. */
export interface InspectedSheet {
  readonly name: string;
  /**
   * 1-based row of the header: the `headerRow` option, else the first non-empty row (or the
   * first wide all-text row below title lines); `null` when the sheet has no non-empty row.
   */
  readonly headerRow: number | null;
  /**
   * Why the header is on that row: `option` (`headerRow`), `first` (the first non-empty row),
   * `below-title` (the first wide all-text row below title lines, see `titleLines`); `null`
   * when the sheet has no non-empty row.
   */
  readonly headerChoice: HeaderChoice | null;
  /** Rows above the header taken for title lines and not read (`below-title`). */
  readonly titleLines: readonly number[];
  /** Data rows below the header (blank rows not counted). */
  readonly rows: number;
  /** Blank rows below the header, which the merge leaves out. */
  readonly blankRows: number;
  /**
   * Column names in sheet order, exactly as the merge names them: trimmed header text,
   * `Column C` for data without a header, ` (2)` for repeats.
   */
  readonly columns: readonly string[];
  /** Key columns (`dedupe`) that the header lacks. */
  readonly missingKeyColumns: readonly string[];
}

/** Why a merge would fail on a file, or get nothing from it. */
export type InspectProblem =
  /** The file could not be read: not a workbook, damaged, no such sheet, … */
  | {
      readonly kind: 'unreadable';
      readonly code: ErrorCode;
      /** The error in words, with its place (`XlmergeError.describe()`). */
      readonly description: string;
    }
  /** A sheet lacks key columns, which fails the merge. */
  | {
      readonly kind: 'missingKeyColumns';
      readonly sheet: string;
      readonly columns: readonly string[];
    }
  /**
   * The file gives no data: its sheet has nothing in it (with `sheet: 'all'`: every sheet has
   * nothing in it).
   */
  | { readonly kind: 'empty'; readonly sheets: readonly string[] };
