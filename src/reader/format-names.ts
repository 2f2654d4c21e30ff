/**
 * The workbook formats in words, and what a file's name says it is: for the note on a file whose
 * content is another format than its name says (exports are often misnamed, and xlmerge reads a
 * file by what it holds).
 */
import path from 'node:path';
import type { WorkbookFormat } from './workbook-reader.js';

const BY_EXTENSION: Readonly<Record<string, WorkbookFormat>> = {
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.xltx': 'xlsx',
  '.xltm': 'xlsx',
  '.xlsb': 'xlsb',
  '.xls': 'xls',
  '.xlt': 'xls',
  '.ods': 'ods',
  '.csv': 'csv',
};

const IN_WORDS: Readonly<Record<WorkbookFormat, string>> = {
  xlsx: 'an .xlsx workbook',
  xlsb: 'an Excel binary workbook (.xlsb)',
  xls: 'an Excel 97-2003 workbook (.xls)',
  ods: 'an OpenDocument spreadsheet (.ods)',
  csv: 'CSV text',
};

/**
 * True for paths that are read as CSV text: those ending in `.csv`, in any case. Here rather
 * than beside `openInput`, so the main thread can ask it without loading every reader.
 */
export function isCsvPath(file: string): boolean {
  return path.extname(file).toLowerCase() === '.csv';
}

/** The format a file's name says it has; null for a name that says none of them. */
export function formatOfName(file: string): WorkbookFormat | null {
  return BY_EXTENSION[path.extname(file).toLowerCase()] ?? null;
}

/** The format in words: `an Excel 97-2003 workbook (.xls)`. */
export function describeFormat(format: WorkbookFormat): string {
  return IN_WORDS[format];
}

/**
 * For a file read as another format than its name says: `read as an .xlsx workbook, which it
 * is (its name says .xls)`; null when the name agrees or says nothing.
 */
export function misnamedNote(file: string, format: WorkbookFormat): string | null {
  const named = formatOfName(file);
  if (named === null || named === format) return null;
  return `read as ${describeFormat(format)}, which it is (its name says ${path.extname(file)})`;
}
