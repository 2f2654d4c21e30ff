/**
 * How one output segment (an input sheet's surviving rows, compressed as the workbook writer
 * wrote them into the output; see `SheetWriter`) is laid out in a cache file, and how a file is
 * checked before its bytes go into an output. Pure: bytes in, bytes out.
 *
 * Layout (integers little-endian):
 *
 * | bytes | field |
 * |---|---|
 * | 0–3 | magic `XLMS` |
 * | 4–7 | {@link SEGMENT_FORMAT_VERSION} |
 * | 8–39 | the entry's key (32 bytes), so a file copied under another name is not believed |
 * | 40–47 | length of the body (the compressed bytes) |
 * | 48–55 | length of the uncompressed XML |
 * | 56–59 | CRC-32 of bytes 40–55, 60–71 and the body: every field the output relies on |
 * | 60–63 | CRC-32 of the uncompressed XML, for the zip entry |
 * | 64–67 | data rows |
 * | 68–71 | zero |
 * | 72– | body: raw deflate ending on a sync flush |
 */
import zlib from 'node:zlib';
import type { CompressedSegment } from '../xlsx/write/segmented-body.js';
import { SEGMENT_FORMAT_VERSION } from './cache-key.js';

const MAGIC = Buffer.from('XLMS', 'latin1');
export const SEGMENT_HEADER_BYTES = 72;
const KEY_BYTES = 32;
/** How a sync flush ends: an empty stored block. */
const SYNC_FLUSH_END = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** The entry for `segment` under `key` (64 hex digits), as buffers to be written in order. */
export function encodeSegmentEntry(key: string, segment: CompressedSegment): Buffer[] {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(SEGMENT_FORMAT_VERSION, 4);
  keyBytes(key).copy(header, 8);
  header.writeBigUInt64LE(BigInt(segment.compressedLength), 40);
  header.writeBigUInt64LE(BigInt(segment.uncompressedLength), 48);
  header.writeUInt32LE(segment.crc32 >>> 0, 60);
  header.writeUInt32LE(segment.rows, 64);
  header.writeUInt32LE(checksum(header, segment.chunks), 56);
  return [header, ...segment.chunks.map((chunk) => viewOf(chunk))];
}

/**
 * The segment stored in `bytes` if they are a sound entry for `key` holding `rows` rows;
 * otherwise null. Never throws. The segment's bytes are a view of `bytes`.
 */
export function decodeSegmentEntry(
  bytes: Buffer,
  key: string,
  rows: number,
): CompressedSegment | null {
  if (bytes.length < SEGMENT_HEADER_BYTES) return null;
  if (!bytes.subarray(0, 4).equals(MAGIC)) return null;
  if (bytes.readUInt32LE(4) !== SEGMENT_FORMAT_VERSION) return null;
  if (!bytes.subarray(8, 8 + KEY_BYTES).equals(keyBytes(key))) return null;
  const body = bytes.subarray(SEGMENT_HEADER_BYTES);
  if (bytes.readBigUInt64LE(40) !== BigInt(body.length)) return null;
  const uncompressedLength = bytes.readBigUInt64LE(48);
  if (uncompressedLength > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  if (bytes.readUInt32LE(64) !== rows || bytes.readUInt32LE(68) !== 0) return null;
  // Every row is at least `<row r="2"></row>`; a segment with rows has compressed bytes, which
  // end as a sync flush does.
  if (uncompressedLength < BigInt(rows) * 17n) return null;
  if (rows > 0 && !body.subarray(-SYNC_FLUSH_END.length).equals(SYNC_FLUSH_END)) return null;
  if (checksum(bytes, [body]) !== bytes.readUInt32LE(56)) return null;
  return {
    chunks: body.length === 0 ? [] : [body],
    compressedLength: body.length,
    crc32: bytes.readUInt32LE(60),
    uncompressedLength: Number(uncompressedLength),
    rows,
  };
}

/** CRC-32 of the header's fields from byte 40 on, less the CRC itself, then of the body. */
function checksum(header: Buffer, body: readonly Uint8Array[]): number {
  let crc = zlib.crc32(header.subarray(40, 56));
  crc = zlib.crc32(header.subarray(60, SEGMENT_HEADER_BYTES), crc);
  for (const chunk of body) {
    // zlib.crc32 of an empty view returns 0, not the CRC passed in (see cache-entry.ts).
    if (chunk.length > 0) crc = zlib.crc32(chunk, crc);
  }
  return crc;
}

function keyBytes(key: string): Buffer {
  const bytes = Buffer.from(key, 'hex');
  if (bytes.length !== KEY_BYTES) throw new Error(`Internal: a cache key of ${key.length} digits`);
  return bytes;
}

function viewOf(chunk: Uint8Array): Buffer {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
