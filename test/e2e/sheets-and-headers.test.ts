/**
 * Which sheets are read and where their header is: the first visible sheet by default (a hidden
 * one only when named), several sheets by name or pattern, and a header below title lines, on
 * workbooks from openpyxl, LibreOffice and gnumeric (fixtures/exports) and from exceljs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspect, merge } from '../../dist/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook, writeWorkbook } from '../helpers/workbooks.js';

const EXPORTS = path.resolve('fixtures/exports');

/** The bench's workbook generator (plain JavaScript, loaded by URL so it needs no types). */
async function generateBenchSet(dir: string): Promise<void> {
  const url = new URL('../../bench/lib/dataset.js', import.meta.url).href;
  const { generateSet } = (await import(url)) as {
    generateSet(options: { name: string; dir: string; spec: object }): Promise<unknown>;
  };
  await generateSet({ name: 'tiny', dir, spec: { files: 2, rowsPerFile: 50, seed: 7, repeat: 1 } });
}

describe('a header below title lines', () => {
  it('is found in exports from openpyxl, LibreOffice and gnumeric, and the title is not read', async () => {
    const dir = await makeTempDir();
    const output = path.join(dir, 'out.xlsx');
    const summary = await merge({ inputs: [EXPORTS], dedupe: ['id'], output, cwd: EXPORTS });
    expect(
      summary.files.map((file) => [file.file, file.sheets, file.hiddenSheets, file.rowsRead]),
    ).toEqual([
      [
        'gnumeric-title.xlsx',
        [{ name: 'gnumeric-title.csv', headerRow: 3, titleLines: [1], rowsRead: 4 }],
        [],
        4,
      ],
      [
        'libreoffice-title.xlsx',
        [{ name: 'libreoffice-title', headerRow: 3, titleLines: [1], rowsRead: 4 }],
        [],
        4,
      ],
      [
        'openpyxl-title-hidden.xlsx',
        [{ name: 'Report', headerRow: 4, titleLines: [1, 2], rowsRead: 4 }],
        ['Lookup'],
        4,
      ],
    ]);
    expect((await readWorkbook(output)).rows).toEqual([
      ['id', 'email', 'name', 'plan', 'amount'],
      [1, 'zoe@example.com', 'Zoë Martin', 'Pro', 29.9],
      [2, 'jose@example.com', 'José García', 'Free', 0],
      [3, 'li@example.com', 'Li Wei', 'Team', 99.5],
    ]);
  });

  it('gives way to headerRow, and inspect says which row it chose and why', async () => {
    const report = await inspect({ inputs: [EXPORTS], cwd: EXPORTS });
    expect(
      report.files.map((file) =>
        file.read.map((sheet) => [sheet.headerRow, sheet.headerChoice, sheet.titleLines]),
      ),
    ).toEqual([[[3, 'below-title', [1]]], [[3, 'below-title', [1]]], [[4, 'below-title', [1, 2]]]]);
    const given = await inspect({ inputs: [EXPORTS], cwd: EXPORTS, headerRow: 1 });
    expect(given.files.map((file) => [file.read[0]?.headerChoice, file.columns[0]])).toEqual([
      ['option', 'Monthly report generated 2026-11-02'],
      ['option', 'Monthly report generated 2026-11-02'],
      ['option', 'Monthly report generated 2026-11-02'],
    ]);
  });

  it('never moves the header of a fixture that has one on its first row', async () => {
    const folders = ['fixtures/demo', 'fixtures/writers', 'fixtures/signups-csv'];
    const report = await inspect({ inputs: folders, recursive: true, sheet: 'all' });
    const read = report.files.flatMap((file) => file.read.map((sheet) => [file.file, sheet]));
    expect(read.length).toBeGreaterThan(20);
    for (const [file, sheet] of read) {
      expect([file, typeof sheet === 'object' ? sheet.headerChoice : sheet]).toEqual([
        file,
        expect.not.stringMatching('below-title'),
      ]);
    }
  });

  it('never moves the header of the bench workbooks', async () => {
    const dir = await makeTempDir();
    await generateBenchSet(dir);
    const report = await inspect({ inputs: [dir] });
    expect(report.files.map((file) => file.read.map((sheet) => sheet.headerChoice))).toEqual([
      ['first'],
      ['first'],
    ]);
  });
});

describe('sheets', () => {
  async function workbook(): Promise<string> {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [
      { name: 'Lookup', rows: [['code'], ['x']], state: 'hidden' },
      { name: 'Q1', rows: [['id'], [1]] },
      { name: 'Q2', rows: [['id'], [2]] },
      { name: 'Q3 draft', rows: [['id'], [3]], state: 'veryHidden' },
      { name: 'Totals', rows: [['sum'], [6]] },
    ]);
    return dir;
  }

  async function rowsOf(dir: string, sheet?: string | (string | number)[]) {
    const output = path.join(dir, `out-${Math.random().toString(36).slice(2)}.xlsx`);
    const summary = await merge({
      inputs: [path.join(dir, 'a.xlsx')],
      output,
      sourceColumn: true,
      ...(sheet === undefined ? {} : { sheet }),
    });
    const rows = (await readWorkbook(output)).rows;
    await fs.rm(output);
    return { rows, hidden: summary.files[0]?.hiddenSheets };
  }

  it('reads the first visible sheet by default, not a hidden one placed first, and says so', async () => {
    const dir = await workbook();
    expect(await rowsOf(dir)).toEqual({
      rows: [
        ['Source', 'id'],
        ['a.xlsx', 1],
      ],
      hidden: ['Lookup'],
    });
  });

  it('reads every visible sheet with all, and names the hidden ones passed over', async () => {
    const dir = await workbook();
    expect(await rowsOf(dir, 'all')).toEqual({
      rows: [
        ['Source', 'id', 'sum'],
        ['a.xlsx [Q1]', 1],
        ['a.xlsx [Q2]', 2],
        ['a.xlsx [Totals]', null, 6],
      ],
      hidden: ['Lookup', 'Q3 draft'],
    });
  });

  it('reads several sheets by name and pattern, in workbook order, a hidden one when named', async () => {
    const dir = await workbook();
    expect(await rowsOf(dir, ['Q*'])).toEqual({
      rows: [
        ['Source', 'id'],
        ['a.xlsx [Q1]', 1],
        ['a.xlsx [Q2]', 2],
      ],
      hidden: ['Q3 draft'],
    });
    expect(await rowsOf(dir, ['totals', 'Q3 draft', 'lookup'])).toEqual({
      rows: [
        ['Source', 'code', 'id', 'sum'],
        ['a.xlsx [Lookup]', 'x'],
        ['a.xlsx [Q3 draft]', null, 3],
        ['a.xlsx [Totals]', null, null, 6],
      ],
      hidden: [],
    });
    expect(await rowsOf(dir, ['Q?', 5])).toEqual({
      rows: [
        ['Source', 'id', 'sum'],
        ['a.xlsx [Q1]', 1],
        ['a.xlsx [Q2]', 2],
        ['a.xlsx [Totals]', null, 6],
      ],
      hidden: [],
    });
  });

  it('fails a file that lacks a named sheet, or where no visible sheet matches', async () => {
    const dir = await workbook();
    // A second workbook that has Q4, so that the first one's lack of it is its own problem.
    await writeWorkbook(path.join(dir, 'b.xlsx'), [{ name: 'Q4', rows: [['id'], [4]] }]);
    const failure = async (sheet: string | string[]) => {
      const error = await merge({ inputs: [dir], sheet, cwd: dir }).catch(
        (e: { failures?: { code: string; describe(): string }[] }) => e,
      );
      return (error as { failures?: { code: string; describe(): string }[] }).failures?.map((f) => [
        f.code,
        f.describe(),
      ]);
    };
    expect(await failure(['Q4'])).toEqual([
      [
        'SHEET_NOT_FOUND',
        'a.xlsx: There is no sheet "Q4". The workbook has 5 sheet(s): "Lookup" (hidden), "Q1", "Q2", "Q3 draft" (very hidden), "Totals"',
      ],
    ]);
    // A pattern that matches only hidden sheets is no typo: each workbook says why.
    expect(await failure('Look*')).toEqual([
      [
        'SHEET_NOT_FOUND',
        'a.xlsx: No visible sheet matches "Look*". The workbook has 5 sheet(s): "Lookup" (hidden), "Q1", "Q2", "Q3 draft" (very hidden), "Totals"; a hidden sheet is read only when named exactly',
      ],
      [
        'SHEET_NOT_FOUND',
        'b.xlsx: No visible sheet matches "Look*". The workbook has 1 sheet(s): "Q4"',
      ],
    ]);
  });

  it('fails a workbook whose every sheet is hidden, unless one is named', async () => {
    const dir = await makeTempDir();
    await writeWorkbook(path.join(dir, 'a.xlsx'), [
      { name: 'Only', rows: [['id'], [1]], state: 'hidden' },
    ]);
    const error = await merge({ inputs: [dir], cwd: dir, output: 'out.xlsx' }).catch(
      (e: { failures?: { describe(): string }[] }) => e,
    );
    expect(
      (error as { failures?: { describe(): string }[] }).failures?.map((f) => f.describe()),
    ).toEqual([
      'a.xlsx: Every worksheet of the workbook is hidden. Name the sheet to read with `sheet`: "Only" (hidden)',
    ]);
    const summary = await merge({ inputs: [dir], cwd: dir, output: 'out.xlsx', sheet: 'Only' });
    expect(summary.rowsRead).toBe(1);
  });
});
