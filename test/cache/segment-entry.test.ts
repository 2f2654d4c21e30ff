import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeSegmentEntry,
  encodeSegmentEntry,
  SEGMENT_HEADER_BYTES,
} from '../../src/cache/segment-entry.js';
import type { CompressedSegment } from '../../src/xlsx/write/segmented-body.js';

const KEY = '7a'.repeat(32);
const XML = Buffer.from('<row r="2"><c r="A2"><v>1</v></c></row><row r="3"></row>');

/** Two rows compressed as the writer does: two blocks, each ending on a sync flush. */
function sampleSegment(): CompressedSegment {
  const options = { level: 1, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const first = zlib.deflateRawSync(XML.subarray(0, 39), options);
  const second = zlib.deflateRawSync(XML.subarray(39), options);
  return {
    chunks: [first, second],
    compressedLength: first.length + second.length,
    crc32: zlib.crc32(XML),
    uncompressedLength: XML.length,
    rows: 2,
  };
}

function entryOf(segment: CompressedSegment, key = KEY): Buffer {
  return Buffer.concat(encodeSegmentEntry(key, segment));
}

/** `entry` with the 32-bit header field at `at` set to `value`. */
function withField(entry: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(entry);
  copy.writeUInt32LE(value, at);
  return copy;
}

describe('encodeSegmentEntry and decodeSegmentEntry', () => {
  it('give back the segment: its bytes as one chunk, CRC, sizes and rows', () => {
    const segment = sampleSegment();
    const entry = entryOf(segment);
    expect(entry.length).toBe(SEGMENT_HEADER_BYTES + segment.compressedLength);
    expect(entry.subarray(0, 8)).toEqual(Buffer.from('XLMS\x01\x00\x00\x00', 'latin1'));
    const decoded = decodeSegmentEntry(entry, KEY, 2);
    expect(decoded).toEqual({
      chunks: [Buffer.concat(segment.chunks)],
      compressedLength: segment.compressedLength,
      crc32: zlib.crc32(XML),
      uncompressedLength: XML.length,
      rows: 2,
    });
    const inflated = zlib.inflateRawSync(
      Buffer.concat([...(decoded?.chunks ?? []), Buffer.from([3, 0])]),
    );
    expect(inflated.toString()).toBe(XML.toString());
  });

  it('keep an empty segment', () => {
    const empty = { chunks: [], compressedLength: 0, crc32: 0, uncompressedLength: 0, rows: 0 };
    expect(decodeSegmentEntry(entryOf(empty), KEY, 0)).toEqual(empty);
  });

  it('believe nothing that is not a sound entry for this key and row count', () => {
    const entry = entryOf(sampleSegment());
    const flipped = Buffer.from(entry);
    flipped[SEGMENT_HEADER_BYTES + 3] = (flipped[SEGMENT_HEADER_BYTES + 3] as number) ^ 0x20;
    const refused: [string, Buffer, number][] = [
      ['truncated', entry.subarray(0, entry.length - 1), 2],
      ['only a header', entry.subarray(0, SEGMENT_HEADER_BYTES), 2],
      ['cut inside the header', entry.subarray(0, 40), 2],
      ['empty', Buffer.alloc(0), 2],
      ['another magic', withField(entry, 0, 0x434d4c58), 2],
      ['another format version', withField(entry, 4, 2), 2],
      ['another key', entryOf(sampleSegment(), '7b'.repeat(32)), 2],
      ['a byte flipped in the compressed rows', flipped, 2],
      ['another row count asked for', entry, 3],
      ['another row count stored', withField(entry, 64, 3), 3],
      ['another uncompressed length', withField(entry, 48, XML.length + 1), 2],
      ['another CRC-32 of the XML', withField(entry, 60, 12345), 2],
      ['a nonzero reserved field', withField(entry, 68, 1), 2],
      ['a longer body than the header says', Buffer.concat([entry, Buffer.from([0])]), 2],
      ['garbage', Buffer.from('<html>not an entry</html>'.repeat(5)), 2],
    ];
    expect(
      refused.map(([name, bytes, rows]) => [name, decodeSegmentEntry(bytes, KEY, rows)]),
    ).toEqual(refused.map(([name]) => [name, null]));
  });

  it('refuse compressed rows that do not end as a sync flush does', () => {
    const finished = zlib.deflateRawSync(XML, { level: 1 });
    const segment = { ...sampleSegment(), chunks: [finished], compressedLength: finished.length };
    expect(decodeSegmentEntry(entryOf(segment), KEY, 2)).toBeNull();
  });
});

describe('decodeSegmentEntry on an entry written by other code', () => {
  it('refuses one whose CRC-32 is right but whose rows cannot fit in its bytes', () => {
    const segment = { ...sampleSegment(), uncompressedLength: 33 };
    expect(decodeSegmentEntry(entryOf(segment), KEY, 2)).toBeNull();
    expect(decodeSegmentEntry(entryOf({ ...segment, uncompressedLength: 34 }), KEY, 2)).toEqual({
      ...segment,
      uncompressedLength: 34,
      chunks: [Buffer.concat(segment.chunks)],
    });
  });
});
