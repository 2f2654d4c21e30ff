/**
 * The library end to end: real workbooks in temporary folders, merged by the built package
 * (worker threads included), read back with exceljs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  type MergeOptions,
  merge,
  mergeRows,
  type XlmergeError,
} from '../../dist/index.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import {
  readWorkbook,
  type TestCell,
  utc,
  writeTable,
  writeWorkbook,
} from '../helpers/workbooks.js';

async function run(
  files: Record<string, readonly (readonly TestCell[])[]>,
  options: Partial<MergeOptions> = {},
) {
  const dir = await makeTempDir();
  for (const [name, rows] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, 'in', name)), { recursive: true });
    await writeTable(path.join(dir, 'in', name), rows);
  }
  const output = path.join(dir, 'out.xlsx');
  const summary = await merge({ inputs: ['in'], cwd: dir, output, jobs: 2, ...options });
  const { rows } = await readWorkbook(output);
  return { dir, output, summary, rows };
}

const HEADER = ['id', 'email', 'name'];

describe('merge: keys and which row survives', () => {
  const files = {
    'a.xlsx': [
      HEADER,
      [1, 'ann@x.com', 'Ann (a1)'],
      [2, 'bob@x.com', 'Bob (a2)'],
      [1, 'ann@x.com', 'Ann (a3)'],
    ],
    'b.xlsx': [
      HEADER,
      [2, 'bob@x.com', 'Bob (b1)'],
      [3, 'cy@x.com', 'Cy (b2)'],
      [1, 'ANN@x.com', 'Ann (b3)'],
    ],
  };

  it('drops nothing without dedupe', async () => {
    const { rows, summary } = await run(files);
    expect(rows.length).toBe(7);
    expect(summary.duplicates).toBe(0);
  });

  it('keeps the first row of each key, within and across files, in input order', async () => {
    const { rows, summary } = await run(files, { dedupe: ['id', 'email'] });
    expect(rows).toEqual([
      HEADER,
      [1, 'ann@x.com', 'Ann (a1)'],
      [2, 'bob@x.com', 'Bob (a2)'],
      [3, 'cy@x.com', 'Cy (b2)'],
      [1, 'ANN@x.com', 'Ann (b3)'],
    ]);
    expect(
      summary.files.map((f) => [
        f.file,
        f.rowsRead,
        f.rowsKept,
        f.duplicatesInFile,
        f.duplicatesAcrossFiles,
      ]),
    ).toEqual([
      ['in/a.xlsx', 3, 2, 1, 0],
      ['in/b.xlsx', 3, 2, 0, 1],
    ]);
    expect([summary.rowsRead, summary.rowsKept, summary.duplicates]).toEqual([6, 4, 2]);
  });

  it('keeps the last row of each key with keep last', async () => {
    const { rows } = await run(files, { dedupe: ['id', 'email'], keep: 'last' });
    expect(rows).toEqual([
      HEADER,
      [1, 'ann@x.com', 'Ann (a3)'],
      [2, 'bob@x.com', 'Bob (b1)'],
      [3, 'cy@x.com', 'Cy (b2)'],
      [1, 'ANN@x.com', 'Ann (b3)'],
    ]);
  });

  it('keeps no repeated key with keep none', async () => {
    const { rows } = await run(files, { dedupe: ['id', 'email'], keep: 'none' });
    expect(rows).toEqual([HEADER, [3, 'cy@x.com', 'Cy (b2)'], [1, 'ANN@x.com', 'Ann (b3)']]);
  });

  it('compares case-insensitively with ignoreCase', async () => {
    const { rows } = await run(files, { dedupe: ['email'], ignoreCase: true });
    expect(rows.map((row) => row[2])).toEqual(['name', 'Ann (a1)', 'Bob (a2)', 'Cy (b2)']);
  });

  it('uses every column with dedupe true', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['k', 'v'],
          [1, 'x'],
          [1, 'x'],
          [1, 'y'],
        ],
        'b.xlsx': [
          ['v', 'k'],
          ['x', 1],
        ],
      },
      { dedupe: true },
    );
    expect(rows).toEqual([
      ['k', 'v'],
      [1, 'x'],
      [1, 'y'],
    ]);
  });

  it('compares typed values exactly, or as text with keysAsText', async () => {
    const data = { 'a.xlsx': [['id'], [123], ['123'], ['00123'], [123.0], [' 123']] };
    expect((await run(data, { dedupe: ['id'] })).rows).toEqual([
      ['id'],
      [123],
      ['123'],
      ['00123'],
      [' 123'],
    ]);
    expect((await run(data, { dedupe: ['id'], keysAsText: true })).rows).toEqual([
      ['id'],
      [123],
      ['00123'],
      [' 123'],
    ]);
    expect((await run(data, { dedupe: ['id'], keysAsText: true, trim: true })).rows).toEqual([
      ['id'],
      [123],
      ['00123'],
    ]);
  });

  it('never treats rows with all key cells empty as duplicates', async () => {
    const { rows, summary } = await run(
      {
        'a.xlsx': [
          ['id', 'v'],
          [null, 'a'],
          [null, 'b'],
          [1, 'c'],
          [1, 'd'],
        ],
      },
      { dedupe: ['id'] },
    );
    expect(rows).toEqual([
      ['id', 'v'],
      [null, 'a'],
      [null, 'b'],
      [1, 'c'],
    ]);
    expect(summary.duplicates).toBe(1);
  });

  it('compares dates by instant', async () => {
    const { rows } = await run(
      { 'a.xlsx': [['when'], [utc(2024, 3, 1)], [utc(2024, 3, 1, 12)], [utc(2024, 3, 1)]] },
      { dedupe: ['when'] },
    );
    expect(rows).toEqual([['when'], [utc(2024, 3, 1)], [utc(2024, 3, 1, 12)]]);
  });

  it('fails naming the file and its headers when a key column is missing', async () => {
    const error = (await run(
      {
        'a.xlsx': [HEADER, [1, 'a', 'b']],
        'b.xlsx': [
          ['id', 'mail'],
          [1, 'a'],
        ],
      },
      {
        dedupe: ['id', 'email'],
      },
    ).catch((e: unknown) => e)) as XlmergeError;
    expect(error.code).toBe(ErrorCode.FilesFailed);
    expect(error.failures?.map((f) => [f.code, f.describe()])).toEqual([
      [
        ErrorCode.MissingKeyColumn,
        'in/b.xlsx, sheet "Sheet1", column email: The key column "email" is missing. The sheet\'s columns are: "id", "mail"',
      ],
    ]);
  });

  it('gives the same rows whatever the number of workers', async () => {
    const many: Record<string, TestCell[][]> = {};
    for (let f = 0; f < 9; f += 1) {
      many[`f${f}.xlsx`] = [
        ['id', 'file'],
        ...Array.from({ length: 40 }, (_, r) => [(r * 7 + f * 3) % 50, `f${f}r${r}`]),
      ];
    }
    const one = await run(many, { dedupe: ['id'], jobs: 1 });
    const two = await run(many, { dedupe: ['id'], jobs: 2 });
    const three = await run(many, { dedupe: ['id'], jobs: 3, keep: 'first' });
    expect(two.rows).toEqual(one.rows);
    expect(three.rows).toEqual(one.rows);
    expect(one.rows.length).toBe(51);
    expect(await fs.readFile(two.output)).toEqual(await fs.readFile(one.output));
  });
});

describe('merge: columns, header and sheets', () => {
  it('aligns columns by name in first-seen order and reports what files add or lack', async () => {
    const { rows, summary } = await run({
      'a.xlsx': [
        ['id', 'name'],
        [1, 'Ann'],
      ],
      'b.xlsx': [
        ['name', 'phone', 'id'],
        ['Bob', '555', 2],
      ],
      'c.xlsx': [['id'], [3]],
    });
    expect(rows).toEqual([['id', 'name', 'phone'], [1, 'Ann'], [2, 'Bob', '555'], [3]]);
    expect(summary.columns).toEqual(['id', 'name', 'phone']);
    expect(summary.files.map((f) => [f.addedColumns, f.missingColumns])).toEqual([
      [['id', 'name'], ['phone']],
      [['phone'], []],
      [[], ['name', 'phone']],
    ]);
  });

  it('takes the first non-empty row as header, trims and uniquifies names', async () => {
    const { rows, summary } = await run({
      'a.xlsx': [
        [],
        [null, ' id ', null, 'x', 'x'],
        [null, 1, 'c', 'd', 'e'],
        [],
        [null, 2, null, null, 'f'],
      ],
    });
    expect(rows).toEqual([
      ['id', 'Column C', 'x', 'x (2)'],
      [1, 'c', 'd', 'e'],
      [2, null, null, 'f'],
    ]);
    expect(summary.files[0]?.sheets).toEqual([
      { name: 'Sheet1', headerRow: 2, titleLines: [], rowsRead: 2 },
    ]);
  });

  it('uses headerRow when given', async () => {
    const { rows } = await run(
      { 'a.xlsx': [['Report 2024'], ['id', 'v'], [1, 'a']] },
      { headerRow: 2 },
    );
    expect(rows).toEqual([
      ['id', 'v'],
      [1, 'a'],
    ]);
  });

  it('reads the sheet asked for, or all of them', async () => {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [
      { name: 'Notes', rows: [['hello']] },
      { name: 'Q1', rows: [['id'], [1]] },
      { name: 'Q2', rows: [['id'], [2]] },
    ]);
    let run = 0;
    const go = async (sheet: string | number) => {
      run += 1;
      const output = path.join(dir, `out-${run}.xlsx`);
      const summary = await merge({
        inputs: [path.join(dir, 'a.xlsx')],
        output,
        sheet,
        sourceColumn: true,
        jobs: 1,
      });
      return { rows: (await readWorkbook(output)).rows, summary };
    };
    expect((await go('Q2')).rows).toEqual([
      ['Source', 'id'],
      ['a.xlsx', 2],
    ]);
    expect((await go(2)).rows).toEqual([
      ['Source', 'id'],
      ['a.xlsx', 1],
    ]);
    // A name is matched exactly, then ignoring case; a number that names no sheet is a position.
    expect((await go('q2')).rows).toEqual([
      ['Source', 'id'],
      ['a.xlsx', 2],
    ]);
    expect((await go('2')).rows).toEqual([
      ['Source', 'id'],
      ['a.xlsx', 1],
    ]);
    expect((await go('all')).rows).toEqual([
      ['Source', 'hello', 'id'],
      ['a.xlsx [Q1]', null, 1],
      ['a.xlsx [Q2]', null, 2],
    ]);
    // A sheet that the one workbook lacks is no sheet of any: a usage error for the run.
    const error = (await go('Q9').catch((e: unknown) => e)) as XlmergeError;
    expect([error.code, error.describe()]).toEqual([
      ErrorCode.InvalidOption,
      'Invalid option sheet: the sheet "Q9" is not in the workbook; did you mean "Q1"? The workbooks have the sheets "Notes", "Q1", "Q2"',
    ]);
  });
});

describe('merge: a cap on the whole run', () => {
  it('stops when the inputs together inflate past limits.maxRunBytes, naming the file', async () => {
    const dir = await makeTempDir();
    const rows = [['id', 'text'], ...Array.from({ length: 200 }, (_, i) => [i, `row ${i}`])];
    await writeTable(path.join(dir, 'a.xlsx'), rows);
    await writeTable(path.join(dir, 'b.xlsx'), rows);
    const one = await merge({ inputs: ['a.xlsx'], cwd: dir, output: 'one.xlsx', jobs: 1 });
    expect(one.rowsRead).toBe(200);
    // Room for one file's parts but not for two.
    const bytes = one.files[0]?.inflatedBytes ?? 0;
    expect(bytes).toBeGreaterThan(5000);
    const limits = { maxRunBytes: Math.floor(bytes * 1.5) };
    const error = (await merge({ inputs: ['a.xlsx', 'b.xlsx'], cwd: dir, limits, jobs: 1 }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect([error.code, error.file]).toEqual([ErrorCode.SizeLimit, 'b.xlsx']);
    expect(error.hint).toBe(
      'If the inputs are genuine, raise the limit with the limits.maxRunBytes option',
    );
    expect((await fs.readdir(dir)).sort()).toEqual(['a.xlsx', 'b.xlsx', 'one.xlsx']);
  });
});

describe('merge: empty sheets', () => {
  it('fails on a sheet with nothing from the header row asked for on', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['title'], ['id'], [1]]);
    const error = (await merge({ inputs: ['a.xlsx'], cwd: dir, headerRow: 5 }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.failures?.map((f) => [f.code, f.describe()])).toEqual([
      [
        ErrorCode.EmptySheet,
        'a.xlsx, sheet "Sheet1": The sheet has no rows from row 5 (the header row asked for) on. Choose another sheet with `sheet`, or remove the file from the inputs',
      ],
    ]);
  });

  it('passes over empty sheets with sheet all, but fails a file whose sheets are all empty', async () => {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [
      { name: 'Empty', rows: [] },
      { name: 'Data', rows: [['id'], [1]] },
    ]);
    await writeWorkbook(path.join(dir, 'b.xlsx'), [
      { name: 'One', rows: [] },
      { name: 'Two', rows: [] },
    ]);
    const ok = await merge({ inputs: ['a.xlsx'], cwd: dir, sheet: 'all', output: 'ok.xlsx' });
    expect(ok.files[0]?.sheets).toEqual([
      { name: 'Data', headerRow: 1, titleLines: [], rowsRead: 1 },
    ]);
    const error = (await merge({ inputs: ['b.xlsx'], cwd: dir, sheet: 'all' }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.failures?.map((f) => f.describe())).toEqual([
      'b.xlsx: Every sheet is empty ("One", "Two"). Remove the file from the inputs',
    ]);
  });
});

describe('merge: values are kept exactly', () => {
  it('keeps text, numbers, dates, booleans and errors with their types', async () => {
    const values: TestCell[] = [
      'Zoë 🎉 中文 "quoted" <tag> & co',
      '00123',
      0.1 + 0.2,
      1e-300,
      -0.000001,
      2 ** 53 + 2,
      true,
      false,
      utc(2024, 2, 29),
      utc(1999, 12, 31, 23, 59, 59),
      { error: '#N/A' },
      '  spaces  ',
      'line1\nline2',
    ];
    const header = values.map((_, i) => `c${i}`);
    const { rows } = await run({ 'a.xlsx': [header, values] });
    expect(rows).toEqual([header, values]);
  });
});

describe('merge: output safety', () => {
  it('refuses to overwrite an existing file without force, and replaces it with force', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id'], [1]]);
    await writeFiles(dir, { 'out.xlsx': 'precious' });
    const options = {
      inputs: [path.join(dir, 'a.xlsx')],
      output: path.join(dir, 'out.xlsx'),
      jobs: 1,
    };
    await expect(merge(options)).rejects.toMatchObject({ code: ErrorCode.OutputExists });
    expect(await fs.readFile(path.join(dir, 'out.xlsx'), 'utf8')).toBe('precious');
    await merge({ ...options, force: true });
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([['id'], [1]]);
  });

  it('writes nothing and lists every bad file when files fail, leaving no temporary files', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/bad1.xlsx': 'id,name\n1,Ann\n', 'in/bad2.xlsx': '' });
    await writeTable(path.join(dir, 'in', 'good.xlsx'), [['id'], [1]]);
    const error = (await merge({
      inputs: [path.join(dir, 'in')],
      output: path.join(dir, 'out.xlsx'),
    }).catch((e: unknown) => e)) as XlmergeError;
    expect(error.code).toBe(ErrorCode.FilesFailed);
    expect(error.failures?.map((f) => [f.file, f.code])).toEqual([
      [path.join(dir, 'in', 'bad1.xlsx'), ErrorCode.NotZip],
      [path.join(dir, 'in', 'bad2.xlsx'), ErrorCode.EmptyFile],
    ]);
    expect((await fs.readdir(dir)).sort()).toEqual(['in']);
  });

  it('keeps an existing output intact when a forced run fails', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/bad.xlsx': 'not a workbook', 'out.xlsx': 'previous output' });
    await writeTable(path.join(dir, 'in', 'good.xlsx'), [['id'], [1]]);
    const run = merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx', force: true });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.FilesFailed });
    expect(await fs.readFile(path.join(dir, 'out.xlsx'), 'utf8')).toBe('previous output');
    expect((await fs.readdir(dir)).sort()).toEqual(['in', 'out.xlsx']);
  });

  it('says so when the output folder does not exist', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id'], [1]]);
    const error = (await merge({ inputs: ['a.xlsx'], cwd: dir, output: 'nope/out.xlsx' }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect([error.code, error.describe()]).toEqual([
      ErrorCode.WriteFailed,
      `${path.join(dir, 'nope/out.xlsx')}: The output folder does not exist. Create ${path.join(dir, 'nope')} first`,
    ]);
  });

  it('refuses to run again over its own output when it sits in the input folder: it would be an input', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id'], [1], [2]]);
    const options = {
      inputs: [dir],
      output: path.join(dir, 'merged.xlsx'),
      force: true,
      dedupe: true,
    };
    const first = await merge(options);
    expect([first.rowsRead, first.files.length, first.ignored]).toEqual([2, 1, []]);
    const bytes = await fs.readFile(path.join(dir, 'merged.xlsx'));
    await expect(merge(options)).rejects.toMatchObject({ code: ErrorCode.OutputIsInput });
    expect(await fs.readFile(path.join(dir, 'merged.xlsx'))).toEqual(bytes);
  });

  it('merges the rest with skipErrors and reports the skipped files', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/bad.xlsx': '' });
    await writeTable(path.join(dir, 'in', 'good.xlsx'), [['id'], [1]]);
    const summary = await merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx', skipErrors: true });
    expect(summary.skipped).toEqual([
      {
        file: 'in/bad.xlsx',
        code: ErrorCode.EmptyFile,
        reason: expect.stringMatching(/^in\/bad\.xlsx: /),
      },
    ]);
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([['id'], [1]]);
  });
});

describe('library API', () => {
  it('reports progress and yields rows without writing a workbook', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'when'],
      [1, utc(2024, 1, 2)],
      [1, utc(2024, 1, 3)],
    ]);
    await writeTable(path.join(dir, 'b.xlsx'), [
      ['id', 'extra'],
      [2, 'x'],
    ]);
    const progress: number[] = [];
    const rows = [];
    for await (const row of mergeRows({
      inputs: [dir],
      dedupe: ['id'],
      onProgress: (p) => progress.push(p.filesDone),
    })) {
      rows.push(row);
    }
    expect(rows).toEqual([
      {
        file: path.join(dir, 'a.xlsx'),
        sheet: 'Sheet1',
        row: 2,
        values: { id: 1, when: { kind: 'date', serial: 45293 } },
      },
      { file: path.join(dir, 'b.xlsx'), sheet: 'Sheet1', row: 2, values: { id: 2, extra: 'x' } },
    ]);
    expect(progress).toEqual([1, 2]);
    expect(await fs.readdir(dir)).toEqual(['a.xlsx', 'b.xlsx']);
  });

  it('yields rows without leaving out a merged.xlsx input, and keeps any header name', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'merged.xlsx'), [
      ['__proto__', 'constructor'],
      [1, 2],
    ]);
    const rows = [];
    for await (const row of mergeRows({ inputs: [dir], sourceColumn: true })) rows.push(row);
    expect(rows.map((row) => [row.file, Object.entries(row.values)])).toEqual([
      [
        path.join(dir, 'merged.xlsx'),
        [
          ['__proto__', 1],
          ['constructor', 2],
        ],
      ],
    ]);
  });

  it('stops when aborted and writes nothing', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id'], [1]]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      merge({ inputs: [dir], output: path.join(dir, 'out.xlsx'), signal: controller.signal }),
    ).rejects.toMatchObject({ code: ErrorCode.Aborted });
    expect(await fs.readdir(dir)).toEqual(['a.xlsx']);
  });

  it("ends with CALLBACK_FAILED, the callback's error as cause, and writes nothing when onProgress throws", async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id'], [1]]);
    await writeTable(path.join(dir, 'b.xlsx'), [['id'], [2]]);
    const thrown = new Error('the dashboard is down');
    let calls = 0;
    const error = (await merge({
      inputs: [dir],
      output: path.join(dir, 'out.xlsx'),
      jobs: 1,
      onProgress: () => {
        calls += 1;
        throw thrown;
      },
    }).catch((e: unknown) => e)) as XlmergeError;
    expect([error.code, error.message, error.cause, calls]).toEqual([
      ErrorCode.CallbackFailed,
      'The `onProgress` callback threw an error: the dashboard is down; nothing was written',
      thrown,
      1,
    ]);
    expect((await fs.readdir(dir)).sort()).toEqual(['a.xlsx', 'b.xlsx']);
  });
});
