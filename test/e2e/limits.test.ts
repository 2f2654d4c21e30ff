/** Excel's limits: rows per sheet (--overflow), characters per cell (--truncate-long). */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, merge, type XlmergeError } from '../../dist/index.js';
import { openWorkbook } from '../../src/xlsx/read/open-workbook.js';
import { createWorkbookWriter } from '../../src/xlsx/write/workbook-writer.js';
import { parseCsv } from '../helpers/csv.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { readWorkbook, writeTable } from '../helpers/workbooks.js';
import { worksheetXml, writeWorkbookParts } from '../helpers/xlsx-builder.js';

const SHEET_ROWS = 1_048_575;

/** Row counts and first/last values of each sheet of a workbook, read by xlmerge's reader. */
async function sheetShapes(file: string) {
  const reader = await openWorkbook(file);
  try {
    const shapes = [];
    for (const sheet of reader.sheets) {
      let rows = 0;
      let first: unknown;
      let last: unknown;
      for await (const batch of reader.readRows(sheet)) {
        for (const row of batch) {
          rows += 1;
          if (rows === 2) first = row.cells[0];
          last = row.cells[0];
        }
      }
      shapes.push({ name: sheet.name, rows, first, last });
    }
    return shapes;
  } finally {
    await reader.close();
  }
}

describe('more rows than a sheet holds', () => {
  let dir = '';
  beforeAll(async () => {
    // Shared by the tests below, so not a per-test temporary folder.
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xlmerge-limits-'));
    await fs.mkdir(path.join(dir, 'in'));
    // A full sheet (written with xlmerge's own writer, which is fast), then one more file.
    const writer = createWorkbookWriter({ path: path.join(dir, 'in', 'a-full.xlsx') });
    const sheet = writer.addSheet('Data');
    for (let i = 1; i <= SHEET_ROWS; i += 1) {
      sheet.writeRow([i]);
      if (i % 65_536 === 0) await sheet.drain();
    }
    await sheet.end({ columns: ['n'] });
    await writer.commit();
    await writeTable(path.join(dir, 'in', 'b-more.xlsx'), [['n'], [-1], [-2]]);
  }, 120_000);
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('fails by default without writing anything, and a dry run says so too', async () => {
    const output = path.join(dir, 'error.xlsx');
    await expect(
      merge({ inputs: [path.join(dir, 'in')], output, dryRun: true }),
    ).rejects.toMatchObject({ code: ErrorCode.TooManyRows });
    const error = (await merge({ inputs: [path.join(dir, 'in')], output }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.code).toBe(ErrorCode.TooManyRows);
    expect(error.describe()).toBe(
      "The merge has more than 1,048,575 rows, the most an Excel sheet holds below its header; nothing was written. Use `overflow: 'split'` to continue in more sheets, or merge fewer files",
    );
    expect((await fs.readdir(dir)).sort()).toEqual(['in']);
  }, 120_000);

  it('does not fail, nor open an empty sheet, when later rows are all duplicates', async () => {
    const other = path.join(dir, 'dups');
    await fs.mkdir(other, { recursive: true });
    await fs.link(path.join(dir, 'in', 'a-full.xlsx'), path.join(other, 'a-full.xlsx'));
    await writeTable(path.join(other, 'b-dups.xlsx'), [['n'], [1], [SHEET_ROWS]]);
    for (const overflow of ['error', 'split'] as const) {
      const output = path.join(dir, `dups-${overflow}.xlsx`);
      const summary = await merge({ inputs: [other], output, dedupe: ['n'], overflow });
      expect([summary.sheets, summary.rowsKept, summary.duplicates]).toEqual([
        ['Merged'],
        SHEET_ROWS,
        2,
      ]);
      await fs.rm(output);
    }
  }, 120_000);

  it('continues in a second sheet with overflow split', async () => {
    const output = path.join(dir, 'split.xlsx');
    const summary = await merge({ inputs: [path.join(dir, 'in')], output, overflow: 'split' });
    expect(summary.sheets).toEqual(['Merged', 'Merged (2)']);
    expect(summary.rowsKept).toBe(SHEET_ROWS + 2);
    expect(await sheetShapes(output)).toEqual([
      { name: 'Merged', rows: SHEET_ROWS + 1, first: 1, last: SHEET_ROWS },
      { name: 'Merged (2)', rows: 3, first: -1, last: -2 },
    ]);
    await fs.rm(output);
  }, 120_000);

  it('writes the same bytes with a cache, cold and warm, when the split cuts a file', async () => {
    // b-more first: a-full's rows then fill the first sheet and end in the second.
    const cut = path.join(dir, 'cut');
    await fs.mkdir(cut, { recursive: true });
    await fs.link(path.join(dir, 'in', 'b-more.xlsx'), path.join(cut, '0-more.xlsx'));
    await fs.link(path.join(dir, 'in', 'a-full.xlsx'), path.join(cut, 'a-full.xlsx'));
    const cache = path.join(dir, 'cut-cache');
    const run = async (name: string, withCache: boolean) => {
      const output = path.join(dir, name);
      const summary = await merge({
        inputs: [cut],
        output,
        overflow: 'split',
        ...(withCache ? { cache } : {}),
      });
      return { summary, output, bytes: await fs.readFile(output) };
    };
    const plain = await run('cut-plain.xlsx', false);
    const cold = await run('cut-cold.xlsx', true);
    const warm = await run('cut-warm.xlsx', true);
    expect(await sheetShapes(plain.output)).toEqual([
      { name: 'Merged', rows: SHEET_ROWS + 1, first: -1, last: SHEET_ROWS - 2 },
      { name: 'Merged (2)', rows: 3, first: SHEET_ROWS - 1, last: SHEET_ROWS },
    ]);
    // 0-more's two rows are one segment, reused; a-full's, cut in two, are written again.
    expect(warm.summary.cache).toMatchObject({ hits: 2, misses: 0, segmentsReused: 1 });
    expect([cold.bytes.equals(plain.bytes), warm.bytes.equals(plain.bytes)]).toEqual([true, true]);
    for (const output of [plain, cold, warm]) await fs.rm(output.output);
    await fs.rm(cache, { recursive: true });
  }, 120_000);
});

describe('text longer than a cell holds', () => {
  it('names the cell, or cuts it with truncateLong', async () => {
    const dir = await makeTempDir();
    const long = `${'x'.repeat(32_766)}😀tail`;
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'note'],
      [1, 'short'],
      [2, long],
    ]);
    const inputs = [path.join(dir, 'a.xlsx')];
    const error = (await merge({ inputs, output: path.join(dir, 'out.xlsx') }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.failures?.map((failure) => [failure.code, failure.describe()])).toEqual([
      [
        ErrorCode.CellTooLong,
        `${inputs[0]}, sheet "Sheet1", row 3, column B ("note"): A text cell has 32,772 characters; Excel allows at most 32,767. Shorten the text, or use \`truncateLong: true\` to cut it to 32,767 characters`,
      ],
    ]);
    const summary = await merge({ inputs, output: path.join(dir, 'out.xlsx'), truncateLong: true });
    expect([summary.truncatedCells, summary.files[0]?.truncatedCells]).toEqual([1, 1]);
    const { rows } = await readWorkbook(path.join(dir, 'out.xlsx'));
    // The emoji straddles the limit, so it goes whole: 32,766 characters are kept.
    expect(rows[2]).toEqual([2, 'x'.repeat(32_766)]);
  });
});

describe('more columns than a sheet holds', () => {
  it('fails naming the file that takes the merged header past 16,384 columns', async () => {
    const dir = await makeTempDir();
    const header = (prefix: string) => Array.from({ length: 9000 }, (_, i) => `${prefix}${i}`);
    await writeTable(path.join(dir, 'a.xlsx'), [header('a'), [1]]);
    await writeTable(path.join(dir, 'b.xlsx'), [header('b'), [2]]);
    const error = (await merge({
      inputs: [dir],
      output: path.join(dir, 'out.xlsx'),
      jobs: 1,
    }).catch((e: unknown) => e)) as XlmergeError;
    expect([error.code, error.file, error.message]).toEqual([
      ErrorCode.TooManyColumns,
      path.join(dir, 'b.xlsx'),
      'With this sheet the merged header has 18,000 columns; an Excel sheet holds 16,384',
    ]);
    expect((await fs.readdir(dir)).sort()).toEqual(['a.xlsx', 'b.xlsx']);
  });
});

describe('hostile headers: many columns, one name', () => {
  /** `columnLetters` for tests: 0 → A. */
  const letters = (index: number): string =>
    index < 26
      ? String.fromCharCode(65 + index)
      : letters(Math.floor(index / 26) - 1) + letters(index % 26);

  // Numbering each repeat from 2 took 221 s for the first file (80 KB) and 24 s for the second.
  it('refuses a CSV header of 40,000 columns at once for a workbook, and writes it as CSV', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'in/wide.csv': `${'a,'.repeat(40_000)}\n` });
    const error = (await merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx' }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.failures?.map((failure) => [failure.code, failure.describe()])).toEqual([
      [
        ErrorCode.TooManyColumns,
        `${path.join('in', 'wide.csv')}, sheet "wide", row 1: The header has 40,000 columns; an Excel sheet holds 16,384. Write the output as CSV (a .csv name), which has no column limit, or keep fewer columns with \`columns\``,
      ],
    ]);
    const summary = await merge({ inputs: ['in'], cwd: dir, output: 'out.csv' });
    const [header] = parseCsv(await fs.readFile(path.join(dir, 'out.csv'), 'utf8'));
    expect([summary.columns.length, header?.slice(0, 3), header?.at(-1)]).toEqual([
      40_000,
      ['a', 'a (2)', 'a (3)'],
      'a (40000)',
    ]);
  }, 5000);

  it('merges a workbook of 16,000 columns all named alike', async () => {
    const dir = await makeTempDir();
    const cells = Array.from(
      { length: 16_000 },
      (_, i) => `<c r="${letters(i)}1" t="s"><v>0</v></c>`,
    );
    await writeWorkbookParts(path.join(dir, 'a.xlsx'), {
      sheets: [{ name: 'S', xml: worksheetXml(`<row r="1">${cells.join('')}</row>`) }],
      sharedStrings: ['a'],
    });
    const summary = await merge({ inputs: [dir], output: path.join(dir, 'out.xlsx') });
    expect([summary.columns.length, summary.columns[1], summary.columns[15_999]]).toEqual([
      16_000,
      'a (2)',
      'a (16000)',
    ]);
  }, 5000);

  it('names data columns past XFD in CSV, and fails at the row that reaches them for a workbook', async () => {
    const dir = await makeTempDir();
    const wide = Array.from({ length: 20_000 }, (_, i) => String(i)).join(',');
    await writeFiles(dir, { 'in/rows.csv': `id,b,c\n1,2,3\n${wide}\n` });
    const summary = await merge({ inputs: ['in'], cwd: dir, output: 'out.csv' });
    const records = parseCsv(await fs.readFile(path.join(dir, 'out.csv'), 'utf8'));
    expect([summary.columns.length, summary.columns[3], summary.columns[16_384]]).toEqual([
      20_000,
      'Column D',
      'Column XFE',
    ]);
    expect(records.map((record) => [record.length, record[2], record.at(-1)])).toEqual([
      [20_000, 'c', 'Column ACOF'],
      [20_000, '3', ''],
      [20_000, '2', '19999'],
    ]);
    const error = (await merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx' }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.failures?.map((failure) => [failure.code, failure.row, failure.message])).toEqual([
      [
        ErrorCode.TooManyColumns,
        3,
        'With this row the sheet has 20,000 columns; an Excel sheet holds 16,384',
      ],
    ]);
  }, 5000);
});

describe('a header without rows', () => {
  it('merges as zero rows, keeping its columns', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id', 'name']]);
    await writeTable(path.join(dir, 'b.xlsx'), [
      ['id', 'phone'],
      [1, '555'],
    ]);
    const summary = await merge({ inputs: [dir], output: path.join(dir, 'out.xlsx') });
    expect(summary.files.map((file) => [file.rowsRead, file.rowsKept])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['id', 'name', 'phone'],
      [1, null, '555'],
    ]);
  });
});
