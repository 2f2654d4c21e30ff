/** inspect(): what a merge would see, from the built package, on real workbooks. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { inspect, merge } from '../dist/index.js';
import { makeTempDir, writeFiles } from './helpers/temp-dir.js';
import { writeTable, writeWorkbook } from './helpers/workbooks.js';

const DEMO = fileURLToPath(new URL('../fixtures/demo', import.meta.url));
const DEMO_COLUMNS = ['id', 'email', 'name', 'signup date', 'plan', 'amount', 'customer code'];
const SIGN_UPS = [{ name: 'Sign-ups', state: 'visible' }];

function demoSheet(rows: number, columns: string[]) {
  // South's blank row 6 is not in its XML at all, so the merge counts no blank row either.
  return {
    name: 'Sign-ups',
    headerRow: 1,
    headerChoice: 'first',
    titleLines: [],
    rows,
    blankRows: 0,
    columns,
    missingKeyColumns: [],
  };
}

describe('inspect', () => {
  it('shows the demo set as EXPECTED.md describes it', async () => {
    const report = await inspect({ inputs: ['.'], cwd: DEMO, dedupe: ['id', 'email'] });
    const south = ['email', 'name', 'id', 'plan', 'amount', 'signup date', 'customer code'];
    const west = [...DEMO_COLUMNS, 'phone'];
    expect(report).toEqual({
      files: [
        {
          file: 'north.xlsx',
          path: path.join(DEMO, 'north.xlsx'),
          format: 'xlsx',
          sheets: SIGN_UPS,
          hiddenSheets: [],
          read: [demoSheet(12, DEMO_COLUMNS)],
          columns: DEMO_COLUMNS,
          hasColumns: [true, true, true, true, true, true, true, false],
          rows: 12,
          numberFormats: 3,
          problems: [],
        },
        {
          file: 'south.xlsx',
          path: path.join(DEMO, 'south.xlsx'),
          format: 'xlsx',
          sheets: SIGN_UPS,
          hiddenSheets: [],
          read: [demoSheet(10, south)],
          columns: south,
          hasColumns: [true, true, true, true, true, true, true, false],
          rows: 10,
          numberFormats: 3,
          problems: [],
        },
        {
          file: 'west.xlsx',
          path: path.join(DEMO, 'west.xlsx'),
          format: 'xlsx',
          sheets: SIGN_UPS,
          hiddenSheets: [],
          read: [demoSheet(9, west)],
          columns: west,
          hasColumns: [true, true, true, true, true, true, true, true],
          rows: 9,
          numberFormats: 3,
          problems: [],
        },
      ],
      columns: west,
      keyColumns: ['id', 'email'],
      ignored: [
        {
          file: '2024',
          kind: 'folder',
          reason: 'a subfolder; `recursive: true` reads subfolders',
        },
        {
          file: 'EXPECTED.md',
          kind: 'other',
          reason: 'only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read',
        },
        { file: '~$north.xlsx', kind: 'lock', reason: 'a lock file of an open workbook' },
      ],
      runProblems: [],
      warnings: [],
      ok: true,
    });
  });

  it('agrees with the merge on rows, header rows and columns', async () => {
    const dir = await makeTempDir();
    const options = { inputs: [DEMO], recursive: true, dedupe: ['id', 'email'] };
    const report = await inspect(options);
    const summary = await merge({ ...options, output: path.join(dir, 'out.xlsx') });
    expect(report.columns).toEqual(summary.columns);
    expect(report.files.map((file) => [file.file, file.rows, file.read[0]?.headerRow])).toEqual(
      summary.files.map((file) => [file.file, file.rowsRead, file.sheets[0]?.headerRow]),
    );
  });

  it('names and matches headers with rename and matchHeaders as the merge does', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['Customer ID', 'E-mail'],
      [1, 'a@x'],
    ]);
    await writeTable(path.join(dir, 'b.xlsx'), [
      ['customer_id', 'mail', 'Note'],
      [2, 'b@x', 'n'],
    ]);
    const options = {
      inputs: [dir],
      matchHeaders: 'loose' as const,
      rename: { mail: 'E-mail' },
      dedupe: ['customer id', 'email'],
    };
    const report = await inspect(options);
    expect(report.columns).toEqual(['Customer ID', 'E-mail', 'Note']);
    expect(report.files.map((file) => [file.columns, file.hasColumns, file.problems])).toEqual([
      [['Customer ID', 'E-mail'], [true, true, false], []],
      [['customer_id', 'E-mail', 'Note'], [true, true, true], []],
    ]);
    const summary = await merge({
      ...options,
      output: path.join(await makeTempDir(), 'merged.xlsx'),
    });
    expect(summary.columns).toEqual(report.columns);
  });

  it('takes subfolders with recursive, in merge order, and flags a missing key column', async () => {
    const report = await inspect({ inputs: ['.'], cwd: DEMO, recursive: true, dedupe: ['phone'] });
    expect(report.files.map((file) => [file.file, file.rows, file.problems])).toEqual([
      ['2024/east.xlsx', 5, [{ kind: 'missingKeyColumns', sheet: 'Sign-ups', columns: ['phone'] }]],
      ['north.xlsx', 12, [{ kind: 'missingKeyColumns', sheet: 'Sign-ups', columns: ['phone'] }]],
      ['south.xlsx', 10, [{ kind: 'missingKeyColumns', sheet: 'Sign-ups', columns: ['phone'] }]],
      ['west.xlsx', 9, []],
    ]);
    expect(report.files.map((file) => file.read[0]?.missingKeyColumns)).toEqual([
      ['phone'],
      ['phone'],
      ['phone'],
      [],
    ]);
    expect(report.ok).toBe(false);
  });

  it('names columns as the merge does and counts rows below the first non-empty row', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      [],
      [null, ' id ', 'name', 'name', null],
      [null, 1, 'Ann', 'A.', null],
      [],
      [null, '', null, ''],
      [null, 2, 'Bob', null, 'extra'],
    ]);
    const report = await inspect({ inputs: [dir], dedupe: ['id', 'email'] });
    expect(report.files[0]?.read).toEqual([
      {
        name: 'Sheet1',
        headerRow: 2,
        headerChoice: 'first',
        titleLines: [],
        rows: 2,
        // Row 5 (empty text) is blank; row 4 has no cells, so exceljs leaves it out of the XML.
        blankRows: 1,
        columns: ['id', 'name', 'name (2)', 'Column E'],
        missingKeyColumns: ['email'],
      },
    ]);
    expect(report.files[0]?.problems).toEqual([
      { kind: 'missingKeyColumns', sheet: 'Sheet1', columns: ['email'] },
    ]);
  });

  it('reports bad files in their place and goes on with the others', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'email'],
      [1, 'a@x'],
    ]);
    await writeFiles(dir, { 'b.xlsx': 'id,email\n1,a@x\n' });
    await writeTable(path.join(dir, 'c.xlsx'), [
      ['id', 'phone'],
      [2, '555'],
      [3, '556'],
    ]);
    await writeTable(path.join(dir, 'd.xlsx'), []);
    const report = await inspect({ inputs: ['.'], cwd: dir, dedupe: ['id'] });
    expect(report.files.map((file) => [file.file, file.rows, file.problems])).toEqual([
      ['a.xlsx', 1, []],
      [
        'b.xlsx',
        0,
        [
          {
            kind: 'unreadable',
            code: 'NOT_ZIP',
            description:
              'The file is not an .xlsx workbook (an .xlsx is a zip archive): it looks like a text file with comma-separated values (CSV). If it is a CSV file, give it the .csv extension (xlmerge reads .csv files as CSV); if it is another spreadsheet, open it in Excel and save it as .xlsx (Excel Workbook)',
          },
        ],
      ],
      ['c.xlsx', 2, []],
      ['d.xlsx', 0, [{ kind: 'empty', sheets: ['Sheet1'] }]],
    ]);
    expect(report.files[1]?.sheets).toEqual([]);
    expect(report.files[1]?.read).toEqual([]);
    expect(report.files[3]?.read).toEqual([
      {
        name: 'Sheet1',
        headerRow: null,
        headerChoice: null,
        titleLines: [],
        rows: 0,
        blankRows: 0,
        columns: [],
        missingKeyColumns: [],
      },
    ]);
    expect(report.columns).toEqual(['id', 'email', 'phone']);
    expect(report.files.map((file) => file.hasColumns)).toEqual([
      [true, true, false],
      [false, false, false],
      [true, false, true],
      [false, false, false],
    ]);
    expect(report.ok).toBe(false);
  });

  it('lists every sheet with its state and reads the chosen one', async () => {
    const dir = await makeTempDir();
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['just notes']);
    workbook.addWorksheet('Data', { state: 'hidden' }).addRows([['id'], [1], [2]]);
    await workbook.xlsx.writeFile(path.join(dir, 'a.xlsx'));
    const report = await inspect({ inputs: [dir], sheet: 'data', headerRow: 1 });
    expect(report.files[0]?.sheets).toEqual([
      { name: 'Notes', state: 'visible' },
      { name: 'Data', state: 'hidden' },
    ]);
    expect(report.files[0]?.read).toEqual([
      {
        name: 'Data',
        headerRow: 1,
        headerChoice: 'option',
        titleLines: [],
        rows: 2,
        blankRows: 0,
        columns: ['id'],
        missingKeyColumns: [],
      },
    ]);
    const missing = await inspect({ inputs: [dir], sheet: 'Totals' });
    expect(missing.files[0]?.sheets).toEqual([
      { name: 'Notes', state: 'visible' },
      { name: 'Data', state: 'hidden' },
    ]);
    expect(missing.files[0]?.problems).toEqual([
      {
        kind: 'unreadable',
        code: 'SHEET_NOT_FOUND',
        description: `There is no sheet "Totals". The workbook has 2 sheet(s): "Notes", "Data" (hidden)`,
      },
    ]);
  });

  it('reads the first visible sheet by default and says which hidden sheets it passed over', async () => {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [
      {
        name: 'Lookup',
        rows: [
          ['code', 'label'],
          ['x', 'y'],
        ],
        state: 'hidden',
      },
      { name: 'Data', rows: [['id'], [1], [2]] },
      { name: 'Old', rows: [['id'], [3]], state: 'veryHidden' },
    ]);
    const report = await inspect({ inputs: [dir] });
    expect([
      report.files[0]?.read.map((sheet) => sheet.name),
      report.files[0]?.hiddenSheets,
    ]).toEqual([['Data'], ['Lookup']]);
    const all = await inspect({ inputs: [dir], sheet: 'all' });
    expect([all.files[0]?.read.map((sheet) => sheet.name), all.files[0]?.hiddenSheets]).toEqual([
      ['Data'],
      ['Lookup', 'Old'],
    ]);
    const named = await inspect({ inputs: [dir], sheet: ['lookup', 'Data'] });
    expect([named.files[0]?.read.map((sheet) => sheet.name), named.files[0]?.hiddenSheets]).toEqual(
      [['Lookup', 'Data'], []],
    );
  });

  it('with sheet all, flags a file only when every sheet is empty', async () => {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [
      { name: 'Q1', rows: [['id'], [1]] },
      { name: 'Empty', rows: [] },
      {
        name: 'Q2',
        rows: [
          ['id', 'note'],
          [2, 'x'],
        ],
      },
    ]);
    await writeWorkbook(path.join(dir, 'b.xlsx'), [
      { name: 'One', rows: [] },
      { name: 'Two', rows: [] },
    ]);
    const report = await inspect({ inputs: ['.'], cwd: dir, sheet: 'all' });
    expect(report.files.map((file) => [file.file, file.read.map((sheet) => sheet.name)])).toEqual([
      ['a.xlsx', ['Q1', 'Empty', 'Q2']],
      ['b.xlsx', ['One', 'Two']],
    ]);
    expect(report.files.map((file) => [file.columns, file.rows, file.problems])).toEqual([
      [['id', 'note'], 2, []],
      [[], 0, [{ kind: 'empty', sheets: ['One', 'Two'] }]],
    ]);
  });

  it('keeps merge order whatever order the reads end in', async () => {
    const dir = await makeTempDir();
    const names = ['b', 'a', 'é', 'c', 'Z', 'e', 'd', 'f', 'g'];
    for (const [i, name] of names.entries()) {
      // Bigger files for the first names, so later reads tend to end first.
      const rows = Array.from({ length: (names.length - i) * 40 }, (_, n) => [n]);
      await writeTable(path.join(dir, `${name}.xlsx`), [[`col ${name}`], ...rows]);
    }
    const report = await inspect({ inputs: ['.'], cwd: dir });
    expect(report.files.map((file) => [file.file, file.rows])).toEqual([
      ['Z.xlsx', 200],
      ['a.xlsx', 320],
      ['b.xlsx', 360],
      ['c.xlsx', 240],
      ['d.xlsx', 120],
      ['e.xlsx', 160],
      ['f.xlsx', 80],
      ['g.xlsx', 40],
      ['é.xlsx', 280],
    ]);
    expect(report.columns).toEqual([
      'col Z',
      'col a',
      'col b',
      'col c',
      'col d',
      'col e',
      'col f',
      'col g',
      'col é',
    ]);
  });

  it('stops with ABORTED when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      inspect({ inputs: ['.'], cwd: DEMO, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED', message: 'The merge was cancelled' });
  });

  it('throws for bad options and inputs that name no workbook', async () => {
    const dir = await makeTempDir();
    await expect(inspect({ inputs: [dir], headerRow: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'Invalid option headerRow: expected a row number from 1 to 1048576, got 0',
    });
    await expect(inspect({ inputs: [dir] })).rejects.toMatchObject({ code: 'NO_INPUTS' });
    await fs.rm(dir, { recursive: true });
    await expect(inspect({ inputs: [dir] })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});

describe('inspect: problems of the run', () => {
  it('says when the output is an input, a key column or sheet is in no file, a rename is unused', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'email'],
      [1, 'a@x'],
    ]);
    await writeTable(path.join(dir, 'b.xlsx'), [
      ['id', 'email'],
      [2, 'b@x'],
    ]);
    const report = await inspect({
      inputs: [dir],
      cwd: dir,
      output: 'a.xlsx',
      dedupe: ['id', 'emial'],
      sheet: ['Sheet1', 'Shet2'],
      rename: { Nmae: 'name' },
    });
    expect(report.runProblems).toEqual([
      {
        kind: 'outputIsInput',
        description: `${path.join(dir, 'a.xlsx')}: The output file is the input a.xlsx (found through "${dir}"); xlmerge never writes over an input, even with \`force: true\`. Write the output to a file outside the inputs with \`output\``,
      },
      {
        kind: 'sheetsInNoFile',
        description:
          'The sheet "Shet2" is in none of the 2 workbooks; did you mean "Sheet1"? The workbooks have the sheets "Sheet1"',
      },
    ]);
    expect(report.ok).toBe(false);
    const keys = await inspect({
      inputs: [dir],
      dedupe: ['id', 'emial'],
      rename: { Nmae: 'name' },
    });
    expect([keys.runProblems, keys.warnings]).toEqual([
      [
        {
          kind: 'keyColumnsInNoFile',
          description:
            'The key column "emial" is in none of the 2 files; did you mean "email"? The files have the columns "id", "email"',
        },
      ],
      [
        {
          kind: 'unusedRename',
          message: '`rename`: no file has a column "Nmae" to rename to "name"',
        },
      ],
    ]);
  });
});
