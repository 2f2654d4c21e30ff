/**
 * The built CLI merges .xls workbooks (LibreOffice's conversions of the demo set, and gnumeric's
 * of one of them) into the very rows the same merge of the .xlsx demo files gives, a merge with
 * `--dedupe` included; and refuses an Excel 95 workbook with LEGACY_XLS, naming it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = ['north', 'south', 'west'].map((name) => `fixtures/demo/${name}.xlsx`);
const XLS = ['demo-north.gnumeric.xls', 'demo-south.xls', 'demo-west.xls'].map(
  (name) => `fixtures/xls/${name}`,
);

describe('merging .xls workbooks with the CLI', () => {
  it('gives the rows the same merge of the .xlsx files gives', async () => {
    const dir = await makeTempDir();
    const fromXlsx = path.join(dir, 'from-xlsx.xlsx');
    const fromXls = path.join(dir, 'from-xls.xlsx');
    const args = ['--dedupe', 'id,email', '--formats', 'keep'];
    expect(await xlmerge(ROOT, ...DEMO, ...args, '-o', fromXlsx)).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await xlmerge(ROOT, ...XLS, ...args, '-o', fromXls)).toMatchObject({
      code: 0,
      stderr: '',
    });
    const expected = await readWorkbook(fromXlsx);
    const merged = await readWorkbook(fromXls);
    expect(expected.rows.length).toBe(25);
    expect(merged.rows).toEqual(expected.rows);
    expect(merged.worksheet.getCell('D2').numFmt).toBe(expected.worksheet.getCell('D2').numFmt);
  });

  it('refuses an Excel 95 workbook, naming it', async () => {
    const dir = await makeTempDir();
    const result = await xlmerge(
      ROOT,
      'fixtures/xls/legacy-excel95.gnumeric.xls',
      '-o',
      path.join(dir, 'out.xlsx'),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'fixtures/xls/legacy-excel95.gnumeric.xls: The workbook is in a format older than Excel 97 (Excel 5.0/95), which xlmerge does not read. Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)',
    );
  });
});
