/**
 * The JavaScript side of the engine's shared strings: renders, keys and measures a string with
 * the JavaScript path's own functions (putTextCellRest, writeKey), for the strings engine.c
 * does not read itself, so the engine copies the bytes the JavaScript path would write.
 */
import type { CellValue } from '../../../core/cell.js';
import { MAX_CELL_TEXT } from '../../../core/excel-limits.js';
import { type KeyOptions, type KeySink, writeKey } from '../../../core/key.js';
import { writeWtf8 } from '../../../core/packed-keys.js';
import { CELL_MARKUP_BYTES, putTextCellRest } from '../../../render/cell-xml.js';
import { RenderBuffer } from '../../../render/render-buffer.js';
import { StringFlag, StringRecord } from './engine-layout.js';

/**
 * Renders, keys and measures strings with the JavaScript functions (putTextCellRest, writeKey),
 * for the engine's string tables: bodies and key parts in one buffer, their offsets counted from
 * `base`.
 */
export class StringRenderer {
  readonly #xml: RenderBuffer;
  readonly #keys = new ByteSink();
  readonly #options: KeyOptions;
  readonly #base: number;
  readonly #one: CellValue[] = [null];
  /** The last string's record (see StringRecord). */
  #bodyStart = 0;
  #bodyLength = 0;
  #keyStart = 0;
  #keyLength = 0;
  #width = 0;
  /** The last string's flags (StringFlag bits). */
  flag = 0;

  constructor(options: KeyOptions, base: number, sizeHint: number) {
    this.#options = options;
    this.#base = base;
    // At least 64 KiB: a smaller Buffer comes from the shared pool and cannot be detached.
    this.#xml = new RenderBuffer(Math.max(64 * 1024, sizeHint));
  }

  /** Renders, keys and measures `text`. */
  render(text: string): void {
    this.#bodyStart = 0;
    this.#bodyLength = 0;
    this.#keyStart = 0;
    this.#keyLength = 0;
    this.#width = 0;
    this.flag = 0;
    if (text === '') {
      this.flag = StringFlag.Empty;
      return;
    }
    // Too long for a cell: the JavaScript path reports it, with the row and column.
    if (text.length > MAX_CELL_TEXT) {
      this.flag = StringFlag.Unusable;
      return;
    }
    // The cell after `<c r="A\0`, as renderRowCellsInto writes it (the engine writes the rest).
    const xml = this.#xml;
    const start = xml.length;
    xml.reserve(CELL_MARKUP_BYTES);
    this.#width = putTextCellRest(xml, text);
    this.#bodyStart = this.#base + start;
    this.#bodyLength = xml.length - start;
    this.#key(text);
  }

  /** Keys `text`, whose body (start, length) and width are known. */
  keyOnly(text: string, bodyStart: number, bodyLength: number, width: number): void {
    this.flag = 0;
    this.#bodyStart = bodyStart;
    this.#bodyLength = bodyLength;
    this.#width = width;
    this.#key(text);
  }

  /** Puts the last string's record (STRING_RECORD_WORDS numbers) in `records` at `at`. */
  fill(records: { [index: number]: number }, at: number): void {
    records[at + StringRecord.bodyStart] = this.#bodyStart;
    records[at + StringRecord.bodyLength] = this.#bodyLength;
    records[at + StringRecord.keyStart] = this.#keyStart;
    records[at + StringRecord.keyLength] = this.#keyLength;
    records[at + StringRecord.width] = this.#width;
    records[at + StringRecord.flags] = this.flag;
  }

  /** Bytes of bodies and key parts rendered so far. */
  get length(): number {
    return this.#xml.length;
  }

  /** The bodies and key parts rendered (the buffer is given up). */
  bytes(): Uint8Array {
    return this.#xml.detach();
  }

  /**
   * A string that keys as empty (all spaces, with --trim) has no part: the engine writes `_`
   * for it, as for an empty cell, and it does not make the key present.
   */
  #key(text: string): void {
    const keys = this.#keys;
    keys.truncate(0);
    this.#one[0] = text;
    const xml = this.#xml;
    this.#keyStart = this.#base + xml.length;
    this.#keyLength = 0;
    if (writeKey(keys, this.#one, FIRST, this.#options)) {
      const bytes = keys.bytes();
      xml.copyFrom(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length);
      this.#keyLength = bytes.length;
    }
  }
}

const FIRST = [0];

/** Where writeKey writes a shared string's key part: a growable byte buffer. */
class ByteSink implements KeySink {
  #bytes = new Uint8Array(64 * 1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  truncate(length: number): void {
    this.#length = length;
  }

  text(text: string): void {
    this.#room(text.length * 3);
    this.#length = writeWtf8(text, this.#bytes, this.#length);
  }

  digits(value: number): void {
    const digits = String(value);
    this.#room(digits.length);
    for (let i = 0; i < digits.length; i++) this.#bytes[this.#length++] = digits.charCodeAt(i);
  }

  byte(code: number): void {
    this.#room(1);
    this.#bytes[this.#length++] = code;
  }

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#length + bytes, this.#bytes.length * 2));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
