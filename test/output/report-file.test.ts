/**
 * The duplicates report's file: writeDuplicatesReport through createReportFile, as a one-sheet
 * workbook (read back with exceljs) or a CSV file: the provenance columns, then the merged
 * header without the Source column, every row padded to it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { normalizeOptions } from '../../src/options.js';
import { createReportFile, writeDuplicatesReport } from '../../src/output/report-file.js';
import { DuplicatesCollector } from '../../src/reduce/duplicates-report.js';
import { parseCsv } from '../helpers/csv.js';
import { rejectionOf } from '../helpers/errors.js';
import {
  fileResult,
  inputFile,
  newMergeState,
  reducedSheet,
  sheetResult,
} from '../helpers/reduced-sheets.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';

const settings = normalizeOptions({ inputs: ['in'], sourceColumn: true });

/** a.xlsx keeps key k1 and drops it on its row 3; b.xlsx (only an id column) drops it too. */
function collected(): { collector: DuplicatesCollector; header: string[] } {
  const state = newMergeState(settings);
  const a = fileResult([
    sheetResult({
      columns: ['id', 'name'],
      rows: [[1, 'Ann']],
      keys: ['k1'],
      dropped: { keys: ['k1'], rowNumbers: [3], values: [[1, 'Ann again']] },
    }),
  ]);
  const b = fileResult([sheetResult({ columns: ['id'], rows: [[1]], keys: ['k1'] })]);
  const collector = new DuplicatesCollector();
  collector.add(reducedSheet(state, inputFile('/data', 'a.xlsx'), a, 0, [0]));
  collector.add(reducedSheet(state, inputFile('/data', 'b.xlsx'), b, 0, []));
  return { collector, header: state.union.header(['Source']).names };
}

const COLUMNS = ['Group', 'File', 'Sheet', 'Row', 'Kept file', 'Kept sheet', 'Kept row'];

describe('writeDuplicatesReport', () => {
  it('writes a workbook of one Duplicates sheet', async () => {
    const dir = await makeTempDir();
    const { collector, header } = collected();
    expect(header).toEqual(['Source', 'id', 'name']);
    const file = createReportFile(path.join(dir, 'dups.xlsx'), 'xlsx');
    await writeDuplicatesReport(file, collector, header, settings);
    const finished = await file.finish();
    const report = await readWorkbook(finished.temp);
    expect(report.sheets).toEqual(['Duplicates']);
    expect(report.rows).toEqual([
      [...COLUMNS, 'id', 'name'],
      [1, 'in/a.xlsx', 'Sheet1', 3, 'in/a.xlsx', 'Sheet1', 2, 1, 'Ann again'],
      [1, 'in/b.xlsx', 'Sheet1', 2, 'in/a.xlsx', 'Sheet1', 2, 1],
    ]);
    await file.abort();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('writes a CSV file with every record as wide as the header', async () => {
    const dir = await makeTempDir();
    const { collector, header } = collected();
    const file = createReportFile(path.join(dir, 'dups.csv'), 'csv');
    await writeDuplicatesReport(file, collector, header, settings);
    const finished = await file.finish();
    expect(parseCsv(await fs.readFile(finished.temp, 'utf8'))).toEqual([
      [...COLUMNS, 'id', 'name'],
      ['1', 'in/a.xlsx', 'Sheet1', '3', 'in/a.xlsx', 'Sheet1', '2', '1', 'Ann again'],
      ['1', 'in/b.xlsx', 'Sheet1', '2', 'in/a.xlsx', 'Sheet1', '2', '1', ''],
    ]);
    await file.abort();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('cannot finish a CSV report that was never written', async () => {
    const dir = await makeTempDir();
    const file = createReportFile(path.join(dir, 'dups.csv'), 'csv');
    const error = await rejectionOf(file.finish());
    expect([error.code, error.message]).toEqual([ErrorCode.Internal, 'The report was not written']);
    await file.abort();
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
