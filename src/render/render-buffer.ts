import { ErrorCode, XlmergeError } from '../errors.js';
import { ASCII_KIND, ASCII_PLAIN, ASCII_SPECIAL, escapeXmlText } from './xml-escape.js';

/** Row offsets travel as 32-bit numbers, so one buffer of rows stays below 4 GiB. */
const MAX_RENDER_BYTES = 2 ** 32 - 1;

/** Writes the decimal digits of a whole number (0 to 2^53) to `out` at `at`; returns the end. */
export function writeDigits(value: number, out: Uint8Array, at: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/**
 * A growable buffer of UTF-8 bytes that rows are rendered into: cell XML for a workbook, CSV
 * fields for a CSV file. Rows are rendered straight into bytes: building strings per row and
 * encoding them afterwards made millions of short-lived string pieces, and the workers spent
 * more time collecting that garbage than parsing.
 */
export class RenderBuffer {
  #buffer: Buffer;
  #length = 0;

  constructor(capacity = 64 * 1024) {
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Bytes it can hold before it grows. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Makes room for `bytes` more bytes, so the `put…` methods can skip the check. */
  reserve(bytes: number): void {
    if (this.#length + bytes > this.#buffer.length) this.#grow(bytes);
  }

  /** Appends text known to be ASCII (markup, numbers, column letters). */
  ascii(text: string): void {
    this.reserve(text.length);
    this.putAscii(text);
  }

  /** {@link ascii} without the room check: call {@link reserve} first. */
  putAscii(text: string): void {
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  /**
   * Appends a number's shortest round-trip text, as `String()` writes it (`-0` as `0`), without
   * the room check (reserve 32 bytes first); returns how many characters it wrote. Whole numbers
   * and decimals of up to 15 significant digits are written digit by digit: converting millions
   * of ids, dates and amounts with `String()` was a visible cost.
   */
  putNumber(value: number): number {
    if ((value | 0) === value || (Number.isInteger(value) && value > -1e15 && value < 1e15)) {
      return this.#putWhole(value);
    }
    const written = this.#putShortDecimal(value);
    if (written > 0) return written;
    const text = String(value);
    this.putAscii(text);
    return text.length;
  }

  /** A whole number of at most 15 digits; below 2^31 with 32-bit arithmetic. */
  #putWhole(value: number): number {
    const start = this.#length;
    let rest = value;
    if (rest < 0) {
      this.#buffer[this.#length++] = 45;
      rest = -rest;
    }
    if (rest <= 0x7fffffff) this.#putSmallDigits(rest | 0);
    else this.#putDigits(rest);
    return this.#length - start;
  }

  /** The digits of a whole number from 0 to 2^31 - 1. */
  #putSmallDigits(value: number): void {
    const buffer = this.#buffer;
    const at = this.#length;
    let digits = 1;
    for (let scan = value; scan >= 10; scan = (scan / 10) | 0) digits++;
    let rest = value;
    for (let i = at + digits - 1; i >= at; i--) {
      const next = (rest / 10) | 0;
      buffer[i] = 48 + rest - next * 10;
      rest = next;
    }
    this.#length = at + digits;
  }

  /** The digits of a whole number from 0 to 10^15. */
  #putDigits(value: number): void {
    this.#length = writeDigits(value, this.#buffer, this.#length);
  }

  /**
   * A number that is not whole, when `String()` would write it as a decimal of at most 15
   * significant digits (`12.5`, `0.000125`): returns the characters written, or 0 having written
   * nothing (more digits, an exponent, not finite).
   *
   * Why this gives `String()`'s digits: with at most 15 significant digits, at most one decimal
   * with `places` places lies within half a unit in the last place of `value` (doubles carry
   * 15.95 digits), so the first `places` whose nearest decimal converts back to `value` gives
   * the shortest round-trip text, which is what `String()` writes. `value * 10^places` is within
   * a quarter of that decimal's digits below 10^15, so rounding it finds them exactly.
   */
  #putShortDecimal(value: number): number {
    const magnitude = value < 0 ? -value : value;
    // String() writes an exponent below 1e-6; and at 1e15 and above no fraction fits 15 digits.
    if (!(magnitude >= 1e-6 && magnitude < 1e15)) return 0;
    let places = 1;
    let scale = 10;
    let scaled = Math.round(magnitude * scale);
    while (scaled / scale !== magnitude) {
      places++;
      if (places > 21) return 0;
      scale *= 10;
      scaled = Math.round(magnitude * scale);
      if (scaled >= 1e15) return 0;
    }
    const whole = Math.floor(scaled / scale);
    let fraction = scaled - whole * scale;
    const buffer = this.#buffer;
    const start = this.#length;
    if (value < 0) buffer[this.#length++] = 45;
    this.#putWhole(whole);
    let at = this.#length;
    buffer[at++] = 46;
    for (let i = at + places - 1; i >= at; i--) {
      const next = Math.floor(fraction / 10);
      buffer[i] = 48 + fraction - next * 10;
      fraction = next;
    }
    this.#length = at + places;
    return this.#length - start;
  }

  /**
   * Appends `text` escaped for an XML text node (as {@link escapeXmlText} escapes it) in UTF-8,
   * and returns the index of its first line feed, or -1. One pass over the text in the common
   * case; text with anything to escape, an underscore or an unpaired surrogate takes the general
   * path. Testing, escaping, encoding and searching for the line feed one after the other read
   * each cell's text four times.
   */
  xmlText(text: string): number {
    const length = text.length;
    this.reserve(length * 3);
    const buffer = this.#buffer;
    const start = this.#length;
    let at = start;
    let newline = -1;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        const kind = ASCII_KIND[code] as number;
        if (kind !== ASCII_PLAIN) {
          if (kind === ASCII_SPECIAL) return this.#escapedText(text, start);
          if (newline === -1) newline = i;
        }
        buffer[at++] = code;
      } else if (code < 0x800) {
        buffer[at++] = 0xc0 | (code >> 6);
        buffer[at++] = 0x80 | (code & 0x3f);
      } else if (code >= 0xd800 && code <= 0xdfff) {
        const low = text.charCodeAt(i + 1);
        if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff))
          return this.#escapedText(text, start);
        const point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
        buffer[at++] = 0xf0 | (point >> 18);
        buffer[at++] = 0x80 | ((point >> 12) & 0x3f);
        buffer[at++] = 0x80 | ((point >> 6) & 0x3f);
        buffer[at++] = 0x80 | (point & 0x3f);
      } else if (code >= 0xfffe) {
        return this.#escapedText(text, start);
      } else {
        buffer[at++] = 0xe0 | (code >> 12);
        buffer[at++] = 0x80 | ((code >> 6) & 0x3f);
        buffer[at++] = 0x80 | (code & 0x3f);
      }
    }
    this.#length = at;
    return newline;
  }

  /** {@link xmlText}'s general path, from `start` again. */
  #escapedText(text: string, start: number): number {
    this.#length = start;
    this.utf8(escapeXmlText(text));
    return text.indexOf('\n');
  }

  /** Appends any text as UTF-8 (already escaped for XML). */
  utf8(text: string): void {
    const length = text.length;
    this.reserve(length * 3);
    const buffer = this.#buffer;
    const start = this.#length;
    let at = start;
    // Most text is ASCII: copy it in the loop, and hand the rest to the encoder.
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.#length = start + buffer.write(text, start, 'utf8');
        return;
      }
      buffer[at++] = code;
    }
    this.#length = at;
  }

  /** Appends `source[start, end)`, bytes rendered elsewhere (the row engine's). */
  copyFrom(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.#length += source.copy(this.#buffer, this.#length, start, end);
  }

  /** Appends one byte. */
  byte(value: number): void {
    this.reserve(1);
    this.#buffer[this.#length++] = value;
  }

  /** {@link byte} without the room check. */
  putByte(value: number): void {
    this.#buffer[this.#length++] = value;
  }

  /** Forgets everything written from `length` on. */
  truncate(length: number): void {
    this.#length = Math.min(length, this.#length);
  }

  /**
   * The bytes written, as a view of this buffer's own memory (which can be transferred), without
   * a copy; the buffer starts over empty. Only for a buffer grown past the size of the shared
   * pool, whose ArrayBuffer is its alone. Its unused tail was never written, so it takes address
   * space rather than memory.
   */
  detach(): Uint8Array {
    const buffer = this.#buffer;
    if (buffer.byteOffset !== 0 || buffer.buffer.byteLength !== buffer.length) {
      throw new XlmergeError(ErrorCode.Internal, 'Cannot detach a buffer that shares its memory');
    }
    const bytes = new Uint8Array(buffer.buffer, 0, this.#length);
    this.#buffer = Buffer.allocUnsafe(0);
    this.#length = 0;
    return bytes;
  }

  toString(): string {
    return this.#buffer.toString('utf8', 0, this.#length);
  }

  #grow(extra: number): void {
    const needed = this.#length + extra;
    if (needed > MAX_RENDER_BYTES) {
      throw new XlmergeError(ErrorCode.SizeLimit, 'The rows are too large to handle in one piece', {
        hint: 'Split the workbook into smaller files',
      });
    }
    const grown = Buffer.allocUnsafe(
      Math.min(MAX_RENDER_BYTES, Math.max(needed, this.#buffer.length * 2)),
    );
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}
