/**
 * The .xlsb reader on workbooks built from records: every cell record gives what the .xlsx
 * reader gives for the same cell written as XML (values, dates, styles kept, counts), sheets and
 * their states, chart sheets left out, batches cut by cells, and openInput choosing the reader.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lettersOfColumn } from '../../../src/core/column-letters.js';
import { ErrorCode } from '../../../src/errors.js';
import { openInput } from '../../../src/input/open-input.js';
import { DEFAULT_READ_LIMITS } from '../../../src/reader/read-limits.js';
import { MAX_BATCH_CELLS } from '../../../src/reader/row-batch.js';
import type { ReadStats, SheetRow, WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { STYLE_REFUSED } from '../../../src/render/cell-styles.js';
import { decodeRk } from '../../../src/xlsb/read/sheet-records.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  Brt,
  cellRecord,
  record,
  rkOf,
  rowHeader,
  rowRecords,
  worksheetBin,
  type XlsbCell,
  type XlsbSpec,
  xlsbParts,
} from '../../helpers/xlsb-builder.js';
import {
  escapeXml,
  RelType,
  relationshipsXml,
  sharedStringsXml,
  stylesXml,
  workbookParts,
  worksheetXml,
  writeZip,
  type ZipPart,
} from '../../helpers/xlsx-builder.js';

async function open(file: string): Promise<WorkbookReader> {
  return (await openInput(file, {
    displayPath: 'in/book.xlsb',
    limits: DEFAULT_READ_LIMITS,
    csvDelimiter: null,
    csvTypes: false,
  })) as WorkbookReader;
}

async function writeParts(parts: readonly ZipPart[], name = 'book.xlsb'): Promise<string> {
  return writeZip(path.join(await makeTempDir(), name), parts);
}

async function readSheet(
  reader: WorkbookReader,
  index = 0,
  outputStyles: Uint32Array | null = null,
): Promise<{ rows: SheetRow[]; batches: number[]; stats: ReadStats }> {
  const stats: ReadStats = { formulasWithoutValue: -1, cellsWithoutFormat: -1 };
  const rows: SheetRow[] = [];
  const batches: number[] = [];
  const sheet = reader.sheets[index];
  if (sheet === undefined) throw new Error(`no sheet ${index}`);
  try {
    for await (const batch of reader.readRows(sheet, { outputStyles, stats })) {
      batches.push(batch.reduce((cells, row) => cells + row.cells.length, 0));
      rows.push(...batch);
    }
  } finally {
    await reader.close();
  }
  return { rows, batches, stats };
}

/** The XML Excel writes in an .xlsx for the cell a record holds. */
function cellXml(column: number, row: number, value: XlsbCell): string {
  const ref = `${lettersOfColumn(column)}${row}`;
  const s = 'style' in value && value.style !== undefined ? ` s="${value.style}"` : '';
  const c = (attributes: string, content: string): string =>
    `<c r="${ref}"${s}${attributes}>${content}</c>`;
  if ('blank' in value) return `<c r="${ref}"${s}/>`;
  if ('rk' in value) return c('', `<v>${decodeRk(value.rk)}</v>`);
  if ('real' in value) return c('', `<v>${Object.is(value.real, -0) ? '-0' : value.real}</v>`);
  if ('bool' in value) return c(' t="b"', `<v>${value.bool ? 1 : 0}</v>`);
  if ('error' in value) return c(' t="e"', `<v>${ERROR_CODES[value.error]}</v>`);
  if ('string' in value) return c(' t="inlineStr"', `<is><t>${escapeXml(value.string)}</t></is>`);
  if ('richString' in value) {
    const half = value.richString.length >> 1;
    const runs = [value.richString.slice(0, half), value.richString.slice(half)];
    return c(
      ' t="inlineStr"',
      `<is>${runs.map((run) => `<r><t>${escapeXml(run)}</t></r>`).join('')}</is>`,
    );
  }
  if ('shared' in value) return c(' t="s"', `<v>${value.shared}</v>`);
  const result = value.formula;
  if (typeof result === 'number') return c('', `<f>1</f><v>${result}</v>`);
  if (typeof result === 'string') return c(' t="str"', `<f>1</f><v>${escapeXml(result)}</v>`);
  if (typeof result === 'boolean') return c(' t="b"', `<f>1</f><v>${result ? 1 : 0}</v>`);
  return c(' t="e"', `<f>1</f><v>${ERROR_CODES[result.error]}</v>`);
}

const ERROR_CODES: Record<number, string> = {
  0: '#NULL!',
  7: '#DIV/0!',
  15: '#VALUE!',
  23: '#REF!',
  29: '#NAME?',
  36: '#NUM!',
  42: '#N/A',
  43: '#GETTING_DATA',
};

type Table = readonly { readonly row: number; readonly cells: readonly (XlsbCell | null)[] }[];

const FORMATS = [
  { id: 164, code: 'yyyy-mm-dd hh:mm' },
  { id: 165, code: '[h]:mm:ss' },
  { id: 166, code: '0.00" kg"' },
];
/** Styles: General, built-in date 14, custom date, elapsed, custom number, built-in time 20. */
const CELL_FORMAT_IDS = [0, 14, 164, 165, 166, 20];
const STRINGS = ['id', 'name', ' spaced & <marked> ', 'naïve 😀', ''];

/** Every kind of cell record, with every style. */
const TABLE: Table = [
  {
    row: 0,
    cells: [{ shared: 0 }, { shared: 1 }, { shared: 2 }, { shared: 3 }, { shared: 4 }],
  },
  {
    row: 1,
    cells: [
      { rk: rkOf(42) },
      { rk: rkOf(-7) },
      { rk: rkOf(12.34, true) },
      { rk: 0x3ff00000 }, // the double 1.0
      { rk: 0x3ff00001 }, // the double 1.0, / 100
      { rk: rkOf(-536870912) },
      { real: 0.1 + 0.2 },
      { real: 1.5e300 },
      { real: -0 },
      { real: 2 ** 53 + 2 },
    ],
  },
  {
    row: 2,
    cells: [
      { bool: true },
      { bool: false },
      ...[0x00, 0x07, 0x0f, 0x17, 0x1d, 0x24, 0x2a, 0x2b].map((error) => ({ error })),
    ],
  },
  {
    row: 4,
    cells: [
      { string: 'inline' },
      { string: '' },
      { richString: 'rich text' },
      { string: 'tab\tnew\nline' },
      null,
      null,
      { blank: true, style: 1 },
    ],
  },
  {
    row: 5,
    cells: [
      { formula: 3.25 },
      { formula: 'text' },
      { formula: '' },
      { formula: true },
      { formula: { error: 0x2a } },
      { formula: 45292.5, style: 1 },
    ],
  },
  {
    row: 9,
    cells: [
      { rk: rkOf(45292), style: 1 },
      { real: 45292.75, style: 2 },
      { real: 1.5, style: 3 },
      { real: 12.5, style: 4 },
      { real: 0.25, style: 5 },
      { real: 45292, style: 6 },
      { rk: rkOf(3), style: 3 },
    ],
  },
  // A row of styled blanks only, then a row header with no cells at all.
  { row: 10, cells: [{ blank: true }, { blank: true, style: 4 }] },
  { row: 11, cells: [] },
  { row: 1_048_575, cells: [null, null, { shared: 1, style: 4 }] },
];

function xlsxOf(table: Table, date1904: boolean): ZipPart[] {
  const rows = table
    .map(({ row, cells }) => {
      const xml = cells.map((value, column) =>
        value === null ? '' : cellXml(column, row + 1, value),
      );
      return `<row r="${row + 1}">${xml.join('')}</row>`;
    })
    .join('');
  return workbookParts({
    sheets: [{ name: 'Data', xml: worksheetXml(rows) }],
    sharedStrings: sharedStringsXml(STRINGS),
    styles: stylesXml({ numFmts: FORMATS, cellFormatIds: CELL_FORMAT_IDS }),
    date1904,
  });
}

function xlsbOf(table: Table, date1904: boolean, extra: Partial<XlsbSpec> = {}): ZipPart[] {
  return xlsbParts({
    sheets: [{ name: 'Data', bin: worksheetBin(rowRecords(table)) }],
    sharedStrings: STRINGS,
    styles: { formats: FORMATS, cellFormatIds: CELL_FORMAT_IDS },
    date1904,
    ...extra,
  });
}

describe('openXlsb', () => {
  it.each([false, true])(
    'reads every cell record as the .xlsx reader reads the same cell (1904: %s)',
    async (date1904) => {
      // Output styles for style indexes 0–6: one refused (counted), one past the table.
      const outputStyles = new Uint32Array([0, 3, 4, STYLE_REFUSED, 5, 6]);
      const xlsb = await readSheet(
        await open(await writeParts(xlsbOf(TABLE, date1904))),
        0,
        outputStyles,
      );
      const xlsx = await readSheet(
        await open(await writeParts(xlsxOf(TABLE, date1904), 'book.xlsx')),
        0,
        outputStyles,
      );
      expect(xlsb.rows).toEqual(xlsx.rows);
      expect(xlsb.stats).toEqual(xlsx.stats);
      expect(xlsb.stats).toEqual({ formulasWithoutValue: 0, cellsWithoutFormat: 2 });
      const plainXlsb = await readSheet(await open(await writeParts(xlsbOf(TABLE, date1904))));
      const plainXlsx = await readSheet(
        await open(await writeParts(xlsxOf(TABLE, date1904), 'book.xlsx')),
      );
      expect(plainXlsb.rows).toEqual(plainXlsx.rows);
    },
  );

  it('reads the values Excel stores, exactly', async () => {
    const { rows } = await readSheet(await open(await writeParts(xlsbOf(TABLE, true))));
    expect(rows.map((row) => row.number)).toEqual([1, 2, 3, 5, 6, 10, 11, 1_048_576]);
    expect(rows[0]?.cells).toEqual(STRINGS);
    expect(rows[1]?.cells).toEqual([
      42,
      -7,
      12.34,
      1,
      0.01,
      -536870912,
      0.1 + 0.2,
      1.5e300,
      -0,
      2 ** 53 + 2,
    ]);
    expect(rows[2]?.cells.slice(2)).toEqual(
      ['#NULL!', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#N/A', '#GETTING_DATA'].map(
        (code) => ({ kind: 'error', code }),
      ),
    );
    expect(rows[3]?.cells).toEqual(['inline', '', 'rich text', 'tab\tnew\nline', null, null, null]);
    expect(rows[4]?.cells).toEqual([
      3.25,
      'text',
      null,
      true,
      { kind: 'error', code: '#N/A' },
      { kind: 'date', serial: 45292.5 + 1462 },
    ]);
    // Dates move to the 1900 system; an elapsed time does not; a number format is a number.
    expect(rows[5]?.cells).toEqual([
      { kind: 'date', serial: 45292 + 1462 },
      { kind: 'date', serial: 45292.75 + 1462 },
      { kind: 'date', serial: 1.5, elapsed: true },
      12.5,
      { kind: 'date', serial: 0.25 + 1462 },
      45292,
      { kind: 'date', serial: 3, elapsed: true },
    ]);
    expect(rows[6]?.cells).toEqual([null, null]);
  });

  it('keeps every UTF-16 code unit of a string, a lone surrogate too (UTF-8 XML cannot hold one)', async () => {
    const table: Table = [{ row: 0, cells: [{ string: 'a \ud800 b' }, { shared: 0 }] }];
    const parts = xlsbOf(table, false, { sharedStrings: ['\udc00 😀'] });
    const { rows } = await readSheet(await open(await writeParts(parts)));
    expect(rows).toEqual([{ number: 1, cells: ['a \ud800 b', '\udc00 😀'] }]);
  });

  it("reads the sheets' names and states, and leaves out chart sheets", async () => {
    const sheet = worksheetBin(rowRecords([{ row: 0, cells: [{ rk: rkOf(1) }] }]));
    const parts = xlsbParts({
      sheets: [
        { name: 'Shown', bin: sheet },
        { name: 'Chart', bin: record(Brt.BeginSheet), chart: true },
        { name: 'Hidden', bin: sheet, state: 'hidden' },
        { name: 'Very hidden', bin: sheet, state: 'veryHidden' },
      ],
    });
    const reader = await open(await writeParts(parts));
    await reader.close();
    expect(reader.format).toBe('xlsb');
    expect(reader.date1904).toBe(false);
    expect(reader.sheets).toEqual([
      { name: 'Shown', index: 0, part: 'xl/worksheets/sheet1.bin', state: 'visible' },
      { name: 'Hidden', index: 1, part: 'xl/worksheets/sheet3.bin', state: 'hidden' },
      { name: 'Very hidden', index: 2, part: 'xl/worksheets/sheet4.bin', state: 'veryHidden' },
    ]);
  });

  it('knows a chart sheet by its content type alone, or by its relationship alone', async () => {
    const sheet = worksheetBin(rowRecords([{ row: 0, cells: [{ rk: rkOf(1) }] }]));
    const parts = xlsbParts({
      sheets: [
        { name: 'Data', bin: sheet },
        { name: 'Chart', bin: record(Brt.BeginSheet), chart: true },
      ],
    });
    const byContentType = parts.map((part) =>
      part.name === 'xl/_rels/workbook.bin.rels'
        ? { ...part, content: String(part.content).replace('/chartsheet"', '/worksheet"') }
        : part,
    );
    const byRelationship = parts.map((part) =>
      part.name === '[Content_Types].xml'
        ? {
            ...part,
            content: String(part.content).replace('ms-excel.chartsheet', 'ms-excel.worksheet'),
          }
        : part,
    );
    for (const variant of [byContentType, byRelationship]) {
      const reader = await open(await writeParts(variant));
      await reader.close();
      expect(reader.sheets.map((s) => s.name)).toEqual(['Data']);
    }
  });

  it('refuses a workbook of chart sheets only', async () => {
    const parts = xlsbParts({
      sheets: [{ name: 'Chart', bin: record(Brt.BeginSheet), chart: true }],
    });
    const error = await rejectionOf(open(await writeParts(parts)));
    expect(error.code).toBe(ErrorCode.NoSheets);
    expect(error.message).toBe('The workbook has no worksheets, only 1 chart or macro sheet(s)');
    expect(error.file).toBe('in/book.xlsb');
  });

  it("gives the cell styles' number format ids, not the named styles'", async () => {
    const reader = await open(await writeParts(xlsbOf(TABLE, false)));
    const ids = await reader.readFormatIds();
    await reader.close();
    expect(ids).toEqual({
      ids: new Uint32Array(CELL_FORMAT_IDS),
      codes: FORMATS.map((format) => [format.id, format.code]),
    });
  });

  it('reads a workbook without styles or shared strings', async () => {
    const parts = xlsbParts({
      sheets: [
        { name: 'S', bin: worksheetBin(rowRecords([{ row: 2, cells: [{ real: 45292 }] }])) },
      ],
    });
    const reader = await open(await writeParts(parts));
    expect(await reader.readFormatIds()).toEqual({ ids: new Uint32Array(0), codes: [] });
    const { rows } = await readSheet(reader);
    expect(rows).toEqual([{ number: 3, cells: [45292] }]);
  });

  it('cuts batches by cells: a row header and one cell at XFD each are 16,384 cells', async () => {
    const records: Buffer[] = [];
    const count = 200;
    for (let row = 0; row < count; row++) {
      records.push(rowHeader(row), cellRecord(16_383, { bool: true }));
    }
    const reader = await open(
      await writeParts(
        xlsbOf([], false, {
          sheets: [{ name: 'Wide', bin: worksheetBin(Buffer.concat(records)) }],
        }),
      ),
    );
    const { rows, batches } = await readSheet(reader);
    expect(rows).toHaveLength(count);
    expect(rows[count - 1]?.cells).toHaveLength(16_384);
    expect(batches.length).toBeGreaterThan(1);
    for (const cells of batches) expect(cells).toBeLessThanOrEqual(MAX_BATCH_CELLS + 16_384);
  });
});

describe('openInput with an .xlsb', () => {
  it('reads a package without _rels/.rels by its xl/workbook.bin', async () => {
    const parts = xlsbOf([{ row: 0, cells: [{ shared: 1 }] }], false).filter(
      (part) => part.name !== '_rels/.rels',
    );
    const { rows } = await readSheet(await open(await writeParts(parts)));
    expect(rows).toEqual([{ number: 1, cells: ['name'] }]);
  });

  it('follows the officeDocument relationship to a workbook part of another name', async () => {
    const parts = xlsbOf([{ row: 0, cells: [{ shared: 0 }] }], false).map((part) => {
      if (part.name === '_rels/.rels') {
        return {
          ...part,
          content: relationshipsXml([
            { id: 'rId1', type: RelType.officeDocument, target: 'xl/book.bin' },
          ]),
        };
      }
      if (part.name === 'xl/workbook.bin') return { ...part, name: 'xl/book.bin' };
      if (part.name === 'xl/_rels/workbook.bin.rels')
        return { ...part, name: 'xl/_rels/book.bin.rels' };
      return part;
    });
    const { rows } = await readSheet(await open(await writeParts(parts)));
    expect(rows).toEqual([{ number: 1, cells: ['id'] }]);
  });

  it('reads an .xlsx whatever it is named, and an .xlsb named .xlsx', async () => {
    const xlsx = await open(
      await writeParts(xlsxOf([{ row: 0, cells: [{ shared: 0 }] }], false), 'book.xlsb'),
    );
    await xlsx.close();
    expect(xlsx.format).toBe('xlsx');
    const xlsb = await open(
      await writeParts(xlsbOf([{ row: 0, cells: [{ shared: 0 }] }], false), 'book.xlsx'),
    );
    await xlsb.close();
    expect(xlsb.format).toBe('xlsb');
  });
});

describe('decodeRk', () => {
  it('reads integers, doubles and either divided by 100', () => {
    expect(decodeRk(rkOf(5))).toBe(5);
    expect(decodeRk(rkOf(-5))).toBe(-5);
    expect(decodeRk(rkOf(-536_870_912))).toBe(-536_870_912);
    expect(decodeRk(rkOf(12.34, true))).toBe(12.34);
    expect(decodeRk(0x40e50b00)).toBe(43096);
    expect(decodeRk(0x40e50b01)).toBe(430.96);
    expect(decodeRk(0xbff00000 | 0)).toBe(-1);
  });
});
