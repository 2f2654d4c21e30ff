/**
 * Every .ods in fixtures/ods (the repository's .xlsx fixtures converted by LibreOffice and
 * gnumeric, see fixtures/ods/README.md) reads to the rows its .xlsx source reads to with the
 * .xlsx reader: the same sheets, states, row numbers, values and dates. What the converter
 * itself changes is named below and asserted, not skipped.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { FIXTURES, openFile, type ReadSheet, readSheets } from './ods-fixtures.js';

/** The .ods files LibreOffice made, each beside the folder of its source. */
const LIBREOFFICE: readonly string[] = [
  'writers/gnumeric',
  'writers/libreoffice-formulas',
  'writers/openpyxl-1904',
  'writers/openpyxl-richtext-formulas',
  'writers/pandas',
  'writers/xlsxwriter',
  'writers/xlsxwriter-constant-memory',
  'formats/gnumeric',
  'formats/gnumeric-1904',
  'formats/libreoffice',
  'formats/libreoffice-1904',
  'formats/openpyxl',
  'formats/openpyxl-1904',
  'exports/gnumeric-title',
  'exports/libreoffice-title',
  'exports/openpyxl-title-hidden',
  'demo/north',
  'demo/south',
  'demo/west',
];

/**
 * A value of the .xlsx as LibreOffice writes it to .ods (a boolean, which LibreOffice 7.4
 * writes as the formula `of:=TRUE()` or `of:=FALSE()` of type float, reads as the boolean):
 * - a number keeps 15 significant digits (1/3 is 0.333333333333333);
 * - a date before 1900-03-01 moves back a day: LibreOffice counts serials from 1899-12-30
 *   without Excel's 1900-02-29, so serial 1 is written `1899-12-31`;
 * - a time of day in a 1904 workbook, which the .xlsx reader gives on the 1904 system's first
 *   day (serial 1462 + t), is written as a time (`office:time-value`): t. (The first day itself,
 *   1904-01-01, is a date either way.)
 * Dates are compared to the millisecond: the .ods holds them to the second as written, the
 * .xlsx sources to 15 digits.
 */
function asLibreOfficeWrites(value: CellValue, date1904: boolean): CellValue {
  if (typeof value === 'number') return Number(value.toPrecision(15));
  if (value !== null && typeof value === 'object' && value.kind === 'date' && !value.elapsed) {
    let serial = value.serial;
    if (date1904 && serial > 1462 && serial < 1463) serial -= 1462;
    else if (serial >= 1 && serial < 61) serial -= 1;
    return { kind: 'date', serial };
  }
  return value;
}

/** Dates to the millisecond, so serials written to 15 digits and exact ones compare alike. */
function comparable(value: CellValue): unknown {
  if (value !== null && typeof value === 'object' && value.kind === 'date') {
    return { date: Math.round(value.serial * 86_400_000), elapsed: value.elapsed === true };
  }
  return value;
}

/**
 * Cells LibreOffice changes otherwise, by `file|sheet|row|column`: what the .ods holds, and why.
 */
interface Change {
  readonly value: CellValue;
  readonly why: string;
}
const CHANGED: ReadonlyMap<string, Change> = new Map<string, Change>([
  // Formulas that the .xlsx stores with no cached value: LibreOffice computes them on load.
  ...(
    [
      [2, 10],
      [3, 3],
      [4, 'x3'],
      [5, true],
      [6, { kind: 'error', code: '#DIV/0!' }],
    ] as const
  ).map(
    ([row, value]) =>
      [
        `writers/openpyxl-richtext-formulas|Formulas|${row}|2`,
        { value: value as CellValue, why: 'LibreOffice computes formulas without a cached value' },
      ] as const,
  ),
  // The rule for times of day in 1904 workbooks (see asLibreOfficeWrites), at midnight.
  ...['gnumeric-1904', 'libreoffice-1904', 'openpyxl-1904'].map(
    (file) =>
      [
        `formats/${file}|Formats 1904|3|3`,
        {
          value: { kind: 'date', serial: 0 } as CellValue,
          why: 'a time of 00:00 in a 1904 workbook is written as a time, not as 1904-01-01',
        },
      ] as const,
  ),
  ...['writers/xlsxwriter', 'writers/xlsxwriter-constant-memory'].flatMap(
    (file): (readonly [string, Change])[] =>
      [
        [
          `${file}|Text|3|1`,
          { value: 'bellchar', why: 'LibreOffice drops the control character U+0007' },
        ],
        [
          `${file}|Text|13|1`,
          {
            value: '',
            why: 'LibreOffice writes a formula\u2019s empty cached value as empty text',
          },
        ],
      ] as const,
  ),
]);

async function readPair(
  name: string,
): Promise<{ xlsx: ReadSheet[]; ods: ReadSheet[]; date1904: boolean }> {
  const source = await openWorkbook(path.join(FIXTURES, `${name}.xlsx`));
  const date1904 = source.date1904;
  const xlsx = await readSheets(source);
  const ods = await readSheets(await openFile(path.join(FIXTURES, 'ods', `${name}.ods`)));
  return { xlsx, ods, date1904 };
}

describe('.ods converted by LibreOffice 7.4 reads as its .xlsx source', () => {
  it.each(LIBREOFFICE)('%s', async (name) => {
    const { xlsx, ods, date1904 } = await readPair(name);
    expect(ods.map((sheet) => [sheet.name, sheet.state])).toEqual(
      xlsx.map((sheet) => [sheet.name, sheet.state]),
    );
    let changed = 0;
    for (const [index, sheet] of xlsx.entries()) {
      const odsRows = (ods[index] as ReadSheet).rows;
      const expected = new Map<number, unknown[]>();
      for (const [number, cells] of sheet.rows) {
        const row = cells.map((value, column) => {
          const change = CHANGED.get(`${name}|${sheet.name}|${number}|${column}`);
          if (change !== undefined) changed++;
          return comparable(
            change === undefined ? asLibreOfficeWrites(value, date1904) : change.value,
          );
        });
        expected.set(number, row);
      }
      for (const [key, change] of CHANGED) {
        const [file, sheetName, row, column] = key.split('|');
        if (file !== name || sheetName !== sheet.name) continue;
        const cells = expected.get(Number(row)) ?? [];
        if (cells.length <= Number(column)) {
          while (cells.length < Number(column)) cells.push(null);
          cells.push(comparable(change.value));
          expected.set(Number(row), cells);
          changed++;
        }
      }
      const actual = new Map(
        [...odsRows].map(([number, cells]) => [number, cells.map(comparable)]),
      );
      expect(actual).toEqual(expected);
    }
    expect(changed).toBe([...CHANGED.keys()].filter((key) => key.startsWith(`${name}|`)).length);
  });

  it('keeps the hidden sheet of openpyxl-title-hidden hidden', async () => {
    const { ods } = await readPair('exports/openpyxl-title-hidden');
    expect(ods.map((sheet) => sheet.state)).toContain('hidden');
  });
});

describe('.ods written by gnumeric 1.12 reads exactly as its .xlsx source', () => {
  it.each([
    ['gnumeric/writers-gnumeric', 'writers/gnumeric'],
    ['gnumeric/formats-openpyxl', 'formats/openpyxl'],
  ])('%s', async (converted, source) => {
    const xlsx = await readSheets(await openWorkbook(path.join(FIXTURES, `${source}.xlsx`)));
    const ods = await readSheets(await openFile(path.join(FIXTURES, 'ods', `${converted}.ods`)));
    expect(ods).toEqual(xlsx);
  });
});
