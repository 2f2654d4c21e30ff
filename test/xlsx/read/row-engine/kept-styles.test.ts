/**
 * The row engine keeping each cell's number format (issue 15): given the output style of each
 * source style (the task's `outputStyles`), a data cell whose style maps to G != 0 gets
 * ` s="G"` right after its reference, a date cell with one is written as a number in it, and a
 * style that maps to 0 or lies past the table's end is written as without a table. Without a
 * table the bytes are the scanner's. The engine's bytes are asserted exactly; every data row is
 * checked to be the engine's, not the scanner's.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cellNumberFormats } from '../../../../src/reader/cell-formats.js';
import { StyleId } from '../../../../src/render/cell-styles.js';
import { parseFile } from '../../../../src/worker/parse-file.js';
import type { FileResult } from '../../../../src/worker/protocol.js';
import { openWorkbook } from '../../../../src/xlsx/read/open-workbook.js';
import { FORMATS_DIR } from '../../../fixtures/format-fixtures.js';
import { makeRandom } from '../../../fuzz/mutants.js';
import {
  cutter,
  engineThread,
  expectSameBothWays,
  scannerThread,
  xlsxTaskFor,
} from '../../../helpers/engine-paths.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { stylesXml, worksheetXml, writeWorkbookParts } from '../../../helpers/xlsx-builder.js';

/** The source's cell styles (cellXfs), by index: their number formats. */
const STYLES = stylesXml({
  numFmts: [
    { id: 164, code: '[h]:mm' },
    { id: 165, code: 'yyyy-mm-dd hh:mm' },
  ],
  // 0 General, 1 a date, 2 #,##0.00, 3 elapsed, 4 0%, 5 @, 6 a date and time, 7 General
  cellFormatIds: [0, 14, 4, 164, 9, 49, 165, 0],
});

/**
 * The output style of source styles 0 to 6 (7 is past the end): 0 keeps General, the date and
 * time (6) and the elapsed style (3) map to 0 and keep today's fixed date styles.
 */
const OUTPUT_STYLES = Uint32Array.of(0, 11, 7, 0, 12, 9, 0);

const STRINGS = ['id', 'amount', 'when', 'name', 'flag', 'abc', ' padded', ''];

const cell = (ref: string, style: number | null, value: string, type = '') =>
  `<c r="${ref}"${style === null ? '' : ` s="${style}"`}${type === '' ? '' : ` t="${type}"`}><v>${value}</v></c>`;

/** A header (styled, which changes nothing) and four data rows of every kind the engine reads. */
const ROWS =
  `<row r="1">${['A', 'B', 'C', 'D', 'E'].map((letter, i) => cell(`${letter}1`, 2, String(i), 's')).join('')}</row>` +
  `<row r="2">${cell('A2', 2, '1')}${cell('B2', 0, '12.5')}${cell('C2', 1, '45000.5')}${cell('D2', 5, '5', 's')}${cell('E2', 4, '1', 'b')}</row>` +
  `<row r="3">${cell('A3', null, '2')}${cell('B3', 7, '3.25')}${cell('C3', 3, '1.5')}${cell('D3', 5, '6', 's')}${cell('E3', 7, '0', 'b')}</row>` +
  `<row r="4">${cell('A4', 2, '3')}${cell('B4', 2, '1.50')}${cell('C4', 1, '45000')}${cell('D4', 5, '7', 's')}${cell('E4', 6, '45000.25')}</row>` +
  `<row r="5">${cell('A5', 2, '1')}<c r="B5" s="2"><f>A5*8</f><v>8</v></c>${cell('C5', 6, '0.75')}</row>`;

/** Each data row's cell XML (the row number as `\0`), as the engine writes it with the table. */
const KEPT = [
  '<c r="A\0" s="7"><v>1</v></c>' +
    '<c r="B\0"><v>12.5</v></c>' +
    '<c r="C\0" s="11"><v>45000.5</v></c>' +
    '<c r="D\0" s="9" t="inlineStr"><is><t>abc</t></is></c>' +
    '<c r="E\0" s="12" t="b"><v>1</v></c>',
  '<c r="A\0"><v>2</v></c>' +
    '<c r="B\0"><v>3.25</v></c>' +
    `<c r="C\0" s="${StyleId.Elapsed}"><v>1.5</v></c>` +
    '<c r="D\0" s="9" t="inlineStr"><is><t xml:space="preserve"> padded</t></is></c>' +
    '<c r="E\0" t="b"><v>0</v></c>',
  // D4 is the empty string: no cell, its style written or not.
  '<c r="A\0" s="7"><v>3</v></c>' +
    '<c r="B\0" s="7"><v>1.5</v></c>' +
    '<c r="C\0" s="11"><v>45000</v></c>' +
    `<c r="E\0" s="${StyleId.DateTime}"><v>45000.25</v></c>`,
  // A duplicate of row 2's id, dropped.
];

/** The same rows without a table, as today. */
const PLAIN = [
  '<c r="A\0"><v>1</v></c>' +
    '<c r="B\0"><v>12.5</v></c>' +
    `<c r="C\0" s="${StyleId.DateTime}"><v>45000.5</v></c>` +
    '<c r="D\0" t="inlineStr"><is><t>abc</t></is></c>' +
    '<c r="E\0" t="b"><v>1</v></c>',
  '<c r="A\0"><v>2</v></c>' +
    '<c r="B\0"><v>3.25</v></c>' +
    `<c r="C\0" s="${StyleId.Elapsed}"><v>1.5</v></c>` +
    '<c r="D\0" t="inlineStr"><is><t xml:space="preserve"> padded</t></is></c>' +
    '<c r="E\0" t="b"><v>0</v></c>',
  '<c r="A\0"><v>3</v></c>' +
    '<c r="B\0"><v>1.5</v></c>' +
    `<c r="C\0" s="${StyleId.Date}"><v>45000</v></c>` +
    `<c r="E\0" s="${StyleId.DateTime}"><v>45000.25</v></c>`,
];

let file = '';

// A fresh file per test: temporary folders go after each.
beforeEach(async () => {
  file = path.join(await makeTempDir(), 'styled.xlsx');
  await writeWorkbookParts(file, {
    sheets: [{ name: 'Data', xml: worksheetXml(ROWS) }],
    sharedStrings: STRINGS,
    styles: STYLES,
  });
});

/** The first sheet's rendered rows, each as text. */
function renderedRows(result: FileResult): string[] {
  const xml = result.sheets[0]?.xml;
  if (xml === null || xml === undefined) throw new Error('no rendered rows');
  const rows: string[] = [];
  let start = 0;
  for (const end of xml.ends) {
    rows.push(Buffer.from(xml.bytes.subarray(start, end)).toString('utf8'));
    start = end;
  }
  return rows;
}

/** Parses `file` with the engine, keyed on id, with `outputStyles` as the task's table. */
async function parseKept(
  outputStyles: Uint32Array | null,
  options: { sourceColumn?: boolean; cut?: boolean } = {},
): Promise<FileResult> {
  const task = {
    ...xlsxTaskFor(file, { dedupe: ['id'], sourceColumn: options.sourceColumn === true }),
    outputStyles,
  };
  const before = engineThread.engineRows;
  engineThread.cut = options.cut === true ? cutter(makeRandom(5), 9) : null;
  try {
    const result = await parseFile(task, engineThread);
    // Every data row was the engine's: the bytes below are its own.
    expect(engineThread.engineRows - before).toBe(4);
    return result;
  } finally {
    engineThread.cut = null;
  }
}

describe('the row engine keeping number formats', () => {
  it('writes each cell with its kept style, dates as numbers in it', async () => {
    const result = await parseKept(OUTPUT_STYLES);
    expect(renderedRows(result)).toEqual(KEPT);
    expect(result.sheets[0]?.rowNumbers).toEqual([2, 3, 4]);
    expect(result.duplicatesInFile).toBe(1);
  });

  it('writes the same bytes at every chunk boundary, and after a Source column', async () => {
    expect(renderedRows(await parseKept(OUTPUT_STYLES, { cut: true }))).toEqual(KEPT);
    const shifted = KEPT.map((row) =>
      row.replace(/<c r="([A-E])\0/g, (_, letter: string) => {
        return `<c r="${String.fromCharCode(letter.charCodeAt(0) + 1)}\0`;
      }),
    );
    expect(shifted[0]?.startsWith('<c r="B\0" s="7"><v>1</v></c>')).toBe(true);
    expect(renderedRows(await parseKept(OUTPUT_STYLES, { sourceColumn: true }))).toEqual(shifted);
  });

  it('writes ids of many digits', async () => {
    const wide = Uint32Array.of(0, 2_147_483_647, 1_000_000, 0, 10, 65_535, 0);
    const rows = renderedRows(await parseKept(wide));
    expect(rows[0]).toBe(
      '<c r="A\0" s="1000000"><v>1</v></c>' +
        '<c r="B\0"><v>12.5</v></c>' +
        '<c r="C\0" s="2147483647"><v>45000.5</v></c>' +
        '<c r="D\0" s="65535" t="inlineStr"><is><t>abc</t></is></c>' +
        '<c r="E\0" s="10" t="b"><v>1</v></c>',
    );
  });

  it('keys, counts and measures the rows as without a table', async () => {
    const kept = await parseKept(OUTPUT_STYLES);
    const plain = await parseKept(null);
    const { xml: _keptXml, ...keptSheet } = kept.sheets[0] ?? {};
    const { xml: _plainXml, ...plainSheet } = plain.sheets[0] ?? {};
    expect(keptSheet).toEqual(plainSheet);
    expect({ ...kept, sheets: [] }).toEqual({ ...plain, sheets: [] });
  });

  it('writes today’s bytes without a table, or with an empty one or one of zeros', async () => {
    expect(renderedRows(await parseKept(null))).toEqual(PLAIN);
    expect(renderedRows(await parseKept(new Uint32Array(0)))).toEqual(PLAIN);
    expect(renderedRows(await parseKept(new Uint32Array(8)))).toEqual(PLAIN);
    // And those are the scanner's bytes.
    const scanner = await expectSameBothWays(file, { dedupe: ['id'] });
    expect(renderedRows((scanner as { result: FileResult }).result)).toEqual(PLAIN);
  });
});

describe('kept styles: the engine and the scanner agree on real writers’ workbooks', () => {
  // These openpyxl and gnumeric books hold their text inline, which the engine leaves to the
  // scanner; LibreOffice's shared strings keep it reading.
  for (const [name, byEngine] of [
    ['openpyxl.xlsx', false],
    ['libreoffice.xlsx', true],
    ['gnumeric.xlsx', false],
  ] as const) {
    it(`gives ${name} the same rows both ways`, async () => {
      const file = path.join(FORMATS_DIR, name);
      const reader = await openWorkbook(file);
      const formats = cellNumberFormats(await reader.readFormatIds());
      await reader.close();
      // A distinct output style for every cell style but the first.
      const table = Uint32Array.from({ length: formats.count }, (_, style) =>
        style === 0 ? 0 : 100 + style,
      );
      const task = { ...xlsxTaskFor(file, { dedupe: ['id'] }), outputStyles: table };
      const before = engineThread.engineRows;
      const engine = await parseFile(task, engineThread);
      expect(engineThread.engineRows - before > 0).toBe(byEngine);
      expect(engine).toEqual(await parseFile(task, scannerThread));
      const rows = renderedRows(engine);
      expect(rows.some((row) => row.includes(' s="1'))).toBe(true);
    });
  }
});
