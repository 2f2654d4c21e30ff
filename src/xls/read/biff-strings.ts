/**
 * The strings of BIFF8 records ([MS-XLS] 2.5.293-2.5.296): a character count, a flags byte,
 * then the characters, each either 2 bytes (UTF-16LE) or 1 byte ("compressed": the low byte of
 * a character below U+0100). Rich-text runs and phonetic data that follow are skipped. Strings
 * of the shared strings table (SST) and of long formula results (STRING) may be cut across
 * CONTINUE records, and each piece of characters in a CONTINUE starts with a flags byte of its
 * own: {@link ContinuedData} reads them.
 */
import { decodeWindows1252 } from '../../core/windows-1252.js';

/** Turns the bytes of compressed characters into text. */
export type ByteDecoder = (bytes: Buffer) => string;

/** The code page of UTF-16 ([MS-XLS] CodePage: what Excel writes in every BIFF8 file). */
const UTF16_CODE_PAGE = 1200;

/**
 * Single-byte code pages that a CODEPAGE record may name, by their WHATWG encoding label.
 * windows-1252 is decoded by hand (see windows-1252.ts).
 */
const SINGLE_BYTE_CODE_PAGES: ReadonlyMap<number, string> = new Map([
  [874, 'windows-874'],
  [1250, 'windows-1250'],
  [1251, 'windows-1251'],
  [1253, 'windows-1253'],
  [1254, 'windows-1254'],
  [1255, 'windows-1255'],
  [1256, 'windows-1256'],
  [1257, 'windows-1257'],
  [1258, 'windows-1258'],
  [10000, 'macintosh'],
  [32768, 'macintosh'],
]);

const latin1: ByteDecoder = (bytes) => bytes.toString('latin1');

/**
 * How compressed characters are decoded in a workbook whose CODEPAGE record says `codePage`.
 * BIFF8 defines them as Latin-1 (U+0000-U+00FF), and Excel always writes code page 1200; a
 * workbook that names an 8-bit Windows code page instead was written by a program that meant
 * its bytes in that code page (a € as 0x80 in windows-1252, Cyrillic in windows-1251), so they
 * are decoded in it: windows-1250 to 1258, windows-874 (Thai) and Mac Roman. Multi-byte code
 * pages (932, 936, 949, 950), whose characters a count of bytes cannot hold, and unknown ones
 * are read as Latin-1.
 */
export function byteDecoderOf(codePage: number | null): ByteDecoder {
  if (codePage === null || codePage === UTF16_CODE_PAGE) return latin1;
  if (codePage === 1252) return decodeWindows1252;
  const label = SINGLE_BYTE_CODE_PAGES.get(codePage);
  if (label === undefined) return latin1;
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label);
  } catch {
    // A Node built without ICU knows only a few encodings.
    return latin1;
  }
  return (bytes) => decoder.decode(bytes);
}

/** A string read from one record, and the offset after it. */
export interface StringRead {
  readonly text: string;
  readonly end: number;
}

/**
 * The string at `offset` of one record's data ending at `end`: a count of `countBytes` bytes
 * (2 for XLUnicodeString, 1 for ShortXLUnicodeString), a flags byte and the characters; rich
 * runs and phonetic data after them are skipped when the flags announce them. Null when the
 * record ends before the string does.
 */
export function readRecordString(
  bytes: Buffer,
  offset: number,
  end: number,
  countBytes: 1 | 2,
  decode: ByteDecoder,
): StringRead | null {
  if (offset + countBytes + 1 > end) return null;
  const count = countBytes === 2 ? bytes.readUInt16LE(offset) : bytes.readUInt8(offset);
  const flags = bytes.readUInt8(offset + countBytes);
  let at = offset + countBytes + 1;
  let runs = 0;
  let phonetic = 0;
  if ((flags & RICH) !== 0) {
    if (at + 2 > end) return null;
    runs = bytes.readUInt16LE(at);
    at += 2;
  }
  if ((flags & EXTENDED) !== 0) {
    if (at + 4 > end) return null;
    phonetic = bytes.readUInt32LE(at);
    at += 4;
  }
  const charBytes = (flags & HIGH_BYTE) !== 0 ? count * 2 : count;
  if (at + charBytes > end) return null;
  const text =
    (flags & HIGH_BYTE) !== 0
      ? bytes.toString('utf16le', at, at + charBytes)
      : decode(bytes.subarray(at, at + charBytes));
  at += charBytes + runs * 4 + phonetic;
  return at > end ? null : { text, end: at };
}

/** The flags of a string: its characters are 2 bytes each. */
const HIGH_BYTE = 0x01;
/** Phonetic data (ExtRst) follows the characters (and the rich runs). */
const EXTENDED = 0x04;
/** Rich-text runs (4 bytes each) follow the characters. */
const RICH = 0x08;

/** What {@link ContinuedData} throws when the data ends early; the caller says where. */
export class DataEnded extends Error {}

/**
 * The data of a record and of the CONTINUE records after it, read as one, with BIFF8's rule
 * for characters cut between two of them: the piece in the next record starts with a flags
 * byte saying whether its characters are 1 or 2 bytes. Everything else (counts, flags, rich
 * runs, phonetic data) simply goes on in the next record.
 */
export class ContinuedData {
  readonly #bytes: Buffer;
  /** The data of each record: start and end offsets in the stream, in pairs. */
  readonly #pieces: readonly number[];
  #piece = 0;
  #at: number;
  #end: number;

  constructor(bytes: Buffer, pieces: readonly number[]) {
    this.#bytes = bytes;
    this.#pieces = pieces;
    this.#at = pieces[0] ?? 0;
    this.#end = pieces[1] ?? 0;
  }

  /** Whether every byte has been read. */
  get done(): boolean {
    return this.#at >= this.#end && this.#piece + 2 >= this.#pieces.length;
  }

  /** The offset in the stream of the next byte (for messages). */
  get offset(): number {
    return this.#at;
  }

  byte(): number {
    if (this.#at >= this.#end) this.#nextPiece();
    const value = this.#bytes[this.#at] as number;
    this.#at += 1;
    return value;
  }

  uint16(): number {
    if (this.#at + 2 <= this.#end) {
      const value = this.#bytes.readUInt16LE(this.#at);
      this.#at += 2;
      return value;
    }
    return this.byte() | (this.byte() << 8);
  }

  uint32(): number {
    if (this.#at + 4 <= this.#end) {
      const value = this.#bytes.readUInt32LE(this.#at);
      this.#at += 4;
      return value;
    }
    return (this.uint16() + this.uint16() * 0x10000) >>> 0;
  }

  /** Skips `count` bytes, into the records after this one when they go on there. */
  skip(count: number): void {
    let left = count;
    while (left > 0) {
      if (this.#at >= this.#end) this.#nextPiece();
      const step = Math.min(left, this.#end - this.#at);
      this.#at += step;
      left -= step;
    }
  }

  /**
   * A whole string: count, flags, the characters (continued with a new flags byte in each
   * record they go on in), rich runs and phonetic data skipped.
   */
  string(decode: ByteDecoder): string {
    const count = this.uint16();
    const flags = this.byte();
    const runs = (flags & RICH) !== 0 ? this.uint16() : 0;
    const phonetic = (flags & EXTENDED) !== 0 ? this.uint32() : 0;
    const text = this.characters(count, (flags & HIGH_BYTE) !== 0, decode);
    this.skip(runs * 4 + phonetic);
    return text;
  }

  /** `count` characters, 2 bytes each when `wide`, going on into the next records. */
  characters(count: number, wide: boolean, decode: ByteDecoder): string {
    let text = '';
    let left = count;
    let twoBytes = wide;
    for (;;) {
      const available = this.#end - this.#at;
      const take = Math.min(left, twoBytes ? available >>> 1 : available);
      const bytes = twoBytes ? take * 2 : take;
      if (take > 0) {
        text += twoBytes
          ? this.#bytes.toString('utf16le', this.#at, this.#at + bytes)
          : decode(this.#bytes.subarray(this.#at, this.#at + bytes));
      }
      this.#at += bytes;
      left -= take;
      if (left === 0) return text;
      this.#nextPiece();
      twoBytes = ((this.#bytes[this.#at] as number) & HIGH_BYTE) !== 0;
      this.#at += 1;
    }
  }

  #nextPiece(): void {
    // Any byte left in this piece (an odd one between two-byte characters) is dropped, and
    // empty CONTINUE records are passed over.
    do {
      this.#piece += 2;
      if (this.#piece + 1 >= this.#pieces.length) {
        this.#at = this.#end;
        throw new DataEnded();
      }
      this.#at = this.#pieces[this.#piece] as number;
      this.#end = this.#pieces[this.#piece + 1] as number;
    } while (this.#at >= this.#end);
  }
}
