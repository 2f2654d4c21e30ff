import { isAscii, isUtf8 } from 'node:buffer';
import { decodeWindows1252 } from '../../core/windows-1252.js';

/** The encodings a CSV file is read in. */
export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Why decoding stopped: the first byte that is not valid in the file's encoding. */
export interface DecodeFailure {
  /** 0-based offset of the bad byte in the file. */
  readonly offset: number;
  /** The problem in words, with the byte and why the file reads in that encoding. */
  readonly message: string;
}

/**
 * Leading bytes looked at for a byte order mark and for UTF-16 without one. 512 UTF-16 units
 * are plenty to see the zero bytes of mostly-ASCII text.
 */
export const HEAD_BYTES = 1024;

/**
 * How far from the first non-ASCII byte a file without a byte order mark is checked: if these
 * bytes are valid UTF-8 the file is read as UTF-8, else as windows-1252.
 */
export const SAMPLE_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);
const HEAD = 0;
/** No BOM, not UTF-16, and only ASCII so far: UTF-8 and windows-1252 read it the same. */
const ASCII = 1;
/** Holding the bytes from the first non-ASCII one until {@link SAMPLE_BYTES} are in. */
const SAMPLE = 2;
const UTF8 = 3;
const WINDOWS_1252 = 4;
const UTF16 = 5;
const FAILED = 6;
type State =
  | typeof HEAD
  | typeof ASCII
  | typeof SAMPLE
  | typeof UTF8
  | typeof WINDOWS_1252
  | typeof UTF16
  | typeof FAILED;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Turns a CSV file's bytes into text, in chunks cut anywhere (a character split between two
 * chunks is put back together), deciding the encoding from the file itself:
 *
 * 1. A byte order mark: UTF-8 (EF BB BF), UTF-16LE (FF FE) or UTF-16BE (FE FF). It is dropped.
 * 2. UTF-16 without a BOM: in the first {@link HEAD_BYTES}, at least a quarter of the two-byte
 *    units have a zero high byte, and more than ten times as many as have a zero low byte
 *    (mostly ASCII-range text in UTF-16; big-endian likewise the other way round).
 * 3. Otherwise the bytes are read as ASCII up to the first byte above 0x7F. From there, if the
 *    next {@link SAMPLE_BYTES} bytes (or the rest of the file) are valid UTF-8, the file is
 *    UTF-8; if not, windows-1252, which Excel on Western Windows saves as "CSV (Comma
 *    delimited)". ASCII reads the same in both, so the choice holds for the whole file.
 *
 * A byte that is not valid in the chosen UTF-8 or UTF-16 never becomes U+FFFD: decoding stops
 * there, `push` returns the text before it, and {@link failure} says where.
 */
export class CsvTextDecoder {
  #state: State = HEAD;
  #encoding: CsvEncoding = 'utf-8';
  #bom = false;
  /** Bytes taken but not yet decoded: the head, the sample, or a split character. */
  #held: Buffer = EMPTY;
  /** File offset of the first byte not yet decoded (the first held byte). */
  #offset = 0;
  #failure: DecodeFailure | null = null;

  /** The encoding, final once a BOM, UTF-16 or a non-ASCII byte was seen; `utf-8` before. */
  get encoding(): CsvEncoding {
    return this.#encoding;
  }

  /** The file starts with a byte order mark (which is not part of the text). */
  get bom(): boolean {
    return this.#bom;
  }

  /** Set when a byte was not valid in the file's encoding; nothing more is decoded. */
  get failure(): DecodeFailure | null {
    return this.#failure;
  }

  /** The text of `bytes`, less a character cut at the end (it comes with the next push). */
  push(bytes: Uint8Array): string {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.#state === HEAD) {
      this.#held =
        this.#held.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#held, chunk]);
      return this.#held.length < HEAD_BYTES ? '' : this.#decideHead(false);
    }
    return this.#decode(chunk, false);
  }

  /** The rest of the text, at the end of the file. */
  end(): string {
    if (this.#state === HEAD) return this.#decideHead(true);
    return this.#decode(EMPTY, true);
  }

  #decideHead(final: boolean): string {
    const head = this.#held;
    this.#held = EMPTY;
    let start = 0;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.#setBom(UTF8, 'utf-8', 3);
      start = 3;
    } else if (head[0] === 0xff && head[1] === 0xfe) {
      this.#setBom(UTF16, 'utf-16le', 2);
      start = 2;
    } else if (head[0] === 0xfe && head[1] === 0xff) {
      this.#setBom(UTF16, 'utf-16be', 2);
      start = 2;
    } else {
      const utf16 = utf16WithoutBom(head);
      if (utf16 !== null) {
        this.#state = UTF16;
        this.#encoding = utf16;
      } else {
        this.#state = ASCII;
      }
    }
    this.#offset = start;
    return this.#decode(head.subarray(start), final);
  }

  #setBom(state: State, encoding: CsvEncoding, length: number): void {
    this.#state = state;
    this.#encoding = encoding;
    this.#bom = true;
    this.#offset = length;
  }

  #decode(chunk: Buffer, final: boolean): string {
    switch (this.#state) {
      case ASCII:
        return this.#decodeAscii(chunk, final);
      case SAMPLE:
        this.#held = Buffer.concat([this.#held, chunk]);
        return this.#decideSample(final);
      case UTF8:
        return this.#decodeUtf8(chunk, final);
      case WINDOWS_1252:
        this.#offset += chunk.length;
        return decodeWindows1252(chunk);
      case UTF16:
        return this.#decodeUtf16(chunk, final);
      default:
        return '';
    }
  }

  #decodeAscii(chunk: Buffer, final: boolean): string {
    if (isAscii(chunk)) {
      this.#offset += chunk.length;
      return chunk.toString('latin1');
    }
    let first = 0;
    while ((chunk[first] as number) < 0x80) first += 1;
    const text = chunk.toString('latin1', 0, first);
    this.#offset += first;
    this.#held = Buffer.from(chunk.subarray(first));
    this.#state = SAMPLE;
    return text + this.#decideSample(final);
  }

  /** With the sample in (or the file ended), chooses UTF-8 or windows-1252 for good. */
  #decideSample(final: boolean): string {
    const held = this.#held;
    if (held.length < SAMPLE_BYTES && !final) return '';
    let sample = held.subarray(0, SAMPLE_BYTES);
    // A character cut by the sample's end is not an error: only the end of the file cuts.
    if (sample.length < held.length || !final) sample = sample.subarray(0, completeUtf8(sample));
    const utf8 = isUtf8(sample);
    this.#state = utf8 ? UTF8 : WINDOWS_1252;
    this.#encoding = utf8 ? 'utf-8' : 'windows-1252';
    this.#held = EMPTY;
    return this.#decode(held, final);
  }

  #decodeUtf8(chunk: Buffer, final: boolean): string {
    let text = '';
    let rest = chunk;
    const carried = this.#held;
    if (carried.length > 0) {
      // Finish the character split at the end of the last chunk, without copying this one.
      const need = utf8Length(carried[0] as number) - carried.length;
      const piece = Buffer.concat([carried, rest.subarray(0, need)]);
      rest = rest.subarray(Math.min(need, rest.length));
      if (need > chunk.length && !final) {
        this.#held = piece;
        return '';
      }
      this.#held = EMPTY;
      if (!isUtf8(piece)) return this.#utf8Failure(piece, 0);
      text = piece.toString('utf8');
      this.#offset += piece.length;
    }
    const end = final ? rest.length : completeUtf8(rest);
    const body = rest.subarray(0, end);
    if (isAscii(body)) text += body.toString('latin1');
    else if (isUtf8(body)) text += body.toString('utf8');
    else return text + this.#utf8Failure(body, 0);
    this.#offset += end;
    if (end < rest.length) this.#held = Buffer.from(rest.subarray(end));
    return text;
  }

  /** The valid text of `bytes` before its first bad byte, and the failure. */
  #utf8Failure(bytes: Buffer, from: number): string {
    const bad = from + invalidUtf8Offset(bytes.subarray(from));
    const offset = this.#offset + bad;
    const byte = bytes[bad] as number;
    const why = this.#bom
      ? 'it starts with a UTF-8 byte order mark'
      : 'its first non-ASCII characters are UTF-8';
    const cut =
      bad + utf8Length(byte) > bytes.length &&
      bytes.subarray(bad + 1).every((next) => (next & 0xc0) === 0x80);
    const what = cut
      ? 'the file ends in the middle of a UTF-8 character'
      : `byte 0x${hex(byte)} is not valid UTF-8`;
    this.#fail(offset, `The file reads as UTF-8 (${why}), but at byte offset ${offset} ${what}`);
    return bytes.toString('utf8', 0, bad);
  }

  #decodeUtf16(chunk: Buffer, final: boolean): string {
    const bytes = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    let end = bytes.length - (bytes.length % 2);
    if (!final && end >= 2) {
      // Keep a high surrogate for the low one in the next chunk.
      const last = this.#encoding === 'utf-16le' ? bytes[end - 1] : bytes[end - 2];
      if (((last as number) & 0xfc) === 0xd8) end -= 2;
    }
    let units = bytes.subarray(0, end);
    if (this.#encoding === 'utf-16be') units = Buffer.from(units).swap16();
    const text = units.toString('utf16le');
    const lone = text.search(LONE_SURROGATE);
    const tail = bytes.subarray(end);
    if (lone >= 0 || (final && tail.length > 0)) {
      const at = lone >= 0 ? lone : text.length;
      const offset = this.#offset + 2 * at;
      const why = this.#bom ? 'it starts with a byte order mark' : 'its first bytes are UTF-16';
      const what =
        lone >= 0
          ? `the 16-bit unit at byte offset ${offset} is half of a surrogate pair`
          : 'the file ends in the middle of a character';
      const name = this.#encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
      this.#fail(offset, `The file reads as ${name} (${why}), but ${what}`);
      return text.slice(0, at);
    }
    this.#offset += end;
    this.#held = tail.length > 0 ? Buffer.from(tail) : EMPTY;
    return text;
  }

  #fail(offset: number, message: string): void {
    this.#state = FAILED;
    this.#held = EMPTY;
    this.#failure = { offset, message };
  }
}

/**
 * The UTF-16 a file whose first bytes are `head` is read in, as {@link CsvTextDecoder} decides
 * on the same bytes: by its byte order mark, or by the zero bytes of mostly-ASCII UTF-16 text
 * without one; `null` when it is read in UTF-8 or windows-1252.
 */
export function utf16Encoding(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return null;
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return utf16WithoutBom(head);
}

/** `utf-16le` or `utf-16be` when the head looks like ASCII-range UTF-16 text, else `null`. */
function utf16WithoutBom(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const units = Math.floor(head.length / 2);
  let zeroLow = 0;
  let zeroHigh = 0;
  for (let i = 0; i < units; i += 1) {
    if (head[2 * i] === 0) zeroLow += 1;
    if (head[2 * i + 1] === 0) zeroHigh += 1;
  }
  // Little-endian ASCII is "a\0": the zero is each unit's second byte. A few zeros on the
  // other side are other characters (U+0100, the low surrogate of U+1F600).
  if (zeroHigh * 4 >= units && zeroHigh > 10 * zeroLow) return 'utf-16le';
  if (zeroLow * 4 >= units && zeroLow > 10 * zeroHigh) return 'utf-16be';
  return null;
}

/** Bytes of the UTF-8 sequence a lead byte starts (1 for ASCII and for bytes that lead none). */
function utf8Length(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  return 1;
}

/** The length of `bytes` without a UTF-8 sequence cut at the end. */
function completeUtf8(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back += 1) {
    const byte = bytes[n - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    return utf8Length(byte) > back ? n - back : n;
  }
  return n;
}

/** Offset of the first byte where `bytes` stops being valid UTF-8 (its length if it never does). */
function invalidUtf8Offset(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    const length = utf8Length(lead);
    if (length === 1) {
      if (lead >= 0x80) return i;
      i += 1;
      continue;
    }
    if (i + length > bytes.length) return i;
    if (!isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return i;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
