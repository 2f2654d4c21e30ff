/**
 * CSV files saved by real writers (LibreOffice, gnumeric, Python's csv module, and an
 * Excel-style file made byte by byte), committed under fixtures/writers/csv/ with the values
 * each must read as. fixtures/writers/scripts/make-csv.py made them; the tests only read them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CellValue, isDateCell } from '../../../src/core/cell.js';
import { dateCellToDate } from '../../../src/core/excel-dates.js';
import { openCsv } from '../../../src/csv/read/open-csv.js';
import type { CsvEncoding } from '../../../src/csv/read/text-decoder.js';
import { WRITERS_DIR } from '../../fixtures/writer-fixtures.js';

const CSV_DIR = path.join(WRITERS_DIR, 'csv');

type ExpectedCell = string | number | null | { date: string; serial: number };
interface ExpectedRow {
  row: number;
  cells: ExpectedCell[];
}
interface ExpectedCsv {
  csv: { encoding: CsvEncoding; bom: boolean; delimiter: string };
  sheets: { name: string; rows: ExpectedRow[] }[];
  typedRows: ExpectedRow[];
}

function toExpectedForm(cell: CellValue): ExpectedCell {
  if (isDateCell(cell)) return { date: dateCellToDate(cell).toISOString(), serial: cell.serial };
  return cell as ExpectedCell;
}

/** The rows with a value, as the expected files list them. */
async function readRows(file: string, types: boolean) {
  const reader = await openCsv(file, { displayPath: path.basename(file), types });
  try {
    const rows: ExpectedRow[] = [];
    const sheet = reader.sheets[0];
    if (sheet === undefined) throw new Error('no sheet');
    for await (const batch of reader.readRows(sheet)) {
      for (const row of batch) {
        if (row.cells.length > 0)
          rows.push({ row: row.number, cells: row.cells.map(toExpectedForm) });
      }
    }
    const facts = { encoding: reader.encoding, bom: reader.bom, delimiter: reader.delimiter };
    return { sheets: reader.sheets.map((s) => s.name), facts, rows };
  } finally {
    await reader.close();
  }
}

const names = (await fs.readdir(CSV_DIR)).filter((name) => name.endsWith('.csv')).sort();

describe('CSV files from other writers', () => {
  it('has the fixtures', () => {
    expect(names).toEqual([
      'excel-1252-semicolon.csv',
      'gnumeric-preserve-1252.csv',
      'gnumeric.csv',
      'libreoffice-semicolon-1252.csv',
      'libreoffice.csv',
      'python-csv-utf16-tab.csv',
      'python-csv.csv',
    ]);
  });

  it.each(names)('reads %s: encoding, delimiter and every cell as text', async (name) => {
    const expected = JSON.parse(
      await fs.readFile(path.join(CSV_DIR, name.replace(/\.csv$/, '.expected.json')), 'utf8'),
    ) as ExpectedCsv;
    const read = await readRows(path.join(CSV_DIR, name), false);
    expect(read).toEqual({
      sheets: expected.sheets.map((sheet) => sheet.name),
      facts: expected.csv,
      rows: expected.sheets[0]?.rows,
    });
  });

  it.each(names)('reads %s with csvTypes: numbers and ISO dates typed', async (name) => {
    const expected = JSON.parse(
      await fs.readFile(path.join(CSV_DIR, name.replace(/\.csv$/, '.expected.json')), 'utf8'),
    ) as ExpectedCsv;
    const read = await readRows(path.join(CSV_DIR, name), true);
    expect(read.rows).toEqual(expected.typedRows);
  });
});
