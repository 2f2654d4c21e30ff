import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type Entry, fromBuffer } from 'yauzl';
import { ErrorCode } from '../../src/errors.js';
import { DEFAULT_READ_LIMITS } from '../../src/reader/read-limits.js';
import type { SheetInfo, SheetRow } from '../../src/reader/workbook-reader.js';
import { openWorkbook } from '../../src/xlsx/read/open-workbook.js';
import { openZipArchive } from '../../src/zip/zip-archive.js';
import { rejectionOf } from '../helpers/errors.js';
import {
  buildOverlappingZip,
  buildRawZip,
  type RawZipEntry,
  rawEntry,
} from '../helpers/raw-zip.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildZip, workbookParts, worksheetXml, writeZip } from '../helpers/xlsx-builder.js';

const SHEET_PART = 'xl/worksheets/sheet1.xml';

/** A sheet of `count` rows, one number each: about 40 bytes of XML per row. */
function numbersSheet(count: number): string {
  return worksheetXml(
    Array.from(
      { length: count },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`,
    ).join(''),
  );
}

async function writeBook(sheetXml: string, sharedStrings?: readonly string[]): Promise<string> {
  const dir = await makeTempDir();
  return writeZip(
    path.join(dir, 'book.xlsx'),
    workbookParts({
      sheets: [{ name: 'S', xml: sheetXml }],
      ...(sharedStrings ? { sharedStrings } : {}),
    }),
  );
}

async function drain(rows: AsyncIterable<SheetRow[]>): Promise<number> {
  let count = 0;
  for await (const batch of rows) count += batch.length;
  return count;
}

/** Sets the uncompressed size the central directory declares for `name`. */
function patchDeclaredSize(zip: Buffer, name: string, size: number): void {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = zip.indexOf(signature); at !== -1; at = zip.indexOf(signature, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      zip.writeUInt32LE(size, at + 24);
      return;
    }
  }
  throw new Error(`no central directory entry ${name}`);
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('ZipArchive.streamPartText', () => {
  it('keeps characters split between inflated chunks whole, and drops only a leading BOM', async () => {
    // About 3 MB: several 512 KiB inflate chunks, each boundary at a different byte offset.
    const text = `\uFEFF${Array.from({ length: 250_000 }, (_, i) => `${'a'.repeat(i % 4)}é😀中\uFEFF`).join('')}`;
    const dir = await makeTempDir();
    const file = await writeZip(path.join(dir, 'text.zip'), [{ name: 'part.xml', content: text }]);
    const archive = await openZipArchive(file, { file: 'text.zip', limits: DEFAULT_READ_LIMITS });
    try {
      const pieces: string[] = [];
      for await (const piece of archive.streamPartText('part.xml')) pieces.push(piece);
      expect(pieces.length).toBeGreaterThan(4);
      expect(pieces.join('')).toBe(text.slice(1));
      expect(archive.findPart('PART.XML')).toBe('part.xml');
      expect(archive.findPart('missing.xml')).toBe(undefined);
      expect(archive.names).toEqual(['part.xml']);
    } finally {
      await archive.close();
    }
  });
});

describe('read limits', () => {
  it('refuses a part whose declared size is over maxEntryBytes before inflating it', async () => {
    const xml = numbersSheet(100);
    const file = await writeBook(xml);
    const reader = await openWorkbook(file, {
      displayPath: 'book.xlsx',
      limits: { maxEntryBytes: 2000 },
    });
    const error = await rejectionOf(drain(reader.readRows(reader.sheets[0] as SheetInfo)));
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      `The part ${SHEET_PART} inflates to ${Buffer.byteLength(xml)} bytes, more than the maxEntryBytes limit of 2000 bytes`,
    );
    expect(error.hint).toBe(
      'The file may be a decompression bomb; if it is genuine, raise the limit with the limits.maxEntryBytes option',
    );
    expect(error.file).toBe('book.xlsx');
    expect(error.sheet).toBe('S');
    expect(error.part).toBe(SHEET_PART);
  });

  it('counts the real inflated bytes of every part against maxFileBytes', async () => {
    const strings = Array.from({ length: 500 }, (_, i) => `string number ${i}`);
    const xml = numbersSheet(1000);
    const file = await writeBook(xml, strings);
    const reader = await openWorkbook(file, { limits: { maxFileBytes: 40 * 1024 } });
    const error = await rejectionOf(drain(reader.readRows(reader.sheets[0] as SheetInfo)));
    expect(Buffer.byteLength(xml)).toBeGreaterThan(40 * 1024);
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      `Reading the part ${SHEET_PART} takes the file past the maxFileBytes limit of 40 KiB inflated`,
    );
    expect(error.hint).toBe(
      'The file may be a decompression bomb; if it is genuine, raise the limit with the limits.maxFileBytes option',
    );
  });

  it('reads the same file when the limits are large enough', async () => {
    const file = await writeBook(numbersSheet(1000));
    const reader = await openWorkbook(file, {
      limits: { maxFileBytes: 1024 * 1024, maxEntryBytes: 100_000 },
    });
    try {
      expect(await drain(reader.readRows(reader.sheets[0] as SheetInfo))).toBe(1000);
    } finally {
      await reader.close();
    }
  });

  it('does not trust a header that declares fewer bytes than the part inflates to', async () => {
    const zip = await buildZip(workbookParts({ sheets: [{ name: 'S', xml: numbersSheet(1000) }] }));
    patchDeclaredSize(zip, SHEET_PART, 100);
    const file = path.join(await makeTempDir(), 'lying.xlsx');
    await fs.writeFile(file, zip);
    const reader = await openWorkbook(file);
    const error = await rejectionOf(drain(reader.readRows(reader.sheets[0] as SheetInfo)));
    expect(error.code).toBe(ErrorCode.CorruptZip);
    expect(
      error.message.startsWith(
        `The part ${SHEET_PART} cannot be decompressed: too many bytes in the stream. expected 100. got at least `,
      ),
    ).toBe(true);
  });

  it('refuses a header that declares a huge part without inflating it', async () => {
    const zip = await buildZip(workbookParts({ sheets: [{ name: 'S', xml: numbersSheet(10) }] }));
    patchDeclaredSize(zip, SHEET_PART, 0xfffffff0);
    const file = path.join(await makeTempDir(), 'bomb.xlsx');
    await fs.writeFile(file, zip);
    const reader = await openWorkbook(file, { limits: { maxEntryBytes: 1024 ** 3 } });
    const error = await rejectionOf(drain(reader.readRows(reader.sheets[0] as SheetInfo)));
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      `The part ${SHEET_PART} inflates to 4294967280 bytes, more than the maxEntryBytes limit of 1 GiB`,
    );
  });

  it('passes maxElementChars to the scanners and caps small parts with it', async () => {
    const file = await writeBook(
      worksheetXml(
        `<row r="1"><c r="A1" t="inlineStr"><is><t>${'x'.repeat(5000)}</t></is></c></row>`,
      ),
    );
    const reader = await openWorkbook(file, { limits: { maxElementChars: 2000 } });
    const error = await rejectionOf(drain(reader.readRows(reader.sheets[0] as SheetInfo)));
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.sheet).toBe('S');
    expect(error.part).toBe(SHEET_PART);

    const tiny = await rejectionOf(openWorkbook(file, { limits: { maxElementChars: 100 } }));
    expect(tiny.code).toBe(ErrorCode.SizeLimit);
    expect(tiny.message).toBe(
      'The part [Content_Types].xml is longer than the maxElementChars limit of 100 characters',
    );
  });
});

describe('cancelling and closing', () => {
  it('stops with ABORTED when the signal is already aborted', async () => {
    const file = await writeBook(numbersSheet(10));
    const reader = await openWorkbook(file, { displayPath: 'book.xlsx' });
    const error = await rejectionOf(
      drain(reader.readRows(reader.sheets[0] as SheetInfo, { signal: AbortSignal.abort() })),
    );
    expect(error.code).toBe(ErrorCode.Aborted);
    expect(error.message).toBe('Reading was cancelled');
    expect(error.file).toBe('book.xlsx');
  });

  it('stops with ABORTED when the signal aborts mid-sheet', async () => {
    const file = await writeBook(numbersSheet(5000));
    const reader = await openWorkbook(file, { displayPath: 'book.xlsx' });
    const controller = new AbortController();
    let rows = 0;
    const error = await rejectionOf(
      (async () => {
        for await (const batch of reader.readRows(reader.sheets[0] as SheetInfo, {
          signal: controller.signal,
        })) {
          rows += batch.length;
          controller.abort();
        }
      })(),
    );
    expect(error.code).toBe(ErrorCode.Aborted);
    expect(error.sheet).toBe('S');
    expect(error.part).toBe(SHEET_PART);
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(5000);
  });

  it('stops with ABORTED when the workbook is closed mid-sheet', async () => {
    const file = await writeBook(numbersSheet(5000));
    const reader = await openWorkbook(file, { displayPath: 'book.xlsx' });
    const error = await rejectionOf(
      (async () => {
        for await (const _batch of reader.readRows(reader.sheets[0] as SheetInfo)) {
          await reader.close();
        }
      })(),
    );
    expect(error.code).toBe(ErrorCode.Aborted);
    expect(error.message).toBe('The workbook was closed while it was being read');
    expect(error.sheet).toBe('S');
  });

  it.runIf(existsSync('/proc/self/fd'))(
    'closes the file on close(), and at once when reading fails',
    async () => {
      const file = await writeBook(numbersSheet(3000));
      const before = openFds();

      const reader = await openWorkbook(file);
      expect(openFds()).toBe(before + 1);
      for await (const _batch of reader.readRows(reader.sheets[0] as SheetInfo)) break;
      await reader.close();
      expect(openFds()).toBe(before);

      const failing = await openWorkbook(file);
      expect(openFds()).toBe(before + 1);
      await rejectionOf(
        drain(failing.readRows(failing.sheets[0] as SheetInfo, { signal: AbortSignal.abort() })),
      );
      expect(openFds()).toBe(before);
      const closedError = await rejectionOf(
        drain(failing.readRows(failing.sheets[0] as SheetInfo)),
      );
      expect(closedError.code).toBe(ErrorCode.Internal);
      expect(closedError.message).toBe('The workbook was read after it was closed');
      await failing.close();

      await rejectionOf(openWorkbook(path.join(path.dirname(file), 'missing.xlsx')));
      const notZip = path.join(path.dirname(file), 'text.xlsx');
      await fs.writeFile(notZip, 'a,b\n');
      await rejectionOf(openWorkbook(notZip));
      await fs.writeFile(notZip, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]));
      await rejectionOf(openWorkbook(notZip));
      expect(openFds()).toBe(before);
    },
  );
});

describe('checksums', () => {
  it('refuses a part whose bytes were damaged without changing its length', async () => {
    const xml = numbersSheet(50);
    const zip = await buildZip(workbookParts({ sheets: [{ name: 'S', xml }] }), {
      compress: false,
    });
    // Stored (not deflated), so a changed digit still "inflates" to the declared size.
    const at = zip.indexOf(Buffer.from('<v>25</v>'));
    zip[at + 3] = '9'.charCodeAt(0);
    const file = path.join(await makeTempDir(), 'damaged.xlsx');
    await fs.writeFile(file, zip);
    const reader = await openWorkbook(file, { displayPath: 'damaged.xlsx' });
    try {
      const error = await rejectionOf(drain(reader.readRows(reader.sheets[0] as SheetInfo)));
      expect(error.code).toBe(ErrorCode.CorruptZip);
      expect(error.file).toBe('damaged.xlsx');
      expect(error.part).toBe(SHEET_PART);
      expect(error.message).toMatch(
        /^The part xl\/worksheets\/sheet1\.xml is damaged: its checksum does not match \(CRC-32 [0-9a-f]{8}, the zip says [0-9a-f]{8}\)$/,
      );
    } finally {
      await reader.close();
    }
  });
});

describe('zip entries that deceive', () => {
  const OVERLAP_HINT =
    'No zip writer makes such a file: it is damaged, or made to attack zip readers (an overlapping-files zip bomb); do not open it elsewhere either';
  const DUPLICATE_HINT =
    'Zip readers disagree on which one counts, so the file can show one program other data than another: it is damaged or made to deceive; get it again, or open it in Excel and save it again';

  /** A valid workbook's entries, as raw entries. */
  function bookEntries(sheet: string): RawZipEntry[] {
    return workbookParts({ sheets: [{ name: 'S', xml: sheet }] }).map((part) =>
      rawEntry(part.name, part.content),
    );
  }

  /** What yauzl (which does not look for overlaps) inflates an entry to. */
  function inflateWithYauzl(
    zip: Buffer,
    name: string,
  ): Promise<{ size: number; crcMatches: boolean }> {
    return new Promise((resolve, reject) => {
      fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
        if (error) return reject(error);
        archive.on('entry', (entry: Entry) => {
          if (entry.fileName !== name) return archive.readEntry();
          archive.openReadStream(entry, (streamError, stream) => {
            if (streamError) return reject(streamError);
            let size = 0;
            let crc = 0;
            stream.on('data', (chunk: Buffer) => {
              size += chunk.length;
              crc = crc32(chunk, crc);
            });
            stream.on('error', reject);
            stream.on('end', () => resolve({ size, crcMatches: crc >>> 0 === entry.crc32 >>> 0 }));
          });
        });
        archive.on('end', () => reject(new Error(`no entry ${name}`)));
        archive.readEntry();
      });
    });
  }

  async function writeRaw(zip: Buffer): Promise<string> {
    const file = path.join(await makeTempDir(), 'deceiving.xlsx');
    await fs.writeFile(file, zip);
    return file;
  }

  it("refuses Fifield's overlapping-files bomb when it opens, before inflating anything", async () => {
    // 200 entries sharing one kernel of 1 MiB: 200 MiB inflated from 27 KB.
    const names = Array.from({ length: 200 }, (_, i) => `xl/worksheets/sheet${i + 1}.xml`);
    const zip = buildOverlappingZip(names, Buffer.alloc(1024 ** 2, 'a'));
    expect(zip.length).toBeLessThan(32 * 1024);
    // A real bomb: a reader that does not look for overlaps inflates each entry, its CRC right.
    expect(await inflateWithYauzl(zip, 'xl/worksheets/sheet198.xml')).toMatchObject({
      size: 1024 ** 2 + 2 * (30 + 'xl/worksheets/sheet199.xml'.length),
      crcMatches: true,
    });
    const file = await writeRaw(zip);
    const started = performance.now();
    const error = await rejectionOf(
      openZipArchive(file, { file: 'bomb.xlsx', limits: DEFAULT_READ_LIMITS }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.toJSON()).toMatchObject({
      code: ErrorCode.CorruptZip,
      message: expect.stringMatching(
        /^The zip entries xl\/worksheets\/sheet1\.xml and xl\/worksheets\/sheet2\.xml overlap: bytes \d+ to \d+ of the file belong to both$/,
      ),
      file: 'bomb.xlsx',
      part: 'xl/worksheets/sheet2.xml',
      hint: OVERLAP_HINT,
    });
  });

  it('refuses a workbook with one more entry that shares the sheet’s data, which it would never read', async () => {
    const entries = bookEntries(numbersSheet(20));
    const sheet = entries.findIndex((entry) => entry.name === SHEET_PART);
    const directory = [
      ...entries.map((_, entry) => ({ entry })),
      { entry: sheet, name: 'xl/worksheets/hidden.xml' },
    ];
    const file = await writeRaw(buildRawZip(entries, directory));
    const error = await rejectionOf(openWorkbook(file, { displayPath: 'two-names.xlsx' }));
    expect(error.code).toBe(ErrorCode.CorruptZip);
    expect(error.message).toMatch(
      /^The zip entries xl\/worksheets\/(sheet1|hidden)\.xml and xl\/worksheets\/(sheet1|hidden)\.xml overlap: bytes \d+ to \d+ of the file belong to both$/,
    );
    expect(error.message).toContain('sheet1.xml');
    expect(error.message).toContain('hidden.xml');
    expect(error.file).toBe('two-names.xlsx');
    expect(error.hint).toBe(OVERLAP_HINT);
  });

  it('refuses two entries of one name, whichever a reader would take', async () => {
    const entries = [
      ...bookEntries(numbersSheet(3)),
      rawEntry(SHEET_PART, worksheetXml('<row r="1"><c r="A1"><v>666</v></c></row>')),
    ];
    const file = await writeRaw(buildRawZip(entries));
    const error = await rejectionOf(openWorkbook(file, { displayPath: 'twice.xlsx' }));
    expect(error.toJSON()).toMatchObject({
      code: ErrorCode.CorruptZip,
      message: `The zip has two entries named ${SHEET_PART}`,
      file: 'twice.xlsx',
      part: SHEET_PART,
      hint: DUPLICATE_HINT,
    });
  });

  it('refuses two entries whose names differ only in case, as Office part names do not', async () => {
    const entries = [
      ...bookEntries(numbersSheet(3)),
      rawEntry(
        'XL/Worksheets/Sheet1.xml',
        worksheetXml('<row r="1"><c r="A1"><v>666</v></c></row>'),
      ),
    ];
    const file = await writeRaw(buildRawZip(entries));
    const error = await rejectionOf(openWorkbook(file, { displayPath: 'case.xlsx' }));
    expect(error.toJSON()).toMatchObject({
      code: ErrorCode.CorruptZip,
      message: `The zip has two entries whose names differ only in case, ${SHEET_PART} and XL/Worksheets/Sheet1.xml`,
      part: 'XL/Worksheets/Sheet1.xml',
      hint: DUPLICATE_HINT,
    });
  });

  it('reads the same entries written by hand without tricks', async () => {
    const file = await writeRaw(buildRawZip(bookEntries(numbersSheet(30))));
    const reader = await openWorkbook(file);
    try {
      expect(await drain(reader.readRows(reader.sheets[0] as SheetInfo))).toBe(30);
    } finally {
      await reader.close();
    }
  });
});
