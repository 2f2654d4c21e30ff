/** What a merge tells about itself: the Summary sheet, and a dry run that writes nothing. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, merge, type XlmergeError } from '../../dist/index.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { readWorkbook, writeTable } from '../helpers/workbooks.js';

async function inputs(): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in'));
  await writeTable(path.join(dir, 'in', 'a.xlsx'), [
    ['id', 'name'],
    [1, 'Ann'],
    [1, 'Ann'],
    [2, 'Bob'],
  ]);
  await writeTable(path.join(dir, 'in', 'b.xlsx'), [
    ['id', 'phone'],
    [2, '555'],
    [3, '556'],
  ]);
  await writeFiles(dir, { 'in/c.xlsx': '' });
  return dir;
}

describe('summary sheet', () => {
  it('adds one line per file and per skipped file', async () => {
    const dir = await inputs();
    const output = path.join(dir, 'out.xlsx');
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output,
      dedupe: ['id'],
      skipErrors: true,
      summarySheet: true,
    });
    expect(summary.sheets).toEqual(['Merged', 'Summary']);
    const merged = await readWorkbook(output, 0);
    expect(merged.sheets).toEqual(['Merged', 'Summary']);
    expect(merged.rows).toEqual([
      ['id', 'name', 'phone'],
      [1, 'Ann'],
      [2, 'Bob'],
      [3, null, '556'],
    ]);
    const { rows } = await readWorkbook(output, 1);
    expect(rows).toEqual([
      [
        'File',
        'Rows read',
        'Rows kept',
        'Duplicates in the file',
        'Duplicates of other files',
        'Blank rows',
        'Adds columns',
        'Lacks columns',
        'Skipped because',
      ],
      ['in/a.xlsx', 3, 2, 1, 0, 0, 'id, name', 'phone'],
      ['in/b.xlsx', 2, 1, 0, 1, 0, 'phone', 'name'],
      [
        'in/c.xlsx',
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        expect.stringMatching(/^in\/c\.xlsx: The file is empty/),
      ],
    ]);
  });
});

describe('dry run', () => {
  it('fails on a text too long for a cell, as the real run would', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['note'], ['x'.repeat(40_000)]]);
    const error = (await merge({ inputs: ['a.xlsx'], cwd: dir, dryRun: true }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.code).toBe(ErrorCode.FilesFailed);
    expect(error.failures?.map((f) => [f.code, f.row])).toEqual([[ErrorCode.CellTooLong, 2]]);
  });

  it('reports what the merge would do and writes nothing', async () => {
    const dir = await inputs();
    await fs.rm(path.join(dir, 'in', 'c.xlsx'));
    await writeFiles(dir, { 'out.xlsx': 'existing' });
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'out.xlsx',
      dedupe: ['id'],
      dryRun: true,
      force: true,
    });
    expect({
      output: summary.output,
      sheets: summary.sheets,
      columns: summary.columns,
      rowsRead: summary.rowsRead,
      rowsKept: summary.rowsKept,
      duplicates: summary.duplicates,
    }).toEqual({
      output: null,
      sheets: ['Merged'],
      columns: ['id', 'name', 'phone'],
      rowsRead: 5,
      rowsKept: 3,
      duplicates: 2,
    });
    expect(await fs.readFile(path.join(dir, 'out.xlsx'), 'utf8')).toBe('existing');
    // Where the real run would fail, so does the dry run: here, the output exists.
    await expect(
      merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx', dryRun: true }),
    ).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect((await fs.readdir(dir)).sort()).toEqual(['in', 'out.xlsx']);
  });
});
