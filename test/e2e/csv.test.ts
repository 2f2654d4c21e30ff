import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  inspect,
  type MergeOptions,
  merge,
  mergeRows,
  type XlmergeError,
} from '../../dist/index.js';
import { binarySamples } from '../helpers/binary-files.js';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { readWorkbook, utc, writeTable, writeWorkbook } from '../helpers/workbooks.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** windows-1252 bytes of `text` (Latin-1 letters only, plus €), as Excel's "CSV" saves. */
function windows1252(text: string): Buffer {
  return Buffer.from([...text].map((c) => (c === '€' ? 0x80 : (c.codePointAt(0) as number))));
}

/**
 * `in/a.xlsx` with ids as text (00123) and numbers (7), `in/b.csv` (UTF-8 with BOM, commas)
 * and `in/c.CSV` (windows-1252, semicolons, CRLF, as a European Excel saves it).
 */
async function mixedFolder(): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in'));
  await writeWorkbook(path.join(dir, 'in', 'a.xlsx'), [
    {
      name: 'Q1',
      rows: [
        ['id', 'name', 'amount'],
        ['00123', 'Ann', 10.5],
        [7, 'Bob', 3],
      ],
    },
    { name: 'Q2', rows: [['id'], ['never read']] },
  ]);
  await writeFiles(path.join(dir, 'in'), {
    'b.csv': Buffer.concat([
      BOM,
      Buffer.from(
        'id,name,amount,since\n00123,Ann again,10.50,2024-03-01\n7,Bob as text,3,\n"0042","Zoë ""Z""",1e3,2024-02-30\n',
      ),
    ]),
    'c.CSV': windows1252('id;name;amount\r\n0042;Zoë;1,5\r\n99;Café €;2\r\n'),
  });
  return dir;
}

/**
 * `in/a.csv` as Excel saves it with a `sep=;` line (semicolons, decimal commas, CRLF) and
 * `in/b.csv` without one (commas); b's row 2 repeats a's id 2.
 */
async function sepLineFolder(): Promise<string> {
  const dir = await makeTempDir();
  await writeFiles(path.join(dir, 'in'), {
    'a.csv': 'sep=;\r\nid;name;amount\r\n1;Ann;2,50\r\n2;Bob, Jr.;3\r\n',
    'b.csv': 'id,name,amount\n2,Bob again,3\n3,Cy,"4,5"\n',
  });
  return dir;
}

async function runMerge(dir: string, options: Partial<MergeOptions> = {}) {
  const output = path.resolve(dir, options.output ?? 'out.xlsx');
  const summary = await merge({
    inputs: ['in'],
    cwd: dir,
    jobs: 2,
    force: true,
    ...options,
    output,
  });
  const { rows } = await readWorkbook(output);
  return { summary, rows, output };
}

describe('merge: CSV inputs', () => {
  it('merges workbooks and CSV files; CSV values stay text, so 00123 matches text only', async () => {
    const dir = await mixedFolder();
    const { summary, rows } = await runMerge(dir, { dedupe: ['id'], sheet: 'Q1' });
    expect(rows).toEqual([
      ['id', 'name', 'amount', 'since'],
      ['00123', 'Ann', 10.5],
      [7, 'Bob', 3],
      // "7" from a CSV is text, not the number 7 of the workbook: it stays.
      ['7', 'Bob as text', '3'],
      ['0042', 'Zoë "Z"', '1e3', '2024-02-30'],
      ['99', 'Café €', '2'],
    ]);
    expect(
      summary.files.map((file) => [
        file.file,
        file.sheets.map((sheet) => sheet.name),
        file.rowsRead,
        file.duplicatesAcrossFiles,
        file.inflatedBytes,
      ]),
    ).toEqual([
      [path.join('in', 'a.xlsx'), ['Q1'], 2, 0, expect.any(Number)],
      // A CSV file's "inflated" bytes are its bytes.
      [path.join('in', 'b.csv'), ['b'], 3, 1, (await fs.stat(path.join(dir, 'in/b.csv'))).size],
      [path.join('in', 'c.CSV'), ['c'], 2, 1, (await fs.stat(path.join(dir, 'in/c.CSV'))).size],
    ]);
  });

  it('types CSV numbers and ISO dates with csvTypes, which then match typed keys', async () => {
    const dir = await mixedFolder();
    const { rows, summary } = await runMerge(dir, { dedupe: ['id'], sheet: 'Q1', csvTypes: true });
    expect(rows).toEqual([
      ['id', 'name', 'amount', 'since'],
      ['00123', 'Ann', 10.5],
      [7, 'Bob', 3],
      // 0042 has a leading zero: it stays text, in both CSV files, so c.CSV's is a duplicate.
      ['0042', 'Zoë "Z"', 1000, '2024-02-30'],
      [99, 'Café €', 2],
    ]);
    expect(summary.duplicates).toBe(3);
    const values = [];
    for await (const row of mergeRows({ inputs: ['in/b.csv'], cwd: dir, csvTypes: true })) {
      values.push(row.values);
    }
    expect(values[0]).toEqual({
      id: '00123',
      name: 'Ann again',
      amount: 10.5,
      since: { kind: 'date', serial: 45352 },
    });
    const { rows: dated } = await runMerge(dir, { inputs: ['in/b.csv'], csvTypes: true });
    expect(dated[1]).toEqual(['00123', 'Ann again', 10.5, utc(2024, 3, 1)]);
  });

  it('reads a CSV file whatever --sheet says', async () => {
    const dir = await mixedFolder();
    const { rows } = await runMerge(dir, { sheet: 'all', sourceColumn: true });
    // The sheet goes into the label only for files with several sheets read.
    expect(rows.map((row) => row[0])).toEqual([
      'Source',
      'a.xlsx [Q1]',
      'a.xlsx [Q1]',
      'a.xlsx [Q2]',
      'b.csv',
      'b.csv',
      'b.csv',
      'c.CSV',
      'c.CSV',
    ]);
    const byPosition = await runMerge(dir, { sheet: 2 });
    expect(byPosition.summary.files.map((file) => file.rowsRead)).toEqual([1, 3, 2]);
  });

  it('counts the same in a dry run, and writes nothing', async () => {
    const dir = await mixedFolder();
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'out.xlsx',
      dedupe: ['id'],
      sheet: 'Q1',
      dryRun: true,
    });
    expect([summary.output, summary.rowsRead, summary.rowsKept, summary.duplicates]).toEqual([
      null,
      7,
      5,
      2,
    ]);
    await expect(fs.access(path.join(dir, 'out.xlsx'))).rejects.toThrow();
  });

  it('takes the header row and the delimiter it is told', async () => {
    const dir = await makeTempDir();
    await writeFiles(path.join(dir, 'in'), {
      'export.csv': 'Report of 2024;x\nid,name\n1,"Ann; Jr."\n',
    });
    const { rows } = await runMerge(dir, { headerRow: 2, csvDelimiter: ',' });
    expect(rows).toEqual([
      ['id', 'name'],
      ['1', 'Ann; Jr.'],
    ]);
  });

  it("reads a CSV file's sep= line as its delimiter, over csvDelimiter, and not as a row", async () => {
    const dir = await sepLineFolder();
    const { summary, rows } = await runMerge(dir, {
      dedupe: ['id'],
      csvDelimiter: ',',
      sourceColumn: true,
      duplicatesReport: 'dups.xlsx',
    });
    expect(rows).toEqual([
      ['Source', 'id', 'name', 'amount'],
      ['a.csv', '1', 'Ann', '2,50'],
      ['a.csv', '2', 'Bob, Jr.', '3'],
      ['b.csv', '3', 'Cy', '4,5'],
    ]);
    expect(summary.files.map((file) => [file.file, file.rowsRead, file.rowsKept])).toEqual([
      [path.join('in', 'a.csv'), 2, 2],
      [path.join('in', 'b.csv'), 2, 1],
    ]);
    // Rows are numbered after the sep= line, as Excel shows the file: Bob is row 3 of a.csv.
    const dropped = (await readWorkbook(path.join(dir, 'dups.xlsx'))).rows;
    expect(dropped.slice(1).map((row) => row.slice(0, 8))).toEqual([
      [1, path.join('in', 'b.csv'), 'b', 2, path.join('in', 'a.csv'), 'a', 3, '2'],
    ]);
  });

  it('fails on a broken CSV naming the file and line, or skips it with skipErrors', async () => {
    const dir = await mixedFolder();
    await writeFiles(path.join(dir, 'in'), {
      'd.csv': 'id,note\n1,"fine"\n2,"never closed\n3,x\n',
    });
    const failed = (await merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx' }).catch(
      (error: unknown) => error,
    )) as XlmergeError;
    expect(failed.code).toBe(ErrorCode.FilesFailed);
    expect(failed.failures?.map((failure) => [failure.code, failure.describe()])).toEqual([
      [
        ErrorCode.CsvMalformed,
        `${path.join('in', 'd.csv')}, row 3: The quoted field that starts on line 3 is never closed: the file ends inside it. Add the missing closing quote ("); a quote that is part of the text must be doubled ("")`,
      ],
    ]);
    const { summary } = await runMerge(dir, { skipErrors: true });
    expect(summary.skipped.map((skipped) => skipped.file)).toEqual([path.join('in', 'd.csv')]);
  });

  it('writes the same bytes with one worker or two', async () => {
    const dir = await mixedFolder();
    const one = await runMerge(dir, { jobs: 1, output: path.join(dir, 'one.xlsx') });
    const two = await runMerge(dir, { jobs: 2, output: path.join(dir, 'two.xlsx') });
    expect(await fs.readFile(one.output)).toEqual(await fs.readFile(two.output));
  });
});

describe('merge: binary files named .csv', () => {
  it('fails each with NOT_CSV saying what it is, and merges the text files around them', async () => {
    const dir = await makeTempDir();
    const samples = await binarySamples();
    await writeFiles(path.join(dir, 'in'), {
      ...Object.fromEntries(samples.map((sample) => [sample.name, sample.bytes])),
      // Text with zero bytes that is not binary: UTF-16 without a byte order mark.
      'unicode.csv': Buffer.from('id,name\r\n1,Zoë\r\n', 'utf16le'),
    });
    const failed = (await merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx' }).catch(
      (error: unknown) => error,
    )) as XlmergeError;
    const byFile = [...samples].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(
      failed.failures?.map((failure) => [failure.code, failure.file, failure.message]),
    ).toEqual(
      byFile.map((sample) => [ErrorCode.NotCsv, path.join('in', sample.name), sample.message]),
    );
    const { summary, rows } = await runMerge(dir, { skipErrors: true });
    expect([summary.skipped.length, rows]).toEqual([
      samples.length,
      [
        ['id', 'name'],
        ['1', 'Zoë'],
      ],
    ]);
  });

  it('exits with code 1 naming the file and what to do', async () => {
    const dir = await makeTempDir();
    const gzip = (await binarySamples()).find((sample) => sample.name === 'export.csv');
    await writeFiles(path.join(dir, 'in'), { 'export.csv': gzip?.bytes ?? '' });
    const result = await xlmerge(dir, 'in', '-o', 'out.xlsx');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `xlmerge: A file could not be merged; nothing was written. Fix or remove the files listed, or use --skip-errors to merge the others\n  ${path.join('in', 'export.csv')}: The file is a gzip archive, not CSV text. If it holds CSV files, unpack it and merge those; otherwise remove it from the inputs [NOT_CSV]\n`,
    });
  });
});

describe('inspect: CSV inputs', () => {
  it('reports each CSV file with its encoding and delimiter', async () => {
    const dir = await mixedFolder();
    const report = await inspect({ inputs: ['in'], cwd: dir, dedupe: ['id'] });
    expect(
      report.files.map((file) => [file.file, file.sheets, file.rows, file.columns, file.csv]),
    ).toEqual([
      [
        path.join('in', 'a.xlsx'),
        [
          { name: 'Q1', state: 'visible' },
          { name: 'Q2', state: 'visible' },
        ],
        2,
        ['id', 'name', 'amount'],
        undefined,
      ],
      [
        path.join('in', 'b.csv'),
        [{ name: 'b', state: 'visible' }],
        3,
        ['id', 'name', 'amount', 'since'],
        { encoding: 'utf-8', bom: true, delimiter: ',', delimiterDetected: true, sepLine: false },
      ],
      [
        path.join('in', 'c.CSV'),
        [{ name: 'c', state: 'visible' }],
        2,
        ['id', 'name', 'amount'],
        {
          encoding: 'windows-1252',
          bom: false,
          delimiter: ';',
          delimiterDetected: true,
          sepLine: false,
        },
      ],
    ]);
    expect(report.ok).toBe(true);
  });
});

describe('inspect: a CSV file with a sep= line', () => {
  it('says the delimiter came from the sep= line, and counts rows after it', async () => {
    const dir = await sepLineFolder();
    const report = await inspect({ inputs: ['in'], cwd: dir, csvDelimiter: ';' });
    expect(report.files.map((file) => [file.file, file.read, file.csv])).toEqual([
      [
        path.join('in', 'a.csv'),
        [
          {
            name: 'a',
            headerRow: 1,
            headerChoice: 'first',
            titleLines: [],
            rows: 2,
            blankRows: 0,
            columns: ['id', 'name', 'amount'],
            missingKeyColumns: [],
          },
        ],
        { encoding: 'utf-8', bom: false, delimiter: ';', delimiterDetected: false, sepLine: true },
      ],
      [
        path.join('in', 'b.csv'),
        [
          {
            name: 'b',
            headerRow: 1,
            headerChoice: 'first',
            titleLines: [],
            rows: 2,
            blankRows: 0,
            columns: ['id,name,amount'],
            missingKeyColumns: [],
          },
        ],
        { encoding: 'utf-8', bom: false, delimiter: ';', delimiterDetected: false, sepLine: false },
      ],
    ]);
    const result = await xlmerge(dir, 'inspect', 'in');
    const lines = result.stdout.split('\n');
    const start = lines.indexOf('CSV files read as:');
    expect(lines.slice(start, start + 3)).toEqual([
      'CSV files read as:',
      `  ${path.join('in', 'a.csv')}: UTF-8, delimiter ";" (from its sep= line)`,
      `  ${path.join('in', 'b.csv')}: UTF-8, delimiter "," (detected)`,
    ]);
  });
});

describe('the CLI: CSV inputs', () => {
  it('merges with --csv-delimiter tab and --csv-types', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/t.csv': 'id\tday\n1,5\t2024-03-01\n' });
    await writeTable(path.join(dir, 'in', 'w.xlsx'), [['id'], [2]]);
    const result = await xlmerge(
      dir,
      'in',
      '--csv-delimiter',
      'tab',
      '--csv-types',
      '-o',
      'out.xlsx',
    );
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['id', 'day'],
      ['1,5', utc(2024, 3, 1)],
      [2],
    ]);
  });

  it('says what is wrong with --csv-delimiter', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/t.csv': 'id\n1\n' });
    const result = await xlmerge(dir, 'in', '--csv-delimiter', ';;');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'xlmerge: Invalid option --csv-delimiter: expected one character other than a quote, CR or LF, got ";;"\n',
    });
  });

  it('shows how inspect read each CSV file', async () => {
    const dir = await mixedFolder();
    const result = await xlmerge(dir, 'inspect', 'in', '--sheet', 'Q1');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const start = lines.indexOf('CSV files read as:');
    expect(lines.slice(0, 7)).toEqual([
      '3 files in merge order, 7 data rows, 4 columns; no key columns',
      '',
      'file       sheet  header  rows  columns  formats  problems',
      `${path.join('in', 'a.xlsx')}  Q1          1     2        3        0`,
      `${path.join('in', 'b.csv')}   b           1     3        4        0`,
      `${path.join('in', 'c.CSV')}   c           1     2        3        0`,
      '',
    ]);
    expect(lines.slice(start, start + 3)).toEqual([
      'CSV files read as:',
      `  ${path.join('in', 'b.csv')}: UTF-8 with BOM, delimiter "," (detected)`,
      `  ${path.join('in', 'c.CSV')}: windows-1252, delimiter ";" (detected)`,
    ]);
    const given = await xlmerge(dir, 'inspect', 'in/c.CSV', '--csv-delimiter', '\\t');
    expect(given.stdout).toContain(
      `${path.join('in', 'c.CSV')}: windows-1252, delimiter TAB (given)`,
    );
  });
});
