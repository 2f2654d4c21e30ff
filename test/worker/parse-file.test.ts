/** The worker's parse, called directly: how it renders surviving rows as CSV fields. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MergeOptions, normalizeOptions } from '../../src/options.js';
import { decodeRow } from '../../src/render/rendered-rows.js';
import { parseFile } from '../../src/worker/parse-file.js';
import { parseTaskFor } from '../../src/worker/parse-task.js';
import { ParseThread } from '../../src/worker/parse-thread.js';
import type { SheetResult } from '../../src/worker/protocol.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { type TestCell, writeTable } from '../helpers/workbooks.js';

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
