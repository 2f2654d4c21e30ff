/**
 * writeCsvRows: a reduced sheet's kept rows, rendered as CSV fields, copied into the merged CSV
 * file: moved to their merged columns, after the Source field, padded to the final header.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvWriter } from '../../src/csv/write/csv-writer.js';
import { normalizeOptions } from '../../src/options.js';
import { writeCsvRows } from '../../src/output/csv-rows.js';
import { parseCsv } from '../helpers/csv.js';
import {
  fileResult,
  inputFile,
  newMergeState,
  reducedSheet,
  sheetResult,
} from '../helpers/reduced-sheets.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Writes sheets through `writeCsvRows`, ends the file under the union's header, reads it. */
async function writeSheets(sourceColumn: boolean) {
  const dir = await makeTempDir();
  const state = newMergeState(normalizeOptions({ inputs: ['in'], sourceColumn }));
  const writer = createCsvWriter({ path: path.join(dir, 'out.csv') });
  const a = fileResult([
    sheetResult({
      columns: ['id', 'name'],
      rows: [
        [1, 'Ann'],
        [2, 'left out'],
        [3, '=1+1'],
      ],
      columnOffset: sourceColumn ? 1 : 0,
    }),
  ]);
  const b = fileResult([
    sheetResult({ name: 'Q1', columns: ['name', 'id', 'phone'], rows: [['Cy, Jr.', 4, '555']] }),
    sheetResult({ name: 'Q2', index: 1, columns: ['id'], rows: [[5]] }),
  ]);
  const sheets = [
    reducedSheet(state, inputFile(dir, 'a.xlsx'), a, 0, [0, 2]),
    reducedSheet(state, inputFile(dir, 'b, 2024.xlsx'), b, 0, [0]),
    reducedSheet(state, inputFile(dir, 'b, 2024.xlsx'), b, 1, [0]),
  ];
  for (const reduced of sheets) {
    await writeCsvRows(writer, reduced, state.union.size, sourceColumn);
  }
  await writer.end(state.union.header(sourceColumn ? ['Source'] : []).names);
  const finished = writer.finish();
  const text = await fs.readFile(finished.temp, 'utf8');
  await writer.abort();
  return text;
}

describe('writeCsvRows', () => {
  it('writes the kept rows in their merged columns, padding those written while narrower', async () => {
    const text = await writeSheets(false);
    expect(text).toBe('\uFEFFid,name,phone\r\n1,Ann,\r\n3,"\'=1+1",\r\n4,"Cy, Jr.",555\r\n5,,\r\n');
  });

  it('starts each record with the Source field: the file, and the sheet when it has several', async () => {
    expect(parseCsv(await writeSheets(true))).toEqual([
      ['Source', 'id', 'name', 'phone'],
      ['a.xlsx', '1', 'Ann', ''],
      ['a.xlsx', '3', "'=1+1", ''],
      ['b, 2024.xlsx [Q1]', '4', 'Cy, Jr.', '555'],
      ['b, 2024.xlsx [Q2]', '5', '', ''],
    ]);
  });
});
