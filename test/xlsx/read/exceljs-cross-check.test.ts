/**
 * xlmerge's reader against exceljs's (non-streaming) reader on the same files: every value
 * must come out identical.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type CellValue, isDateCell, isErrorCell } from '../../../src/core/cell.js';
import { serialToEpochMs } from '../../../src/core/excel-dates.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  escapeXml,
  sharedStringsXml,
  workbookParts,
  worksheetXml,
  writeZip,
} from '../../helpers/xlsx-builder.js';

/** A value in a form both readers can be turned into: dates as epoch milliseconds. */
type Comparable = string | number | boolean | null | { date: number } | { error: string };

interface ComparableRow {
  row: number;
  cells: Comparable[];
}

function fromXlmerge(cell: CellValue): Comparable {
  if (isDateCell(cell)) return { date: serialToEpochMs(cell.serial) };
  if (isErrorCell(cell)) return { error: cell.code };
  return cell;
}

function fromExcelJs(value: ExcelJS.CellValue): Comparable {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return { date: value.getTime() };
  if (typeof value !== 'object') return value;
  if ('error' in value) return { error: value.error };
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    return fromExcelJs((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  }
  if ('hyperlink' in value) return String(value.text);
  throw new Error(`unexpected exceljs value ${JSON.stringify(value)}`);
}

function trimTrailingNulls(cells: Comparable[]): Comparable[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === null) end -= 1;
  return cells.slice(0, end);
}

async function readWithExcelJs(file: string): Promise<ComparableRow[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook.worksheets.map((worksheet) => {
    const rows: ComparableRow[] = [];
    worksheet.eachRow((row, number) => {
      const cells: Comparable[] = [];
      for (let c = 1; c <= row.cellCount; c += 1) cells.push(fromExcelJs(row.getCell(c).value));
      rows.push({ row: number, cells: trimTrailingNulls(cells) });
    });
    return rows;
  });
}

async function readWithXlmerge(file: string): Promise<ComparableRow[][]> {
  const reader = await openWorkbook(file);
  try {
    const sheets: ComparableRow[][] = [];
    for (const sheet of reader.sheets) {
      const rows: ComparableRow[] = [];
      for await (const batch of reader.readRows(sheet)) {
        for (const row of batch) {
          const cells = trimTrailingNulls(row.cells.map(fromXlmerge));
          if (cells.length > 0) rows.push({ row: row.number, cells });
        }
      }
      sheets.push(rows);
    }
    return sheets;
  } finally {
    await reader.close();
  }
}

describe('the reader agrees with exceljs', () => {
  it('on a workbook exceljs wrote with every cell type', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Types');
    const values: ExcelJS.CellValue[][] = [
      [
        'Zoë',
        'José 🎉',
        'naïve café',
        '中文テキスト',
        '  spaced  ',
        'line\nbreak',
        'tab\there',
        'a & b < c',
      ],
      [0.1 + 0.2, 1e-300, 5e-324, Number.MAX_VALUE, -1.5, 42, 123456789012345680000, 2 ** 53 + 2],
      [true, false],
      [
        { error: '#N/A' },
        { error: '#DIV/0!' },
        { error: '#REF!' },
        { error: '#VALUE!' },
        { error: '#NAME?' },
        { error: '#NUM!' },
        { error: '#NULL!' },
      ] as ExcelJS.CellValue[],
      [
        { formula: '1+1', result: 2 },
        { formula: '"a"&"b"', result: 'ab' },
        { formula: 'TRUE()', result: true },
        { formula: '1/0', result: { error: '#DIV/0!' } },
        { formula: 'A2*2', result: 0.6000000000000001 },
      ] as ExcelJS.CellValue[],
      [
        { richText: [{ text: 'Bold', font: { bold: true } }, { text: ' and 😀 plain' }] },
        { text: 'a link', hyperlink: 'https://example.org' },
      ] as ExcelJS.CellValue[],
    ];
    values.forEach((row, r) => {
      row.forEach((value, c) => {
        sheet.getCell(r + 1, c + 1).value = value;
      });
    });
    const dates = [
      [new Date(Date.UTC(2024, 0, 15)), 'yyyy-mm-dd'],
      [new Date(Date.UTC(2024, 0, 15, 12, 30, 45)), 'yyyy-mm-dd hh:mm:ss'],
      [new Date(Date.UTC(1900, 2, 1)), 'd/m/yyyy'],
      [new Date(Date.UTC(1999, 11, 31, 23, 59, 59)), 'mmm d, yyyy h:mm AM/PM'],
    ] as const;
    dates.forEach(([date, format], c) => {
      const cell = sheet.getCell(7, c + 1);
      cell.value = date;
      cell.numFmt = format;
    });
    const formulaDate = sheet.getCell(8, 1);
    formulaDate.value = { formula: 'DATE(2024,3,1)', result: new Date(Date.UTC(2024, 2, 1)) };
    formulaDate.numFmt = 'yyyy-mm-dd';
    workbook.addWorksheet('Second').getCell('B2').value = 'second sheet';

    const file = path.join(await makeTempDir(), 'exceljs.xlsx');
    await workbook.xlsx.writeFile(file);

    const ours = await readWithXlmerge(file);
    expect(ours).toEqual(await readWithExcelJs(file));
    // And both are what was written, not merely the same mistake.
    expect(ours[0]?.[1]).toEqual({ row: 2, cells: values[1] });
    expect(ours[0]?.[6]).toEqual({
      row: 7,
      cells: dates.map(([date]) => ({ date: date.getTime() })),
    });
    expect(ours[0]?.[0]?.cells).toEqual(values[0]);
    expect(ours[1]).toEqual([{ row: 2, cells: [null, 'second sheet'] }]);
  });

  it('on multi-byte characters at every offset of many inflated chunks, in shared and inline strings', async () => {
    const text = (i: number): string => `${'a'.repeat(i % 4)}é😀中${i}`;
    const columns = 10;
    const rowsXml = Array.from({ length: 300 }, (_, r) => {
      const cells = Array.from({ length: columns }, (_, c) => {
        const i = r * columns + c;
        // exceljs needs the r attribute on cells.
        const ref = `${'ABCDEFGHIJ'[c]}${r + 1}`;
        return c % 2 === 0
          ? `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(text(i))}</t></is></c>`
          : `<c r="${ref}" t="s"><v>${i}</v></c>`;
      });
      return `<row r="${r + 1}">${cells.join('')}</row>`;
    });
    const strings = Array.from({ length: 3000 }, (_, i) => `${text(i)}ß`);
    const sheetXml = worksheetXml(rowsXml.join(''));
    // Well past several 16 KiB inflate chunks, in both parts.
    expect(Buffer.byteLength(sheetXml)).toBeGreaterThan(6 * 16 * 1024);
    expect(Buffer.byteLength(sharedStringsXml(strings))).toBeGreaterThan(6 * 16 * 1024);
    const file = await writeZip(
      path.join(await makeTempDir(), 'multibyte.xlsx'),
      workbookParts({ sheets: [{ name: 'Chars', xml: sheetXml }], sharedStrings: strings }),
    );

    const ours = await readWithXlmerge(file);
    expect(ours).toEqual(await readWithExcelJs(file));
    expect(ours[0]?.length).toBe(300);
    expect(ours[0]?.[299]?.cells).toEqual(
      Array.from({ length: columns }, (_, c) => {
        const i = 2990 + c;
        return c % 2 === 0 ? text(i) : `${text(i)}ß`;
      }),
    );
  });
});
