/**
 * The attributes of rows and cells: `r` (the row number, or the cell reference), `s` (the style
 * index) and `t` (the cell type). The readers of raw values serve both paths of the sheet scanner;
 * the `parse…` functions read the attribute the lexer has just stepped to and report a bad one,
 * for the general path.
 */
import { MAX_COLUMNS, MAX_ROWS } from '../../core/excel-limits.js';
import { ErrorCode, type XlmergeError } from '../../errors.js';
import { CharCode } from '../../xml/xml-chars.js';
import type { XmlLexer } from '../../xml/xml-lexer.js';

const { DIGIT_0, DIGIT_9, UPPER_A, UPPER_Z, LOWER_A, LOWER_Z } = CharCode;

/** The cell's `t` attribute. */
export const CellType = {
  Number: 0,
  SharedString: 1,
  FormulaString: 2,
  InlineString: 3,
  Boolean: 4,
  Error: 5,
  Date: 6,
} as const;
export type CellType = (typeof CellType)[keyof typeof CellType];

/** Indexes (styles, shared strings) take no more digits past this. */
export const MAX_SAFE_INDEX = 0x7fffffff;

/**
 * The 0-based column of the cell reference `buf[start, end)` such as `BC12` (the row part is only
 * checked to be digits), or -1 when it is not one.
 */
export function readColumn(buf: string, start: number, end: number): number {
  let i = start;
  let column = 0;
  for (; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch >= UPPER_A && ch <= UPPER_Z) column = column * 26 + (ch - UPPER_A + 1);
    else if (ch >= LOWER_A && ch <= LOWER_Z) column = column * 26 + (ch - LOWER_A + 1);
    else break;
    if (column > MAX_COLUMNS) return -1;
  }
  if (column === 0) return -1;
  for (; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch < DIGIT_0 || ch > DIGIT_9) return -1;
  }
  return column - 1;
}

/** The unsigned decimal `buf[start, end)` (0 when empty), or -1 when it is not one or too big. */
export function readIndex(buf: string, start: number, end: number): number {
  let index = 0;
  for (let i = start; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch < DIGIT_0 || ch > DIGIT_9 || index > MAX_SAFE_INDEX) return -1;
    index = index * 10 + (ch - DIGIT_0);
  }
  return index;
}

/** The {@link CellType} named by the `t` value `buf[start, end)`, or -1. */
export function readCellType(buf: string, start: number, end: number): number {
  const length = end - start;
  if (length === 1) {
    switch (buf.charCodeAt(start)) {
      case 110: // n
        return CellType.Number;
      case 115: // s
        return CellType.SharedString;
      case 98: // b
        return CellType.Boolean;
      case 101: // e
        return CellType.Error;
      case 100: // d
        return CellType.Date;
    }
  } else if (length === 3 && buf.startsWith('str', start)) {
    return CellType.FormulaString;
  } else if (length === 9 && buf.startsWith('inlineStr', start)) {
    return CellType.InlineString;
  }
  return -1;
}

/** The row number in the `r` attribute the lexer has stepped to, from 1 to MAX_ROWS. */
export function parseRowNumber(lexer: XmlLexer): number {
  const buf = lexer.buf;
  const end = lexer.attributes.valueEnd;
  let number = 0;
  for (let i = lexer.attributes.valueStart; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch < DIGIT_0 || ch > DIGIT_9 || number > MAX_ROWS) return badRowNumber(lexer);
    number = number * 10 + (ch - DIGIT_0);
  }
  if (number === 0) return badRowNumber(lexer);
  return number;
}

function badRowNumber(lexer: XmlLexer): never {
  throw lexer.malformed(
    `expected a row number from 1 to ${MAX_ROWS} in r, found ${JSON.stringify(lexer.attributes.value())}`,
  );
}

/**
 * The 0-based column of the cell reference in the `r` attribute the lexer has stepped to, such
 * as `BC12` (the row part is not checked against the row).
 */
export function parseCellColumn(lexer: XmlLexer): number {
  const column = readColumn(lexer.buf, lexer.attributes.valueStart, lexer.attributes.valueEnd);
  if (column < 0) {
    throw lexer.malformed(
      `expected a cell reference from A1 to XFD${MAX_ROWS} in r, found ${JSON.stringify(lexer.attributes.value())}`,
    );
  }
  return column;
}

/** The style index in the `s` attribute the lexer has stepped to. */
export function parseStyle(lexer: XmlLexer): number {
  const style = readIndex(lexer.buf, lexer.attributes.valueStart, lexer.attributes.valueEnd);
  if (style < 0) {
    throw lexer.malformed(
      `expected a style index in s, found ${JSON.stringify(lexer.attributes.value())}`,
    );
  }
  return style;
}

/** The cell type in the `t` attribute the lexer has stepped to. */
export function parseCellType(lexer: XmlLexer): CellType {
  const type = readCellType(lexer.buf, lexer.attributes.valueStart, lexer.attributes.valueEnd);
  if (type < 0) {
    throw lexer.malformed(
      `expected a cell type (s, str, inlineStr, n, b, e or d) in t, found ${JSON.stringify(lexer.attributes.value())}`,
    );
  }
  return type as CellType;
}

/**
 * The error for `R`, `S` or `T` (the code `name`) on a row or cell (`on`) in or after row
 * `rowNumber`: XML names are case-sensitive, so it is not `r`, `s` or `t`, and passing over it
 * would read the cell as another type, or at another place.
 */
export function attributeCaseError(
  lexer: XmlLexer,
  name: number,
  on: string,
  rowNumber: number,
): XlmergeError {
  const upper = String.fromCharCode(name);
  const lower = upper.toLowerCase();
  const row = on === 'a row' ? `after row ${rowNumber}` : `in row ${rowNumber}`;
  return lexer.fail(
    ErrorCode.MalformedXml,
    `expected the attribute ${lower}, found ${upper} on ${on} ${row}`,
    undefined,
    `XML names are case-sensitive: ${upper} is not ${lower}, and no spreadsheet writer puts it there; open the workbook in Excel and save it again`,
  );
}
