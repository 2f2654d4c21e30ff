import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import type { SheetInfo, SheetRow } from '../../../src/xlsx/read/types.js';
import { DEFAULT_READ_LIMITS } from '../../../src/xlsx/read/types.js';
import { openZipArchive } from '../../../src/xlsx/read/zip-archive.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { buildZip, workbookParts, worksheetXml, writeZip } from '../../helpers/xlsx-builder.js';

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
