/** Excel's `sep=` directive: a CSV file's first line naming its delimiter. */
export interface SepLine {
  /** The delimiter it names. */
  readonly delimiter: string;
  /**
   * Its characters in the text: `sep=`, the delimiter, and the CR or LF that ends the line (none
   * at the end of the file). The LF of a CRLF is not counted: like a record's CR, the CR may be
   * the last character of a chunk, so the caller skips an LF that follows it.
   */
  readonly length: number;
}

const SEP = 'sep=';
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;

/**
 * Reads Excel's `sep=` directive at the start of a CSV file's text (a byte order mark already
 * removed): `sep=` in any case, exactly one character that can be a delimiter (not a quote, CR
 * or LF), then the end of the line (CRLF, LF or CR) or of the file. Excel writes and honours
 * it and does not show it as data. `sep=` with nothing or more than one character, spaces
 * around the `=`, or text before it, is not a directive: such a line is data.
 *
 * A character beyond the Basic Multilingual Plane (an emoji: two UTF-16 units) is more than
 * one character here, as the parser splits on one unit.
 *
 * Returns the directive, `null` when the text does not start with one, or `undefined` when
 * the text is too short to tell and more may come (`complete` false).
 */
export function readSepLine(text: string, complete: boolean): SepLine | null | undefined {
  for (let i = 0; i < 4; i += 1) {
    if (i === text.length) return complete ? null : undefined;
    const c = text.charCodeAt(i);
    // `| 0x20` lower-cases the ASCII letters S, E and P (and nothing else becomes s, e or p).
    if ((i < 3 ? c | 0x20 : c) !== SEP.charCodeAt(i)) return null;
  }
  if (text.length === 4) return complete ? null : undefined;
  const delimiter = text.charCodeAt(4);
  const surrogate = delimiter >= 0xd800 && delimiter <= 0xdfff;
  if (delimiter === QUOTE || delimiter === CR || delimiter === LF || surrogate) return null;
  if (text.length === 5) return complete ? { delimiter: text.charAt(4), length: 5 } : undefined;
  const end = text.charCodeAt(5);
  return end === CR || end === LF ? { delimiter: text.charAt(4), length: 6 } : null;
}
