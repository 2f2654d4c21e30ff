/**
 * Text as an XML text node of a worksheet holds it: entities for markup, `&#13;` for CR, and the
 * OOXML `_xHHHH_` escape for what XML 1.0 cannot carry. Pure.
 */

/**
 * Anything `escapeXmlText` would change: markup characters, CR (XML parsers turn a raw CR into
 * LF), characters XML 1.0 forbids, any surrogate (lone ones are forbidden; pairs are checked in
 * the slow path) and text that a reader would take for an `_xHHHH_` escape.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000B-\u001F\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;
/** `_xHHHH`, which a following `_` makes an escape. */
const ESCAPE_LIKE = /^_x[0-9A-Fa-f]{4}$/;

/** How `RenderBuffer.xmlText` treats an ASCII character: copied, a line feed, or the general path. */
export const ASCII_PLAIN = 0;
export const ASCII_LINE_FEED = 1;
export const ASCII_SPECIAL = 2;
export const ASCII_KIND = buildAsciiKinds();

function buildAsciiKinds(): Uint8Array {
  const kinds = new Uint8Array(128);
  for (let code = 0; code < 32; code++) kinds[code] = ASCII_SPECIAL;
  kinds[9] = ASCII_PLAIN;
  kinds[10] = ASCII_LINE_FEED;
  // `_` may start text that reads as an `_xHHHH_` escape: the general path decides.
  for (const special of '&<>_') kinds[special.charCodeAt(0)] = ASCII_SPECIAL;
  return kinds;
}

/**
 * Escapes text for an XML text node of a worksheet.
 *
 * - `&`, `<`, `>` become entities;
 * - CR becomes `&#13;`: a raw CR would reach readers as LF (XML end-of-line normalisation),
 *   while a character reference is delivered as-is by every XML parser;
 * - characters XML 1.0 cannot carry (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE,
 *   U+FFFF, lone surrogates) become the OOXML escape `_xHHHH_` (ECMA-376 Part 1, 22.4.2.4);
 * - a literal `_xHHHH_` in the text gets its underscore escaped as `_x005F_`, so readers that
 *   decode escapes give back the original text.
 */
export function escapeXmlText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  let last = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string;
    if (code === 38) replacement = '&amp;';
    else if (code === 60) replacement = '&lt;';
    else if (code === 62) replacement = '&gt;';
    else if (code === 13) replacement = '&#13;';
    else if (code < 32) {
      if (code === 9 || code === 10) continue;
      replacement = hexEscape(code);
    } else if (code === 95) {
      if (!startsEscapeLike(text, i)) continue;
      replacement = '_x005F_';
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = hexEscape(code);
    } else if ((code >= 0xdc00 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) {
      replacement = hexEscape(code);
    } else continue;
    out += text.slice(last, i) + replacement;
    last = i + 1;
  }
  return out + text.slice(last);
}

/**
 * Whether the `_` at `at` would start what a reader decodes as an `_xHHHH_` escape: `_xHHHH`
 * followed by `_`, or by a character that is itself written as an escape, which starts with
 * `_` (`_xDffD` then U+0001 is written `_xDffD_x0001_`, where `_xDffD_` would read as U+DFFD).
 */
function startsEscapeLike(text: string, at: number): boolean {
  if (!ESCAPE_LIKE.test(text.slice(at, at + 6))) return false;
  const next = text.charCodeAt(at + 6);
  if (next === 95) return true;
  if (next < 32) return next !== 9 && next !== 10 && next !== 13;
  if (next === 0xfffe || next === 0xffff) return true;
  if (next >= 0xdc00 && next <= 0xdfff) return true;
  if (next >= 0xd800 && next <= 0xdbff) {
    const after = text.charCodeAt(at + 7);
    return !(after >= 0xdc00 && after <= 0xdfff);
  }
  return false;
}

/** XML whitespace: space, tab, LF, CR. */
export function isXmlSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function hexEscape(code: number): string {
  return `_x${code.toString(16).toUpperCase().padStart(4, '0')}_`;
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Escapes text for a double-quoted XML attribute value: markup characters and the quote as
 * entities, and tab, LF and CR as character references, which a parser delivers as they are
 * (raw, it would turn each into a space when it normalises the value).
 */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (char) => ATTRIBUTE_ESCAPES[char] ?? char);
}
