import { type CellValue, epochMsToSerial } from '../../core/cell.js';

/** Excel has no date before 1900-01-01 (serial 1). */
const FIRST_YEAR = 1900;

const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;

/**
 * A CSV field as a typed cell (`csvTypes`), strictly: text that is exactly a decimal number
 * becomes that number as JavaScript parses it; an ISO date `YYYY-MM-DD` or date-time
 * `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` on the calendar, from 1900 on, becomes a date (the fraction
 * may have up to 9 digits if those past the milliseconds are zeros); everything else stays
 * text. Not numbers: `007`, `1,000`, ` 5`, `0x1F`, `.5`, `5.`, `NaN`, `Infinity`,
 * and numbers too large for a double (`1e400`). Not dates: `2024-02-30`, `2024-1-5`,
 * `24:00`, a time zone (`Z`, `+02:00`), dates before 1900.
 */
export function toTypedCell(text: string): CellValue {
  const first = text.charCodeAt(0);
  // Every number and date starts with a digit or a sign: most text is passed over here.
  if (!((first >= ZERO && first <= NINE) || first === MINUS || first === PLUS)) return text;
  if (text.length >= 10 && text.charCodeAt(4) === MINUS) {
    const date = toDate(text);
    if (date !== null) return date;
  }
  if (!isDecimal(text)) return text;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/**
 * `[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, checked by hand: a regular expression
 * took a third of the reading time of a file of numbers.
 */
function isDecimal(text: string): boolean {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
  if (c === ZERO) c = text.charCodeAt(++i);
  else if (c > ZERO && c <= NINE) {
    do c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
  } else return false;
  if (c === DOT) {
    const start = i + 1;
    do c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
    if (i === start) return false;
  }
  if (c === 0x65 || c === 0x45) {
    c = text.charCodeAt(++i);
    if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
    const start = i;
    while (c >= ZERO && c <= NINE) c = text.charCodeAt(++i);
    if (i === start) return false;
  }
  return i === n;
}

/**
 * `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, and `:SS` and a fraction of 1 to 9
 * digits, all zeros after the third.
 */
function toDate(text: string): CellValue | null {
  const n = text.length;
  if (text.charCodeAt(7) !== MINUS) return null;
  const y = digits(text, 0, 4);
  const m = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  let h = 0;
  let min = 0;
  let s = 0;
  let ms = 0;
  if (n > 10) {
    const t = text.charCodeAt(10);
    if ((t !== 0x54 && t !== 0x20) || n < 16 || text.charCodeAt(13) !== COLON) return null;
    h = digits(text, 11, 2);
    min = digits(text, 14, 2);
    if (n > 16) {
      if (n < 19 || text.charCodeAt(16) !== COLON) return null;
      s = digits(text, 17, 2);
      if (n > 19) {
        if (n < 21 || n > 29 || text.charCodeAt(19) !== DOT) return null;
        // Past milliseconds only zeros (Python writes .500000): a date cell holds milliseconds,
        // and rounding 10:00:00.0004 away could make two different times one key.
        if (n > 23 && digits(text, 23, n - 23) !== 0) return null;
        ms = digits(text, 20, Math.min(3, n - 20)) * 10 ** Math.max(0, 23 - n);
      }
    }
  }
  if (y < FIRST_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  if (h < 0 || h > 23 || min < 0 || min > 59 || s < 0 || s > 59 || ms < 0) return null;
  const epochMs = Date.UTC(y, m - 1, d, h, min, s, ms);
  return { kind: 'date', serial: epochMsToSerial(epochMs) };
}

/** The number `count` ASCII digits at `start` spell, or -1 (never in range) if not all are. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
