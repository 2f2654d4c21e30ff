/**
 * The built CLI merges .ods files (the demo set as LibreOffice converts it, fixtures/ods/demo)
 * into the very workbook it makes of the .xlsx demo set: the same rows, values, dates and, with
 * `--formats keep`, the same number formats, whatever format the rows came from.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const NAMES = ['north', 'south', 'west'];

async function mergeDemo(extension: 'ods' | 'xlsx', ...options: string[]) {
  const dir = await makeTempDir();
  for (const name of NAMES) {
    const source = extension === 'ods' ? `ods/demo/${name}.ods` : `demo/${name}.xlsx`;
    await fs.copyFile(path.join(FIXTURES, source), path.join(dir, `${name}.${extension}`));
  }
  const files = NAMES.map((name) => `${name}.${extension}`);
  const result = await xlmerge(dir, ...files, '--dedupe', 'id,email', '-o', 'out.xlsx', ...options);
  expect([result.code, result.stderr]).toEqual([0, '']);
  return readWorkbook(path.join(dir, 'out.xlsx'));
}

describe('xlmerge on .ods inputs', () => {
  it('merges the demo set as .ods into the rows it merges the .xlsx set into', async () => {
    const ods = await mergeDemo('ods');
    const xlsx = await mergeDemo('xlsx');
    expect(ods.rows).toEqual(xlsx.rows);
    expect(ods.rows.length).toBe(25);
    expect(ods.rows[1]?.slice(0, 4)).toEqual([
      1,
      'zoe@example.com',
      'Zoë Martin',
      new Date(Date.UTC(2024, 0, 5)),
    ]);
  });

  it('keeps the number formats of the .ods cells with --formats keep', async () => {
    const ods = await mergeDemo('ods', '--formats', 'keep');
    const xlsx = await mergeDemo('xlsx', '--formats', 'keep');
    const formats = (book: typeof ods) =>
      book.rows.map((_, row) =>
        Array.from(
          { length: 8 },
          (__, column) => book.worksheet.getCell(row + 1, column + 1).numFmt ?? '',
        ),
      );
    expect(ods.rows).toEqual(xlsx.rows);
    expect(formats(ods)).toEqual(formats(xlsx));
    expect(formats(ods)[1]).toEqual(['', '', '', 'yyyy-mm-dd', '', '0.00', '@', '']);
  });
});
