/** xlmerge: merge Excel workbooks into one, without the duplicate rows. */
export type { CellValue, DateCell, ErrorCell } from './core/cell.js';
export { isDateCell, isErrorCell } from './core/cell.js';
export type { KeepMode } from './core/dedupe.js';
export { dateCellToDate } from './core/excel-dates.js';
export type { HeaderMatch } from './core/header-match.js';
export type { HeaderChoice } from './core/header-row.js';
export type { CsvEncoding } from './csv/read/text-decoder.js';
export type { ErrorContext } from './errors.js';
export { ErrorCode, XlmergeError } from './errors.js';
export type {
  CsvFacts,
  InspectedFile,
  InspectedSheet,
  InspectProblem,
  InspectReport,
  RunProblem,
  WorkbookSheet,
} from './inspect/report.js';
export { inspect } from './inspect.js';
export type { MergedRow } from './merge.js';
export { merge, mergeRows } from './merge.js';
export type { FormatsMode, MergeOptions, Progress } from './options.js';
export type { ReadLimits } from './reader/read-limits.js';
export { DEFAULT_READ_LIMITS } from './reader/read-limits.js';
export type { WorkbookFormat } from './reader/workbook-reader.js';
export type {
  CacheSummary,
  FileSummary,
  IgnoredFile,
  MergeSummary,
  NumberFormatsSummary,
  RunWarning,
  SheetSummary,
  SkippedFile,
} from './summary.js';
