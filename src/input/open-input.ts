import path from 'node:path';
import { type CsvReader, openCsv } from '../csv/read/open-csv.js';
import type { ReadLimits } from '../reader/read-limits.js';
import { openWorkbook, type XlsxWorkbookReader } from '../xlsx/read/open-workbook.js';

/** Options of {@link openInput}. */
export interface OpenInputOptions {
  /** The path to show in messages. */
  readonly displayPath: string;
  readonly limits: ReadLimits;
  /** A CSV file's delimiter; `null` detects it. A file's `sep=` first line wins. */
  readonly csvDelimiter: string | null;
  /** A CSV file's numbers and ISO dates become typed cells. */
  readonly csvTypes: boolean;
}

/**
 * The reader of an input: an xlsx workbook's, which can also hand a sheet to the row engine, or
 * a CSV file's; `format` tells them apart.
 */
export type InputReader = XlsxWorkbookReader | CsvReader;

/** True for paths that are read as CSV text: those ending in `.csv`, in any case. */
export function isCsvPath(file: string): boolean {
  return path.extname(file).toLowerCase() === '.csv';
}

/**
 * Opens an input file with the reader its extension calls for: `.csv` as CSV text (one sheet),
 * anything else as an .xlsx workbook. The one place that chooses, so the merge, the dry run
 * and inspect read every file alike.
 */
export function openInput(file: string, options: OpenInputOptions): Promise<InputReader> {
  if (isCsvPath(file)) {
    return openCsv(file, {
      displayPath: options.displayPath,
      maxRecordChars: options.limits.maxElementChars,
      delimiter: options.csvDelimiter,
      types: options.csvTypes,
    });
  }
  return openWorkbook(file, { displayPath: options.displayPath, limits: options.limits });
}
