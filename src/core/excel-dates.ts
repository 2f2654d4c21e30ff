import type { DateCell } from './cell.js';

/**
 * Excel's dates, in one place: serials in the 1900 date system (days since 1899-12-30, with
 * Excel's fictitious 1900-02-29 at serial 60) and the 1904 system's offset; the proleptic
 * Gregorian calendar arithmetic under them; and the two ISO 8601 grammars xlmerge reads, each
 * with its own rules:
 *
 * - `parseIsoDateTime`: the dates of xlsx `t="d"` cells (ECMA-376 Part 1, 18.17.4.1:
 *   xsd:dateTime and its forms). Excel stores no time zone: a serial is a wall-clock time. A
 *   value in UTC (`Z`, `+00:00`) is read as written. A date-time with another offset (`+05:00`)
 *   is converted to the instant it names, written as UTC, so two cells naming one instant read
 *   alike (and key alike). A date or a time alone with an offset names no instant, and is
 *   refused rather than shifted.
 * - `parseCsvDate`: a CSV field typed by `csvTypes`, strictly: a date or date-time with no zone,
 *   from 1900 on, and no finer than a millisecond (see `toTypedCell`).
 */

/** Days between the 1900 and the 1904 date systems' day zero. */
export const DATE_1904_OFFSET = 1462;
export const MS_PER_DAY = 86_400_000;
const SECONDS_PER_DAY = 86_400;
/** Excel serial of 1970-01-01 in the 1900 date system. */
const UNIX_EPOCH_SERIAL = 25_569;

/**
 * The instant a date serial stands for, in whole milliseconds since the Unix epoch (UTC).
 * Serials before 1900-03-01 are shifted by a day because Excel counts 1900-02-29.
 */
export function serialToEpochMs(serial: number): number {
  const days = serial < 61 ? serial + 1 : serial;
  return Math.round((days - UNIX_EPOCH_SERIAL) * MS_PER_DAY);
}

/** Inverse of {@link serialToEpochMs}. */
export function epochMsToSerial(ms: number): number {
  const days = ms / MS_PER_DAY + UNIX_EPOCH_SERIAL;
  return days < 61 ? days - 1 : days;
}

/** A date cell as a JavaScript `Date` (UTC, millisecond precision). */
export function dateCellToDate(cell: DateCell): Date {
  return new Date(serialToEpochMs(cell.serial));
}

/** The serial of a whole day counted from 1970-01-01. */
function serialOfUnixDay(days: number): number {
  const serial = days + UNIX_EPOCH_SERIAL;
  // Excel counts a fictitious 1900-02-29 (serial 60), so earlier dates sit one lower.
  return serial < 61 ? serial - 1 : serial;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): {
  readonly year: number;
  readonly month: number;
  readonly day: number;
} {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_TIME = /^T?(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** The widest offsets xsd:dateTime allows. */
const MAX_OFFSET_MINUTES = 14 * 60;

/** A serial, or what the text should have been. */
export type IsoDateTime = { readonly serial: number } | { readonly expected: string };

const NOT_A_DATE: IsoDateTime = { expected: 'an ISO 8601 date' };

/**
 * The 1900-system serial of an ISO 8601 date, date-time or time, or what was expected instead
 * when the text is not one (or names no instant, see the module's comment).
 */
export function parseIsoDateTime(text: string): IsoDateTime {
  const date = ISO_DATE_TIME.exec(text);
  if (date !== null) {
    const year = Number(date[1]);
    const month = Number(date[2]);
    const day = Number(date[3]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NOT_A_DATE;
    const seconds = secondsOfDay(date[4], date[5], date[6]);
    const offset = offsetMinutes(date[7]);
    if (seconds === undefined || offset === undefined) return NOT_A_DATE;
    if (offset !== 0 && date[4] === undefined) return NO_INSTANT;
    // The instant in UTC: the day moves by one at most, the seconds stay exact without a zone.
    const utcSeconds = seconds - offset * 60;
    const dayShift = Math.floor(utcSeconds / SECONDS_PER_DAY);
    const serial = serialOfUnixDay(daysFromCivil(year, month, day) + dayShift);
    return { serial: serial + (utcSeconds - dayShift * SECONDS_PER_DAY) / SECONDS_PER_DAY };
  }
  const time = ISO_TIME.exec(text);
  if (time !== null) {
    const seconds = secondsOfDay(time[1], time[2], time[3]);
    const offset = offsetMinutes(time[4]);
    if (seconds === undefined || offset === undefined) return NOT_A_DATE;
    if (offset !== 0) return NO_INSTANT;
    return { serial: seconds / SECONDS_PER_DAY };
  }
  return NOT_A_DATE;
}

const NO_INSTANT: IsoDateTime = {
  expected:
    'a date-time, or a date or time without a zone offset (a date or time alone with an offset names no instant)',
};

/** Minutes east of UTC of a zone designator (`Z`, `+05:30`, `-0800`, `+01`); 0 for none. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = zone.length > 3 ? Number(zone.slice(-2)) : 0;
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > MAX_OFFSET_MINUTES) return undefined;
  return zone[0] === '-' ? -total : total;
}

function secondsOfDay(
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): number | undefined {
  if (hours === undefined) return 0;
  const h = Number(hours);
  const m = Number(minutes);
  const s = seconds === undefined ? 0 : Number(seconds);
  if (h > 24 || m > 59 || s >= 60 || (h === 24 && (m > 0 || s > 0))) return undefined;
  return h * 3600 + m * 60 + s;
}

/** Excel has no date before 1900-01-01 (serial 1); a CSV field before it stays text. */
const FIRST_CSV_YEAR = 1900;
const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;

/**
 * A CSV field as a date, or null when it is not one. Strict, as `csvTypes` promises: it is
 * `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, and `:SS` and a fraction of 1 to 9
 * digits, all zeros after the third.
 */
export function parseCsvDate(text: string): DateCell | null {
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
  if (y < FIRST_CSV_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
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
