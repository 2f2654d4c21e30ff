/**
 * The records of a BIFF12 part (MS-XLSB 2.1.4) as its bytes stream in. A record is its type
 * (1 or 2 bytes, 7 bits each, the high bit saying another byte follows), its length (1 to 4
 * bytes, the same way) and that many bytes of payload. A record may be cut across chunks; it is
 * put together from them, and the chunks it came from are then let go.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';

/** Where a part is, for messages. */
export interface RecordSource {
  readonly file: string;
  readonly part: string;
}

/** A record type takes at most 2 bytes (14 bits), its length at most 4 (28 bits). */
const MAX_TYPE_BYTES = 2;
const MAX_LENGTH_BYTES = 4;

const EMPTY = Buffer.alloc(0);

export const DAMAGED_HINT =
  'The file is damaged or was not written by Excel; open it in Excel and save it again';

/**
 * Reads records from the chunks {@link feed} gives it: {@link next} steps to the next whole
 * record ({@link type}, and its payload `bytes[start, end)`), or says it needs more bytes.
 * Memory holds the current chunk, or one record cut across chunks.
 */
export class RecordReader {
  /** The type of the current record. */
  type = -1;
  /** The buffer the current record's payload is in, from {@link start} to {@link end}. */
  bytes: Buffer = EMPTY;
  start = 0;
  end = 0;

  readonly #source: RecordSource;
  readonly #maxRecordBytes: number;
  /** The bytes being read, from {@link #pos}. */
  #buf: Buffer = EMPTY;
  #pos = 0;
  /** Chunks fed after {@link #buf}, not yet joined to it. */
  #queue: Buffer[] = [];
  #queued = 0;
  /** The fewest bytes from {@link #pos} the next record needs (known once its header is read). */
  #need = 1;
  /** Offset in the part of {@link #buf}'s first byte, for messages. */
  #base = 0;
  /** The last header read: the record's type and payload length, the header's own size. */
  #type = 0;
  #length = 0;
  #headerSize = 0;

  constructor(source: RecordSource, maxRecordBytes: number) {
    this.#source = source;
    this.#maxRecordBytes = maxRecordBytes;
  }

  /** Offset in the part of the current record's header, for messages. */
  recordOffset = 0;

  /** The part's next bytes. */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  /** Steps to the next record; false when the bytes fed so far hold no whole one. */
  next(): boolean {
    for (;;) {
      const available = this.#buf.length - this.#pos;
      if (available >= this.#need && this.#read()) return true;
      if (available + this.#queued < this.#need) return false;
      this.#join(available);
    }
  }

  /** The part has ended: throws when it ended inside a record. */
  finish(): void {
    const left = this.#buf.length - this.#pos + this.#queued;
    if (left === 0) return;
    if (this.#queued > 0) this.#join(left - this.#queued);
    const at = this.#base + this.#pos;
    throw this.fail(
      this.#readHeader()
        ? `expected the ${this.#length} byte(s) record ${this.#type} at byte ${at} to end within the part, found only ${left - this.#headerSize} byte(s) of it`
        : `expected a whole record at byte ${at}, found the part ends ${left} byte(s) later inside its header`,
    );
  }

  /** A MALFORMED_RECORD error about this part. */
  fail(message: string): XlmergeError {
    return new XlmergeError(ErrorCode.MalformedRecord, `${this.#source.part}: ${message}`, {
      ...this.#source,
      hint: DAMAGED_HINT,
    });
  }

  /** Reads the record at {@link #pos} if all of it is in {@link #buf}; else sets {@link #need}. */
  #read(): boolean {
    const available = this.#buf.length - this.#pos;
    if (!this.#readHeader()) {
      this.#need = available + 1;
      return false;
    }
    const total = this.#headerSize + this.#length;
    if (total > available) {
      this.#need = total;
      return false;
    }
    this.recordOffset = this.#base + this.#pos;
    this.type = this.#type;
    this.bytes = this.#buf;
    this.start = this.#pos + this.#headerSize;
    this.end = this.#pos + total;
    this.#pos += total;
    this.#need = 1;
    return true;
  }

  /**
   * Reads the header of the record at {@link #pos} into {@link #type}, {@link #length} and
   * {@link #headerSize}; false when it runs past the buffered bytes. Throws for a type or length
   * longer than allowed and for a record past `maxRecordBytes`. (Fields, not an object: this
   * runs once a cell.)
   */
  #readHeader(): boolean {
    const buf = this.#buf;
    const end = buf.length;
    let at = this.#pos;
    let type = 0;
    for (let i = 0; ; i++) {
      if (at >= end) return false;
      const byte = buf[at++] as number;
      type |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) break;
      if (i + 1 === MAX_TYPE_BYTES) {
        throw this.fail(
          `expected a record type of at most ${MAX_TYPE_BYTES} bytes at byte ${this.#base + this.#pos}, found a longer one`,
        );
      }
    }
    let length = 0;
    for (let i = 0; ; i++) {
      if (at >= end) return false;
      const byte = buf[at++] as number;
      length += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) break;
      if (i + 1 === MAX_LENGTH_BYTES) {
        throw this.fail(
          `expected the length of record ${type} at byte ${this.#base + this.#pos} in at most ${MAX_LENGTH_BYTES} bytes, found a longer one`,
        );
      }
    }
    if (length > this.#maxRecordBytes) {
      throw new XlmergeError(
        ErrorCode.SizeLimit,
        `${this.#source.part}: record ${type} at byte ${this.#base + this.#pos} is ${length} bytes long, more than the maxElementChars limit of ${this.#maxRecordBytes} (one record is held whole)`,
        {
          ...this.#source,
          hint: 'The file may be damaged or hostile; if it is genuine, raise `limits.maxElementChars`',
        },
      );
    }
    this.#type = type;
    this.#length = length;
    this.#headerSize = at - this.#pos;
    return true;
  }

  /** Joins the unread bytes of {@link #buf} and the queued chunks into one buffer. */
  #join(available: number): void {
    this.#base += this.#pos;
    if (available === 0 && this.#queue.length > 0) {
      // The usual case: the last record ended with the chunk; the next chunk is used as it is.
      this.#buf = this.#queue.shift() as Buffer;
      this.#queued -= this.#buf.length;
    } else {
      const pieces = [this.#buf.subarray(this.#pos), ...this.#queue];
      this.#buf = Buffer.concat(pieces, available + this.#queued);
      this.#queue = [];
      this.#queued = 0;
    }
    this.#pos = 0;
  }
}
