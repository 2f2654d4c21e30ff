import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ErrorCode } from '../../../src/errors.js';
import {
  createZipWriter,
  encodeCentralHeader,
  encodeEndRecords,
  encodeLocalHeader,
  type ZipEntry,
  ZipMethod,
} from '../../../src/xlsx/zip/zip-writer.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { readZipEntries } from '../write/read-back.js';

const GiB5 = 5 * 2 ** 30;

function entryOf(name: string, data: Buffer, method: ZipEntry['method']): ZipEntry {
  const stored = method === ZipMethod.Deflate ? deflateRawSync(data) : data;
  return {
    name,
    method,
    crc32: crc32(data) >>> 0,
    compressedSize: stored.length,
    uncompressedSize: data.length,
  };
}

describe('encodeLocalHeader', () => {
  it('writes the classic layout with fixed 1980-01-01 timestamps', () => {
    const header = encodeLocalHeader({
      name: 'a.xml',
      method: ZipMethod.Deflate,
      crc32: 0xcbf43926,
      compressedSize: 11,
      uncompressedSize: 9,
    });
    expect(header.toString('hex')).toBe(
      [
        '504b0304', // signature
        '1400', // version needed 2.0
        '0000', // flags
        '0800', // deflate
        '0000', // time 00:00:00
        '2100', // date 1980-01-01
        '2639f4cb', // crc
        '0b000000', // compressed size
        '09000000', // uncompressed size
        '0500', // name length
        '0000', // extra length
        Buffer.from('a.xml').toString('hex'),
      ].join(''),
    );
  });

  it('flags UTF-8 names', () => {
    const header = encodeLocalHeader({ ...entryOf('é.xml', Buffer.alloc(0), 0), name: 'é.xml' });
    expect(header.readUInt16LE(6)).toBe(0x0800);
    expect(header.readUInt16LE(26)).toBe(6);
  });

  it('moves both sizes to a ZIP64 extra when one reaches 4 GiB', () => {
    const header = encodeLocalHeader({
      name: 'big.xml',
      method: ZipMethod.Deflate,
      crc32: 1,
      compressedSize: 123_456,
      uncompressedSize: GiB5,
    });
    expect(header.length).toBe(30 + 7 + 20);
    expect(header.readUInt16LE(4)).toBe(45);
    expect(header.readUInt32LE(18)).toBe(0xffffffff);
    expect(header.readUInt32LE(22)).toBe(0xffffffff);
    expect(header.readUInt16LE(28)).toBe(20);
    expect(header.readUInt16LE(37)).toBe(0x0001);
    expect(header.readUInt16LE(39)).toBe(16);
    expect(header.readBigUInt64LE(41)).toBe(BigInt(GiB5));
    expect(header.readBigUInt64LE(49)).toBe(123_456n);
  });

  it('treats exactly 0xFFFFFFFF as too large, since it is the marker', () => {
    const header = encodeLocalHeader({
      name: 'x',
      method: ZipMethod.Store,
      crc32: 0,
      compressedSize: 0xffffffff,
      uncompressedSize: 0xffffffff,
    });
    expect(header.readUInt16LE(28)).toBe(20);
  });
});

describe('encodeCentralHeader', () => {
  it('writes the classic layout', () => {
    const header = encodeCentralHeader(
      { name: 'a.xml', method: ZipMethod.Store, crc32: 7, compressedSize: 3, uncompressedSize: 3 },
      1000,
    );
    expect(header.length).toBe(46 + 5);
    expect(header.readUInt32LE(0)).toBe(0x02014b50);
    expect(header.readUInt16LE(4)).toBe(20);
    expect(header.readUInt16LE(6)).toBe(20);
    expect(header.readUInt16LE(10)).toBe(0);
    expect(header.readUInt16LE(12)).toBe(0);
    expect(header.readUInt16LE(14)).toBe(0x21);
    expect(header.readUInt32LE(16)).toBe(7);
    expect(header.readUInt32LE(20)).toBe(3);
    expect(header.readUInt32LE(24)).toBe(3);
    expect(header.readUInt16LE(28)).toBe(5);
    expect(header.readUInt16LE(30)).toBe(0);
    expect(header.readUInt32LE(42)).toBe(1000);
    expect(header.subarray(46).toString()).toBe('a.xml');
  });

  it('puts only the overflowing fields in the ZIP64 extra, in order', () => {
    const onlyOffset = encodeCentralHeader(
      { name: 'n', method: ZipMethod.Deflate, crc32: 7, compressedSize: 3, uncompressedSize: 9 },
      GiB5,
    );
    expect(onlyOffset.readUInt16LE(6)).toBe(45);
    expect(onlyOffset.readUInt32LE(20)).toBe(3);
    expect(onlyOffset.readUInt32LE(24)).toBe(9);
    expect(onlyOffset.readUInt32LE(42)).toBe(0xffffffff);
    expect(onlyOffset.readUInt16LE(30)).toBe(12);
    expect(onlyOffset.readUInt16LE(47)).toBe(1);
    expect(onlyOffset.readUInt16LE(49)).toBe(8);
    expect(onlyOffset.readBigUInt64LE(51)).toBe(BigInt(GiB5));

    const all = encodeCentralHeader(
      {
        name: 'n',
        method: ZipMethod.Deflate,
        crc32: 7,
        compressedSize: GiB5 + 1,
        uncompressedSize: GiB5 + 2,
      },
      GiB5 + 3,
    );
    expect(all.readUInt32LE(20)).toBe(0xffffffff);
    expect(all.readUInt32LE(24)).toBe(0xffffffff);
    expect(all.readUInt16LE(30)).toBe(28);
    expect(all.readUInt16LE(49)).toBe(24);
    expect(all.readBigUInt64LE(51)).toBe(BigInt(GiB5 + 2));
    expect(all.readBigUInt64LE(59)).toBe(BigInt(GiB5 + 1));
    expect(all.readBigUInt64LE(67)).toBe(BigInt(GiB5 + 3));
  });
});

describe('encodeEndRecords', () => {
  it('writes only the classic end record for small archives', () => {
    expect(encodeEndRecords(3, 500, 150).toString('hex')).toBe(
      '504b0506' + '0000' + '0000' + '0300' + '0300' + '96000000' + 'f4010000' + '0000',
    );
  });

  it('adds the ZIP64 end record and locator past the classic limits', () => {
    const records = encodeEndRecords(70_000, GiB5, 4_000_000);
    expect(records.length).toBe(56 + 20 + 22);
    expect(records.readUInt32LE(0)).toBe(0x06064b50);
    expect(records.readBigUInt64LE(4)).toBe(44n);
    expect(records.readUInt16LE(12)).toBe(45);
    expect(records.readUInt16LE(14)).toBe(45);
    expect(records.readUInt32LE(16)).toBe(0);
    expect(records.readUInt32LE(20)).toBe(0);
    expect(records.readBigUInt64LE(24)).toBe(70_000n);
    expect(records.readBigUInt64LE(32)).toBe(70_000n);
    expect(records.readBigUInt64LE(40)).toBe(4_000_000n);
    expect(records.readBigUInt64LE(48)).toBe(BigInt(GiB5));
    expect(records.readUInt32LE(56)).toBe(0x07064b50);
    expect(records.readUInt32LE(60)).toBe(0);
    expect(records.readBigUInt64LE(64)).toBe(BigInt(GiB5 + 4_000_000));
    expect(records.readUInt32LE(72)).toBe(1);
    expect(records.readUInt32LE(76)).toBe(0x06054b50);
    expect(records.readUInt16LE(84)).toBe(0xffff);
    expect(records.readUInt16LE(86)).toBe(0xffff);
    expect(records.readUInt32LE(88)).toBe(4_000_000);
    expect(records.readUInt32LE(92)).toBe(0xffffffff);
  });

  it('produces an archive a reader accepts with 65,535 entries (ZIP64 by count)', async () => {
    const parts: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < 0xffff; i++) {
      const entry: ZipEntry = {
        name: `e${i}`,
        method: ZipMethod.Store,
        crc32: 0,
        compressedSize: 0,
        uncompressedSize: 0,
      };
      const local = encodeLocalHeader(entry);
      parts.push(local);
      central.push(encodeCentralHeader(entry, offset));
      offset += local.length;
    }
    const directory = Buffer.concat(central);
    const archive = Buffer.concat([
      ...parts,
      directory,
      encodeEndRecords(0xffff, offset, directory.length),
    ]);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(archive, { lazyEntries: true }, (error, file) =>
        error === null ? resolve(file) : reject(error),
      ),
    );
    expect(zip.entryCount).toBe(0xffff);
    const names = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        seen.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(seen));
      zip.on('error', reject);
      zip.readEntry();
    });
    expect(names.length).toBe(0xffff);
    expect([names[0], names[0xfffe]]).toEqual(['e0', 'e65534']);
  });
});

describe('createZipWriter', () => {
  it('writes stored and deflated entries, from memory and from files', async () => {
    const dir = await makeTempDir();
    const text = Buffer.from('<x>hello hello hello hello</x>'.repeat(100));
    const bodyFile = path.join(dir, 'body.bin');
    const body = deflateRawSync(text);
    await writeFile(bodyFile, body);
    const handle = await open(path.join(dir, 'out.zip'), 'wx');
    const zip = createZipWriter(handle);
    await zip.addEntry(entryOf('stored.txt', Buffer.from('plain'), ZipMethod.Store), [
      Buffer.from('plain'),
    ]);
    await zip.addEntry(entryOf('dir/from-file.xml', text, ZipMethod.Deflate), [{ path: bodyFile }]);
    await zip.addEntry(entryOf('empty', Buffer.alloc(0), ZipMethod.Store), []);
    await zip.finish();
    await handle.close();

    const entries = await readZipEntries(path.join(dir, 'out.zip'));
    expect(entries.map((entry) => [entry.name, entry.method, entry.data.toString()])).toEqual([
      ['stored.txt', 0, 'plain'],
      ['dir/from-file.xml', 8, text.toString()],
      ['empty', 0, ''],
    ]);
    const expectedSize = 30 + 10 + 5 + (30 + 17 + body.length) + (30 + 5);
    expect(zip.size).toBe(expectedSize + (46 + 10) + (46 + 17) + (46 + 5) + 22);
  });

  it('refuses data whose length differs from the declared size', async () => {
    const dir = await makeTempDir();
    const handle = await open(path.join(dir, 'bad.zip'), 'wx');
    const zip = createZipWriter(handle);
    await expect(
      zip.addEntry(entryOf('a', Buffer.from('abc'), ZipMethod.Store), [Buffer.from('ab')]),
    ).rejects.toMatchObject({
      code: ErrorCode.Internal,
      message: 'Zip writer: zip entry a: expected 3 stored bytes, wrote 2',
    });
    await handle.close();
  });
});
