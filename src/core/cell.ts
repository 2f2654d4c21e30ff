/**
 * The value of one worksheet cell, as xlmerge carries it from the reader through
 * dedupe to the writer. `null` is an empty cell.
 *
 * - text: every character kept, rich text flattened to the concatenation of its runs
 * - number: the IEEE double parsed from the stored text, never rounded
 * - boolean
 * - {@link DateCell}: a number whose number format is a date or time format
 * - {@link ErrorCell}: an Excel error value such as `#N/A`
 */
export type CellValue = string | number | boolean | DateCell | ErrorCell | null;

/**
 * A date, date-time, time of day or elapsed time. Stored as an Excel serial in the
 * 1900 date system (days since 1899-12-30, with Excel's fictitious 1900-02-29 at 60),
 * so values from 1904-system workbooks are converted on read (+1462 days). The arithmetic is in
 * `excel-dates.ts`.
 */
export interface DateCell {
  readonly kind: 'date';
  readonly serial: number;
  /** The source format was an elapsed-time format such as `[h]:mm`. */
  readonly elapsed?: boolean;
}

/** An Excel error value: `#NULL!`, `#DIV/0!`, `#VALUE!`, `#REF!`, `#NAME?`, `#NUM!`, `#N/A`, … */
export interface ErrorCell {
  readonly kind: 'error';
  /** One of {@link EXCEL_ERROR_VALUES}. */
  readonly code: string;
}

/**
 * The error values an Excel cell can hold: the seven of ECMA-376 (Part 1, 18.17.4.4) and those
 * Excel 365 added (`#GETTING_DATA`; dynamic arrays `#SPILL!`, `#CALC!`; data types and linked
 * data `#FIELD!`, `#BLOCKED!`, `#CONNECT!`, `#BUSY!`, `#UNKNOWN!`, `#EXTERNAL!`; Python in Excel
 * `#PYTHON!`), as Excel's ErrorCellValueType lists them. An error cell holding anything else is
 * not one Excel wrote, and reading it as an error would put text of any kind in the output.
 */
export const EXCEL_ERROR_VALUES: ReadonlySet<string> = new Set([
  '#NULL!',
  '#DIV/0!',
  '#VALUE!',
  '#REF!',
  '#NAME?',
  '#NUM!',
  '#N/A',
  '#GETTING_DATA',
  '#SPILL!',
  '#CALC!',
  '#FIELD!',
  '#BLOCKED!',
  '#CONNECT!',
  '#BUSY!',
  '#UNKNOWN!',
  '#EXTERNAL!',
  '#PYTHON!',
]);

/**
 * The error values of the binary formats by their byte, `BErr` in .xls ([MS-XLS] 2.5.11) and
 * .xlsb ([MS-XLSB] 2.5.97.2): each one of {@link EXCEL_ERROR_VALUES}. Any other byte is not one
 * Excel writes.
 */
export const EXCEL_ERROR_BY_BYTE: ReadonlyMap<number, string> = new Map([
  [0x00, '#NULL!'],
  [0x07, '#DIV/0!'],
  [0x0f, '#VALUE!'],
  [0x17, '#REF!'],
  [0x1d, '#NAME?'],
  [0x24, '#NUM!'],
  [0x2a, '#N/A'],
  [0x2b, '#GETTING_DATA'],
]);

export function isDateCell(value: CellValue): value is DateCell {
  return typeof value === 'object' && value !== null && value.kind === 'date';
}

export function isErrorCell(value: CellValue): value is ErrorCell {
  return typeof value === 'object' && value !== null && value.kind === 'error';
}

/** True for cells that carry nothing: empty, or text of length 0. */
export function isEmptyCell(value: CellValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}
