// @ts-check
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/**
 * Excel stamps every entry with the DOS epoch, 1980-01-01 00:00:00 (time 0, date 0x21), and
 * adds no extra fields; doing the same keeps the files byte-identical across runs and zones.
 */
const DOS_TIME = 0;
const DOS_DATE = 0x21;

/**
 * @typedef {object} ZipEntry
 * @property {string} name path inside the archive, with forward slashes
 * @property {Buffer} data uncompressed bytes
 */

/**
 * Writes a zip archive the way Excel does: entries in the given order, each deflated, sizes and
 * CRC in the local header (no data descriptors), no extra fields, no zip64.
 * Deflation runs on the libuv thread pool, so callers can build the next workbook meanwhile.
 *
 * @param {string} path the file to create (overwritten)
 * @param {readonly ZipEntry[]} entries
 * @returns {Promise<number>} the size of the file in bytes
 */
export async function writeZip(path, entries) {
  const compressed = await Promise.all(
    entries.map((entry) => deflateRawAsync(entry.data, { level: 6, chunkSize: 1 << 20 })),
  );
  const file = await open(path, 'w');
  try {
    /** @type {Buffer[]} */
    const central = [];
    let offset = 0;
    for (const [index, entry] of entries.entries()) {
      const body = /** @type {Buffer} */ (compressed[index]);
      const name = Buffer.from(entry.name, 'utf8');
      const crc = crc32(entry.data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
      local.writeUInt16LE(0, 6); // flags
      local.writeUInt16LE(8, 8); // method: deflate
      local.writeUInt16LE(DOS_TIME, 10);
      local.writeUInt16LE(DOS_DATE, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(entry.data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      await file.write(Buffer.concat([local, name]));
      await file.write(body);

      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(45, 4); // made by: 4.5, MS-DOS, as Excel writes
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt16LE(DOS_TIME, 12);
      header.writeUInt16LE(DOS_DATE, 14);
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(body.length, 20);
      header.writeUInt32LE(entry.data.length, 24);
      header.writeUInt16LE(name.length, 28);
      // extra length, comment length, disk number, internal and external attributes: all 0
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      offset += local.length + name.length + body.length;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    await file.write(directory);
    await file.write(end);
    return offset + directory.length + end.length;
  } finally {
    await file.close();
  }
}
