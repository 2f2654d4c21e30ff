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
 * A field is quoted (`"…"`, inner quotes doubled) when it contains a comma, a quote, CR or LF,
 * or begins or ends with a space or tab (some readers trim unquoted fields).
 *
 * CSV injection (OWASP): a spreadsheet opening the file runs text that begins with `=`, `+`,
 * `-` or `@` as a formula, and tab or CR can hide such a start from naive checks. Text that
 * begins with one of these six characters, after any spaces (an import that trims spaces would
 * otherwise uncover it), is written with a leading `'` and quoted, so it stays text: `=SUM(A1)`
 * becomes `"'=SUM(A1)"`, ` =1` becomes `"' =1"`. Except text that is a plain decimal number
 * with a sign (`-5`, `+1.5`, `-.5`: after the spaces, a sign and digits with at most one `.`,
 * nothing else), which a spreadsheet reads as a number and no formula can hide in. Number cells
 * are never changed: the number -5 is written `-5`. Text that begins with `'` already is left
 * as it is, so writing xlmerge's own output again changes nothing. The rule applies to every
 * text field: cells, header names and the `Source` column.
 */
import type { CellValue, DateCell } from '../../core/cell.js';
import { serialToEpochMs } from '../../core/cell.js';
import { ErrorCode, XlmergeError } from '../../errors.js';
import type { XmlBytes } from '../../xlsx/write/cell-xml.js';

/** The field delimiter. */
export const CSV_DELIMITER = ',';
/** Ends every record, header included (RFC 4180). */
export const CSV_RECORD_END = '\r\n';
/** The UTF-8 byte order mark, so Excel reads the file as UTF-8 rather than the local code page. */
export const UTF8_BOM = '\uFEFF';

const COMMA = 44;
const QUOTE = 34;
const MS_PER_DAY = 86_400_000;

/** Characters that make a field need quotes anywhere in it. */
const NEEDS_QUOTES = /[",\r\n]/;
/** A sign, then digits with at most one decimal point: read as a number, never a formula. */
const SIGNED_DECIMAL = /^[+-](?:\d+(?:\.\d*)?|\.\d+)$/;

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

/** A text cell as a field: neutralised (see the module comment) and quoted when needed. */
export function formatCsvText(text: string): string {
  if (text === '') return '';
  if (isFormulaLike(text)) return `"'${text.replaceAll('"', '""')}"`;
  if (
    NEEDS_QUOTES.test(text) ||
    isEdgeSpace(text.charCodeAt(0)) ||
    isEdgeSpace(text.charCodeAt(text.length - 1))
  ) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
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
  const serial = cell.serial;
  if (!Number.isFinite(serial)) return '#NUM!';
  if (cell.elapsed === true) return formatElapsed(serial);
  if (serial >= 0 && serial < 1) return formatClock(Math.round(serial * MS_PER_DAY));
  const epochMs = serialToEpochMs(serial);
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const day = `${formatYear(year)}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  const timeOfDay = epochMs - Date.UTC(year, date.getUTCMonth(), date.getUTCDate());
  return timeOfDay === 0 ? day : `${day} ${formatClock(timeOfDay)}`;
}

/** Total hours, then minutes and seconds: 1.5208333 days → `36:30:00`. */
function formatElapsed(serial: number): string {
  const ms = Math.round(Math.abs(serial) * MS_PER_DAY);
  return (serial < 0 && ms > 0 ? '-' : '') + formatClock(ms);
}

/** `HH:MM:SS`, `.fff` when there are milliseconds; hours past 23 as they are (`36:30:00`). */
function formatClock(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  const millis = ms % 1000;
  const clock = `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
  return millis === 0 ? clock : `${clock}.${String(millis).padStart(3, '0')}`;
}

function formatYear(year: number): string {
  return year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isEdgeSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Renders `width` fields of a row into `out`, joined by commas (field `i` is `cells[i]`; cells
 * past the end are empty). The workers' hot path: plain text and whole numbers go straight to
 * bytes, the rest through {@link formatCsvField}.
 */
export function renderCsvFieldsInto(
  out: XmlBytes,
  cells: readonly CellValue[],
  width: number,
): void {
  for (let i = 0; i < width; i++) {
    if (i > 0) out.byte(COMMA);
    const cell = cells[i];
    if (cell === null || cell === undefined || cell === '') continue;
    if (typeof cell === 'string') {
      const first = cell.charCodeAt(0);
      const last = cell.charCodeAt(cell.length - 1);
      if (
        !isFormulaLike(cell) &&
        !isEdgeSpace(first) &&
        !isEdgeSpace(last) &&
        !NEEDS_QUOTES.test(cell)
      ) {
        out.utf8(cell);
      } else {
        out.utf8(formatCsvText(cell));
      }
    } else if (typeof cell === 'number' && Number.isFinite(cell)) {
      out.reserve(32);
      out.putNumber(cell);
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
