/**
 * The second round of hostile inputs, end to end through the built CLI: each file is named and
 * the run fails (exit 1, nothing written), or with --skip-errors the others merge (exit 3); a
 * part in a declared encoding merges with its text intact. Before, each of these merged with
 * values changed or dropped, and exit code 0.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { xlmerge } from '../helpers/cli.js';
import { buildRawZip, rawEntry } from '../helpers/raw-zip.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';
import {
  encodeXml,
  sharedStringsXml,
  workbookParts,
  worksheetXml,
  writeZip,
  type ZipPart,
} from '../helpers/xlsx-builder.js';

const STRINGS = ['id', 'name', 'Ann', 'Bob', 'Cy'];

/** The parts of a workbook of a header `id, name` and `rows` (XML) below it. */
function bookParts(rows: string): ZipPart[] {
  const header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>';
  return workbookParts({
    sheets: [{ name: 'Data', xml: worksheetXml(header + rows) }],
    sharedStrings: STRINGS,
  });
}

/** Rows `id, name` with shared strings 2, 3, 4 for names. */
const row = (r: number, id: number, name: number, tag = 'row') =>
  `<${tag} r="${r}"><c r="A${r}"><v>${id}</v></c><c r="B${r}" t="s"><v>${name}</v></c></${tag}>`;

const GOOD_ROWS = row(2, 1, 2) + row(3, 2, 3);

/** Each class of hostile input: the workbook's bytes, and what the message must hold. */
async function hostileBooks(): Promise<Record<string, { bytes: Buffer; says: string }>> {
  const good = bookParts(GOOD_ROWS);
  const entries = good.map((part) => rawEntry(part.name, part.content));
  const sheet = entries.findIndex((entry) => entry.name === 'xl/worksheets/sheet1.xml');
  const latin1 = bookParts(
    `${row(2, 1, 2)}<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="inlineStr"><is><t>café</t></is></c></row>`,
  ).map((part) =>
    part.name === 'xl/worksheets/sheet1.xml'
      ? {
          name: part.name,
          content: Buffer.from(String(part.content).replace(' encoding="UTF-8"', ''), 'latin1'),
        }
      : part,
  );
  const zip = (parts: ZipPart[]) => buildZipBytes(parts);
  return {
    'overlap.xlsx': {
      bytes: buildRawZip(entries, [
        ...entries.map((_, entry) => ({ entry })),
        { entry: sheet, name: 'xl/worksheets/sheet9.xml' },
      ]),
      says: 'overlap: bytes',
    },
    'twice.xlsx': {
      bytes: buildRawZip([...entries, rawEntry('xl/worksheets/sheet1.xml', worksheetXml(''))]),
      says: 'The zip has two entries named xl/worksheets/sheet1.xml',
    },
    'latin1.xlsx': {
      bytes: await zip(latin1),
      says: 'is not valid UTF-8 (it declares no encoding, so it must be UTF-8): at byte offset',
    },
    'mixed-case.xlsx': {
      bytes: await zip(bookParts(row(2, 1, 2) + row(3, 2, 3, 'Row') + row(4, 3, 4))),
      says: 'expected <row> in <sheetData> after row 2, found <Row>',
    },
    'evil-error.xlsx': {
      bytes: await zip(
        bookParts(
          `${row(2, 1, 2)}<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="e"><v>#EVIL!</v></c></row>`,
        ),
      ),
      says: 'expected an Excel error value such as #N/A or #DIV/0! in the error cell B3, found "#EVIL!"',
    },
    'nbsp.xlsx': {
      bytes: await zip(bookParts(`${row(2, 1, 2)}<row r="3"><c r="A3"><v>\u00a05</v></c></row>`)),
      says: 'expected a number in cell A3, found "\\u00A05"',
    },
    'out-of-order.xlsx': {
      bytes: await zip(bookParts(row(3, 1, 2) + row(2, 2, 3))),
      says: 'expected row numbers in ascending order, found row 2 after row 3',
    },
  };
}

async function buildZipBytes(parts: ZipPart[]): Promise<Buffer> {
  const dir = await makeTempDir();
  return fs.readFile(await writeZip(path.join(dir, 'book.xlsx'), parts));
}

describe('hostile inputs, end to end', () => {
  it('names each hostile file and writes nothing', async () => {
    for (const [name, { bytes, says }] of Object.entries(await hostileBooks())) {
      const dir = await makeTempDir();
      await fs.mkdir(path.join(dir, 'in'));
      await writeZip(path.join(dir, 'in', 'a-good.xlsx'), bookParts(GOOD_ROWS));
      await fs.writeFile(path.join(dir, 'in', name), bytes);
      const failed = await xlmerge(dir, 'in', '--dedupe', 'id', '-o', 'out.xlsx');
      expect([name, failed.code]).toEqual([name, 1]);
      expect(failed.stderr, name).toContain(`in/${name}`);
      expect(failed.stderr, name).toContain(says);
      expect(existsSync(path.join(dir, 'out.xlsx'))).toBe(false);
    }
  });

  it('with --skip-errors, merges the good file and lists every hostile one (exit 3)', async () => {
    const books = await hostileBooks();
    const dir = await makeTempDir();
    await fs.mkdir(path.join(dir, 'in'));
    await writeZip(path.join(dir, 'in', 'a-good.xlsx'), bookParts(GOOD_ROWS));
    for (const [name, { bytes }] of Object.entries(books)) {
      await fs.writeFile(path.join(dir, 'in', name), bytes);
    }
    const result = await xlmerge(dir, 'in', '--dedupe', 'id', '-o', 'out.xlsx', '--skip-errors');
    expect(result.code).toBe(3);
    for (const [name, { says }] of Object.entries(books)) {
      expect(result.stderr, name).toContain(`in/${name}`);
      expect(result.stderr, name).toContain(says);
    }
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['id', 'name'],
      [1, 'Ann'],
      [2, 'Bob'],
    ]);
  });

  it('merges parts in the encodings their declarations name, text intact', async () => {
    const dir = await makeTempDir();
    await fs.mkdir(path.join(dir, 'in'));
    const parts = bookParts(
      `${row(2, 1, 2)}<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="inlineStr"><is><t>café</t></is></c></row>`,
    ).map((part) => {
      if (part.name === 'xl/worksheets/sheet1.xml') {
        return { name: part.name, content: encodeXml(String(part.content), 'iso-8859-1') };
      }
      if (part.name === 'xl/sharedStrings.xml') {
        const strings = sharedStringsXml(['id', 'name', 'Zoë € “q”']);
        return { name: part.name, content: encodeXml(strings, 'windows-1252') };
      }
      return part;
    });
    await writeZip(path.join(dir, 'in', 'declared.xlsx'), parts);
    const result = await xlmerge(dir, 'in', '--dedupe', 'id', '-o', 'out.xlsx');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['id', 'name'],
      [1, 'Zoë € “q”'],
      [2, 'café'],
    ]);
  });
});
