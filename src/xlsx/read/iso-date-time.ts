/**
 * The ISO 8601 dates of `t="d"` cells (ECMA-376 Part 1, 18.17.4.1: xsd:dateTime and its forms),
 * as Excel serials in the 1900 date system.
 *
 * Excel stores no time zone: a serial is a wall-clock time. A value in UTC (`Z`, `+00:00`) is
 * read as written. A date-time with another offset (`+05:00`) is converted to the instant it
 * names, written as UTC, so two cells naming one instant read alike (and key alike). A date or a
 * time alone with an offset names no instant, and is refused rather than shifted.
 */

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_TIME = /^T?(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const SECONDS_PER_DAY = 86_400;
/** Excel serial of 1970-01-01 in the 1900 date system. */
const UNIX_EPOCH_SERIAL = 25_569;
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
    const days = daysFromCivil(year, month, day) + dayShift + UNIX_EPOCH_SERIAL;
    // Excel counts a fictitious 1900-02-29 (serial 60), so earlier dates sit one lower.
    const serial = days < 61 ? days - 1 : days;
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

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
