/**
 * The fields of one BIFF12 record, read in order, each checked against the record's end: a
 * field (or a string length) that runs past it is an error, not a read of the next record.
 */
import type { XlmergeError } from '../../errors.js';
import type { RecordReader } from './record-reader.js';

/** `XLNullableWideString` (MS-XLSB 2.5.166): this length means no string at all. */
const NULL_STRING = 0xffffffff;

/** A cursor over the payload of the current record of a {@link RecordReader}. */
export class RecordFields {
  /** The next field's offset in `reader.bytes`. */
  at: number;
  readonly #reader: RecordReader;
  readonly #end: number;
  /** What the record is, for messages (`the sheet record BrtBundleSh`). */
  readonly #what: string;

  constructor(reader: RecordReader, what: string) {
    this.#reader = reader;
    this.#what = what;
    this.at = reader.start;
    this.#end = reader.end;
  }

  /** Bytes left in the record after {@link at}. */
  get left(): number {
    return this.#end - this.at;
  }

  u8(): number {
    this.#need(1, 'a byte');
    return this.#reader.bytes[this.at++] as number;
  }

  u16(): number {
    this.#need(2, 'a 2-byte integer');
    const value = this.#reader.bytes.readUInt16LE(this.at);
    this.at += 2;
    return value;
  }

  u32(): number {
    this.#need(4, 'a 4-byte integer');
    const value = this.#reader.bytes.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  f64(): number {
    this.#need(8, 'an 8-byte number');
    const value = this.#reader.bytes.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  skip(count: number): void {
    this.#need(count, `${count} byte(s)`);
    this.at += count;
  }

  /** An `XLWideString` (2.5.168): a 4-byte count of UTF-16 code units, then the units. */
  wideString(): string {
    const start = this.at;
    const length = this.u32();
    return this.#units(length, start);
  }

  /** An `XLNullableWideString` (2.5.166): a wide string, or null for the length 0xFFFFFFFF. */
  nullableWideString(): string | null {
    const start = this.at;
    const length = this.u32();
    return length === NULL_STRING ? null : this.#units(length, start);
  }

  /** A MALFORMED_RECORD error about this record. */
  fail(message: string): XlmergeError {
    return this.#reader.fail(`${message} (${this.#what} at byte ${this.#reader.recordOffset})`);
  }

  #units(length: number, start: number): string {
    if (length * 2 > this.left) {
      throw this.fail(
        `expected a string of ${length} characters at offset ${start - this.#reader.start} of the record, found the record ends after ${Math.floor(this.left / 2)}`,
      );
    }
    // Every code unit is kept, a lone surrogate too, as the .xlsx reader keeps every character.
    const text = this.#reader.bytes.toString('utf16le', this.at, this.at + length * 2);
    this.at += length * 2;
    return text;
  }

  #need(count: number, what: string): void {
    if (this.at + count > this.#end) {
      throw this.fail(
        `expected ${what} at offset ${this.at - this.#reader.start} of the record, found the record ends there (${this.#end - this.#reader.start} bytes long)`,
      );
    }
  }
}
