/**
 * The typed values of OpenDocument cells (ODF 1.3 Part 3, 19.385–19.389 `office:value`,
 * `office:date-value`, `office:time-value`, `office:boolean-value`) as Excel values: numbers,
 * 1900-system date serials and fractions of a day. Pure: the scanner reports what fails.
 */
import { parseIsoDateTime } from '../../core/excel-dates.js';
import { parseNumberText } from '../../core/number-text.js';

const SECONDS_PER_DAY = 86_400;

/** An xsd:double (`office:value`), or NaN when the text is not one. */
export function parseOdfNumber(text: string): number {
  return parseNumberText(text);
}

/**
 * The 1900-system serial of an `office:date-value`: an xsd:date or xsd:dateTime, such as
 * `2024-03-01` or `2024-03-01T10:30:00.5`. OpenDocument has no 1904 mode, so the serial is the
 * date's as Excel counts it (with its fictitious 1900-02-29). NaN when the text is not one.
 */
export function parseOdfDate(text: string): number {
  const date = parseIsoDateTime(text);
  return 'serial' in date ? date.serial : Number.NaN;
}

/** `PnDTnHnMnS` with every part optional, and a sign. */
const DURATION = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An `office:time-value` (an xsd:duration such as `PT10H30M00S`, `PT36H30M`, `P1DT2H`) as a
 * fraction of a day, or NaN when the text is not one. Years and months, which have no fixed
 * length, are not durations a spreadsheet writes, and read as NaN.
 */
export function parseOdfDuration(text: string): number {
  const match = DURATION.exec(text);
  if (match === null || text.endsWith('T') || text === 'P' || text === '-P') return Number.NaN;
  const days = Number(match[2] ?? 0);
  const hours = Number(match[3] ?? 0);
  const minutes = Number(match[4] ?? 0);
  const seconds = Number(match[5] ?? 0);
  // Whole seconds first and one division: 10:30 is exactly 0.4375, as Excel stores it.
  const total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  const fraction = total / SECONDS_PER_DAY;
  if (!Number.isFinite(fraction)) return Number.NaN;
  return match[1] === undefined ? fraction : -fraction;
}

/** An `office:boolean-value` (xsd:boolean), or undefined when the text is not one. */
export function parseOdfBoolean(text: string): boolean | undefined {
  switch (text.trim()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return undefined;
  }
}
