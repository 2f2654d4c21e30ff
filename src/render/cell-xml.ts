import type { CellValue } from '../core/cell.js';
import { columnLetters } from '../core/column-letters.js';
import { MAX_CELL_TEXT } from '../core/excel-limits.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { StyleId } from './cell-styles.js';
import { RenderBuffer } from './render-buffer.js';
import { escapeXmlText, isXmlSpace } from './xml-escape.js';

/**
 * Stands for the row number inside rendered cell XML; the sheet writer replaces it. Never
 * occurs in rendered XML otherwise (NUL is not allowed in XML and is escaped as `_x0000_`).
 */
export const ROW_NUMBER_PLACEHOLDER = '\u0000';

const CELL_START = '<c r="';
/** Enough for `<c r="` + placeholder + the longest fragment and number below (letters apart). */
export const CELL_MARKUP_BYTES = 96;
// Pre-built tails of `<c r="A\0"` for each kind of cell.
const TEXT = `" t="inlineStr"><is><t>`;
const TEXT_PRESERVE = `" t="inlineStr"><is><t xml:space="preserve">`;
const TEXT_END = '</t></is></c>';
const NUMBER = '"><v>';
const VALUE_END = '</v></c>';
const TRUE = '" t="b"><v>1</v></c>';
const FALSE = '" t="b"><v>0</v></c>';
const ERROR = '" t="e"><v>';
const NUM_ERROR = '" t="e"><v>#NUM!</v></c>';
const DATE = `" s="${StyleId.Date}"><v>`;
const DATE_TIME = `" s="${StyleId.DateTime}"><v>`;
const TIME = `" s="${StyleId.Time}"><v>`;
const ELAPSED = `" s="${StyleId.Elapsed}"><v>`;
/**
 * A cell that keeps its number format: this and the output's style id come right after
 * `<c r="A\0`, and the cell's usual tail (which starts with `"`) after them, so
 * `<c r="A\0" s="7"><v>12.5</v></c>` (a date is then written as a number in that style).
 */
const STYLE_START = '" s="';

/**
 * The markup after `<c r="A\0` of the cells the row engine writes, each named as its enum
 * fragment in engine-layout.h: it writes these bytes, so the two paths cannot drift apart.
 */
export const CELL_FRAGMENTS = Object.freeze({
  number: NUMBER,
  valueEnd: VALUE_END,
  true: TRUE,
  false: FALSE,
  date: DATE,
  dateTime: DATE_TIME,
  time: TIME,
  elapsed: ELAPSED,
  text: TEXT,
  textPreserve: TEXT_PRESERVE,
  textEnd: TEXT_END,
  styleStart: STYLE_START,
});

/**
 * Renders the non-empty cells of one row:
 * `<c r="A\0" t="inlineStr"><is><t>x</t></is></c><c r="B\0"><v>1.5</v></c>…`, where `\0` is
 * {@link ROW_NUMBER_PLACEHOLDER}. `columns[i]` gives the output column letters for `cells[i]`
 * (default: `columnLetters(i)`). Skips null and "" cells.
 *
 * Numbers are written as their shortest round-trip text (`-0` as `0`); NaN and ±Infinity, which
 * a sheet cannot hold, as the error `#NUM!`. Throws `CELL_TOO_LONG` for text past Excel's
 * 32,767 characters and `TOO_MANY_COLUMNS` past column XFD.
 */
export function renderRowCells(
  cells: readonly CellValue[],
  columns?: readonly string[],
  styles?: readonly number[] | null,
): string {
  const out = new RenderBuffer(256);
  renderRowCellsInto(out, cells, columns, undefined, styles);
  return out.toString();
}

/**
 * {@link renderRowCells} into `out`. When `widths` is given, `widths[i]` is raised to the
 * number of characters cell `i` shows (for column widths).
 *
 * `styles[i]`, when given and not 0, is the output style cell `i` keeps (its source's number
 * format, see `OutputStyles`): `<c r="A\0" s="7"><v>1.5</v></c>`. A date with a kept style is
 * its serial number in that style; a date without one gets the fixed date style its value
 * calls for, as when no format is kept.
 */
export function renderRowCellsInto(
  out: RenderBuffer,
  cells: readonly CellValue[],
  columns?: readonly string[],
  widths?: number[],
  styles?: readonly number[] | null,
): void {
  const count = cells.length;
  for (let i = 0; i < count; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined || cell === '') continue;
    let letters: string | undefined;
    if (columns === undefined) letters = columnLetters(i);
    else {
      letters = columns[i];
      if (letters === undefined) throw missingColumn(i, columns.length);
    }
    // Room for the markup and a number; text reserves its own room.
    out.reserve(CELL_MARKUP_BYTES + letters.length);
    out.putAscii(CELL_START);
    out.putAscii(letters);
    out.putByte(0);
    const style = styles == null ? 0 : (styles[i] ?? 0);
    if (style !== 0) {
      out.putAscii(STYLE_START);
      out.putNumber(style);
    }
    let width: number;
    if (typeof cell === 'string') {
      if (cell.length > MAX_CELL_TEXT) throw cellTooLong(cell.length, letters);
      width = putTextCellRest(out, cell);
    } else if (typeof cell === 'number') {
      if (Number.isFinite(cell)) {
        out.putAscii(NUMBER);
        width = Math.min(out.putNumber(cell), 15);
        out.putAscii(VALUE_END);
      } else {
        out.putAscii(NUM_ERROR);
        width = 6;
      }
    } else if (typeof cell === 'boolean') {
      out.putAscii(cell ? TRUE : FALSE);
      width = 5;
    } else if (cell.kind === 'date') {
      const serial = cell.serial;
      if (!Number.isFinite(serial)) out.putAscii(NUM_ERROR);
      else {
        let fragment: string;
        if (style !== 0) fragment = NUMBER;
        else if (cell.elapsed === true) fragment = ELAPSED;
        else if (serial >= 0 && serial < 1) fragment = TIME;
        else if (Number.isInteger(serial)) fragment = DATE;
        else fragment = DATE_TIME;
        out.putAscii(fragment);
        out.putNumber(serial);
        out.putAscii(VALUE_END);
      }
      width = Number.isInteger(serial) ? 10 : 19;
    } else if (cell.kind === 'error') {
      out.putAscii(ERROR);
      out.utf8(escapeXmlText(cell.code));
      out.ascii(VALUE_END);
      width = cell.code.length;
    } else {
      throw new XlmergeError(
        ErrorCode.Internal,
        `Cannot write cell ${letters}: unknown value ${JSON.stringify(cell)}`,
      );
    }
    if (widths !== undefined && width > (widths[i] ?? 0)) widths[i] = width;
  }
}

/**
 * A text cell after its `<c r="A\0`: the rest of its markup and the text, into `out` (with room
 * for the markup reserved); returns the characters it shows (up to the first line break). The
 * row engine renders each shared string with it once, and copies the bytes into every cell.
 */
export function putTextCellRest(out: RenderBuffer, text: string): number {
  const first = text.charCodeAt(0);
  const lastChar = text.charCodeAt(text.length - 1);
  // XML whitespace at either end is kept only under xml:space="preserve".
  out.putAscii(isXmlSpace(first) || isXmlSpace(lastChar) ? TEXT_PRESERVE : TEXT);
  const newline = out.xmlText(text);
  out.ascii(TEXT_END);
  return newline === -1 ? text.length : newline;
}

function cellTooLong(length: number, letters: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.CellTooLong,
    `A text cell has ${length.toLocaleString('en-US')} characters; Excel allows at most ${MAX_CELL_TEXT.toLocaleString('en-US')}`,
    { column: letters },
  );
}

function missingColumn(index: number, mapped: number): XlmergeError {
  return new XlmergeError(
    ErrorCode.Internal,
    `Cannot write the cell at index ${index}: only ${mapped} output columns were given`,
  );
}
