/**
 * DuplicatesCollector: the duplicates report's rows from reduced sheets built by hand: every
 * dropped row (against other files and inside its own) in merge order, grouped by key, beside
 * the row kept in its place, its cells under the merged header.
 */
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../src/options.js';
import { DuplicatesCollector } from '../../src/reduce/duplicates-report.js';
import {
  fileResult,
  inputFile,
  newMergeState,
  reducedSheet,
  sheetResult,
} from '../helpers/reduced-sheets.js';

describe('DuplicatesCollector', () => {
  it('lists dropped rows in merge order, a group per key, beside the row kept', () => {
    // A Source column first, as with `sourceColumn`: the data columns start at output column 1.
    const state = newMergeState(normalizeOptions({ inputs: ['in'], sourceColumn: true }));
    const a = inputFile('/data', 'a.xlsx');
    const b = inputFile('/data', 'b.xlsx');
    const c = inputFile('/data', 'c.xlsx');
    const aResult = fileResult([
      sheetResult({
        columns: ['id', 'name'],
        rows: [
          [1, 'Ann'],
          [2, 'Bob'],
        ],
        keys: ['k1', 'k2'],
        dropped: { keys: ['k1'], rowNumbers: [4], values: [[1, 'Ann again']] },
      }),
    ]);
    const bResult = fileResult([
      sheetResult({
        name: 'Q1',
        columns: ['name', 'id'],
        rows: [
          ['Bob B', 2],
          ['Cy', 3],
          ['Nobody', null],
        ],
        keys: ['k2', 'k3', null],
      }),
      sheetResult({ name: 'Q2', index: 1, columns: ['id'], rows: [[1]], keys: ['k1'] }),
    ]);
    const cResult = fileResult([sheetResult({ columns: ['id'], rows: [[9]], keys: ['k9'] })]);
    const collector = new DuplicatesCollector();
    collector.add(reducedSheet(state, a, aResult, 0, [0, 1]));
    // Added out of merge order: the report is sorted all the same.
    collector.add(reducedSheet(state, b, bResult, 1, []));
    collector.add(reducedSheet(state, b, bResult, 0, [1, 2]));
    // keep none: no row of the key survived anywhere.
    collector.add(reducedSheet(state, c, cResult, 0, []));
    // Without kept formats the rows carry no styles.
    expect(collector.rows(1).every((row) => row.styles === null)).toBe(true);
    expect(collector.rows(1).map((row) => row.cells)).toEqual([
      [1, 'in/a.xlsx', 'Sheet1', 4, 'in/a.xlsx', 'Sheet1', 2, 1, 'Ann again'],
      [2, 'in/b.xlsx', 'Q1', 2, 'in/a.xlsx', 'Sheet1', 3, 2, 'Bob B'],
      [1, 'in/b.xlsx', 'Q2', 2, 'in/a.xlsx', 'Sheet1', 2, 1],
      [3, 'in/c.xlsx', 'Sheet1', 2, null, null, null, 9],
    ]);
  });
});
