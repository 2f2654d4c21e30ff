/**
 * The .xlsb files Excel saved (fixtures/xlsb) read to exactly the cells their records hold
 * (NAME.expected.json, decoded by an independent reader), and to the rows xlmerge's .xlsx
 * reader reads from LibreOffice's conversion of each, but for what LibreOffice changes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import { DATE_1904_OFFSET } from '../../../src/core/excel-dates.js';
import { openInput } from '../../../src/input/open-input.js';
import { DEFAULT_READ_LIMITS } from '../../../src/reader/read-limits.js';
import type { SheetRow, WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { type ExpectedWorkbook, expectedRows, trimRow } from '../../fixtures/writer-fixtures.js';

const DIR = fileURLToPath(new URL('../../../fixtures/xlsb/', import.meta.url));
const NAMES = ['test', 'test_1904', 'dates', 'test_chart_sheet'] as const;

async function openXlsbFixture(name: string): Promise<WorkbookReader> {
  const reader = await openInput(path.join(DIR, `${name}.xlsb`), {
    displayPath: `${name}.xlsb`,
    limits: DEFAULT_READ_LIMITS,
    csvDelimiter: null,
    csvTypes: false,
  });
  expect(reader.format).toBe('xlsb');
  return reader;
}

/** Every sheet's rows, by sheet name. */
async function readAll(reader: WorkbookReader): Promise<Map<string, SheetRow[]>> {
  const sheets = new Map<string, SheetRow[]>();
  try {
    for (const sheet of reader.sheets) {
      const rows: SheetRow[] = [];
      for await (const batch of reader.readRows(sheet)) rows.push(...batch);
      sheets.set(sheet.name, rows);
    }
  } finally {
    await reader.close();
  }
  return sheets;
}

async function expectedOf(name: string): Promise<ExpectedWorkbook> {
  const text = await fs.readFile(path.join(DIR, `${name}.expected.json`), 'utf8');
  return JSON.parse(text) as ExpectedWorkbook;
}

/**
 * A value as LibreOffice stores it: numbers to 15 significant digits (as
 * fixtures/writers/README.md notes), a 1904 workbook's dates as their 1904 serial, which the
 * .xlsx reader then moves by 1462 days.
 */
function asLibreOfficeStores(value: CellValue, date1904: boolean): CellValue {
  const fifteen = (number: number): number => Number(number.toPrecision(15));
  if (typeof value === 'number') return fifteen(value);
  if (value !== null && typeof value === 'object' && value.kind === 'date') {
    const offset = date1904 && value.elapsed !== true ? DATE_1904_OFFSET : 0;
    return { ...value, serial: fifteen(value.serial - offset) + offset };
  }
  return value;
}

describe('the .xlsb files Excel saved', () => {
  it.each(NAMES)('%s.xlsb reads to the cells its records hold', async (name) => {
    const expected = await expectedOf(name);
    const reader = await openXlsbFixture(name);
    expect(reader.date1904).toBe(expected.date1904);
    expect(reader.sheets.map((sheet) => sheet.name)).toEqual(
      expected.sheets.map((sheet) => sheet.name),
    );
    const read = await readAll(reader);
    for (const sheet of expected.sheets) {
      const rows = read.get(sheet.name) ?? [];
      expect(new Map(rows.map((row) => [row.number, row.cells]))).toEqual(expectedRows(sheet));
    }
  });

  it('pins the values of test.xlsb and test_1904.xlsb', async () => {
    // The same table in both date systems: dates read as the same 1900-system serial (the
    // 1904 book's time of day alone becomes 1904-01-01, stored 0.754… + 1462).
    const test = await readAll(await openXlsbFixture('test'));
    expect(test.get('Test')).toEqual([
      { number: 1, cells: ['A', 'B', 'A', 'B'] },
      { number: 2, cells: [1, 42.1337, -1, -42.1337, 1, 42.1337, -1, -42.1337] },
      { number: 3, cells: [true, false, true, false] },
      {
        number: 4,
        cells: ['#DIV/0!', '#REF!', '#DIV/0!', '#REF!'].map((code) => ({ kind: 'error', code })),
      },
      {
        number: 5,
        // A date (RK), a time and a date-time (doubles), then the same as formula results.
        cells: [
          43096, 0.7541666666666668, 43096.75555555556, 43096, 0.7541666666666668,
          43096.75555555556,
        ].map((serial) => ({ kind: 'date', serial })),
      },
    ]);
    const test1904 = await readAll(await openXlsbFixture('test_1904'));
    expect(test1904.get('Test')?.slice(0, 4)).toEqual(test.get('Test')?.slice(0, 4));
    expect(test1904.get('Test')?.[4]).toEqual({
      number: 5,
      cells: [
        43096, 1462.7541666666666, 43096.754166666666, 43096, 1462.7541666666666,
        43096.754166666666,
      ].map((serial) => ({ kind: 'date', serial })),
    });
  });

  it('lists worksheets only, in workbook order, with their parts', async () => {
    const reader = await openXlsbFixture('test_chart_sheet');
    await reader.close();
    expect(reader.sheets).toEqual([
      { name: 'Sheet1', index: 0, part: 'xl/worksheets/sheet1.bin', state: 'visible' },
      { name: 'Sheet3', index: 1, part: 'xl/worksheets/sheet2.bin', state: 'visible' },
    ]);
  });

  it("gives each cell style's number format id", async () => {
    const reader = await openXlsbFixture('test');
    const ids = await reader.readFormatIds();
    await reader.close();
    expect(ids).toEqual({ ids: new Uint32Array([0, 14, 18, 22]), codes: [] });
  });

  it.each(NAMES)(
    '%s.xlsb reads as its LibreOffice .xlsx does, but for what LibreOffice changes',
    async (name) => {
      const ours = await readAll(await openXlsbFixture(name));
      const xlsx = await openWorkbook(path.join(DIR, `${name}.libreoffice.xlsx`));
      expect(xlsx.date1904).toBe(name === 'test_1904');
      const theirs = await readAll(xlsx);
      // LibreOffice turns the chart sheet into an empty worksheet of its name.
      if (name === 'test_chart_sheet') {
        expect(theirs.get('Chart1')).toEqual([]);
        theirs.delete('Chart1');
      }
      expect([...ours.keys()]).toEqual([...theirs.keys()]);
      const rounded: string[] = [];
      for (const [sheet, rows] of ours) {
        const other = theirs.get(sheet) ?? [];
        expect(rows.map((row) => row.number)).toEqual(other.map((row) => row.number));
        rows.forEach((row, r) => {
          const cells = trimRow(row.cells);
          const otherCells = trimRow(other[r]?.cells ?? []);
          expect(cells.map((cell) => asLibreOfficeStores(cell, xlsx.date1904))).toEqual(otherCells);
          cells.forEach((cell, c) => {
            if (JSON.stringify(cell) !== JSON.stringify(otherCells[c]))
              rounded.push(`${c},${row.number}`);
          });
        });
      }
      // The cells whose double has more than 15 significant digits, which LibreOffice rounds: the
      // times and date-times (column, row), and nothing else.
      expect(rounded).toEqual(ROUNDED_BY_LIBREOFFICE[name]);
    },
  );
});

const ROUNDED_BY_LIBREOFFICE: Record<(typeof NAMES)[number], string[]> = {
  test: ['1,5', '2,5', '4,5', '5,5'],
  test_1904: ['2,5', '5,5'],
  dates: ['0,2', '0,3'],
  test_chart_sheet: [],
};
