/**
 * createMergeOutput on reduced sheets from parse results built by hand: the workbook (`Merged`
 * with the Source column, the `Summary` sheet) or the CSV file, read back with exceljs or as
 * text; the names of the sheets `overflow: 'split'` adds, and the row-limit error.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { type MergeOptions, normalizeOptions } from '../../src/options.js';
import {
  createMergeOutput,
  outputSheetName,
  SOURCE_COLUMN,
  tooManyRows,
} from '../../src/output/merge-output.js';
import { reduceFiles } from '../../src/reduce/reduce-files.js';
import type { InputFile } from '../../src/scan/scan-inputs.js';
import type { FileResult } from '../../src/worker/protocol.js';
import { fileResult, inputFile, newMergeState, sheetResult } from '../helpers/reduced-sheets.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';

/**
 * a.xlsx: id, name; b.xlsx: sheet Q1 (name, id, phone) whose first row repeats a key of a.xlsx,
 * and sheet Q2 (id); c.xlsx: empty, skipped.
 */
function results(columnOffset: number): Record<string, FileResult | XlmergeError> {
  return {
    'a.xlsx': fileResult([
      sheetResult({
        columns: ['id', 'name'],
        rows: [
          [1, 'Ann'],
          [2, 'Bob'],
        ],
        keys: ['1', '2'],
        columnOffset,
      }),
    ]),
    'b.xlsx': fileResult([
      sheetResult({
        name: 'Q1',
        columns: ['name', 'id', 'phone'],
        rows: [
          ['Bob again', 2, '555'],
          ['Cy', 3, '556'],
        ],
        keys: ['2', '3'],
        columnOffset,
      }),
      sheetResult({
        name: 'Q2',
        index: 1,
        columns: ['id'],
        rows: [[4]],
        keys: ['4'],
        columnOffset,
      }),
    ]),
    'c.xlsx': new XlmergeError(ErrorCode.EmptyFile, 'The file is empty (0 bytes)', {
      file: 'in/c.xlsx',
    }),
  };
}

/** Merges `results()` into an output named `name` as merge() does; returns the finished file. */
async function writeOutput(name: string, options: Partial<MergeOptions>) {
  const dir = await makeTempDir();
  const settings = normalizeOptions({
    inputs: ['in'],
    output: path.join(dir, name),
    dedupe: ['id'],
    skipErrors: true,
    jobs: 1,
    ...options,
  });
  const parsed = results(settings.sourceColumn ? 1 : 0);
  const parse = async (file: InputFile) => {
    const outcome = parsed[file.source];
    if (outcome === undefined || outcome instanceof Error) throw outcome;
    return outcome;
  };
  const files = Object.keys(parsed).map((file) => inputFile(dir, file));
  const state = newMergeState(settings);
  const output = createMergeOutput(settings, settings.output, state, null);
  for await (const reduced of reduceFiles(files, settings, parse, state)) {
    await output.write(reduced);
  }
  const sheets = await output.end(state.union.header(settings.sourceColumn ? [SOURCE_COLUMN] : []));
  const finished = await output.finish();
  return { render: output.render, sheets, finished, abort: () => output.abort() };
}

describe('createMergeOutput: a workbook', () => {
  it('writes the kept rows under the merged header with their Source, then the Summary sheet', async () => {
    const output = await writeOutput('out.xlsx', { sourceColumn: true, summarySheet: true });
    expect([output.render, output.sheets]).toEqual(['xlsx', ['Merged', 'Summary']]);
    const merged = await readWorkbook(output.finished.temp);
    expect(merged.sheets).toEqual(['Merged', 'Summary']);
    expect(merged.rows).toEqual([
      ['Source', 'id', 'name', 'phone'],
      ['a.xlsx', 1, 'Ann'],
      ['a.xlsx', 2, 'Bob'],
      ['b.xlsx [Q1]', 3, 'Cy', '556'],
      ['b.xlsx [Q2]', 4],
    ]);
    const summary = await readWorkbook(output.finished.temp, 1);
    expect(summary.rows).toEqual([
      [
        'File',
        'Rows read',
        'Rows kept',
        'Duplicates in the file',
        'Duplicates of other files',
        'Blank rows',
        'Adds columns',
        'Lacks columns',
        'Skipped because',
      ],
      ['in/a.xlsx', 2, 2, 0, 0, 0, 'id, name', 'phone'],
      ['in/b.xlsx', 3, 2, 0, 1, 0, 'phone'],
      [
        'in/c.xlsx',
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        'in/c.xlsx: The file is empty (0 bytes)',
      ],
    ]);
    await output.abort();
    expect(await fs.readdir(path.dirname(output.finished.target))).toEqual([]);
  });

  it('names the sheets overflow adds, and fails past the row limit with TOO_MANY_ROWS', () => {
    expect([0, 1, 9].map(outputSheetName)).toEqual(['Merged', 'Merged (2)', 'Merged (10)']);
    const error = tooManyRows();
    expect([error.code, error.message]).toEqual([
      ErrorCode.TooManyRows,
      'The merge has more than 1,048,575 rows, the most an Excel sheet holds below its header; nothing was written',
    ]);
  });
});

describe('createMergeOutput: a CSV file', () => {
  it('writes one CSV file, which has no sheets, for a .csv name', async () => {
    const output = await writeOutput('out.csv', {});
    expect([output.render, output.sheets]).toEqual(['csv', []]);
    expect(await fs.readFile(output.finished.temp, 'utf8')).toBe(
      '\uFEFFid,name,phone\r\n1,Ann,\r\n2,Bob,\r\n3,Cy,556\r\n4,,\r\n',
    );
    await output.abort();
  });
});
