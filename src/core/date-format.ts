/**
 * What a number format makes of a number, as far as xlmerge cares: a plain number, a date or
 * time, or an elapsed time (a duration such as `[h]:mm`, which is not a point in time).
 * The values are the bytes of {@link SheetScanContext.dateStyles}.
 */
export const NumberFormatKind = {
  /** Shown as a number (or text): `General`, `0.00`, `#,##0`, `@`. */
  Number: 0,
  /** A date, a time of day, or both. */
  Date: 1,
  /** An elapsed time whose hours, minutes or seconds do not wrap: `[h]:mm:ss`. */
  Elapsed: 2,
} as const;

export type NumberFormatKind = (typeof NumberFormatKind)[keyof typeof NumberFormatKind];

/**
 * The built-in number formats (ids below 164, which `styles.xml` does not spell out) that show
 * dates or times. 14–22 and 45–47 are the same in every locale; 27–36 and 50–58 are dates only
 * in the Chinese, Japanese, Korean and Thai versions of Excel, but a workbook that uses them
 * was written in such a locale, so they are dates wherever it is read.
 */
const BUILT_IN_KINDS: ReadonlyMap<number, NumberFormatKind> = new Map<number, NumberFormatKind>([
  ...range(14, 22).map((id) => [id, NumberFormatKind.Date] as const),
  ...range(27, 36).map((id) => [id, NumberFormatKind.Date] as const),
  [45, NumberFormatKind.Date], // mm:ss
  [46, NumberFormatKind.Elapsed], // [h]:mm:ss
  [47, NumberFormatKind.Date], // mmss.0
  ...range(50, 58).map((id) => [id, NumberFormatKind.Date] as const),
]);

/** What a built-in number format id shows; unknown ids are numbers. */
export function classifyBuiltInFormat(id: number): NumberFormatKind {
  return BUILT_IN_KINDS.get(id) ?? NumberFormatKind.Number;
}

/**
 * What a custom format code (`<numFmt formatCode>`) shows. Only the first section (before an
 * unquoted `;`) decides, as Excel applies it to positive numbers and dates are positive.
 * Quoted text, `\x` escapes, `_x` and `*x` padding and bracketed parts (`[Red]`, `[$-409]`,
 * `[>=100]`) are skipped; what is left is a date when it holds any of `y m d h s` (or `e`, the
 * era year, unless it is the exponent of `0.0E+0`). `[h]`, `[mm]`, `[ss]` make it elapsed.
 *
 * One pass over the code, no regular expressions: a format code is user data and may be
 * tens of thousands of characters long.
 */
export function classifyFormatCode(code: string): NumberFormatKind {
  let isDate = false;
  let i = 0;
  const length = code.length;
  while (i < length) {
    const char = code.charCodeAt(i);
    switch (char) {
      case QUOTE: {
        const close = code.indexOf('"', i + 1);
        if (close === -1) return kindOf(isDate);
        i = close + 1;
        continue;
      }
      case BACKSLASH:
      case UNDERSCORE:
      case STAR:
        i += 2;
        continue;
      case SEMICOLON:
        return kindOf(isDate);
      case OPEN_BRACKET: {
        const close = code.indexOf(']', i + 1);
        // An unclosed bracket swallows the rest; stopping also keeps a code made of many
        // `[` linear instead of rescanning to the end from each one.
        if (close === -1) return kindOf(isDate);
        if (isElapsedBracket(code, i + 1, close)) return NumberFormatKind.Elapsed;
        i = close + 1;
        continue;
      }
      default:
        break;
    }
    const lower = char | 0x20;
    if (lower === LOWER_G && startsWithGeneral(code, i)) {
      i += GENERAL.length;
      continue;
    }
    if (lower === LOWER_E) {
      const next = code.charCodeAt(i + 1);
      if (next !== PLUS && next !== MINUS) isDate = true;
    } else if (
      lower === LOWER_Y ||
      lower === LOWER_M ||
      lower === LOWER_D ||
      lower === LOWER_H ||
      lower === LOWER_S
    ) {
      isDate = true;
    }
    i += 1;
  }
  return kindOf(isDate);
}

/**
 * What a cell with this number format shows: the custom code when the styles part defines
 * one for the id (it wins, even over a built-in id), else the built-in meaning.
 */
export function classifyNumberFormat(id: number, customCode: string | undefined): NumberFormatKind {
  return customCode === undefined ? classifyBuiltInFormat(id) : classifyFormatCode(customCode);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;
const STAR = 0x2a;
const SEMICOLON = 0x3b;
const OPEN_BRACKET = 0x5b;
const PLUS = 0x2b;
const MINUS = 0x2d;
const LOWER_D = 0x64;
const LOWER_E = 0x65;
const LOWER_G = 0x67;
const LOWER_H = 0x68;
const LOWER_M = 0x6d;
const LOWER_S = 0x73;
const LOWER_Y = 0x79;
const GENERAL = 'general';

function kindOf(isDate: boolean): NumberFormatKind {
  return isDate ? NumberFormatKind.Date : NumberFormatKind.Number;
}

/** `[h]`, `[hh]`, `[m]`, `[mm]`, `[s]`, `[ss]`: one letter of h, m or s, repeated. */
function isElapsedBracket(code: string, start: number, end: number): boolean {
  if (end === start) return false;
  const first = code.charCodeAt(start) | 0x20;
  if (first !== LOWER_H && first !== LOWER_M && first !== LOWER_S) return false;
  for (let i = start + 1; i < end; i += 1) {
    if ((code.charCodeAt(i) | 0x20) !== first) return false;
  }
  return true;
}

function startsWithGeneral(code: string, at: number): boolean {
  return code.slice(at, at + GENERAL.length).toLowerCase() === GENERAL;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
