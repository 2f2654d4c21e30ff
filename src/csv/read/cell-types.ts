import { type CellValue, epochMsToSerial } from '../../core/cell.js';

/** A decimal number: sign, digits without a leading zero (but `0`), fraction, exponent. */
const NUMBER = /^[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM`, `:SS` and `.fff`. */
const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,3}))?)?)?$/;

/** Excel has no date before 1900-01-01 (serial 1). */
const FIRST_YEAR = 1900;

/**
 * A CSV field as a typed cell (`csvTypes`), strictly: text that is exactly a decimal number
 * becomes that number as JavaScript parses it; an ISO date `YYYY-MM-DD` or date-time
 * `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` on the calendar, from 1900 on, becomes a date; everything
 * else stays text. Not numbers: `007`, `1,000`, ` 5`, `0x1F`, `.5`, `5.`, `NaN`, `Infinity`,
 * and numbers too large for a double (`1e400`). Not dates: `2024-02-30`, `2024-1-5`,
 * `24:00`, a time zone (`Z`, `+02:00`), dates before 1900.
 */
export function toTypedCell(text: string): CellValue {
  const first = text.charCodeAt(0);
  // Every number and date starts with a digit or a sign: most text is passed over here.
  if (!((first >= 0x30 && first <= 0x39) || first === 0x2d || first === 0x2b)) return text;
  if (text.length >= 10 && text.charCodeAt(4) === 0x2d) {
    const date = toDate(text);
    if (date !== null) return date;
  }
  if (!NUMBER.test(text)) return text;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

function toDate(text: string): CellValue | null {
  const match = DATE_TIME.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = ''] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const min = Number(minute);
  const s = Number(second);
  if (y < FIRST_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  if (h > 23 || min > 59 || s > 59) return null;
  const ms = Number(fraction.padEnd(3, '0'));
  const epochMs = Date.UTC(y, m - 1, d, h, min, s, ms);
  return { kind: 'date', serial: epochMsToSerial(epochMs) };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
