/** Files that are not readable workbooks, and the errors that say so. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import type { SheetInfo } from '../../../src/reader/workbook-reader.js';
import { type OpenWorkbookOptions, openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  buildZip,
  RelType,
  relationshipsXml,
  workbookParts,
  worksheetXml,
  type ZipPart,
} from '../../helpers/xlsx-builder.js';

const SHEET = worksheetXml('<row r="1"><c r="A1"><v>1</v></c></row>');

async function writeBytes(content: Uint8Array | string): Promise<string> {
  const file = path.join(await makeTempDir(), 'input.xlsx');
  await fs.writeFile(file, content);
  return file;
}

/** Opens the file and reads every sheet, so errors at any stage surface. */
async function readEverything(file: string, options: OpenWorkbookOptions = {}): Promise<number> {
  const reader = await openWorkbook(file, { displayPath: 'in/input.xlsx', ...options });
  let rows = 0;
  try {
    for (const sheet of reader.sheets) {
      for await (const batch of reader.readRows(sheet)) rows += batch.length;
    }
  } finally {
    await reader.close();
  }
  return rows;
}

/** A minimal OLE2 compound file header, optionally naming the EncryptedPackage stream. */
function ole2File(encrypted: boolean): Buffer {
  const header = Buffer.alloc(4096);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  const name = encrypted ? 'EncryptedPackage' : 'Workbook';
  // Past a 1 MiB scan chunk, so the chunked search must find it.
  const body = Buffer.alloc(1024 * 1024 + 100);
  Buffer.from(name, 'utf16le').copy(body, 1024 * 1024 - 10);
  return Buffer.concat([header, body]);
}

describe('openWorkbook: file checks', () => {
  it('reports a missing file', async () => {
    const dir = await makeTempDir();
    const error = await rejectionOf(
      openWorkbook(path.join(dir, 'nope.xlsx'), { displayPath: 'nope.xlsx' }),
    );
    expect(error.code).toBe(ErrorCode.InputNotFound);
    expect(error.file).toBe('nope.xlsx');
  });

  it('reports a folder', async () => {
    const dir = await makeTempDir();
    const error = await rejectionOf(openWorkbook(dir, { displayPath: 'folder.xlsx' }));
    expect(error.code).toBe(ErrorCode.NotAFile);
    expect(error.message).toBe(
      'The path is a folder, not a file; xlmerge reads only regular files',
    );
  });

  it('reports an empty file', async () => {
    const error = await rejectionOf(readEverything(await writeBytes('')));
    expect(error.code).toBe(ErrorCode.EmptyFile);
    expect(error.file).toBe('in/input.xlsx');
    expect(error.describe()).toBe(
      'in/input.xlsx: The file is empty (0 bytes). It was probably not saved completely; save it again from Excel or remove it from the inputs',
    );
  });

  it('reports an .xls given to the .xlsx reader', async () => {
    const error = await rejectionOf(readEverything(await writeBytes(ole2File(false))));
    expect(error.code).toBe(ErrorCode.NotZip);
    expect(error.message).toBe(
      'The file is not an .xlsx workbook (an .xlsx is a zip archive): it is a compound file (OLE2), such as an Excel 97-2003 .xls workbook',
    );
    expect(error.hint).toBe(
      'Read it as an .xls workbook (openInput chooses the reader by content), or open it in Excel and save it as .xlsx',
    );
  });

  it('reports a password-protected workbook', async () => {
    const error = await rejectionOf(readEverything(await writeBytes(ole2File(true))));
    expect(error.code).toBe(ErrorCode.Encrypted);
    expect(error.message).toBe('The workbook is password-protected (encrypted)');
    expect(error.hint).toBe(
      'Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), and save it again',
    );
  });

  it('reports a CSV renamed .xlsx', async () => {
    const error = await rejectionOf(readEverything(await writeBytes('id,name\n1,Ann\n')));
    expect(error.code).toBe(ErrorCode.NotZip);
    expect(error.message).toBe(
      'The file is not an .xlsx workbook (an .xlsx is a zip archive): it looks like a text file with comma-separated values (CSV)',
    );
  });

  it('reports an HTML page renamed .xlsx', async () => {
    const error = await rejectionOf(
      readEverything(await writeBytes('<html><body><table></table></body></html>')),
    );
    expect(error.code).toBe(ErrorCode.NotZip);
    expect(error.message).toBe(
      'The file is not an .xlsx workbook (an .xlsx is a zip archive): it looks like an HTML page (some tools export HTML tables with an .xls or .xlsx name)',
    );
  });

  it('reports a truncated zip', async () => {
    const zip = await buildZip(workbookParts({ sheets: [{ name: 'S', xml: SHEET }] }));
    const error = await rejectionOf(
      readEverything(await writeBytes(zip.subarray(0, zip.length - 30))),
    );
    expect(error.code).toBe(ErrorCode.CorruptZip);
    expect(error.message).toBe(
      'The zip archive is damaged: End of central directory record signature not found. Either not a zip file, or file is truncated.',
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('reports a damaged central directory', async () => {
    const zip = await buildZip(workbookParts({ sheets: [{ name: 'S', xml: SHEET }] }));
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(0xdeadbeef, central);
    const error = await rejectionOf(readEverything(await writeBytes(zip)));
    expect(error.code).toBe(ErrorCode.CorruptZip);
    expect(error.message).toBe(
      'The zip archive is damaged: invalid central directory file header signature: 0xdeadbeef',
    );
  });

  it('reports damaged compressed data when the sheet is read', async () => {
    const rows = Array.from(
      { length: 200 },
      (_, i) => `<row r="${i + 1}"><c><v>${i}</v></c></row>`,
    );
    const parts = workbookParts({ sheets: [{ name: 'S', xml: worksheetXml(rows.join('')) }] });
    const sheetIndex = parts.findIndex((part) => part.name === 'xl/worksheets/sheet1.xml');
    const zip = await buildZip(parts);
    // Garble the middle of the sheet's deflate stream: its local header comes after the others.
    const header = zip.indexOf(Buffer.from('xl/worksheets/sheet1.xml'));
    expect(sheetIndex).toBe(4);
    for (let i = header + 60; i < header + 100; i += 1) zip[i] = 0xff;
    const reader = await openWorkbook(await writeBytes(zip), { displayPath: 'in/input.xlsx' });
    const error = await rejectionOf(
      (async () => {
        for await (const _batch of reader.readRows(reader.sheets[0] as SheetInfo)) {
          // read to the end
        }
      })(),
    );
    expect(error.code).toBe(ErrorCode.CorruptZip);
    expect(error.file).toBe('in/input.xlsx');
    expect(error.sheet).toBe('S');
    expect(error.part).toBe('xl/worksheets/sheet1.xml');
    expect(
      error.message.startsWith('The part xl/worksheets/sheet1.xml cannot be decompressed: '),
    ).toBe(true);
    await reader.close();
  });

  it('reports a zip that is a Word document', async () => {
    const parts: ZipPart[] = [
      {
        name: '[Content_Types].xml',
        content:
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      },
      {
        name: '_rels/.rels',
        content: relationshipsXml([
          { id: 'rId1', type: RelType.officeDocument, target: 'word/document.xml' },
        ]),
      },
      { name: 'word/document.xml', content: '<w:document xmlns:w="urn:w"><w:body/></w:document>' },
    ];
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(parts))));
    expect(error.code).toBe(ErrorCode.NotWorkbook);
    expect(error.message).toBe(
      'The file is a zip archive but not an Excel workbook: it is a Word document',
    );
    expect(error.hint).toBe(
      'Remove it from the inputs; only .xlsx and .xlsm workbooks can be merged',
    );
  });

  it('reports a zip of other files, naming what it holds', async () => {
    const parts = ['a.txt', 'b.csv', 'c/d.png', 'e', 'f', 'g'].map((name) => ({
      name,
      content: 'x',
    }));
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(parts))));
    expect(error.code).toBe(ErrorCode.NotWorkbook);
    expect(error.message).toBe(
      'The file is a zip archive but not an Excel workbook: it is a zip of 6 file(s) with no workbook part: a.txt, b.csv, c/d.png, e, f, and 1 more',
    );
  });

  it('reports an .xlsb whose package names another part as its workbook', async () => {
    // openInput reads a package whose workbook part is xl/workbook.bin as an .xlsb
    // (test/xlsb/read/open-xlsb.test.ts); this one's officeDocument is an XML part that is not
    // a workbook, so the .xlsx reader has it, and finds no workbook.
    const parts = [
      {
        name: '_rels/.rels',
        content: relationshipsXml([
          { id: 'r', type: RelType.officeDocument, target: 'xl/other.xml' },
        ]),
      },
      { name: 'xl/other.xml', content: '<other/>' },
      { name: 'xl/workbook.bin', content: new Uint8Array([0x83, 0x01, 0x00]) },
    ];
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(parts))));
    expect(error.code).toBe(ErrorCode.NotWorkbook);
    expect(error.message).toBe(
      'The file is a zip archive but not an Excel workbook: it is a binary Excel workbook (.xlsb) whose package names another part as its workbook',
    );
    expect(error.hint).toBe('The file is damaged; open it in Excel and save it again');
  });

  it('reports a workbook with only a chart sheet', async () => {
    const parts = workbookParts({
      sheets: [{ name: 'Chart', xml: '<chartsheet/>', part: 'xl/chartsheets/sheet1.xml' }],
    }).map((part) =>
      part.name === 'xl/_rels/workbook.xml.rels'
        ? {
            name: part.name,
            content: relationshipsXml([
              { id: 'rId1', type: RelType.chartsheet, target: 'chartsheets/sheet1.xml' },
            ]),
          }
        : part,
    );
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(parts))));
    expect(error.code).toBe(ErrorCode.NoSheets);
    expect(error.message).toBe('The workbook has no worksheets, only 1 chart or macro sheet(s)');
  });

  it('reports a workbook with no sheets at all', async () => {
    const error = await rejectionOf(
      readEverything(await writeBytes(await buildZip(workbookParts({ sheets: [] })))),
    );
    expect(error.code).toBe(ErrorCode.NoSheets);
    expect(error.message).toBe('The workbook has no worksheets');
  });

  it('reports a sheet whose part is missing when it is read', async () => {
    const parts = workbookParts({ sheets: [{ name: 'Gone', xml: SHEET }] }).filter(
      (part) => part.name !== 'xl/worksheets/sheet1.xml',
    );
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(parts))));
    expect(error.code).toBe(ErrorCode.CorruptZip);
    expect(error.message).toBe('The workbook has no part xl/worksheets/sheet1.xml');
    expect(error.sheet).toBe('Gone');
  });

  it('reports a malformed workbook part and a DOCTYPE', async () => {
    const malformed = workbookParts({ sheets: [{ name: 'S', xml: SHEET }] }).map((part) =>
      part.name === 'xl/workbook.xml'
        ? { name: part.name, content: '<workbook><sheets><sheet name="S' }
        : part,
    );
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(malformed))));
    expect(error.code).toBe(ErrorCode.MalformedXml);
    expect(error.part).toBe('xl/workbook.xml');

    const doctype = workbookParts({ sheets: [{ name: 'S', xml: SHEET }] }).map((part) =>
      part.name === 'xl/styles.xml' || part.name === 'xl/workbook.xml'
        ? {
            name: part.name,
            content: `<!DOCTYPE workbook [<!ENTITY x "y">]>${String(part.content)}`,
          }
        : part,
    );
    const unsafe = await rejectionOf(readEverything(await writeBytes(await buildZip(doctype))));
    expect(unsafe.code).toBe(ErrorCode.UnsafeXml);
  });

  it('reports a UTF-16 sheet part that declares UTF-8 as malformed (UTF-16 itself is read)', async () => {
    const parts = workbookParts({ sheets: [{ name: 'S', xml: SHEET }] }).map((part) =>
      part.name === 'xl/worksheets/sheet1.xml'
        ? {
            name: part.name,
            content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SHEET, 'utf16le')]),
          }
        : part,
    );
    const error = await rejectionOf(readEverything(await writeBytes(await buildZip(parts))));
    expect(error.code).toBe(ErrorCode.MalformedXml);
    expect(error.message).toBe(
      'The part xl/worksheets/sheet1.xml starts with a UTF-16LE byte order mark but declares encoding="UTF-8"',
    );
  });
});
