/**
 * Workbooks saved by other writers (openpyxl, XlsxWriter, pandas, LibreOffice), committed
 * under fixtures/writers/ with the values each should read as. The scripts that made them are
 * in fixtures/writers/scripts/; the tests only read the committed files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CellValue, isDateCell, isErrorCell } from '../../../src/core/cell.js';
import { dateCellToDate } from '../../../src/core/excel-dates.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/writers');

type ExpectedCell =
  | string
  | number
  | boolean
  | null
  | { date: string; serial: number; elapsed?: boolean }
  | { error: string };

interface Expected {
  date1904: boolean;
  sheets: { name: string; rows: { row: number; cells: ExpectedCell[] }[] }[];
}

function toExpectedForm(cell: CellValue): ExpectedCell {
  if (isDateCell(cell)) {
    return {
      date: dateCellToDate(cell).toISOString(),
      serial: cell.serial,
      ...(cell.elapsed === true ? { elapsed: true } : {}),
    };
  }
  if (isErrorCell(cell)) return { error: cell.code };
  return cell;
}

/**
 * The expected files list each row up to its last non-empty cell; the reader also returns
 * the empty cells the XML lists at the end (styled blanks, formulas without a value).
 */
function trimTrailingNulls(cells: readonly CellValue[]): CellValue[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === null) end -= 1;
  return cells.slice(0, end);
}

const names = (await fs.readdir(FIXTURES)).filter((name) => name.endsWith('.xlsx')).sort();

describe('workbooks from other writers', () => {
  it('has fixtures to read', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
  });

  it.each(names)('reads %s as expected', async (name) => {
    const expected = JSON.parse(
      await fs.readFile(path.join(FIXTURES, name.replace(/\.xlsx$/, '.expected.json')), 'utf8'),
    ) as Expected;
    const reader = await openWorkbook(path.join(FIXTURES, name), { displayPath: name });
    try {
      expect(reader.date1904).toBe(expected.date1904);
      expect(reader.sheets.map((sheet) => sheet.name)).toEqual(
        expected.sheets.map((sheet) => sheet.name),
      );
      for (const sheet of reader.sheets) {
        const rows: { row: number; cells: ExpectedCell[] }[] = [];
        for await (const batch of reader.readRows(sheet)) {
          for (const row of batch) {
            rows.push({ row: row.number, cells: trimTrailingNulls(row.cells).map(toExpectedForm) });
          }
        }
        expect({ sheet: sheet.name, rows }).toEqual({
          sheet: sheet.name,
          rows: expected.sheets[sheet.index]?.rows,
        });
      }
    } finally {
      await reader.close();
    }
  });
});
