/**
 * A key column, sheet or rename that no file has is the user's typo: one usage error (or, for a
 * rename, one warning) for the run, with the closest name the files have; not one failure per
 * file. A name that only some files lack stays a problem of those files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, merge, type XlmergeError } from '../../dist/index.js';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeTable, writeWorkbook } from '../helpers/workbooks.js';

const DEMO = path.resolve('fixtures/demo');

async function failureOf(run: Promise<unknown>): Promise<XlmergeError> {
  return (await run.then(
    () => new Error('expected the run to fail'),
    (error: unknown) => error,
  )) as XlmergeError;
}

describe('a key column that no file has', () => {
  it('is one usage error with the closest column, exit 2, on the demo', async () => {
    const dir = await makeTempDir();
    const result = await xlmerge(dir, DEMO, '--dedupe', 'id,emial', '-o', 'out.xlsx');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'xlmerge: Invalid option --dedupe: the key column "emial" is in none of the 3 files; did you mean "email"? The files have the columns "id", "email", "name", "signup date", "plan", "amount", "customer code", "phone"\n',
    );
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('says so with skipErrors too, and lists the files that failed for other reasons', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'E-mail'],
      [1, 'a@x'],
    ]);
    await fs.writeFile(path.join(dir, 'b.xlsx'), 'not a workbook');
    const error = await failureOf(
      merge({ inputs: [dir], cwd: dir, output: 'out.xlsx', dedupe: ['email'], skipErrors: true }),
    );
    expect([error.code, error.message, error.hint]).toEqual([
      ErrorCode.InvalidOption,
      'Invalid option dedupe: the key column "email" is not in the file; did you mean "E-mail"?',
      'The files have "E-mail", which differ only in case, spaces or punctuation; `matchHeaders: \'loose\'` matches them. The files have the columns "id", "E-mail"',
    ]);
    expect(error.failures?.map((failure) => [failure.file, failure.code])).toEqual([
      ['b.xlsx', ErrorCode.NotZip],
    ]);
  });

  it('stays a problem of the files that lack it when another file has it', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'phone'],
      [1, '555'],
    ]);
    await writeTable(path.join(dir, 'b.xlsx'), [
      ['id', 'name'],
      [2, 'Bob'],
    ]);
    const error = await failureOf(merge({ inputs: [dir], cwd: dir, dedupe: ['phone'] }));
    expect([error.code, error.failures?.map((failure) => failure.describe())]).toEqual([
      ErrorCode.FilesFailed,
      [
        'b.xlsx, sheet "Sheet1", column phone: The key column "phone" is missing. The sheet\'s columns are: "id", "name"',
      ],
    ]);
  });
});

describe('a sheet that no workbook has', () => {
  it('is one usage error with the closest sheet; a CSV file beside it does not hide it', async () => {
    const dir = await makeTempDir();
    for (const name of ['a', 'b']) {
      await writeWorkbook(path.join(dir, `${name}.xlsx`), [
        { name: 'Q1', rows: [['id'], [1]] },
        { name: 'Q2', rows: [['id'], [2]] },
      ]);
    }
    await fs.writeFile(path.join(dir, 'c.csv'), 'id\n3\n');
    const error = await failureOf(merge({ inputs: [dir], cwd: dir, sheet: ['Q1', 'Q3'] }));
    expect([error.code, error.message, error.hint]).toEqual([
      ErrorCode.InvalidOption,
      'Invalid option sheet: the sheet "Q3" is in none of the 2 workbooks; did you mean "Q1"?',
      'The workbooks have the sheets "Q1", "Q2"',
    ]);
    const pattern = await failureOf(merge({ inputs: [dir], cwd: dir, sheet: 'Sales*' }));
    expect(pattern.message).toBe(
      'Invalid option sheet: the sheet "Sales*" is in none of the 2 workbooks',
    );
  });

  it('stays a problem of the workbook that lacks it when another has it', async () => {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [{ name: 'Q1', rows: [['id'], [1]] }]);
    await writeWorkbook(path.join(dir, 'b.xlsx'), [{ name: 'Q2', rows: [['id'], [2]] }]);
    const error = await failureOf(merge({ inputs: [dir], cwd: dir, sheet: 'Q2' }));
    expect([error.code, error.failures?.map((failure) => [failure.file, failure.code])]).toEqual([
      ErrorCode.FilesFailed,
      [['a.xlsx', ErrorCode.SheetNotFound]],
    ]);
  });
});

describe('a rename that no file needs', () => {
  it('is one warning for the run, on the terminal line and in the summary', async () => {
    const dir = await makeTempDir();
    await fs.mkdir(path.join(dir, 'in'));
    await writeTable(path.join(dir, 'in', 'a.xlsx'), [
      ['Cust ID', 'name'],
      [1, 'Ann'],
    ]);
    await writeTable(path.join(dir, 'in', 'b.xlsx'), [
      ['Cust ID', 'name'],
      [2, 'Bob'],
    ]);
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'out.xlsx',
      rename: { 'Cust Id': 'customer_id', name: 'Name' },
    });
    expect(summary.warnings).toEqual([
      {
        kind: 'unusedRename',
        message:
          '`rename`: no file has a column "Cust Id" to rename to "customer_id"; did you mean "Cust ID"?',
      },
    ]);
    expect(summary.columns).toEqual(['Cust ID', 'Name']);
    const result = await xlmerge(dir, 'in', '--rename', 'Cust Id=customer_id', '-o', 'cli.xlsx');
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'xlmerge: warning: --rename: no file has a column "Cust Id" to rename to "customer_id"; did you mean "Cust ID"?\n',
    });
  });
});

describe('columns that no file has', () => {
  it('name the closest column', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'email'],
      [1, 'a@x'],
    ]);
    const error = await failureOf(
      merge({ inputs: [dir], cwd: dir, output: 'out.xlsx', columns: ['id', 'emial'] }),
    );
    expect(error.message).toBe(
      'Invalid option columns: no input file has the column "emial"; did you mean "email"?',
    );
  });
});
