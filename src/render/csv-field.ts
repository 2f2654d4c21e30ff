/**
 * One cell as a CSV field (RFC 4180, comma-delimited), written by the workers for the merged
 * rows and by the main thread for the header, the `Source` column and the duplicates report.
 *
 * CSV carries no types, so each value is written the way a person and a spreadsheet read it:
 *
 * - text as it is;
 * - numbers as their shortest round-trip text (`String(n)`, `-0` as `0`); NaN and ±Infinity,
 *   which a sheet cannot hold, as `#NUM!` (as in the xlsx output);
 * - booleans as `TRUE` / `FALSE`; error values as their code (`#N/A`);
 * - dates as ISO 8601 in the workbook's own clock (no time zone): `2024-03-01` when there is no
 *   time of day (to the millisecond), else `2024-03-01 10:30:00`, with `.250` when there are
 *   milliseconds; times of day (a serial from 0 to below 1) as `10:30:00`; elapsed times (an
 *   `[h]:mm` format) as total hours, `36:30:00` (negative ones with a `-`).
 *
 * A field is quoted (`"…"`, inner quotes doubled) when it contains a comma, a quote, a
 * semicolon, a tab, CR or LF, or begins or ends with a space (some readers trim unquoted
 * fields). A semicolon or a tab is a field separator to some readers (Excel where the list
 * separator is `;`, an import that splits on tabs): quoted, the field is one field to every
 * reader that starts reading it at its opening quote.
 *
 * CSV injection (OWASP): a spreadsheet opening the file runs text that begins with `=`, `+`,
 * `-` or `@` as a formula, and tab or CR can hide such a start from naive checks. So:
 *
 * 1. Text that begins with one of these six characters, after any spaces (an import that trims
 *    spaces would otherwise uncover it), is written with a leading `'` and quoted, so it stays
 *    text: `=SUM(A1)` becomes `"'=SUM(A1)"`, ` =1` becomes `"' =1"`. Except text that is a
 *    plain decimal number with a sign (`-5`, `+1.5`, `-.5`: after the spaces, a sign and
 *    digits with at most one `.`, nothing else), which a spreadsheet reads as a number and no
 *    formula can hide in. Number cells are never changed: the number -5 is written `-5`.
 * 2. Inside the text, a `'` goes right after each `;`, tab, CR or LF that is followed, after
 *    any spaces and quotes, by one of the six: `x;=1+1` becomes `"x;'=1+1"`, `a\n-b` becomes
 *    `"a\n'-b"`. Quoting alone does not keep such a field whole: a reader that splits this
 *    comma-separated file on `;` (or tabs) meets a field's opening quote in the middle of its
 *    own field whenever a comma comes before it in the line, and Excel and LibreOffice take a
 *    quote there for a character, not a quote; so they split at the `;`, and a line break
 *    inside the quotes ends their record. What follows such a separator starts a field, which
 *    runs on into the next fields of the line (`x;=1+1&` and a next field `&1;` make
 *    `=1+1&","&1`). The apostrophe makes it text. A comma needs no rule: every field holding
 *    one is quoted, and a reader that splits on commas meets that quote where the field starts.
 *
 * Text that holds `'` where the rules would put one is left as it is, so writing xlmerge's own
 * output again changes nothing. The rules apply to every text field: cells, header names and
 * the `Source` column.
 *
 * Left open, as numbers are never changed: to such a reader a line whose first field is a
 * signed number runs on into the next fields (`-5,1+1` is a formula where `,` is the decimal
 * separator). Nor is a text that ends in a separator (`a;b;`) changed: such a reader takes the
 * field's closing quote for an opening one, and its value starts with what follows, a comma or
 * a line break, which Excel and LibreOffice do not trim before reading a formula.
 */
import type { CellValue, DateCell } from '../core/cell.js';
import { civilFromDays, MS_PER_DAY, serialToEpochMs } from '../core/excel-dates.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { RenderBuffer } from './render-buffer.js';

/** The field delimiter. */
export const CSV_DELIMITER = ',';
/** Ends every record, header included (RFC 4180). */
export const CSV_RECORD_END = '\r\n';
/** The UTF-8 byte order mark, so Excel reads the file as UTF-8 rather than the local code page. */
export const UTF8_BOM = '\uFEFF';

const COMMA = 44;
const QUOTE = 34;
const APOSTROPHE = 39;

/** Characters that make a field need quotes anywhere in it. */
const NEEDS_QUOTES = /[",;\t\r\n]/;
/** A sign, then digits with at most one decimal point: read as a number, never a formula. */
const SIGNED_DECIMAL = /^[+-](?:\d+(?:\.\d*)?|\.\d+)$/;
/**
 * A separator inside the text (`;`, tab, CR, LF) that some reader may start a field after,
 * followed, past spaces and quotes, by a formula's first character (rule 2 of the module
 * comment); the lookahead leaves the rest for the next separator.
 */
const SEPARATOR_BEFORE_FORMULA = /[;\t\r\n](?=[ "]*[=+\-@\t\r])/;
const SEPARATORS_BEFORE_FORMULA = new RegExp(SEPARATOR_BEFORE_FORMULA.source, 'g');

/** True when `text` could start a formula in a spreadsheet, so it is written as `'text`. */
export function isFormulaLike(text: string): boolean {
  let at = 0;
  while (text.charCodeAt(at) === 32) at++;
  const first = text.charCodeAt(at);
  // = + - @ TAB CR
  if (first !== 61 && first !== 43 && first !== 45 && first !== 64 && first !== 9 && first !== 13)
    return false;
  if (first !== 43 && first !== 45) return true;
  return !SIGNED_DECIMAL.test(at === 0 ? text : text.slice(at));
}

/**
 * `text` with an apostrophe after each separator that a formula follows (rule 2 of the module
 * comment); `text` itself when there is none.
 */
function defuseSeparators(text: string): string {
  if (!SEPARATOR_BEFORE_FORMULA.test(text)) return text;
  return text.replace(SEPARATORS_BEFORE_FORMULA, "$&'");
}

/**
 * What a reader gets back from the field of a text cell: the text, with the apostrophes the
 * CSV injection rules add (see the module comment).
 */
export function neutraliseCsvText(text: string): string {
  const defused = defuseSeparators(text);
  return isFormulaLike(text) ? `'${defused}` : defused;
}

/** A text cell as a field: neutralised (see the module comment) and quoted when needed. */
export function formatCsvText(text: string): string {
  if (text === '') return '';
  const formula = isFormulaLike(text);
  if (!formula && !needsQuotes(text)) return text;
  return `"${formula ? "'" : ''}${defuseSeparators(text).replaceAll('"', '""')}"`;
}

/** A comma, quote, semicolon, tab, CR or LF anywhere, or a space at either end. */
function needsQuotes(text: string): boolean {
  return (
    isEdgeSpace(text.charCodeAt(0)) ||
    isEdgeSpace(text.charCodeAt(text.length - 1)) ||
    NEEDS_QUOTES.test(text)
  );
}

/** Any cell as a field; an empty cell is the empty field. */
export function formatCsvField(cell: CellValue | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return formatCsvText(cell);
  if (typeof cell === 'number') return formatCsvNumber(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell.kind === 'date') return formatCsvDate(cell);
  if (cell.kind === 'error') return formatCsvText(cell.code);
  throw new XlmergeError(
    ErrorCode.Internal,
    `Cannot write a CSV field: unknown value ${JSON.stringify(cell)}`,
  );
}

/** A record's fields joined by commas, without the record end. */
export function formatCsvRecord(cells: readonly (CellValue | undefined)[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += CSV_DELIMITER;
    line += formatCsvField(cells[i]);
  }
  return line;
}

function formatCsvNumber(value: number): string {
  if (!Number.isFinite(value)) return '#NUM!';
  // String(-0) is "0" already.
  return String(value);
}

/** A date cell as ISO 8601 text (see the module comment). */
export function formatCsvDate(cell: DateCell): string {
  const out = new RenderBuffer(40);
  putCsvDate(out, cell.serial, cell.elapsed === true);
  return out.toString();
}

/**
 * Writes a date serial as ISO 8601 straight to bytes. A typical sheet has a date or two per
 * row: building them with `Date` objects and template strings took 0.7 s of a worker's time on
 * the medium benchmark, writing the digits half that.
 */
function putCsvDate(out: RenderBuffer, serial: number, elapsed: boolean): void {
  out.reserve(48);
  if (!Number.isFinite(serial)) {
    out.putAscii('#NUM!');
  } else if (elapsed) {
    const ms = Math.round(Math.abs(serial) * MS_PER_DAY);
    if (serial < 0 && ms > 0) out.putByte(45);
    putClock(out, ms);
  } else if (serial >= 0 && serial < 1) {
    putClock(out, Math.round(serial * MS_PER_DAY));
  } else {
    const epochMs = serialToEpochMs(serial);
    const days = Math.floor(epochMs / MS_PER_DAY);
    putCivilDate(out, days);
    const timeOfDay = epochMs - days * MS_PER_DAY;
    if (timeOfDay !== 0) {
      out.putByte(32);
      putClock(out, timeOfDay);
    }
  }
}

/** `YYYY-MM-DD` of a day counted from 1970-01-01 (proleptic Gregorian, UTC). */
function putCivilDate(out: RenderBuffer, days: number): void {
  const { year, month, day } = civilFromDays(days);
  if (year < 0) out.putByte(45);
  const absolute = Math.abs(year);
  if (absolute < 10_000) putDigits(out, absolute, 4);
  else out.putNumber(absolute);
  out.putByte(45);
  putDigits(out, month, 2);
  out.putByte(45);
  putDigits(out, day, 2);
}

/** `HH:MM:SS`, `.fff` when there are milliseconds; hours past 23 as they are (`36:30:00`). */
function putClock(out: RenderBuffer, ms: number): void {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 100) putDigits(out, hours, 2);
  else out.putNumber(hours);
  out.putByte(58);
  putDigits(out, Math.floor(ms / 60_000) % 60, 2);
  out.putByte(58);
  putDigits(out, Math.floor(ms / 1000) % 60, 2);
  const millis = ms % 1000;
  if (millis !== 0) {
    out.putByte(46);
    putDigits(out, millis, 3);
  }
}

/** `value` (a whole number from 0) in exactly `count` digits, zeros in front. */
function putDigits(out: RenderBuffer, value: number, count: number): void {
  let rest = value;
  const digits: number[] = DIGITS;
  for (let i = count - 1; i >= 0; i--) {
    digits[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  for (let i = 0; i < count; i++) out.putByte(digits[i] as number);
}

const DIGITS: number[] = [0, 0, 0, 0];

function isEdgeSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Renders `width` fields of a row into `out`, joined by commas (field `i` is `cells[i]`; cells
 * past the end are empty). The workers' hot path: plain text and whole numbers go straight to
 * bytes, the rest through {@link formatCsvField}.
 */
export function renderCsvFieldsInto(
  out: RenderBuffer,
  cells: readonly CellValue[],
  width: number,
): void {
  for (let i = 0; i < width; i++) {
    if (i > 0) out.byte(COMMA);
    const cell = cells[i];
    if (cell === null || cell === undefined || cell === '') continue;
    if (typeof cell === 'string') {
      const formula = isFormulaLike(cell);
      if (!formula && !needsQuotes(cell)) out.utf8(cell);
      else {
        out.byte(QUOTE);
        if (formula) out.byte(APOSTROPHE);
        const text = defuseSeparators(cell);
        out.utf8(text.indexOf('"') === -1 ? text : text.replaceAll('"', '""'));
        out.byte(QUOTE);
      }
    } else if (typeof cell === 'number' && Number.isFinite(cell)) {
      out.reserve(32);
      out.putNumber(cell);
    } else if (typeof cell === 'object' && cell.kind === 'date') {
      putCsvDate(out, cell.serial, cell.elapsed === true);
    } else {
      out.utf8(formatCsvField(cell));
    }
  }
}

/**
 * The byte ranges of the fields of one rendered record, `[start0, end0, start1, end1, …]`:
 * commas inside quotes are part of a field, and a field never holds an unquoted comma.
 */
export function splitCsvFields(bytes: Uint8Array, start: number, end: number): number[] {
  const ranges: number[] = [];
  let fieldStart = start;
  let quoted = false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === COMMA && !quoted) {
      ranges.push(fieldStart, i);
      fieldStart = i + 1;
    }
  }
  ranges.push(fieldStart, end);
  return ranges;
}
