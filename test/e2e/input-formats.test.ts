/**
 * Every workbook format a folder holds is read by what it is, and the summary, --json and
 * inspect say what each file was read as.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const DEMO = path.join(FIXTURES, 'demo');

/** The demo set as .xlsx, and the same three tables as an .xls (LibreOffice), an .ods
 * (LibreOffice) and the .xlsx, side by side in one folder. */
async function demoFolders(cwd: string): Promise<{ xlsx: string; mixed: string }> {
  const xlsx = path.join(cwd, 'xlsx');
  const mixed = path.join(cwd, 'mixed');
  await mkdir(xlsx);
  await mkdir(mixed);
  for (const name of ['north', 'south', 'west']) {
    await copyFile(path.join(DEMO, `${name}.xlsx`), path.join(xlsx, `${name}.xlsx`));
  }
  await copyFile(path.join(FIXTURES, 'xls', 'demo-north.xls'), path.join(mixed, 'north.xls'));
  await copyFile(path.join(FIXTURES, 'ods', 'demo', 'south.ods'), path.join(mixed, 'south.ods'));
  await copyFile(path.join(DEMO, 'west.xlsx'), path.join(mixed, 'west.xlsx'));
  return { xlsx, mixed };
}

/** The counts of a --json summary's files, without their names and formats. */
function fileCounts(summary: { files: Record<string, unknown>[] }): unknown[] {
  return summary.files.map(
    ({ file: _file, format: _format, inflatedBytes: _bytes, ...counts }) => counts,
  );
}

describe('input formats', () => {
  it('merges a folder mixing .xls, .ods and .xlsx as the same folder of .xlsx, with --dedupe', async () => {
    const cwd = await makeTempDir();
    const { xlsx, mixed } = await demoFolders(cwd);
    const args = ['--dedupe', 'id,email', '--json'];
    const runs = {
      xlsx: await xlmerge(cwd, xlsx, ...args, '-o', 'from-xlsx.xlsx'),
      mixed: await xlmerge(cwd, mixed, ...args, '-o', 'from-mixed.xlsx'),
      xlsxCsv: await xlmerge(cwd, xlsx, ...args, '-o', 'from-xlsx.csv'),
      mixedCsv: await xlmerge(cwd, mixed, ...args, '-o', 'from-mixed.csv'),
    };
    for (const run of Object.values(runs)) expect(run).toMatchObject({ code: 0, stderr: '' });
    const summary = JSON.parse(runs.mixed.stdout);
    expect(
      summary.files.map((file: { file: string; format: string }) => [file.file, file.format]),
    ).toEqual([
      ['mixed/north.xls', 'xls'],
      ['mixed/south.ods', 'ods'],
      ['mixed/west.xlsx', 'xlsx'],
    ]);
    expect(summary.ignored).toEqual([]);
    const reference = JSON.parse(runs.xlsx.stdout);
    expect(fileCounts(summary)).toEqual(fileCounts(reference));
    expect([summary.rowsRead, summary.rowsKept, summary.duplicates]).toEqual([31, 24, 7]);
    // The same rows, byte for byte as CSV; as workbooks, the same values and number formats.
    expect(await readFile(path.join(cwd, 'from-mixed.csv'), 'utf8')).toBe(
      await readFile(path.join(cwd, 'from-xlsx.csv'), 'utf8'),
    );
    const merged = await readWorkbook(path.join(cwd, 'from-mixed.xlsx'));
    const expected = await readWorkbook(path.join(cwd, 'from-xlsx.xlsx'));
    expect(merged.rows).toEqual(expected.rows);
    const formats = (book: typeof merged) =>
      book.rows.map((_, row) =>
        book.rows[row]?.map((__, column) => book.worksheet.getCell(row + 1, column + 1).numFmt),
      );
    expect(formats(merged)).toEqual(formats(expected));
  });

  it('caches .xls and .ods files as it caches .xlsx ones', async () => {
    const cwd = await makeTempDir();
    const { mixed } = await demoFolders(cwd);
    const args = [mixed, '--dedupe', 'id,email', '--cache', 'cache', '--json', '-o'];
    const cold = await xlmerge(cwd, ...args, 'cold.csv');
    const warm = await xlmerge(cwd, ...args, 'warm.csv');
    expect(cold.code).toBe(0);
    expect(warm.code).toBe(0);
    const cached = (run: typeof cold) =>
      JSON.parse(run.stdout).files.map((file: { format: string; cached: boolean }) => [
        file.format,
        file.cached,
      ]);
    expect(cached(cold)).toEqual([
      ['xls', false],
      ['ods', false],
      ['xlsx', false],
    ]);
    expect(cached(warm)).toEqual([
      ['xls', true],
      ['ods', true],
      ['xlsx', true],
    ]);
    expect(await readFile(path.join(cwd, 'warm.csv'), 'utf8')).toBe(
      await readFile(path.join(cwd, 'cold.csv'), 'utf8'),
    );
  });

  it('inspects each format, saying what each file is', async () => {
    const cwd = await makeTempDir();
    const { mixed } = await demoFolders(cwd);
    const text = await xlmerge(cwd, 'inspect', mixed, '--dedupe', 'id,email');
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 6)).toEqual([
      '3 files in merge order, 31 data rows, 8 columns; key columns id, email',
      '',
      'file             sheet     header  rows  columns  formats  problems',
      'mixed/north.xls  Sign-ups       1    12        7        3',
      'mixed/south.ods  Sign-ups       1    10        7        3',
      'mixed/west.xlsx  Sign-ups       1     9        8        3',
    ]);
    const json = JSON.parse((await xlmerge(cwd, 'inspect', mixed, '--json')).stdout);
    expect(
      json.files.map((file: { format: string; sheets: unknown }) => [file.format, file.sheets]),
    ).toEqual([
      ['xls', [{ name: 'Sign-ups', state: 'visible' }]],
      ['ods', [{ name: 'Sign-ups', state: 'visible' }]],
      ['xlsx', [{ name: 'Sign-ups', state: 'visible' }]],
    ]);
  });

  it('reads an .xlsx named .xls as the .xlsx it is, and says so', async () => {
    const cwd = await makeTempDir();
    await mkdir(path.join(cwd, 'in'));
    await copyFile(path.join(DEMO, 'north.xlsx'), path.join(cwd, 'in', 'north.xls'));
    await copyFile(path.join(DEMO, 'south.xlsx'), path.join(cwd, 'in', 'south.xlsx'));
    const merged = await xlmerge(cwd, 'in', '--dedupe', 'id,email', '--json', '-o', 'out.xlsx');
    expect(merged.code).toBe(0);
    const summary = JSON.parse(merged.stdout);
    expect(
      summary.files.map((file: { file: string; format: string }) => [file.file, file.format]),
    ).toEqual([
      ['in/north.xls', 'xlsx'],
      ['in/south.xlsx', 'xlsx'],
    ]);
    expect(summary.rowsRead).toBe(22);
    const inspected = await xlmerge(cwd, 'inspect', 'in', '--dedupe', 'id,email');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(
      'Notes:\n  in/north.xls: read as an .xlsx workbook, which it is (its name says .xls)\n',
    );
    const json = JSON.parse((await xlmerge(cwd, 'inspect', 'in', '--json')).stdout);
    expect(json.files.map((file: { format: string }) => file.format)).toEqual(['xlsx', 'xlsx']);
  });
});
