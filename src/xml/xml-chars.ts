/**
 * The character codes of XML markup, XML's whitespace and name characters, and the small
 * scanning helpers the XML readers share.
 *
 * The codes are one object, {@link CharCode}, that each module copies into constants of its own
 * (`const { LT, GT } = CharCode;`). V8 (Node 20) folds a module's own constants into the code it
 * compiles, but loads and checks an imported binding again at every use, which the hot loops
 * would pay on every character; and a call to an imported function checks its target each time.
 * So the modules that read XML copy everything their hot code uses from another module (codes,
 * the `as const` objects such as `ElementKind` and `CellType`, functions such as `isNameChar`)
 * into module-local constants: `import * as xmlChars …; const { isNameChar } = xmlChars;`.
 */

/** Character codes (UTF-16 code units) the XML readers look for. */
export const CharCode = {
  TAB: 9,
  LF: 10,
  CR: 13,
  SPACE: 32,
  BANG: 33,
  QUOT: 34,
  HASH: 35,
  AMP: 38,
  APOS: 39,
  HYPHEN: 45,
  DOT: 46,
  SLASH: 47,
  DIGIT_0: 48,
  DIGIT_9: 57,
  COLON: 58,
  LT: 60,
  EQUALS: 61,
  GT: 62,
  QUESTION: 63,
  UPPER_A: 65,
  UPPER_F: 70,
  UPPER_R: 82,
  UPPER_S: 83,
  UPPER_T: 84,
  UPPER_Z: 90,
  UNDERSCORE: 95,
  LOWER_A: 97,
  LOWER_C: 99,
  LOWER_F: 102,
  LOWER_G: 103,
  LOWER_I: 105,
  LOWER_L: 108,
  LOWER_O: 111,
  LOWER_R: 114,
  LOWER_S: 115,
  LOWER_T: 116,
  LOWER_V: 118,
  LOWER_W: 119,
  LOWER_X: 120,
  LOWER_Z: 122,
  /** The byte order mark, which may stand before the root element. */
  BOM: 0xfeff,
} as const;

const { TAB, LF, CR, SPACE, QUOT, APOS, HYPHEN, DOT, SLASH, COLON, LT, EQUALS, GT } = CharCode;
const { DIGIT_0, DIGIT_9, UPPER_A, UPPER_Z, UNDERSCORE, LOWER_A, LOWER_Z } = CharCode;

/** Space, tab, carriage return or line feed: the only whitespace XML knows. */
export function isXmlSpace(ch: number): boolean {
  return ch <= SPACE && (ch === SPACE || ch === LF || ch === CR || ch === TAB);
}

/** True when `buf[start, end)` is only XML whitespace. */
export function isBlank(buf: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (!isXmlSpace(buf.charCodeAt(i))) return false;
  }
  return true;
}

/** Character classes of ASCII, so the name loops make one table load per character. */
const NAME_START = 1;
const NAME_CHAR = 2;
const ASCII_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let ch = 0; ch < 128; ch++) {
    const start =
      (ch >= LOWER_A && ch <= LOWER_Z) ||
      (ch >= UPPER_A && ch <= UPPER_Z) ||
      ch === UNDERSCORE ||
      ch === COLON;
    const other = (ch >= DIGIT_0 && ch <= DIGIT_9) || ch === HYPHEN || ch === DOT;
    table[ch] = start ? NAME_START | NAME_CHAR : other ? NAME_CHAR : 0;
  }
  return table;
})();

/** Can `ch` start an XML name? NaN (past the end of the buffer) cannot. */
export function isNameStart(ch: number): boolean {
  return ch < 128 ? ((ASCII_CLASS[ch] ?? 0) & NAME_START) !== 0 : ch >= 128;
}

/** Can `ch` continue an XML name? NaN (past the end of the buffer) cannot. */
export function isNameChar(ch: number): boolean {
  return ch < 128 ? ((ASCII_CLASS[ch] ?? 0) & NAME_CHAR) !== 0 : ch >= 128;
}

/*
 * Helpers for the scanners' fast paths, which read plain markup straight from the buffer. They
 * read without bounds checks, returning -1 (or stopping) at anything unexpected; a read past the
 * end gives NaN, which matches nothing. Their callers keep them from reaching the end (V8 makes
 * the code slower once it has seen that NaN).
 */

/** The first position from `i` that is not XML whitespace. */
export function skipSpaces(buf: string, i: number): number {
  let at = i;
  while (isXmlSpace(buf.charCodeAt(at))) at++;
  return at;
}

/**
 * Whether `buf` holds `text` at `at`. As fast as `startsWith` on one-byte strings, and several
 * times faster when `buf` is a two-byte string (text with characters past U+00FF), where V8's
 * `startsWith` compares outside the compiled code.
 */
export function isTextAt(buf: string, at: number, text: string): boolean {
  const length = text.length;
  if (at + length > buf.length) return false;
  for (let k = 0; k < length; k++) {
    if (buf.charCodeAt(at + k) !== text.charCodeAt(k)) return false;
  }
  return true;
}

/** The position of the `>` of a tag's `>` or `/>` at `i`, or -1. */
export function endOfTag(buf: string, i: number): number {
  const ch = buf.charCodeAt(i);
  if (ch === GT) return i;
  return ch === SLASH && buf.charCodeAt(i + 1) === GT ? i + 1 : -1;
}

/**
 * Skips the attribute written `name="value"` or `name='value'` at `start`: returns the position
 * of its closing quote, or -1 when it is written otherwise, cut off, or holds a '<' (which the
 * general path reports).
 */
export function skipAttribute(buf: string, start: number): number {
  if (!isNameStart(buf.charCodeAt(start))) return -1;
  let i = start + 1;
  while (isNameChar(buf.charCodeAt(i))) i++;
  if (buf.charCodeAt(i) !== EQUALS) return -1;
  const quote = buf.charCodeAt(i + 1);
  if (quote !== QUOT && quote !== APOS) return -1;
  const length = buf.length;
  for (i += 2; i < length; i++) {
    const ch = buf.charCodeAt(i);
    if (ch === quote) return i;
    if (ch === LT) return -1;
  }
  return -1;
}

/** A short quoted excerpt of the input for error messages. */
export function quoteSnippet(buf: string, start: number): string {
  const excerpt = buf.slice(start, start + 40);
  return JSON.stringify(buf.length > start + 40 ? `${excerpt}…` : excerpt);
}
