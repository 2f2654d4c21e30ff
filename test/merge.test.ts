/**
 * merge(), the library's entry, on a few tiny workbooks: options refused before anything is
 * read, every field of the summary, the same bytes whatever the number of workers, progress
 * after each file, and a run cancelled midway. From the built module, as its worker pool runs
 * the built worker.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type XlmergeError } from '../dist/errors.js';
import { merge } from '../dist/merge.js';
import type { MergeOptions, Progress } from '../src/options.js';
import { makeTempDir, writeFiles } from './helpers/temp-dir.js';
import { type TestCell, writeTable } from './helpers/workbooks.js';

/**
 * The error `run` rejects with. The built module's XlmergeError is a class of its own, so
 * helpers/errors.ts's `rejectionOf`, which checks for the source's, does not fit here.
 */
async function failureOf(run: Promise<unknown>): Promise<XlmergeError> {
  const error = await run.then(
    () => new Error('expected the run to fail'),
    (rejected: unknown) => rejected,
  );
  expect(error).toHaveProperty('code');
  return error as XlmergeError;
}

/** Writes single-sheet workbooks into `dir`/in. */
async function writeInputs(dir: string, tables: Record<string, TestCell[][]>): Promise<void> {
  await fs.mkdir(path.join(dir, 'in'), { recursive: true });
  for (const [name, rows] of Object.entries(tables)) {
    await writeTable(path.join(dir, 'in', name), rows);
  }
}

/** in/a.xlsx and in/b.xlsx, b repeating a key of a, in a fresh folder. */
async function inputs(): Promise<string> {
  const dir = await makeTempDir();
  await writeInputs(dir, {
    'a.xlsx': [
      ['id', 'name'],
      [1, 'Ann'],
      [1, 'Ann again'],
      [2, 'Bob'],
    ],
    'b.xlsx': [
      ['id', 'phone'],
      [2, '555'],
      [3, '556'],
    ],
  });
  return dir;
}

describe('merge: options', () => {
  it.each([
    [
      { inputs: [] },
      'Invalid option inputs: expected a non-empty list of files, folders or globs, got []',
    ],
    [{ inputs: ['in'], dedup: ['id'] }, 'Unknown option "dedup"; did you mean dedupe?'],
    [
      { inputs: ['in'], jobs: 0 },
      'Invalid option jobs: expected a whole number from 1 to 256, got 0',
    ],
  ] as const)('rejects %j before reading anything', async (options, message) => {
    const dir = await makeTempDir();
    const run = merge({ cwd: dir, ...(options as unknown as MergeOptions) });
    const error = await failureOf(run);
    expect([error.code, error.message]).toEqual([ErrorCode.InvalidOption, message]);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

describe('merge: the summary', () => {
  it('says what was written, read, kept, dropped, ignored and warned of', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'in/notes.txt': 'not a workbook' });
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'out.xlsx',
      duplicatesReport: 'dups.csv',
      dedupe: ['id'],
      sourceColumn: true,
      summarySheet: true,
      rename: { nmae: 'name' },
      jobs: 2,
    });
    const file = (name: string, counts: object) => ({
      // Shown relative to the working folder, as it holds them.
      file: `in/${name}`,
      sheets: [{ name: 'Sheet1', headerRow: 1, titleLines: [], rowsRead: 0, ...counts }],
    });
    expect(summary).toEqual({
      output: path.join(dir, 'out.xlsx'),
      duplicatesReport: path.join(dir, 'dups.csv'),
      sheets: ['Merged', 'Summary'],
      columns: ['Source', 'id', 'name', 'phone'],
      files: [
        {
          ...file('a.xlsx', { rowsRead: 3 }),
          format: 'xlsx',
          hiddenSheets: [],
          rowsRead: 3,
          rowsKept: 2,
          duplicatesInFile: 1,
          duplicatesAcrossFiles: 0,
          blankRows: 0,
          formulasWithoutValue: 0,
          cellsWithoutFormat: 0,
          truncatedCells: 0,
          inflatedBytes: expect.any(Number),
          addedColumns: ['id', 'name'],
          missingColumns: ['phone'],
          cached: false,
        },
        {
          ...file('b.xlsx', { rowsRead: 2 }),
          format: 'xlsx',
          hiddenSheets: [],
          rowsRead: 2,
          rowsKept: 1,
          duplicatesInFile: 0,
          duplicatesAcrossFiles: 1,
          blankRows: 0,
          formulasWithoutValue: 0,
          cellsWithoutFormat: 0,
          truncatedCells: 0,
          inflatedBytes: expect.any(Number),
          addedColumns: ['phone'],
          missingColumns: ['name'],
          cached: false,
        },
      ],
      skipped: [],
      ignored: [
        {
          file: 'in/notes.txt',
          kind: 'other',
          reason: 'only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read',
        },
      ],
      warnings: [
        {
          kind: 'unusedRename',
          message:
            '`rename`: no file has a column "nmae" to rename to "name"; did you mean "name"?',
        },
      ],
      rowsRead: 5,
      rowsKept: 3,
      duplicates: 2,
      truncatedCells: 0,
      numberFormats: { kept: 0, refused: 0, cellsWithoutFormat: 0 },
      cache: null,
      seconds: expect.any(Number),
    });
    expect(summary.files.every((entry) => entry.inflatedBytes > 0)).toBe(true);
    expect((await fs.readdir(dir)).sort()).toEqual(['dups.csv', 'in', 'out.xlsx']);
  });

  it('fails with FILES_FAILED, writing nothing, when every file was skipped', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/a.xlsx': '', 'in/b.xlsx': 'not a zip' });
    const error = await failureOf(
      merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx', skipErrors: true }),
    );
    expect([error.code, error.message]).toEqual([
      ErrorCode.FilesFailed,
      'No file could be merged; nothing was written',
    ]);
    // The hint gives each skipped file's reason, in input order.
    expect(error.hint).toMatch(
      /^in\/a\.xlsx: The file is empty .*; in\/b\.xlsx: The file is not an \.xlsx workbook/,
    );
    expect(await fs.readdir(dir)).toEqual(['in']);
  });
});

describe('merge: workers, progress and cancelling', () => {
  it('writes the same output and report bytes with one worker or four', async () => {
    const dir = await makeTempDir();
    const tables: Record<string, TestCell[][]> = {};
    for (let f = 0; f < 6; f += 1) {
      tables[`f${f}.xlsx`] = [
        ['id', f % 2 === 0 ? 'even' : 'odd'],
        ...Array.from({ length: 8 }, (_, r) => [(r * 3 + f) % 10, `f${f}r${r}`]),
      ];
    }
    await writeInputs(dir, tables);
    const bytes = async (jobs: number) => {
      await merge({
        inputs: ['in'],
        cwd: dir,
        output: `out-${jobs}.xlsx`,
        duplicatesReport: `dups-${jobs}.xlsx`,
        dedupe: ['id'],
        keep: 'last',
        sourceColumn: true,
        summarySheet: true,
        jobs,
      });
      return Promise.all([
        fs.readFile(path.join(dir, `out-${jobs}.xlsx`)),
        fs.readFile(path.join(dir, `dups-${jobs}.xlsx`)),
      ]);
    };
    const [output1, report1] = await bytes(1);
    const [output4, report4] = await bytes(4);
    expect(output4.equals(output1)).toBe(true);
    expect(report4.equals(report1)).toBe(true);
  });

  it('reports progress after each file, in input order', async () => {
    const dir = await inputs();
    await writeInputs(dir, { 'c.xlsx': [['id'], [3], [4]] });
    const progress: Progress[] = [];
    await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'out.xlsx',
      dedupe: ['id'],
      jobs: 3,
      onProgress: (update) => progress.push(update),
    });
    expect(progress).toEqual([
      { filesTotal: 3, filesDone: 1, rowsRead: 3, duplicates: 1 },
      { filesTotal: 3, filesDone: 2, rowsRead: 5, duplicates: 2 },
      { filesTotal: 3, filesDone: 3, rowsRead: 7, duplicates: 3 },
    ]);
  });

  it('stops with ABORTED when cancelled midway, leaving no file behind', async () => {
    const dir = await inputs();
    const controller = new AbortController();
    const reason = new Error('the user pressed Ctrl-C');
    const error = await failureOf(
      merge({
        inputs: ['in'],
        cwd: dir,
        output: 'out.xlsx',
        duplicatesReport: 'dups.xlsx',
        jobs: 1,
        signal: controller.signal,
        onProgress: () => controller.abort(reason),
      }),
    );
    expect([error.code, error.cause]).toEqual([ErrorCode.Aborted, reason]);
    expect(await fs.readdir(dir)).toEqual(['in']);
  });
});
