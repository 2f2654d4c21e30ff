/** Scanning sheet XML in tests: a worksheet around some rows, its rows and cells, its errors. */
import { expect } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import type { SheetRow } from '../../src/reader/workbook-reader.js';
import { type SheetScanContext, SheetScanner } from '../../src/xlsx/read/sheet-scanner.js';
import { errorOf } from './errors.js';

export const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

export const CONTEXT: SheetScanContext = {
  sharedStrings: ['zero', 'one', 'two & more'],
  dateStyles: Uint8Array.from([0, 1, 2, 0]),
  date1904: false,
  maxElementChars: 1_000_000,
  file: 'in/a.xlsx',
  sheet: 'Data',
  part: 'xl/worksheets/sheet1.xml',
};

/** A worksheet whose sheetData holds `rows`, with some of the parts Excel puts around it. */
export function sheet(rows: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}">` +
    '<dimension ref="A1:C3"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>' +
    `<cols><col min="1" max="1" width="10"/></cols><sheetData>${rows}</sheetData>` +
    '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
  );
}

export interface Scanned {
  rows: SheetRow[];
  formulasWithoutValue: number;
}

export function scan(
  xml: string,
  context: Partial<SheetScanContext> = {},
  pieces = [xml],
): Scanned {
  const scanner = new SheetScanner({ ...CONTEXT, ...context });
  const rows: SheetRow[] = [];
  for (const piece of pieces) rows.push(...scanner.push(piece));
  rows.push(...scanner.end());
  return { rows, formulasWithoutValue: scanner.formulasWithoutValue };
}

export function rowsOf(xml: string, context: Partial<SheetScanContext> = {}): SheetRow[] {
  return scan(xml, context).rows;
}

/** The cells of the single row of `<sheetData><row r="1">cells</row></sheetData>`. */
export function cellsOf(cells: string, context: Partial<SheetScanContext> = {}): CellValue[] {
  const rows = rowsOf(sheet(`<row r="1">${cells}</row>`), context);
  expect(rows.length).toBe(1);
  return rows[0]?.cells ?? [];
}

export function scanError(xml: string, context: Partial<SheetScanContext> = {}, pieces = [xml]) {
  const error = errorOf(() => scan(xml, context, pieces));
  return {
    code: error.code,
    message: error.message,
    file: error.file,
    sheet: error.sheet,
    part: error.part,
    row: error.row,
  };
}

export const WHERE = { file: 'in/a.xlsx', sheet: 'Data', part: 'xl/worksheets/sheet1.xml' };
export const IN_PART = '(in xl/worksheets/sheet1.xml)';
