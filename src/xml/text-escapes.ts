/**
 * The two escapes of cell and string text: XML's entities and character references, decoded as
 * an XML parser must, and Excel's own `_xHHHH_` escapes for characters XML 1.0 cannot carry.
 */
import { ErrorCode, XlmergeError } from '../errors.js';
import { CharCode } from './xml-chars.js';

const { LF, CR, HASH, AMP, UNDERSCORE, DIGIT_0, DIGIT_9 } = CharCode;
const { UPPER_A, UPPER_F, LOWER_A, LOWER_F, LOWER_G, LOWER_L, LOWER_T, LOWER_X } = CharCode;

/**
 * Decodes XML character data: the five predefined entities and numeric character references
 * (`&#10;`, `&#x1F600;`, the latter becoming a surrogate pair), and normalises line ends the
 * way an XML parser must (`\r\n` and lone `\r` become `\n`; `&#13;` stays `\r`).
 * @throws XlmergeError(MalformedXml) for an unknown entity, a bare `&` or a bad reference.
 */
export function decodeXmlText(raw: string): string {
  if (raw.indexOf('&') < 0 && raw.indexOf('\r') < 0) return raw;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < raw.length) {
    const ch = raw.charCodeAt(i);
    if (ch === AMP) {
      const semi = raw.indexOf(';', i + 1);
      if (semi < 0 || semi - i > 12) throw badEntity(raw, i, semi);
      out += raw.slice(last, i) + decodeEntity(raw, i, semi);
      i = semi + 1;
      last = i;
    } else if (ch === CR) {
      out += `${raw.slice(last, i)}\n`;
      i += raw.charCodeAt(i + 1) === LF ? 2 : 1;
      last = i;
    } else {
      i++;
    }
  }
  return out + raw.slice(last);
}

function decodeEntity(raw: string, amp: number, semi: number): string {
  if (raw.charCodeAt(amp + 1) === HASH) {
    const hex = raw.charCodeAt(amp + 2) === LOWER_X;
    const start = amp + (hex ? 3 : 2);
    if (start === semi) throw badEntity(raw, amp, semi);
    let code = 0;
    for (let i = start; i < semi; i++) {
      const digit = hex ? hexDigit(raw.charCodeAt(i)) : decimalDigit(raw.charCodeAt(i));
      if (digit < 0) throw badEntity(raw, amp, semi);
      code = code * (hex ? 16 : 10) + digit;
    }
    if (code === 0 || code > 0x10ffff) throw badEntity(raw, amp, semi);
    return String.fromCodePoint(code);
  }
  const decoded = decodeNamedEntity(raw, amp + 1, semi - amp - 1);
  if (decoded === undefined) throw badEntity(raw, amp, semi);
  return decoded;
}

/** The character of the predefined entity named `raw[start, start + length)`, compared in place. */
function decodeNamedEntity(raw: string, start: number, length: number): string | undefined {
  const first = raw.charCodeAt(start);
  if (length === 2 && raw.charCodeAt(start + 1) === LOWER_T) {
    if (first === LOWER_L) return '<';
    if (first === LOWER_G) return '>';
  } else if (length === 3 && raw.startsWith('amp', start)) {
    return '&';
  } else if (length === 4) {
    if (raw.startsWith('quot', start)) return '"';
    if (raw.startsWith('apos', start)) return "'";
  }
  return undefined;
}

function badEntity(raw: string, amp: number, semi: number): XlmergeError {
  const found = semi < 0 || semi - amp > 12 ? raw.slice(amp, amp + 12) : raw.slice(amp, semi + 1);
  return new XlmergeError(
    ErrorCode.MalformedXml,
    `expected an entity such as &amp; &lt; &#10; or &#x1F600;, found ${JSON.stringify(found)}`,
  );
}

function decimalDigit(ch: number): number {
  return ch >= DIGIT_0 && ch <= DIGIT_9 ? ch - DIGIT_0 : -1;
}

function hexDigit(ch: number): number {
  if (ch >= DIGIT_0 && ch <= DIGIT_9) return ch - DIGIT_0;
  if (ch >= UPPER_A && ch <= UPPER_F) return ch - UPPER_A + 10;
  if (ch >= LOWER_A && ch <= LOWER_F) return ch - LOWER_A + 10;
  return -1;
}

/**
 * Decodes Excel's `_xHHHH_` escapes (ECMA-376 Part 1, 22.4.2.4 "bstr"): each stands for one
 * UTF-16 code unit, used for characters XML 1.0 cannot carry such as `_x000D_` for "\r". A
 * literal `_xHHHH_` is written with its underscore escaped, so `_x005F_x000D_` reads "_x000D_".
 */
export function decodeExcelEscapes(text: string): string {
  let start = text.indexOf('_x');
  if (start < 0) return text;
  let out = '';
  let last = 0;
  while (start >= 0) {
    const code = start + 6 < text.length ? readEscape(text, start) : -1;
    if (code < 0) {
      start = text.indexOf('_x', start + 1);
      continue;
    }
    out += text.slice(last, start) + String.fromCharCode(code);
    last = start + 7;
    start = text.indexOf('_x', last);
  }
  return out + text.slice(last);
}

/** The code unit of the escape `_xHHHH_` at `start`, or -1 when it is not one. */
function readEscape(text: string, start: number): number {
  if (text.charCodeAt(start + 6) !== UNDERSCORE) return -1;
  let code = 0;
  for (let i = start + 2; i < start + 6; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) return -1;
    code = code * 16 + digit;
  }
  return code;
}

/**
 * The decoded text of a plain `<t>` (no CDATA) written `raw`: entities and then Excel's escapes
 * decoded, as `RichTextReader` gives it; undefined when an entity is bad, which the general
 * path then reports with its context.
 */
export function decodePlainText(raw: string): string | undefined {
  try {
    return decodeExcelEscapes(decodeXmlText(raw));
  } catch {
    return undefined;
  }
}
