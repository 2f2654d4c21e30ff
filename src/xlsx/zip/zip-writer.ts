import { type FileHandle, open } from 'node:fs/promises';
import { ErrorCode, XlmergeError } from '../../errors.js';

/** Compression methods, as numbered in the zip format (APPNOTE 4.4.5). */
export const ZipMethod = { Store: 0, Deflate: 8 } as const;
export type ZipMethod = (typeof ZipMethod)[keyof typeof ZipMethod];

/** One file in the archive. Everything the headers need is known before its data is written. */
export interface ZipEntry {
  /** The path inside the archive, with `/` separators. */
  readonly name: string;
  readonly method: ZipMethod;
  /** CRC-32 of the uncompressed data. */
  readonly crc32: number;
  /** Bytes of data as stored in the archive. */
  readonly compressedSize: number;
  readonly uncompressedSize: number;
}

/** Where an entry's stored bytes come from: bytes in memory, or the whole of a file. */
export type ZipSource = Uint8Array | { readonly path: string };

/**
 * Sizes and offsets at or above this need ZIP64 fields. The 32-bit value 0xFFFFFFFF itself is
 * the "see the ZIP64 field" marker, so it cannot be stored as a real value either.
 */
const MAX_32 = 0xffffffff;
/** Entry counts at or above this need the ZIP64 end record (0xFFFF is the marker). */
const MAX_16 = 0xffff;

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EXTRA_ID = 0x0001;

const VERSION_DEFAULT = 20; // 2.0: deflate
const VERSION_ZIP64 = 45; // 4.5: ZIP64 extensions
/** Bit 11: the name is UTF-8. */
const FLAG_UTF8 = 0x0800;
/**
 * A fixed timestamp, 1980-01-01 00:00:00 (the earliest MS-DOS date), so the same workbook
 * always gives the same bytes.
 */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const COPY_CHUNK = 1 << 20;

/** The local file header that precedes an entry's data. */
export function encodeLocalHeader(entry: ZipEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  // The local ZIP64 extra must hold both sizes whenever either overflows (APPNOTE 4.5.3).
  const zip64 = entry.uncompressedSize >= MAX_32 || entry.compressedSize >= MAX_32;
  const extraLength = zip64 ? 4 + 16 : 0;
  const header = Buffer.alloc(30 + name.length + extraLength);
  header.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  header.writeUInt16LE(flagsOf(entry.name), 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  header.writeUInt32LE(entry.crc32 >>> 0, 14);
  header.writeUInt32LE(zip64 ? MAX_32 : entry.compressedSize, 18);
  header.writeUInt32LE(zip64 ? MAX_32 : entry.uncompressedSize, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extraLength, 28);
  name.copy(header, 30);
  if (zip64) {
    let at = 30 + name.length;
    at = header.writeUInt16LE(ZIP64_EXTRA_ID, at);
    at = header.writeUInt16LE(16, at);
    at = header.writeBigUInt64LE(BigInt(entry.uncompressedSize), at);
    header.writeBigUInt64LE(BigInt(entry.compressedSize), at);
  }
  return header;
}

/** The central directory record of an entry whose local header starts at `offset`. */
export function encodeCentralHeader(entry: ZipEntry, offset: number): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  // The central ZIP64 extra holds only the fields that overflow, in this order (APPNOTE 4.5.3).
  const wide: number[] = [];
  if (entry.uncompressedSize >= MAX_32) wide.push(entry.uncompressedSize);
  if (entry.compressedSize >= MAX_32) wide.push(entry.compressedSize);
  if (offset >= MAX_32) wide.push(offset);
  const zip64 = wide.length > 0;
  const extraLength = zip64 ? 4 + 8 * wide.length : 0;
  const version = zip64 ? VERSION_ZIP64 : VERSION_DEFAULT;
  const header = Buffer.alloc(46 + name.length + extraLength);
  header.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(version, 4); // made by: MS-DOS attributes, this spec version
  header.writeUInt16LE(version, 6);
  header.writeUInt16LE(flagsOf(entry.name), 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(entry.crc32 >>> 0, 16);
  header.writeUInt32LE(Math.min(entry.compressedSize, MAX_32), 20);
  header.writeUInt32LE(Math.min(entry.uncompressedSize, MAX_32), 24);
  header.writeUInt16LE(name.length, 28);
  header.writeUInt16LE(extraLength, 30);
  // 32: comment length, 34: disk number, 36: internal attributes, 38: external attributes: 0
  header.writeUInt32LE(Math.min(offset, MAX_32), 42);
  name.copy(header, 46);
  if (zip64) {
    let at = 46 + name.length;
    at = header.writeUInt16LE(ZIP64_EXTRA_ID, at);
    at = header.writeUInt16LE(8 * wide.length, at);
    for (const value of wide) at = header.writeBigUInt64LE(BigInt(value), at);
  }
  return header;
}

/**
 * The records after the central directory: the ZIP64 end record and its locator when a count,
 * size or offset overflows the classic fields, then the classic end record (with the
 * overflowing fields set to the all-ones marker).
 */
export function encodeEndRecords(
  entryCount: number,
  centralOffset: number,
  centralSize: number,
): Buffer {
  const zip64 = entryCount >= MAX_16 || centralOffset >= MAX_32 || centralSize >= MAX_32;
  const parts: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    let at = record.writeUInt32LE(ZIP64_END_SIGNATURE, 0);
    at = record.writeBigUInt64LE(44n, at); // size of the rest of this record
    at = record.writeUInt16LE(VERSION_ZIP64, at);
    at = record.writeUInt16LE(VERSION_ZIP64, at);
    at = record.writeUInt32LE(0, at); // this disk
    at = record.writeUInt32LE(0, at); // disk where the central directory starts
    at = record.writeBigUInt64LE(BigInt(entryCount), at);
    at = record.writeBigUInt64LE(BigInt(entryCount), at);
    at = record.writeBigUInt64LE(BigInt(centralSize), at);
    record.writeBigUInt64LE(BigInt(centralOffset), at);
    const locator = Buffer.alloc(20);
    at = locator.writeUInt32LE(ZIP64_LOCATOR_SIGNATURE, 0);
    at = locator.writeUInt32LE(0, at); // disk with the ZIP64 end record
    at = locator.writeBigUInt64LE(BigInt(centralOffset + centralSize), at);
    locator.writeUInt32LE(1, at); // total disks
    parts.push(record, locator);
  }
  const end = Buffer.alloc(22);
  let at = end.writeUInt32LE(END_SIGNATURE, 0);
  at = end.writeUInt16LE(0, at); // this disk
  at = end.writeUInt16LE(0, at); // disk where the central directory starts
  at = end.writeUInt16LE(Math.min(entryCount, MAX_16), at);
  at = end.writeUInt16LE(Math.min(entryCount, MAX_16), at);
  at = end.writeUInt32LE(Math.min(centralSize, MAX_32), at);
  at = end.writeUInt32LE(Math.min(centralOffset, MAX_32), at);
  end.writeUInt16LE(0, at); // comment length
  parts.push(end);
  return Buffer.concat(parts);
}

function flagsOf(name: string): number {
  // Plain ASCII names get no flag, as most zip tools write them.
  return /^[\x20-\x7e]*$/.test(name) ? 0 : FLAG_UTF8;
}

/** Writes a zip archive entry by entry to an open file, from its current start. */
export interface ZipWriter {
  /** Bytes written so far. */
  readonly size: number;
  /**
   * Writes the entry's local header and its stored data, concatenated from `sources`. Their
   * total length must equal `entry.compressedSize`.
   */
  addEntry(entry: ZipEntry, sources: readonly ZipSource[]): Promise<void>;
  /** Writes the central directory and the end records. The caller syncs and closes the file. */
  finish(): Promise<void>;
}

/** Starts a zip archive in `handle`, which must be empty and opened for writing. */
export function createZipWriter(handle: FileHandle): ZipWriter {
  const written: { entry: ZipEntry; offset: number }[] = [];
  let size = 0;
  let finished = false;

  const write = async (data: Uint8Array): Promise<void> => {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, size + done);
      done += bytesWritten;
    }
    size += data.length;
  };

  const copyFile = async (path: string): Promise<number> => {
    const source = await open(path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(COPY_CHUNK);
      let copied = 0;
      for (;;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, copied);
        if (bytesRead === 0) return copied;
        await write(buffer.subarray(0, bytesRead));
        copied += bytesRead;
      }
    } finally {
      await source.close();
    }
  };

  return {
    get size() {
      return size;
    },
    async addEntry(entry, sources) {
      if (finished) throw internal('addEntry after finish');
      const offset = size;
      await write(encodeLocalHeader(entry));
      let stored = 0;
      for (const source of sources) {
        if (source instanceof Uint8Array) {
          await write(source);
          stored += source.length;
        } else {
          stored += await copyFile(source.path);
        }
      }
      if (stored !== entry.compressedSize) {
        throw internal(
          `zip entry ${entry.name}: expected ${entry.compressedSize} stored bytes, wrote ${stored}`,
        );
      }
      written.push({ entry, offset });
    },
    async finish() {
      if (finished) throw internal('finish called twice');
      finished = true;
      const centralOffset = size;
      const central = Buffer.concat(
        written.map(({ entry, offset }) => encodeCentralHeader(entry, offset)),
      );
      await write(central);
      await write(encodeEndRecords(written.length, centralOffset, central.length));
    },
  };
}

function internal(message: string): XlmergeError {
  return new XlmergeError(ErrorCode.Internal, `Zip writer: ${message}`);
}
