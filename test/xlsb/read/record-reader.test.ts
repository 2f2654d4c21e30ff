import { describe, expect, it } from 'vitest';
import { ErrorCode, type XlmergeError } from '../../../src/errors.js';
import { RecordReader } from '../../../src/xlsb/read/record-reader.js';
import { errorOf } from '../../helpers/errors.js';
import { record } from '../../helpers/xlsb-builder.js';

const SOURCE = { file: 'in/book.xlsb', part: 'xl/worksheets/sheet1.bin' };

/** The records (type and payload bytes) of `chunks`, fed one by one. */
function readAll(chunks: readonly Buffer[], maxRecordBytes = 1 << 20): [number, number[]][] {
  const reader = new RecordReader(SOURCE, maxRecordBytes);
  const found: [number, number[]][] = [];
  for (const chunk of chunks) {
    reader.feed(chunk);
    while (reader.next()) {
      found.push([reader.type, [...reader.bytes.subarray(reader.start, reader.end)]]);
    }
  }
  reader.finish();
  return found;
}

const RECORDS: [number, number[]][] = [
  [0, [1, 2, 3]],
  [145, []],
  [617, [9]],
  [16_383, Array.from({ length: 200 }, (_, i) => i & 0xff)],
  [5, Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff)],
  [1, []],
];
const BYTES = Buffer.concat(RECORDS.map(([type, payload]) => record(type, Buffer.from(payload))));

describe('RecordReader', () => {
  it('reads 1- and 2-byte types and 1- to 3-byte lengths', () => {
    expect(readAll([BYTES])).toEqual(RECORDS);
  });

  it('reads the same records wherever the part is cut into chunks', () => {
    for (let cut = 0; cut <= BYTES.length; cut += cut < 300 ? 1 : 97) {
      expect(readAll([BYTES.subarray(0, cut), BYTES.subarray(cut)])).toEqual(RECORDS);
    }
    const ones = Array.from({ length: BYTES.length }, (_, i) => BYTES.subarray(i, i + 1));
    expect(readAll(ones)).toEqual(RECORDS);
  });

  function failure(bytes: Buffer, maxRecordBytes?: number): XlmergeError {
    return errorOf(() => readAll([bytes], maxRecordBytes));
  }

  it('refuses a record that runs past the end of the part', () => {
    const error = failure(Buffer.concat([record(145), Buffer.from([5, 16, 1, 2, 3])]));
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.message).toBe(
      'xl/worksheets/sheet1.bin: expected the 16 byte(s) record 5 at byte 3 to end within the part, found only 3 byte(s) of it',
    );
    expect(error).toMatchObject({ ...SOURCE });
    expect(error.hint).toBe(
      'The file is damaged or was not written by Excel; open it in Excel and save it again',
    );
  });

  it('refuses a part that ends inside a header', () => {
    expect(failure(Buffer.from([0x81])).message).toBe(
      'xl/worksheets/sheet1.bin: expected a whole record at byte 0, found the part ends 1 byte(s) later inside its header',
    );
    expect(failure(Buffer.from([5, 0x80])).code).toBe(ErrorCode.MalformedRecord);
  });

  it('refuses a type longer than 2 bytes and a length longer than 4', () => {
    const type = failure(Buffer.from([0x80, 0x80, 0x01, 0x00]));
    expect(type.code).toBe(ErrorCode.MalformedRecord);
    expect(type.message).toBe(
      'xl/worksheets/sheet1.bin: expected a record type of at most 2 bytes at byte 0, found a longer one',
    );
    const length = failure(Buffer.from([5, 0x80, 0x80, 0x80, 0x80, 0x01]));
    expect(length.message).toBe(
      'xl/worksheets/sheet1.bin: expected the length of record 5 at byte 0 in at most 4 bytes, found a longer one',
    );
  });

  it('refuses a record longer than the limit before holding it', () => {
    // 2^28 - 1 bytes declared, 3 there: refused at the header, nothing gathered.
    const error = failure(Buffer.from([5, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]), 1024);
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      'xl/worksheets/sheet1.bin: record 5 at byte 0 is 268435455 bytes long, more than the maxElementChars limit of 1024 (one record is held whole)',
    );
    expect(error.hint).toBe(
      'The file may be damaged or hostile; if it is genuine, raise `limits.maxElementChars`',
    );
    expect(readAll([record(5, Buffer.alloc(1024))], 1024)).toHaveLength(1);
  });
});
