/**
 * reduceFiles on parse results built by hand (no workbooks, no workers): the merge in input
 * order, which rows survive across files for each keep mode, columns aligned by name, failed
 * files skipped or listed, Excel's column limit, and the per-file summaries.
 */
import { describe, expect, it } from 'vitest';
import type { KeepMode } from '../../src/core/dedupe.js';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { type MergeOptions, normalizeOptions, type Progress } from '../../src/options.js';
import {
  finishFileSummaries,
  type MergeState,
  type ReducedSheet,
  reduceFiles,
} from '../../src/reduce/reduce-files.js';
import type { InputFile } from '../../src/scan/scan-inputs.js';
import type { FileResult } from '../../src/worker/protocol.js';
import { rejectionOf } from '../helpers/errors.js';
import { fileResult, inputFile, newMergeState, sheetResult } from '../helpers/reduced-sheets.js';

/** One sheet of an `id` column holding these keys (`null`: an empty key cell). */
function keyed(keys: readonly (string | null)[], repeatedKeys: readonly string[] = []) {
  const rows = keys.map((key) => [key]);
  return fileResult([sheetResult({ columns: ['id'], rows, keys })], { repeatedKeys });
}

function settingsFor(options: Partial<MergeOptions> = {}) {
  return normalizeOptions({ inputs: ['in'], output: '/out/merged.xlsx', jobs: 1, ...options });
}

/** Runs the reducer over `results` by file name; returns what it yielded and its state. */
async function reduce(
  results: Record<string, FileResult | Error>,
  options: Partial<MergeOptions> = {},
) {
  const settings = settingsFor(options);
  const state = newMergeState(settings);
  const files = Object.keys(results).map((name) => inputFile('/data', name));
  const parsed: string[] = [];
  const parse = async (file: InputFile) => {
    parsed.push(file.source);
    const outcome = results[file.source];
    if (outcome === undefined || outcome instanceof Error) throw outcome;
    return outcome;
  };
  const yielded: ReducedSheet[] = [];
  const run = async () => {
    for await (const reduced of reduceFiles(files, settings, parse, state)) yielded.push(reduced);
  };
  return { run, state, yielded, parsed };
}

/** What was yielded as [file, sheet, kept rows]. */
function kept(yielded: readonly ReducedSheet[]) {
  return yielded.map((reduced) => [reduced.file.source, reduced.sheet.name, reduced.kept]);
}

function counts(state: MergeState) {
  return state.files.map((file) => [file.file, file.rowsKept, file.duplicatesAcrossFiles]);
}

describe('reduceFiles: which rows survive across files', () => {
  // a.xlsx: 1 2 3 6; b.xlsx: sheet Q1 holds 2, sheet Q2 holds 4 (and with keep none the file
  // repeated 6, whose rows are gone already); c.xlsx: 3 5 and a row with no key.
  const results = (keep: KeepMode) => ({
    'a.xlsx': keyed(['1', '2', '3', '6']),
    'b.xlsx': fileResult(
      [
        sheetResult({ name: 'Q1', columns: ['id'], rows: [['2']], keys: ['2'] }),
        sheetResult({ name: 'Q2', index: 1, columns: ['id'], rows: [['4']], keys: ['4'] }),
      ],
      { repeatedKeys: keep === 'none' ? ['6'] : [] },
    ),
    'c.xlsx': keyed(['3', '5', null]),
  });

  it.each([
    ['first', [0, 1, 2, 3], [], [0], [1, 2]],
    ['last', [0, 3], [0], [0], [0, 1, 2]],
    ['none', [0], [], [0], [1, 2]],
  ] as const)('keep %s: a keeps %j, b %j and %j, c %j', async (keep, a, q1, q2, c) => {
    const { run, state, yielded } = await reduce(results(keep), { dedupe: ['id'], keep });
    await run();
    expect(kept(yielded)).toEqual([
      ['a.xlsx', 'Sheet1', a],
      ['b.xlsx', 'Q1', q1],
      ['b.xlsx', 'Q2', q2],
      ['c.xlsx', 'Sheet1', c],
    ]);
    const b = q1.length + q2.length;
    expect(counts(state)).toEqual([
      ['in/a.xlsx', a.length, 4 - a.length],
      ['in/b.xlsx', b, 2 - b],
      ['in/c.xlsx', c.length, 3 - c.length],
    ]);
  });

  it.each([
    ['first', true],
    ['last', false],
  ] as const)('keep %s: yields a file before the next is parsed: %s', async (keep, early) => {
    const settings = settingsFor({ dedupe: ['id'], keep });
    const files = [inputFile('/data', 'a.xlsx'), inputFile('/data', 'b.xlsx')];
    let finishB: (result: FileResult) => void = () => {};
    const parse = (file: InputFile) =>
      file.source === 'a.xlsx'
        ? Promise.resolve(keyed(['1']))
        : new Promise<FileResult>((resolve) => {
            finishB = resolve;
          });
    const reduced = reduceFiles(files, settings, parse, newMergeState(settings));
    let first: string | null = null;
    const next = reduced.next().then((step) => {
      first = step.done ? 'done' : step.value.file.source;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(first).toBe(early ? 'a.xlsx' : null);
    finishB(keyed(['1']));
    await next;
    expect(first).toBe('a.xlsx');
  });

  it('reports progress after each file, with the duplicates dropped so far', async () => {
    const progress: Progress[] = [];
    const { run } = await reduce(
      {
        'a.xlsx': fileResult(keyed(['1', '2']).sheets, { duplicatesInFile: 3, rowsRead: 5 }),
        'b.xlsx': keyed(['2', '3']),
      },
      { dedupe: ['id'], onProgress: (p) => progress.push(p) },
    );
    await run();
    expect(progress).toEqual([
      { filesTotal: 2, filesDone: 1, rowsRead: 5, duplicates: 3 },
      { filesTotal: 2, filesDone: 2, rowsRead: 7, duplicates: 4 },
    ]);
  });
});

describe('reduceFiles: columns', () => {
  it('aligns columns by name in first-seen order; each file adds and lacks its own', async () => {
    const { run, state, yielded } = await reduce({
      'a.xlsx': fileResult([sheetResult({ columns: ['id', 'name'], rows: [[1, 'Ann']] })]),
      'b.xlsx': fileResult([
        sheetResult({ name: 'Q1', columns: ['name', 'id', 'phone'], rows: [['Bob', 2, '555']] }),
        sheetResult({ name: 'Q2', index: 1, columns: ['email'], rows: [['cy@x']] }),
      ]),
    });
    await run();
    expect(
      yielded.map((reduced) => [reduced.sheet.name, reduced.outputs, reduced.severalSheets]),
    ).toEqual([
      ['Sheet1', [0, 1], false],
      ['Q1', [1, 0, 2], true],
      ['Q2', [3], true],
    ]);
    expect(state.union.dataNames).toEqual(['id', 'name', 'phone', 'email']);
    expect(
      finishFileSummaries(state).map((file) => [file.file, file.addedColumns, file.missingColumns]),
    ).toEqual([
      ['in/a.xlsx', ['id', 'name'], ['phone', 'email']],
      ['in/b.xlsx', ['phone', 'email'], []],
    ]);
  });

  it('with loose matching, a file lacks no column it has under another spelling', async () => {
    const { run, state, yielded } = await reduce(
      {
        'a.xlsx': fileResult([sheetResult({ columns: ['Customer ID', 'Name'], rows: [] })]),
        'b.xlsx': fileResult([sheetResult({ columns: ['name', 'customer_id', 'x'], rows: [] })]),
      },
      { matchHeaders: 'loose' },
    );
    await run();
    expect(yielded.map((reduced) => reduced.outputs)).toEqual([
      [0, 1],
      [1, 0, 2],
    ]);
    expect(finishFileSummaries(state).map((file) => file.missingColumns)).toEqual([['x'], []]);
  });

  const wide = (count: number, prefix: string) =>
    fileResult([
      sheetResult({
        name: `${prefix} sheet`,
        columns: Array.from({ length: count }, (_, i) => `${prefix}${i}`),
        rows: [],
      }),
    ]);

  it("fails with TOO_MANY_COLUMNS on the sheet that takes the header past Excel's 16,384", async () => {
    const { run, yielded } = await reduce({
      'a.xlsx': wide(16_000, 'a'),
      'b.xlsx': wide(384, 'a'),
      'c.xlsx': wide(385, 'c'),
    });
    const error = await rejectionOf(run());
    expect([error.code, error.describe()]).toEqual([
      ErrorCode.TooManyColumns,
      'in/c.xlsx, sheet "c sheet": With this sheet the merged header has 16,385 columns; an Excel sheet holds 16,384. Merge files with fewer distinct columns, keep fewer with `columns`, or write the output as CSV (a .csv name), which has no column limit',
    ]);
    expect(kept(yielded).map(([file]) => file)).toEqual(['a.xlsx', 'b.xlsx']);
  });

  it('counts the Source column against the limit, and has no limit for a CSV output', async () => {
    const full = { 'a.xlsx': wide(16_384, 'a') };
    await expect((await reduce(full)).run()).resolves.toBeUndefined();
    const withSource = await reduce(full, { sourceColumn: true });
    expect((await rejectionOf(withSource.run())).code).toBe(ErrorCode.TooManyColumns);
    const csv = await reduce(full, { sourceColumn: true, output: '/out/merged.csv' });
    await csv.run();
    expect(csv.state.union.size).toBe(16_385);
  });
});

describe('reduceFiles: files that fail', () => {
  const emptyFile = (name: string) =>
    new XlmergeError(ErrorCode.EmptyFile, 'The file is empty (0 bytes)', { file: `in/${name}` });

  it('with skipErrors, merges the others and lists each failed file with its reason', async () => {
    const { run, state, yielded } = await reduce(
      { 'a.xlsx': keyed(['1']), 'b.xlsx': emptyFile('b.xlsx'), 'c.xlsx': keyed(['1', '2']) },
      { dedupe: ['id'], skipErrors: true },
    );
    await run();
    expect(kept(yielded)).toEqual([
      ['a.xlsx', 'Sheet1', [0]],
      ['c.xlsx', 'Sheet1', [1]],
    ]);
    expect(state.skipped).toEqual([
      {
        file: 'in/b.xlsx',
        code: ErrorCode.EmptyFile,
        reason: 'in/b.xlsx: The file is empty (0 bytes)',
      },
    ]);
    expect(counts(state)).toEqual([
      ['in/a.xlsx', 1, 0],
      ['in/c.xlsx', 1, 1],
    ]);
  });

  it('without skipErrors, yields nothing after a failure, parses on, and lists every failure', async () => {
    const { run, yielded, parsed } = await reduce({
      'a.xlsx': keyed(['1']),
      'b.xlsx': emptyFile('b.xlsx'),
      'c.xlsx': keyed(['2']),
      'd.xlsx': new TypeError('boom'),
    });
    const error = await rejectionOf(run());
    expect([error.code, error.message]).toEqual([
      ErrorCode.FilesFailed,
      '2 files could not be merged; nothing was written',
    ]);
    expect(error.failures?.map((failure) => [failure.code, failure.describe()])).toEqual([
      [ErrorCode.EmptyFile, 'in/b.xlsx: The file is empty (0 bytes)'],
      [ErrorCode.Internal, 'in/d.xlsx: Unexpected error: TypeError: boom'],
    ]);
    expect(kept(yielded).map(([file]) => file)).toEqual(['a.xlsx']);
    expect(parsed).toEqual(['a.xlsx', 'b.xlsx', 'c.xlsx', 'd.xlsx']);
  });

  it('says "A file" when one failed', async () => {
    const { run } = await reduce({ 'a.xlsx': emptyFile('a.xlsx') });
    expect((await rejectionOf(run())).message).toBe(
      'A file could not be merged; nothing was written',
    );
  });
});
