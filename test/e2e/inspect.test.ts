import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { writeTable } from '../helpers/workbooks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('xlmerge inspect', () => {
  it('prints the demo set as a table and a column matrix, and exits 0', async () => {
    const result = await xlmerge(ROOT, 'inspect', 'fixtures/demo', '--dedupe', 'id,email');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '3 files in merge order, 31 data rows, 8 columns; key columns id, email',
        '',
        'file                      sheet     header  rows  columns  formats  problems',
        'fixtures/demo/north.xlsx  Sign-ups       1    12        7        3',
        'fixtures/demo/south.xlsx  Sign-ups       1    10        7        3',
        'fixtures/demo/west.xlsx   Sign-ups       1     9        8        3',
        'ignored fixtures/demo/2024 (a subfolder; --recursive reads subfolders)',
        'ignored fixtures/demo/EXPECTED.md (only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read)',
        'ignored fixtures/demo/~$north.xlsx (a lock file of an open workbook)',
        '',
        'Columns (✓ has it, · lacks it, - not read): id, email, name, signup date, plan, amount, customer code, phone',
        '',
        '                          id  email  name  signup date  plan  amount  customer co…  phone',
        'fixtures/demo/north.xlsx  ✓   ✓      ✓     ✓            ✓     ✓       ✓             ·',
        'fixtures/demo/south.xlsx  ✓   ✓      ✓     ✓            ✓     ✓       ✓             ·',
        'fixtures/demo/west.xlsx   ✓   ✓      ✓     ✓            ✓     ✓       ✓             ✓',
        '',
        'No problems found.',
        '',
      ].join('\n'),
    );
  });

  it('reports every problem file and exits 1', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'email'],
      [1, 'a@x'],
    ]);
    await writeFiles(dir, { 'b.xlsx': '' });
    await writeTable(path.join(dir, 'c.xlsx'), [['id'], [2], [3]]);
    await writeTable(path.join(dir, 'd.xlsx'), []);
    const result = await xlmerge(dir, 'inspect', '.', '-d', 'id,email');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        '4 files in merge order, 3 data rows, 2 columns; key columns id, email',
        '',
        'file    sheet   header  rows  columns  formats  problems',
        'a.xlsx  Sheet1       1     1        2        0',
        'b.xlsx  -            -     -        -        -  unreadable (EMPTY_FILE)',
        'c.xlsx  Sheet1       1     2        1        0  lacks email',
        'd.xlsx  Sheet1       -     0        0        0  empty',
        '',
        'Problems:',
        '  b.xlsx: [EMPTY_FILE] The file is empty (0 bytes). It was probably not saved completely; save it again from Excel or remove it from the inputs',
        '  c.xlsx: sheet "Sheet1" lacks the key column "email"',
        '  d.xlsx: nothing to merge: sheet "Sheet1" is empty',
        '',
        'Columns (✓ has it, · lacks it, - not read): id, email',
        '',
        '        id  email',
        'a.xlsx  ✓   ✓',
        'b.xlsx  -   -',
        'c.xlsx  ✓   ·',
        'd.xlsx  ·   ·',
        '',
        '3 files with problems: the merge would fail.',
        '',
      ].join('\n'),
    );
  });

  it('reads headers as the merge would with --rename and --match-headers', async () => {
    const result = await xlmerge(
      ROOT,
      'inspect',
      'fixtures/demo',
      '--rename',
      'id=customer_id',
      '--match-headers',
      'loose',
      '--dedupe',
      'CUSTOMER-ID,Email',
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      '3 files in merge order, 31 data rows, 8 columns; key columns CUSTOMER-ID, Email',
    );
  });

  it('prints the report as JSON with --json', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'a very long column name indeed'],
      [1, 'x'],
    ]);
    const result = await xlmerge(dir, 'inspect', 'a.xlsx', '--json', '--sheet', '1');
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout)).toEqual({
      files: [
        {
          file: 'a.xlsx',
          path: path.join(dir, 'a.xlsx'),
          format: 'xlsx',
          sheets: [{ name: 'Sheet1', state: 'visible' }],
          hiddenSheets: [],
          read: [
            {
              name: 'Sheet1',
              headerRow: 1,
              headerChoice: 'first',
              titleLines: [],
              rows: 1,
              blankRows: 0,
              columns: ['id', 'a very long column name indeed'],
              missingKeyColumns: [],
            },
          ],
          columns: ['id', 'a very long column name indeed'],
          hasColumns: [true, true],
          rows: 1,
          numberFormats: 0,
          problems: [],
        },
      ],
      columns: ['id', 'a very long column name indeed'],
      keyColumns: null,
      ignored: [],
      runProblems: [],
      warnings: [],
      ok: true,
    });
    const table = await xlmerge(dir, 'inspect', 'a.xlsx');
    expect(table.stdout).toContain('\n        id  a very long…\na.xlsx  ✓   ✓\n');
  });

  it('exits 2 on usage errors and 1 when the inputs name nothing', async () => {
    const dir = await makeTempDir();
    expect(await xlmerge(dir, 'inspect')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'xlmerge inspect: Missing inputs: name the folders, files or globs to read\nRun "xlmerge inspect --help" for usage.\n',
    });
    const keep = await xlmerge(dir, 'inspect', '.', '--keep', 'last');
    expect([keep.code, keep.stderr]).toEqual([
      2,
      'xlmerge inspect: --keep is not an option of inspect (it is a merge option)\nRun "xlmerge inspect --help" for usage.\n',
    ]);
    const row = await xlmerge(dir, 'inspect', '.', '--header-row', '0');
    expect([row.code, row.stderr]).toEqual([
      2,
      'xlmerge: Invalid option --header-row: expected a row number from 1 to 1048576, got 0\n',
    ]);
    const none = await xlmerge(dir, 'inspect', '.');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^xlmerge: No workbooks found in "\."/);
    const help = await xlmerge(dir, 'inspect', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('xlmerge inspect <inputs..>');
    expect(help.stdout).toContain(
      'Exit codes: 0 every file can be merged, 1 some file has a problem',
    );
  });
});
