/**
 * The worker's parse, called directly: how it renders surviving rows as CSV fields, and as cell
 * XML with kept number formats.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MergeOptions, normalizeOptions } from '../../src/options.js';
import { STYLE_REFUSED } from '../../src/render/cell-styles.js';
import { decodeRow } from '../../src/render/rendered-rows.js';
import { parseFile } from '../../src/worker/parse-file.js';
import { parseTaskFor } from '../../src/worker/parse-task.js';
import { ParseThread } from '../../src/worker/parse-thread.js';
import type { SheetResult } from '../../src/worker/protocol.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { type TestCell, writeTable } from '../helpers/workbooks.js';
import { stylesXml, worksheetXml, writeWorkbookParts } from '../helpers/xlsx-builder.js';

async function csvOf(
  rows: readonly (readonly TestCell[])[],
  options: Partial<MergeOptions> = {},
): Promise<{ fields: number; rows: string[]; sheet: SheetResult }> {
  const file = path.join(await makeTempDir(), 'a.xlsx');
  await writeTable(file, rows);
  // Rendered as the workers render for a CSV output.
  const output = path.join(path.dirname(file), 'out.csv');
  const settings = normalizeOptions({ inputs: [file], output, ...options });
  const display = path.basename(file);
  const task = parseTaskFor({ path: file, display, source: display, input: file }, settings, 'csv');
  const result = await parseFile(task, new ParseThread());
  const sheet = result.sheets[0] as SheetResult;
  const csv = sheet.csv;
  if (csv === null) throw new Error('no CSV rows');
  return {
    fields: csv.fields,
    rows: Array.from(csv.ends, (_, index) => decodeRow(csv, index)),
    sheet,
  };
}

describe('parseFile with render csv', () => {
  it('renders each row up to the last named column, gaps as empty fields', async () => {
    const { fields, rows, sheet } = await csvOf([
      ['id', 'name', null, 'amount'],
      [1, 'a', null, 2.5],
      [2, 'b,c', null, -5],
      [3, '=1+1'],
    ]);
    expect(sheet.columns.map((column) => column.source)).toEqual([0, 1, 3]);
    expect([sheet.xml, sheet.values]).toEqual([null, null]);
    expect(fields).toBe(4);
    expect(rows).toEqual(['1,a,,2.5', '2,"b,c",,-5', `3,"'=1+1",,`]);
  });

  it('pads the rows rendered before data reached a new column', async () => {
    const { fields, rows, sheet } = await csvOf([
      ['id', 'name'],
      [1, 'a'],
      [2, 'b', 'extra'],
      [3],
      [4, null, null, null, 'far'],
      [5, 'e'],
    ]);
    expect(sheet.columns.map((column) => column.name)).toEqual([
      'id',
      'name',
      'Column C',
      'Column E',
    ]);
    expect(fields).toBe(5);
    expect(rows).toEqual(['1,a,,,', '2,b,extra,,', '3,,,,', '4,,,,far', '5,e,,,']);
  });

  it('pads before picking the survivors when the file decides at the end', async () => {
    const { rows } = await csvOf(
      [
        ['id', 'name'],
        [1, 'first'],
        [2, 'b'],
        [1, 'last', 'x'],
      ],
      { dedupe: ['id'], keep: 'last' },
    );
    expect(rows).toEqual(['2,b,', '1,last,x']);
  });

  it('renders the selected columns at their output positions', async () => {
    const { fields, rows, sheet } = await csvOf(
      [
        ['id', 'name', 'city'],
        [1, 'a', 'Oslo'],
        [2, 'b'],
      ],
      { columns: ['city', 'phone', 'id'] },
    );
    expect(sheet.placed).toBe(true);
    expect(fields).toBe(3);
    expect(rows).toEqual(['Oslo,,1', ',,2']);
  });

  it('takes in columns data reaches later: as keys on all columns, and when selected', async () => {
    const rows: TestCell[][] = [
      ['id', 'x'],
      [1, 'a', null, null, 'e'],
      [1, 'a', null, null, 'e'],
      [1, 'a', 'c', null, 'e'],
      [1, 'a', null, 'd'],
      [1, 'a', null, 'd'],
    ];
    const all = await csvOf(rows, { dedupe: true });
    expect(all.sheet.columns.map((column) => column.name)).toEqual([
      'id',
      'x',
      'Column C',
      'Column D',
      'Column E',
    ]);
    expect(all.rows).toEqual(['1,a,,,e', '1,a,c,,e', '1,a,,d,']);
    const picked = await csvOf(rows, { dedupe: true, columns: ['Column D', 'id', 'Column E'] });
    expect(picked.rows).toEqual([',1,e', 'd,1,']);
  });
});

describe('parseFile with render xlsx and kept number formats', () => {
  it('renders each data cell with the output style of its cell style, the header without', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'styled.xlsx');
    await writeWorkbookParts(file, {
      sheets: [
        {
          name: 'Data',
          xml: worksheetXml(
            '<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>zip</t></is></c><c r="B1" t="inlineStr"><is><t>day</t></is></c><c r="C1" t="inlineStr"><is><t>n</t></is></c></row>' +
              '<row r="2"><c r="A2" s="1"><v>123</v></c><c r="B2" s="2"><v>45000</v></c><c r="C2"><v>1.5</v></c></row>' +
              '<row r="3"><c r="A3" s="1"><v>123</v></c><c r="B3" s="3"><v>45000.25</v></c><c r="C3" s="9"><v>2</v></c></row>',
          ),
        },
      ],
      styles: stylesXml({
        numFmts: [
          { id: 164, code: '00000' },
          { id: 165, code: 'dd.mm.yyyy hh:mm' },
        ],
        cellFormatIds: [0, 164, 14, 165],
      }),
    });
    const settings = normalizeOptions({
      inputs: [file],
      output: path.join(dir, 'out.xlsx'),
      columns: ['n', 'day', 'zip'],
    });
    const display = path.basename(file);
    const task = {
      ...parseTaskFor({ path: file, display, source: display, input: file }, settings, 'xlsx'),
      // Styles 1 to 3 become output styles 7, 8 and 9; 0 and those past the table, none.
      outputStyles: Uint32Array.from([0, 7, 8, 9]),
    };
    const result = await parseFile(task, new ParseThread());
    const xml = (result.sheets[0] as SheetResult).xml;
    if (xml === null) throw new Error('no rows');
    const P = '\u0000';
    // In the chosen columns' order; the date with a kept style is its serial in that style.
    expect(Array.from(xml.ends, (_, index) => decodeRow(xml, index))).toEqual([
      `<c r="A${P}"><v>1.5</v></c><c r="B${P}" s="8"><v>45000</v></c><c r="C${P}" s="7"><v>123</v></c>`,
      `<c r="A${P}"><v>2</v></c><c r="B${P}" s="9"><v>45000.25</v></c><c r="C${P}" s="7"><v>123</v></c>`,
    ]);
  });
});

describe('parseFile with formats the output cannot keep', () => {
  it('writes their cells plain and counts them, and leaves the file to the scanner', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'refused.xlsx');
    await writeWorkbookParts(file, {
      sheets: [
        {
          name: 'Data',
          xml: worksheetXml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c><c r="C1" t="inlineStr"><is><t>c</t></is></c></row>' +
              '<row r="2"><c r="A2" s="1"><v>1</v></c><c r="B2" s="2"><v>45000</v></c><c r="C2" s="1"/></row>' +
              '<row r="3"><c r="A3" s="1"><v>2</v></c><c r="B3"><v>3</v></c></row>',
          ),
        },
      ],
      styles: stylesXml({ numFmts: [{ id: 164, code: '0.0' }], cellFormatIds: [0, 164, 14] }),
    });
    const settings = normalizeOptions({ inputs: [file], output: path.join(dir, 'out.xlsx') });
    const display = path.basename(file);
    const task = {
      ...parseTaskFor({ path: file, display, source: display, input: file }, settings, 'xlsx'),
      outputStyles: Uint32Array.from([0, STYLE_REFUSED, 6]),
    };
    const thread = new ParseThread();
    const result = await parseFile(task, thread);
    // A1 and A3 lose their format (C2 is empty); the date keeps its kept style.
    expect(result.cellsWithoutFormat).toBe(2);
    expect(thread.engineRows).toBe(0);
    const xml = (result.sheets[0] as SheetResult).xml;
    if (xml === null) throw new Error('no rows');
    expect(Array.from(xml.ends, (_, index) => decodeRow(xml, index))).toEqual([
      '<c r="A\u0000"><v>1</v></c><c r="B\u0000" s="6"><v>45000</v></c>',
      '<c r="A\u0000"><v>2</v></c><c r="B\u0000"><v>3</v></c>',
    ]);
  });
});
