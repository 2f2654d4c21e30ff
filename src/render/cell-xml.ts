import type { CellValue } from '../core/cell.js';
import { lettersOfColumn } from '../core/column-letters.js';
import { MAX_CELL_TEXT, MAX_COLUMNS } from '../core/excel-limits.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { StyleId } from './cell-styles.js';

/**
 * Stands for the row number inside rendered cell XML; the sheet writer replaces it. Never
 * occurs in rendered XML otherwise (NUL is not allowed in XML and is escaped as `_x0000_`).
 */
export const ROW_NUMBER_PLACEHOLDER = '\u0000';

const LETTERS: readonly string[] = buildLetters();

function buildLetters(): string[] {
  const table: string[] = new Array(MAX_COLUMNS);
  for (let index = 0; index < MAX_COLUMNS; index++) table[index] = lettersOfColumn(index);
  return table;
}

/**
 * Column letters for a 0-based index: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD". Cached
 * table. Throws `TOO_MANY_COLUMNS` past XFD.
 */
export function columnLetters(index: number): string {
  const letters = LETTERS[index];
  if (letters === undefined) {
    throw new XlmergeError(
      ErrorCode.TooManyColumns,
      `Column number ${index + 1} is past the last column Excel allows (XFD, ${MAX_COLUMNS.toLocaleString('en-US')} columns)`,
    );
  }
  return letters;
}

/**
 * Anything `escapeXmlText` would change: markup characters, CR (XML parsers turn a raw CR into
 * LF), characters XML 1.0 forbids, any surrogate (lone ones are forbidden; pairs are checked in
 * the slow path) and text that a reader would take for an `_xHHHH_` escape.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000B-\u001F\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;
/** `_xHHHH`, which a following `_` makes an escape. */
const ESCAPE_LIKE = /^_x[0-9A-Fa-f]{4}$/;

/** How {@link XmlBytes.xmlText} treats an ASCII character: copied, a line feed, or the general path. */
const ASCII_PLAIN = 0;
const ASCII_LINE_FEED = 1;
const ASCII_SPECIAL = 2;
const ASCII_KIND = buildAsciiKinds();

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

/** XML whitespace: space, tab, LF, CR. */
export function isXmlSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function hexEscape(code: number): string {
  return `_x${code.toString(16).toUpperCase().padStart(4, '0')}_`;
}

const CELL_START = '<c r="';
/** Enough for `<c r="` + placeholder + the longest fragment and number below (letters apart). */
export const CELL_MARKUP_BYTES = 96;
/** Row offsets travel as 32-bit numbers, so one buffer of rows stays below 4 GiB. */
const MAX_XML_BYTES = 2 ** 32 - 1;
// Pre-built tails of `<c r="A\0"` for each kind of cell.
const TEXT = `" t="inlineStr"><is><t>`;
const TEXT_PRESERVE = `" t="inlineStr"><is><t xml:space="preserve">`;
const TEXT_END = '</t></is></c>';
const NUMBER = '"><v>';
const VALUE_END = '</v></c>';
const TRUE = '" t="b"><v>1</v></c>';
const FALSE = '" t="b"><v>0</v></c>';
const ERROR = '" t="e"><v>';
const NUM_ERROR = '" t="e"><v>#NUM!</v></c>';
const DATE = `" s="${StyleId.Date}"><v>`;
const DATE_TIME = `" s="${StyleId.DateTime}"><v>`;
const TIME = `" s="${StyleId.Time}"><v>`;
const ELAPSED = `" s="${StyleId.Elapsed}"><v>`;

/**
 * The markup after `<c r="A\0` of the cells the row engine writes, in engine.c's order: it
 * writes these bytes, so the two paths cannot drift apart.
 */
export const CELL_FRAGMENTS = Object.freeze({
  number: NUMBER,
  valueEnd: VALUE_END,
  true: TRUE,
  false: FALSE,
  date: DATE,
  dateTime: DATE_TIME,
  time: TIME,
  elapsed: ELAPSED,
  text: TEXT,
  textPreserve: TEXT_PRESERVE,
  textEnd: TEXT_END,
});

/**
 * A growable buffer of UTF-8 XML. Cell XML is rendered straight into bytes: building strings
 * per row and encoding them afterwards made millions of short-lived string pieces, and the
 * workers spent more time collecting that garbage than parsing.
 */
export class XmlBytes {
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
    if (needed > MAX_XML_BYTES) {
      throw new XlmergeError(ErrorCode.SizeLimit, 'The rows are too large to handle in one piece', {
        hint: 'Split the workbook into smaller files',
      });
    }
    const grown = Buffer.allocUnsafe(
      Math.min(MAX_XML_BYTES, Math.max(needed, this.#buffer.length * 2)),
    );
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

/**
 * Renders the non-empty cells of one row:
 * `<c r="A\0" t="inlineStr"><is><t>x</t></is></c><c r="B\0"><v>1.5</v></c>…`, where `\0` is
 * {@link ROW_NUMBER_PLACEHOLDER}. `columns[i]` gives the output column letters for `cells[i]`
 * (default: `columnLetters(i)`). Skips null and "" cells.
 *
 * Numbers are written as their shortest round-trip text (`-0` as `0`); NaN and ±Infinity, which
 * a sheet cannot hold, as the error `#NUM!`. Throws `CELL_TOO_LONG` for text past Excel's
 * 32,767 characters and `TOO_MANY_COLUMNS` past column XFD.
 */
export function renderRowCells(cells: readonly CellValue[], columns?: readonly string[]): string {
  const out = new XmlBytes(256);
  renderRowCellsInto(out, cells, columns);
  return out.toString();
}

/**
 * {@link renderRowCells} into `out`. When `widths` is given, `widths[i]` is raised to the
 * number of characters cell `i` shows (for column widths).
 */
export function renderRowCellsInto(
  out: XmlBytes,
  cells: readonly CellValue[],
  columns?: readonly string[],
  widths?: number[],
): void {
  const count = cells.length;
  for (let i = 0; i < count; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined || cell === '') continue;
    let letters: string | undefined;
    if (columns === undefined) letters = columnLetters(i);
    else {
      letters = columns[i];
      if (letters === undefined) throw missingColumn(i, columns.length);
    }
    // Room for the markup and a number; text reserves its own room.
    out.reserve(CELL_MARKUP_BYTES + letters.length);
    out.putAscii(CELL_START);
    out.putAscii(letters);
    out.putByte(0);
    let width: number;
    if (typeof cell === 'string') {
      if (cell.length > MAX_CELL_TEXT) throw cellTooLong(cell.length, letters);
      width = putTextCellRest(out, cell);
    } else if (typeof cell === 'number') {
      if (Number.isFinite(cell)) {
        out.putAscii(NUMBER);
        width = Math.min(out.putNumber(cell), 15);
        out.putAscii(VALUE_END);
      } else {
        out.putAscii(NUM_ERROR);
        width = 6;
      }
    } else if (typeof cell === 'boolean') {
      out.putAscii(cell ? TRUE : FALSE);
      width = 5;
    } else if (cell.kind === 'date') {
      const serial = cell.serial;
      if (!Number.isFinite(serial)) out.putAscii(NUM_ERROR);
      else {
        let style: string;
        if (cell.elapsed === true) style = ELAPSED;
        else if (serial >= 0 && serial < 1) style = TIME;
        else if (Number.isInteger(serial)) style = DATE;
        else style = DATE_TIME;
        out.putAscii(style);
        out.putNumber(serial);
        out.putAscii(VALUE_END);
      }
      width = Number.isInteger(serial) ? 10 : 19;
    } else if (cell.kind === 'error') {
      out.putAscii(ERROR);
      out.utf8(escapeXmlText(cell.code));
      out.ascii(VALUE_END);
      width = cell.code.length;
    } else {
      throw new XlmergeError(
        ErrorCode.Internal,
        `Cannot write cell ${letters}: unknown value ${JSON.stringify(cell)}`,
      );
    }
    if (widths !== undefined && width > (widths[i] ?? 0)) widths[i] = width;
  }
}

/**
 * A text cell after its `<c r="A\0`: the rest of its markup and the text, into `out` (with room
 * for the markup reserved); returns the characters it shows (up to the first line break). The
 * row engine renders each shared string with it once, and copies the bytes into every cell.
 */
export function putTextCellRest(out: XmlBytes, text: string): number {
  const first = text.charCodeAt(0);
  const lastChar = text.charCodeAt(text.length - 1);
  // XML whitespace at either end is kept only under xml:space="preserve".
  out.putAscii(isXmlSpace(first) || isXmlSpace(lastChar) ? TEXT_PRESERVE : TEXT);
  const newline = out.xmlText(text);
  out.ascii(TEXT_END);
  return newline === -1 ? text.length : newline;
}

function cellTooLong(length: number, letters: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.CellTooLong,
    `A text cell has ${length.toLocaleString('en-US')} characters; Excel allows at most ${MAX_CELL_TEXT.toLocaleString('en-US')}`,
    { column: letters },
  );
}

function missingColumn(index: number, mapped: number): XlmergeError {
  return new XlmergeError(
    ErrorCode.Internal,
    `Cannot write the cell at index ${index}: only ${mapped} output columns were given`,
  );
}
