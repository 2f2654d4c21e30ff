import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type MergeOptions, merge, type XlmergeError } from '../../dist/index.js';
import { xlmerge } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { type TestCell, utc, writeTable, writeWorkbook } from '../helpers/workbooks.js';

const DEMO = fileURLToPath(new URL('../../fixtures/demo', import.meta.url));

/**
 * b orders the columns differently, c adds a column at the end, d has fewer columns than the
 * header has by then.
 */
const FILES: Record<string, readonly (readonly TestCell[])[]> = {
  'a.xlsx': [
    ['id', 'name', 'amount', 'when'],
    [1, 'Ann', 10.5, utc(2024, 3, 1)],
    [2, '=HYPERLINK("http://x","y")', -5, utc(2024, 3, 1, 10, 30)],
    [3, '-5', true, { error: '#N/A' }],
  ],
  'b.xlsx': [
    ['when', 'id', 'amount', 'name'],
    [utc(2024, 3, 2), 4, 0.1, 'Bob, "Jr."'],
    [utc(2024, 3, 3), 1, 99, 'Ann again'],
    [null, 5, -0.25, 'multi\nline'],
  ],
  'c.xlsx': [
    ['id', 'name', 'amount', 'when', 'phone'],
    [6, ' Cy ', 1e21, utc(1999, 12, 31, 23, 59), '+1 555 0101'],
    [7, '@SUM(A1)', false, null, '-5'],
  ],
  'd.xlsx': [['id'], [8]],
};

const EXPECTED =
  '\uFEFFid,name,amount,when,phone\r\n' +
  '1,Ann,10.5,2024-03-01,\r\n' +
  `2,"'=HYPERLINK(""http://x"",""y"")",-5,2024-03-01 10:30:00,\r\n` +
  '3,-5,TRUE,#N/A,\r\n' +
  '4,"Bob, ""Jr.""",0.1,2024-03-02,\r\n' +
  '5,"multi\nline",-0.25,,\r\n' +
  `6," Cy ",1e+21,1999-12-31 23:59:00,"'+1 555 0101"\r\n` +
  `7,"'@SUM(A1)",FALSE,,-5\r\n` +
  '8,,,,\r\n';

async function inputs(
  files: Record<string, readonly (readonly TestCell[])[]> = FILES,
): Promise<string> {
  const dir = await makeTempDir();
  for (const [name, rows] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, 'in', name)), { recursive: true });
    await writeTable(path.join(dir, 'in', name), rows);
  }
  return dir;
}

async function mergeToCsv(dir: string, options: Partial<MergeOptions> = {}, output = 'out.csv') {
  const summary = await merge({ inputs: ['in'], cwd: dir, output, jobs: 2, ...options });
  const text = await fs.readFile(path.join(dir, output), 'utf8');
  return { summary, text, records: parseCsv(text) };
}

describe('merge to CSV', () => {
  it('writes the merged header and every kept row, in place and padded, typed as text', async () => {
    const dir = await inputs();
    const { summary, text, records } = await mergeToCsv(dir, { dedupe: ['id'] });
    expect(text).toBe(EXPECTED);
    expect(records.every((record) => record.length === 5)).toBe(true);
    expect(summary).toMatchObject({
      output: path.join(dir, 'out.csv'),
      sheets: [],
      columns: ['id', 'name', 'amount', 'when', 'phone'],
      rowsRead: 9,
      rowsKept: 8,
      duplicates: 1,
    });
    expect((await fs.readdir(dir)).sort()).toEqual(['in', 'out.csv']);
  });

  it('writes the same bytes with one worker or two, for every keep mode', async () => {
    const dir = await inputs();
    for (const keep of ['first', 'last', 'none'] as const) {
      const options = { dedupe: ['id'], keep, force: true };
      const one = (await mergeToCsv(dir, { ...options, jobs: 1 })).text;
      const two = (await mergeToCsv(dir, { ...options, jobs: 2 })).text;
      expect(two).toBe(one);
    }
    const last = await mergeToCsv(dir, { dedupe: ['id'], keep: 'last', force: true });
    expect(last.records.map((record) => record.slice(0, 2))).toEqual([
      ['id', 'name'],
      ['2', '\'=HYPERLINK("http://x","y")'],
      ['3', '-5'],
      ['4', 'Bob, "Jr."'],
      ['1', 'Ann again'],
      ['5', 'multi\nline'],
      ['6', ' Cy '],
      ['7', "'@SUM(A1)"],
      ['8', ''],
    ]);
  });

  it('starts each record with the Source field, neutralised like any text', async () => {
    const dir = await inputs({
      '=x.xlsx': [
        ['id', 'v'],
        [1, 'a'],
      ],
      'sub/b.xlsx': [
        ['v', 'id'],
        ['b', 2],
      ],
    });
    const { text } = await mergeToCsv(dir, { sourceColumn: true, recursive: true });
    expect(text).toBe(`\uFEFFSource,id,v\r\n"'=x.xlsx",1,a\r\nsub/b.xlsx,2,b\r\n`);
  });

  it('defuses formulas behind ; tabs and line breaks, and reads its own output back the same', async () => {
    const dir = await inputs({
      'a;=b.xlsx': [
        ['id', 'note;=1'],
        [1, 'x;=1+1;y'],
        [2, 'x\t=1+1'],
        [3, 'list:\n- one\n- two'],
        [4, '1;-5'],
        [5, 'plain;text'],
      ],
    });
    const { text, records } = await mergeToCsv(dir, { sourceColumn: true });
    expect(text).toBe(
      `\uFEFFSource,id,"note;'=1"\r\n` +
        `"a;'=b.xlsx",1,"x;'=1+1;y"\r\n` +
        `"a;'=b.xlsx",2,"x\t'=1+1"\r\n` +
        `"a;'=b.xlsx",3,"list:\n'- one\n'- two"\r\n` +
        `"a;'=b.xlsx",4,"1;'-5"\r\n` +
        `"a;'=b.xlsx",5,"plain;text"\r\n`,
    );
    // Merged again as a CSV input, xlmerge's own CSV keeps every value as it is.
    await fs.mkdir(path.join(dir, 'again'));
    await fs.rename(path.join(dir, 'out.csv'), path.join(dir, 'again', 'out.csv'));
    await merge({ inputs: ['again'], cwd: dir, output: 'twice.csv' });
    const twice = parseCsv(await fs.readFile(path.join(dir, 'twice.csv'), 'utf8'));
    expect(twice).toEqual(records);
  });

  it('names the sheet in the Source field when several sheets are read', async () => {
    const dir = await makeTempDir();
    await fs.mkdir(path.join(dir, 'in'));
    await writeWorkbook(path.join(dir, 'in', 'a.xlsx'), [
      { name: 'Q1', rows: [['id'], [1]] },
      {
        name: 'Q2',
        rows: [
          ['id', 'extra'],
          [2, 'x'],
        ],
      },
    ]);
    const { text } = await mergeToCsv(dir, { sourceColumn: true, sheet: 'all' });
    expect(text).toBe('\uFEFFSource,id,extra\r\na.xlsx [Q1],1,\r\na.xlsx [Q2],2,x\r\n');
  });

  it('writes the listed columns in their order with columns', async () => {
    const dir = await inputs();
    const { text } = await mergeToCsv(dir, { columns: ['phone', 'id'], dedupe: ['id'] });
    expect(text).toBe(
      `\uFEFFphone,id\r\n,1\r\n,2\r\n,3\r\n,4\r\n,5\r\n"'+1 555 0101",6\r\n-5,7\r\n,8\r\n`,
    );
    const withSource = await mergeToCsv(dir, {
      columns: ['phone', 'id'],
      sourceColumn: true,
      force: true,
    });
    expect(withSource.records.slice(0, 2)).toEqual([
      ['Source', 'phone', 'id'],
      ['a.xlsx', '', '1'],
    ]);
    expect(withSource.records.at(-2)).toEqual(['c.xlsx', '-5', '7']);
  });

  it('writes "" for a record of one empty field', async () => {
    const dir = await inputs({
      'a.xlsx': [
        ['id', 'v'],
        [1, null],
        [2, 'x'],
      ],
    });
    const { text } = await mergeToCsv(dir, { columns: ['v'] });
    expect(text).toBe('\uFEFFv\r\n""\r\nx\r\n');
  });

  it('takes .CSV in any case for CSV', async () => {
    const dir = await inputs({ 'a.xlsx': [['id'], [1]] });
    const { text, summary } = await mergeToCsv(dir, {}, 'OUT.Csv');
    expect([text, summary.sheets]).toEqual(['\uFEFFid\r\n1\r\n', []]);
  });

  it('has no cell or column limit: long text is written whole, 18,000 columns fit', async () => {
    const long = 'x'.repeat(40_000);
    const dir = await inputs({
      'a.xlsx': [
        ['id', 'note'],
        [1, long],
      ],
      'b.xlsx': [Array.from({ length: 9000 }, (_, i) => `a${i}`), [2]],
      'c.xlsx': [Array.from({ length: 9000 }, (_, i) => `b${i}`), [3]],
    });
    const dry = await merge({ inputs: ['in'], cwd: dir, output: 'out.csv', dryRun: true });
    expect([dry.output, dry.sheets, dry.columns.length]).toEqual([null, [], 18_002]);
    const { records } = await mergeToCsv(dir);
    expect(records.map((record) => record.length)).toEqual([18_002, 18_002, 18_002, 18_002]);
    expect(records[1]?.slice(0, 2)).toEqual(['1', long]);
    expect([records[2]?.[2], records[3]?.[9002]]).toEqual(['2', '3']);
  }, 60_000);
});

describe('CSV output safety', () => {
  it('refuses to overwrite an existing file without force, and replaces it with force', async () => {
    const dir = await inputs({ 'a.xlsx': [['id'], [1]] });
    await writeFiles(dir, { 'out.csv': 'precious' });
    await expect(mergeToCsv(dir)).rejects.toMatchObject({ code: ErrorCode.OutputExists });
    expect(await fs.readFile(path.join(dir, 'out.csv'), 'utf8')).toBe('precious');
    expect((await mergeToCsv(dir, { force: true })).text).toBe('\uFEFFid\r\n1\r\n');
  });

  it('keeps the previous output and leaves no temporary file when a later file fails', async () => {
    const dir = await inputs(FILES);
    await writeFiles(dir, { 'in/z-bad.xlsx': 'id,name\n1,Ann\n', 'out.csv': 'previous output' });
    const error = (await mergeToCsv(dir, { force: true, jobs: 1 }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect([error.code, error.failures?.map((failure) => failure.code)]).toEqual([
      ErrorCode.FilesFailed,
      [ErrorCode.NotZip],
    ]);
    expect(await fs.readFile(path.join(dir, 'out.csv'), 'utf8')).toBe('previous output');
    expect((await fs.readdir(dir)).sort()).toEqual(['in', 'out.csv']);
  });

  it('stops when aborted mid-run and leaves nothing behind', async () => {
    const dir = await inputs(FILES);
    const controller = new AbortController();
    const run = mergeToCsv(dir, {
      jobs: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.filesDone === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.Aborted });
    expect(await fs.readdir(dir)).toEqual(['in']);
  });

  it('refuses --summary with a CSV output before reading anything', async () => {
    const dir = await makeTempDir();
    const error = (await merge({
      inputs: ['nowhere'],
      cwd: dir,
      output: 'out.csv',
      summarySheet: true,
    }).catch((e: unknown) => e)) as XlmergeError;
    expect([error.code, error.describe()]).toEqual([
      ErrorCode.InvalidOption,
      "Invalid option summarySheet: the output out.csv is a CSV file, which has no sheets to hold the Summary sheet. Leave out `summarySheet` (the run's own summary gives the same figures per file), or write the output as .xlsx",
    ]);
    const cli = await xlmerge(dir, 'nowhere', '-o', 'out.csv', '--summary');
    expect(cli).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "xlmerge: Invalid option --summary: the output out.csv is a CSV file, which has no sheets to hold the Summary sheet. Leave out --summary (the run's own summary gives the same figures per file), or write the output as .xlsx\n",
    });
  });

  it('ignores overflow, and a dry run reports no sheets', async () => {
    const dir = await inputs({ 'a.xlsx': [['id'], [1]] });
    const dry = await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'out.csv',
      dryRun: true,
      overflow: 'split',
    });
    expect([dry.output, dry.sheets, dry.rowsKept]).toEqual([null, [], 1]);
    expect(await fs.readdir(dir)).toEqual(['in']);
  });
});

describe('duplicates report as CSV', () => {
  it('writes the report as CSV by its own name, beside an xlsx or CSV output', async () => {
    const dir = await makeTempDir();
    const report = path.join(dir, 'dups.csv');
    const summary = await merge({
      inputs: [DEMO],
      cwd: path.dirname(DEMO),
      output: path.join(dir, 'merged.csv'),
      dedupe: ['id', 'email'],
      duplicatesReport: report,
      sourceColumn: true,
    });
    expect(summary.duplicatesReport).toBe(report);
    const records = parseCsv(await fs.readFile(report, 'utf8'));
    expect(records[0]).toEqual([
      'Group',
      'File',
      'Sheet',
      'Row',
      'Kept file',
      'Kept sheet',
      'Kept row',
      ...summary.columns.slice(1),
    ]);
    expect(records.every((record) => record.length === 15)).toBe(true);
    expect(records.slice(1).map((record) => [...record.slice(0, 9), record[14]])).toEqual([
      [
        '1',
        'demo/north.xlsx',
        'Sign-ups',
        '7',
        'demo/north.xlsx',
        'Sign-ups',
        '4',
        '3',
        'li@example.com',
        '',
      ],
      [
        '2',
        'demo/south.xlsx',
        'Sign-ups',
        '3',
        'demo/north.xlsx',
        'Sign-ups',
        '2',
        '1',
        'zoe@example.com',
        '',
      ],
      [
        '3',
        'demo/south.xlsx',
        'Sign-ups',
        '9',
        'demo/south.xlsx',
        'Sign-ups',
        '5',
        '13',
        'chen@example.com',
        '',
      ],
      [
        '1',
        'demo/south.xlsx',
        'Sign-ups',
        '11',
        'demo/north.xlsx',
        'Sign-ups',
        '4',
        '3',
        'li@example.com',
        '',
      ],
      [
        '4',
        'demo/west.xlsx',
        'Sign-ups',
        '3',
        'demo/north.xlsx',
        'Sign-ups',
        '11',
        '9',
        'noah@example.com',
        "'+49 30 1234567",
      ],
      [
        '5',
        'demo/west.xlsx',
        'Sign-ups',
        '6',
        'demo/south.xlsx',
        'Sign-ups',
        '2',
        '11',
        'paulo@example.com',
        "'+55 11 91234 5678",
      ],
      [
        '6',
        'demo/west.xlsx',
        'Sign-ups',
        '8',
        'demo/west.xlsx',
        'Sign-ups',
        '5',
        '19',
        'lucas@example.com',
        '0612345678',
      ],
    ]);
    const merged = parseCsv(await fs.readFile(path.join(dir, 'merged.csv'), 'utf8'));
    expect([merged.length - 1, merged[0]?.[0]]).toEqual([summary.rowsKept, 'Source']);
  });
});

describe('xlmerge CLI with a CSV output', () => {
  it('prints the summary with --json, sheets empty', async () => {
    const dir = await inputs();
    const result = await xlmerge(dir, 'in', '-o', 'out.csv', '--dedupe', 'id', '--json');
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      output: path.join(dir, 'out.csv'),
      sheets: [],
      rowsKept: 8,
    });
    expect(await fs.readFile(path.join(dir, 'out.csv'), 'utf8')).toBe(EXPECTED);
  });
});
