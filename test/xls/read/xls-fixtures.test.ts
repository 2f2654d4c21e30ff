/**
 * The .xls fixtures (fixtures/xls/, made from the repo's .xlsx fixtures by LibreOffice and
 * gnumeric, see its README) read to the very rows, sheets, states, date systems and number
 * formats per cell that their .xlsx sources read to with the .xlsx reader.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import { numberFormatKey } from '../../../src/core/number-formats.js';
import { cellNumberFormats } from '../../../src/reader/cell-formats.js';
import { DEFAULT_READ_LIMITS } from '../../../src/reader/read-limits.js';
import type { WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { openXls } from '../../../src/xls/read/open-xls.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures');
const XLS = path.join(FIXTURES, 'xls');

/** Every converted fixture and the .xlsx it was made from: `writers-pandas.gnumeric.xls` ← `writers/pandas.xlsx`. */
const PAIRS = (await fs.readdir(XLS))
  .filter((name) => name.endsWith('.xls') && /^(writers|formats|demo|exports)-/.test(name))
  .sort()
  .map((name) => {
    const [, folder, source] = /^([a-z]+)-(.+?)(?:\.gnumeric)?\.xls$/.exec(name) ?? [];
    return { name, source: path.join(FIXTURES, folder ?? '', `${source}.xlsx`) };
  });

/** A workbook as the test compares it: per sheet, each row's values and number formats. */
interface Reading {
  date1904: boolean;
  sheets: {
    name: string;
    state: string;
    rows: { row: number; cells: CellValue[]; formats: (string | null)[] }[];
  }[];
}

/**
 * Reads every sheet with each cell's number format (its style's format id and code, as
 * `--formats keep` takes them); rows are trimmed of trailing empty cells and rows with no value
 * are left out, since writers differ in the styled empty cells they list.
 */
async function readAll(reader: WorkbookReader): Promise<Reading> {
  try {
    const found = await reader.readFormatIds();
    if (found === null) throw new Error('no formats');
    const formats = cellNumberFormats(found);
    // Style i becomes output style i + 1, so every cell says its style.
    const outputStyles = Uint32Array.from({ length: found.ids.length + 1 }, (_, i) => i + 1);
    const sheets: Reading['sheets'] = [];
    for (const sheet of reader.sheets) {
      const rows: Reading['sheets'][number]['rows'] = [];
      for await (const batch of reader.readRows(sheet, { outputStyles })) {
        for (const row of batch) {
          let end = row.cells.length;
          while (end > 0 && (row.cells[end - 1] ?? null) === null) end--;
          if (end === 0) continue;
          const cells = row.cells.slice(0, end);
          rows.push({
            row: row.number,
            cells,
            formats: cells.map((cell, column) => {
              if (cell === null) return null;
              const style = (row.styles?.[column] ?? 1) - 1;
              return numberFormatKey(formats.formatOf(style));
            }),
          });
        }
      }
      sheets.push({ name: sheet.name, state: sheet.state, rows });
    }
    return { date1904: reader.date1904, sheets };
  } finally {
    await reader.close();
  }
}

/**
 * Where the converter itself changed a value on the way (not the reader): the cell, what the
 * .xlsx source reads as and what the .xls holds.
 */
interface ConverterChange {
  readonly sheet: string;
  readonly row: number;
  readonly column: number;
  readonly xlsx: CellValue;
  readonly xls: CellValue;
}

/** LibreOffice 7.4 writes the cached result of a text formula it did not recalculate as 0. */
const TEXT_FORMULA_AS_ZERO = 'LibreOffice writes a text formula result as 0';
/** LibreOffice calculates the formulas openpyxl leaves without a cached value. */
const CALCULATED = 'LibreOffice calculated it';
/** gnumeric does not decode the _xHHHH_ escapes of the .xlsx text it reads. */
const ESCAPES_KEPT = 'gnumeric kept the escape';

const CONVERTER_CHANGES: Readonly<Record<string, readonly (ConverterChange & { why: string })[]>> =
  {
    'writers-libreoffice-formulas.xls': [
      { sheet: 'Formulas', row: 3, column: 1, xlsx: 'abcd', xls: 0, why: TEXT_FORMULA_AS_ZERO },
    ],
    'writers-xlsxwriter.xls': [
      { sheet: 'Text', row: 10, column: 1, xlsx: 'ab', xls: 0, why: TEXT_FORMULA_AS_ZERO },
    ],
    'writers-xlsxwriter-constant-memory.xls': [
      { sheet: 'Text', row: 10, column: 1, xlsx: 'ab', xls: 0, why: TEXT_FORMULA_AS_ZERO },
    ],
    'writers-openpyxl-richtext-formulas.xls': [
      { sheet: 'Formulas', row: 2, column: 2, xlsx: null, xls: 10, why: CALCULATED },
      { sheet: 'Formulas', row: 3, column: 2, xlsx: null, xls: 3, why: CALCULATED },
      { sheet: 'Formulas', row: 4, column: 2, xlsx: null, xls: 'x3', why: CALCULATED },
      { sheet: 'Formulas', row: 5, column: 2, xlsx: null, xls: true, why: CALCULATED },
      {
        sheet: 'Formulas',
        row: 6,
        column: 2,
        xlsx: null,
        xls: { kind: 'error', code: '#DIV/0!' },
        why: CALCULATED,
      },
    ],
    'writers-xlsxwriter.gnumeric.xls': [
      {
        sheet: 'Text',
        row: 3,
        column: 1,
        xlsx: 'bell\u0007char',
        xls: 'bell_x0007_char',
        why: ESCAPES_KEPT,
      },
      {
        sheet: 'Text',
        row: 4,
        column: 0,
        xlsx: 'literal _x0041_',
        xls: 'literal _x005F_x0041_',
        why: ESCAPES_KEPT,
      },
      {
        sheet: 'Text',
        row: 4,
        column: 1,
        xlsx: 'keep _x0041_ as is',
        xls: 'keep _x005F_x0041_ as is',
        why: ESCAPES_KEPT,
      },
    ],
  };

/** The .xlsx reading with the converter's changes made, each checked to be there first. */
function withConverterChanges(reading: Reading, name: string): Reading {
  for (const change of CONVERTER_CHANGES[name] ?? []) {
    const sheet = reading.sheets.find((each) => each.name === change.sheet);
    let row = sheet?.rows.find((each) => each.row === change.row);
    if (sheet !== undefined && row === undefined && change.xlsx === null) {
      row = { row: change.row, cells: [], formats: [] };
      sheet.rows.push(row);
      sheet.rows.sort((a, b) => a.row - b.row);
    }
    if (row === undefined) throw new Error(`no row ${change.row} in ${change.sheet}`);
    expect(row.cells[change.column] ?? null).toEqual(change.xlsx);
    while (row.cells.length <= change.column) row.cells.push(null);
    row.cells[change.column] = change.xls;
    row.formats[change.column] = null;
  }
  return reading;
}

/** Built-in formats by id, spelled as LibreOffice and gnumeric write them into an .xls. */
const BUILT_IN_CODES: ReadonlyMap<number, string> = new Map([
  [1, '0'],
  [2, '0.00'],
  [3, '#,##0'],
  [4, '#,##0.00'],
  [9, '0%'],
  [10, '0.00%'],
  [11, '0.00E+00'],
  [12, '# ?/?'],
  [13, '# ??/??'],
  [14, 'm/d/yyyy'],
  [15, 'd-mmm-yy'],
  [18, 'h:mm AM/PM'],
  [20, 'h:mm'],
  [21, 'h:mm:ss'],
  [22, 'm/d/yyyy h:mm'],
  [46, '[h]:mm:ss'],
  [47, 'mm:ss.0'],
  [49, '@'],
]);

/**
 * A format as the test compares them across a conversion: both converters respell formats
 * (LibreOffice escapes literals, `\-`, `\ `, `" "`, and writes built-ins such as `0.00` and
 * `@` as custom codes; gnumeric turns codes into built-in ids and back, `m/d/yy` for
 * `m/d/yyyy`), so built-in ids become their codes and codes lose case, quotes and escapes.
 */
function spelledAlike(key: string | null): string | null {
  if (key === null) return null;
  const code = key.startsWith('\u0000') ? (BUILT_IN_CODES.get(Number(key.slice(1))) ?? key) : key;
  return code.toLowerCase().replace(/\\(.)/g, '$1').replaceAll('"', '').replaceAll('yyyy', 'yy');
}

function formatsSpelledAlike(reading: Reading): Reading {
  return {
    ...reading,
    sheets: reading.sheets.map((sheet) => ({
      ...sheet,
      rows: sheet.rows.map((row) => ({ ...row, formats: row.formats.map(spelledAlike) })),
    })),
  };
}

describe('the .xls fixtures read as their .xlsx sources', () => {
  it('has the fixtures', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(27);
  });

  it.each(PAIRS)('$name', async ({ name, source }) => {
    const xls = await readAll(
      await openXls(path.join(XLS, name), { displayPath: name, limits: DEFAULT_READ_LIMITS }),
    );
    const xlsx = withConverterChanges(await readAll(await openWorkbook(source)), name);
    for (const change of CONVERTER_CHANGES[name] ?? []) {
      const row = xls.sheets
        .find((sheet) => sheet.name === change.sheet)
        ?.rows.find((each) => each.row === change.row);
      if (row !== undefined) row.formats[change.column] = null;
    }
    expect(formatsSpelledAlike(xls)).toEqual(formatsSpelledAlike(xlsx));
  });

  it.each(
    PAIRS.filter(
      ({ name, source }) =>
        /libreoffice[^/]*\.xlsx$/.test(source) &&
        !source.includes('writers') &&
        !name.includes('gnumeric'),
    ),
  )(
    'keeps every format of $name as LibreOffice spelled it in its own .xlsx',
    async ({ name, source }) => {
      const xls = await readAll(
        await openXls(path.join(XLS, name), { displayPath: name, limits: DEFAULT_READ_LIMITS }),
      );
      expect(xls).toEqual(await readAll(await openWorkbook(source)));
    },
  );
});
