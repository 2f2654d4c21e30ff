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
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook, type TestCell, writeTable } from '../helpers/workbooks.js';

type Files = Record<string, readonly (readonly TestCell[])[]>;

async function writeInputs(files: Files): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in'));
  for (const [name, rows] of Object.entries(files)) {
    await writeTable(path.join(dir, 'in', name), rows);
  }
  return dir;
}

async function run(files: Files, options: Partial<MergeOptions> = {}) {
  const dir = await writeInputs(files);
  const output = path.join(dir, 'out.xlsx');
  const summary = await merge({ inputs: ['in'], cwd: dir, output, jobs: 2, ...options });
  const { rows } = await readWorkbook(output);
  return { summary, rows };
}

async function failure(files: Files, options: Partial<MergeOptions>) {
  const dir = await writeInputs(files);
  const output = path.join(dir, 'out.xlsx');
  try {
    await merge({ inputs: ['in'], cwd: dir, output, jobs: 2, ...options });
  } catch (error) {
    const entries = await fs.readdir(dir);
    return { error: error as XlmergeError, entries: entries.sort() };
  }
  throw new Error('expected the merge to fail');
}

const CRM: Files = {
  'a.xlsx': [
    ['Cust ID', 'E-mail', 'Name'],
    [1, 'ann@x.com', 'Ann'],
    [2, 'bob@x.com', 'Bob'],
  ],
  'b.xlsx': [
    ['customer_id', ' email ', 'City'],
    [2, 'bob@x.com', 'Oslo'],
    [3, 'cy@x.com', 'Rome'],
  ],
};

describe('rename', () => {
  it('renames before aligning and before the key lookup', async () => {
    const { rows, summary } = await run(CRM, {
      rename: { 'Cust ID': 'customer_id' },
      dedupe: ['customer_id'],
    });
    expect(rows).toEqual([
      ['customer_id', 'E-mail', 'Name', 'email', 'City'],
      [1, 'ann@x.com', 'Ann'],
      [2, 'bob@x.com', 'Bob'],
      [3, null, null, 'cy@x.com', 'Rome'],
    ]);
    expect(summary.duplicates).toBe(1);
    expect(summary.files.map((file) => [file.addedColumns, file.missingColumns])).toEqual([
      [
        ['customer_id', 'E-mail', 'Name'],
        ['email', 'City'],
      ],
      [
        ['email', 'City'],
        ['E-mail', 'Name'],
      ],
    ]);
  });

  it('numbers a renamed column that meets a column of the same name', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['Cust ID', 'customer_id'],
          [1, 'x'],
        ],
      },
      { rename: [['Cust ID', 'customer_id']] },
    );
    expect(rows).toEqual([
      ['customer_id', 'customer_id (2)'],
      [1, 'x'],
    ]);
  });
});

describe('matchHeaders', () => {
  it('exact (the default) keeps differently spelt headers apart', async () => {
    const { summary } = await run(CRM);
    expect(summary.columns).toEqual(['Cust ID', 'E-mail', 'Name', 'customer_id', 'email', 'City']);
  });

  it('loose aligns headers that differ in case, spaces and punctuation, first spelling wins', async () => {
    const { rows, summary } = await run(CRM, {
      matchHeaders: 'loose',
      rename: { 'cust id': 'Customer ID' },
      dedupe: ['CUSTOMER-ID', 'email'],
    });
    expect(rows).toEqual([
      ['Customer ID', 'E-mail', 'Name', 'City'],
      [1, 'ann@x.com', 'Ann'],
      [2, 'bob@x.com', 'Bob'],
      [3, 'cy@x.com', null, 'Rome'],
    ]);
    expect(summary.files.map((file) => [file.addedColumns, file.missingColumns])).toEqual([
      [['Customer ID', 'E-mail', 'Name'], ['City']],
      [['City'], ['Name']],
    ]);
  });

  it('loose keeps loosely equal headers of one sheet as two columns', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['Email', 'E-mail'],
          ['a@x', 'b@x'],
        ],
        'b.xlsx': [
          ['email', 'EMAIL (2)'],
          ['c@x', 'd@x'],
        ],
      },
      { matchHeaders: 'loose' },
    );
    expect(rows).toEqual([
      ['Email', 'E-mail (2)'],
      ['a@x', 'b@x'],
      ['c@x', 'd@x'],
    ]);
  });

  it('loose dedupe on all columns matches loosely named columns', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['ID', 'Name'],
          [1, 'Ann'],
        ],
        'b.xlsx': [
          ['name', 'id'],
          ['Ann', 1],
          ['Bob', 2],
        ],
      },
      { matchHeaders: 'loose', dedupe: true },
    );
    expect(rows).toEqual([
      ['ID', 'Name'],
      [1, 'Ann'],
      [2, 'Bob'],
    ]);
  });

  it('mergeRows names values by the merged header', async () => {
    const dir = await writeInputs(CRM);
    const rows = [];
    for await (const row of mergeRows({ inputs: ['in'], cwd: dir, jobs: 1, matchHeaders: 'loose' }))
      rows.push(row.values);
    expect(rows).toEqual([
      { 'Cust ID': 1, 'E-mail': 'ann@x.com', Name: 'Ann' },
      { 'Cust ID': 2, 'E-mail': 'bob@x.com', Name: 'Bob' },
      // "customer_id" is not loosely "Cust ID" (custid ≠ customerid): that takes a rename.
      { customer_id: 2, 'E-mail': 'bob@x.com', City: 'Oslo' },
      { customer_id: 3, 'E-mail': 'cy@x.com', City: 'Rome' },
    ]);
  });
});

describe('columns', () => {
  it('keeps only the listed columns, in that order, spelled as listed', async () => {
    const { rows, summary } = await run(CRM, {
      rename: { 'Cust ID': 'customer_id' },
      matchHeaders: 'loose',
      columns: ['city', 'EMAIL', 'customer_id'],
      dedupe: ['Customer ID'],
      sourceColumn: true,
    });
    expect(rows).toEqual([
      ['Source', 'city', 'EMAIL', 'customer_id'],
      ['a.xlsx', null, 'ann@x.com', 1],
      ['a.xlsx', null, 'bob@x.com', 2],
      ['b.xlsx', 'Rome', 'cy@x.com', 3],
    ]);
    expect(summary.columns).toEqual(['Source', 'city', 'EMAIL', 'customer_id']);
    expect(summary.files.map((file) => [file.addedColumns, file.missingColumns])).toEqual([
      [['EMAIL', 'customer_id'], ['city']],
      [['city'], []],
    ]);
  });

  it('keys on columns left out of the output, with keep last', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['id', 'name', 'note'],
          [1, 'Ann', 'first'],
          [2, 'Bob', 'first'],
        ],
        'b.xlsx': [
          ['note', 'id'],
          ['second', 1],
        ],
      },
      { columns: ['note'], dedupe: ['id'], keep: 'last' },
    );
    expect(rows).toEqual([['note'], ['first'], ['second']]);
  });

  it('dedupe on all columns means all listed columns', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['id', 'name', 'note'],
          [1, 'Ann', 'x'],
          [2, 'Ann', 'y'],
          [3, 'Bob', 'x'],
        ],
      },
      { columns: ['name'], dedupe: true },
    );
    expect(rows).toEqual([['name'], ['Ann'], ['Bob']]);
  });

  it('can list a column that has data but no header, by its letters', async () => {
    const { rows } = await run(
      {
        'a.xlsx': [
          ['id', null, null],
          [1, null, 'late'],
          [2, 'b', null],
        ],
      },
      { columns: ['Column C', 'id'] },
    );
    expect(rows).toEqual([
      ['Column C', 'id'],
      ['late', 1],
      [null, 2],
    ]);
  });

  it('gives the same rows through mergeRows', async () => {
    const dir = await writeInputs(CRM);
    const rows = [];
    for await (const row of mergeRows({
      inputs: ['in'],
      cwd: dir,
      jobs: 1,
      columns: ['Name', 'E-mail'],
    }))
      rows.push(row.values);
    expect(rows).toEqual([
      { Name: 'Ann', 'E-mail': 'ann@x.com' },
      { Name: 'Bob', 'E-mail': 'bob@x.com' },
      {},
      {},
    ]);
  });

  it('fails, writing nothing, when no file has a listed column', async () => {
    const { error, entries } = await failure(CRM, { columns: ['Name', 'Phone', 'Email'] });
    expect(error.code).toBe(ErrorCode.InvalidOption);
    expect(error.message).toBe(
      'Invalid option columns: no input file has the columns "Phone", "Email"; did you mean "email"?',
    );
    expect(error.hint).toBe(
      'The files have the columns "Name", "Cust ID", "E-mail", "customer_id", "email", "City" (names are compared exactly; `matchHeaders: \'loose\'` ignores case, spaces and punctuation)',
    );
    expect(entries).toEqual(['in']);
  });
});

describe('CLI: --rename, --match-headers, --columns', () => {
  it('maps the flags to the options', async () => {
    const dir = await writeInputs(CRM);
    const result = await xlmerge(
      dir,
      'in',
      '--rename',
      'Cust ID=customer_id',
      '--rename',
      'City=Town=ship',
      '--match-headers',
      'loose',
      '--columns',
      'customer_id, Town=ship',
      '-o',
      'out.xlsx',
    );
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['customer_id', 'Town=ship'],
      [1],
      [2],
      [2, 'Oslo'],
      [3, 'Rome'],
    ]);
  });

  it('rejects a rename without "=" and a name renamed twice, with exit code 2', async () => {
    const dir = await writeInputs(CRM);
    expect(await xlmerge(dir, 'in', '--rename', 'Cust ID')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'xlmerge: Invalid option --rename: expected OLD=NEW, got "Cust ID"\n' +
        'Run "xlmerge --help" for usage.\n',
    });
    expect(await xlmerge(dir, 'in', '--rename', 'a=b', '--rename', 'a=c')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'xlmerge: Invalid option --rename: "a" is renamed twice, to "b" and to "c"\n',
    });
  });
});
