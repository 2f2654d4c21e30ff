/**
 * parseInOrder: files parsed concurrently, handed over in input order, at most `window` at a
 * time; a failed file is delivered in its place, a cancelled run stops.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { type ParsedFile, parseInOrder } from '../../src/reduce/parse-in-order.js';
import type { InputFile } from '../../src/scan/scan-inputs.js';
import type { FileResult } from '../../src/worker/protocol.js';
import { fileResult, inputFile } from '../helpers/reduced-sheets.js';

const files = ['a.xlsx', 'b.xlsx', 'c.xlsx', 'd.xlsx', 'e.xlsx'].map((name) =>
  inputFile('/data', name),
);

/** A parse whose files finish when the test says so, recording which are in flight. */
function controlledParse() {
  const waiting = new Map<
    string,
    { resolve: (result: FileResult) => void; reject: (error: unknown) => void }
  >();
  const started: string[] = [];
  const parse = (file: InputFile) =>
    new Promise<FileResult>((resolve, reject) => {
      started.push(file.source);
      waiting.set(file.source, { resolve, reject });
    });
  const settle = (name: string, outcome: FileResult | Error) => {
    const entry = waiting.get(name);
    if (entry === undefined) throw new Error(`${name} was not started`);
    waiting.delete(name);
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome);
  };
  return { parse, started, settle };
}

/** Each outcome as [file, rows read] or [file, error code]. */
function described(outcome: ParsedFile): [string, number | string] {
  return 'error' in outcome
    ? [outcome.file.source, outcome.error.code]
    : [outcome.file.source, outcome.result.rowsRead];
}

const rows = (n: number) => fileResult([], { rowsRead: n });

describe('parseInOrder', () => {
  it('hands outcomes over in input order whatever order they finish in, keeping `window` started', async () => {
    const { parse, started, settle } = controlledParse();
    const outcomes = parseInOrder(files, parse, 2);
    const first = outcomes.next();
    await Promise.resolve();
    expect(started).toEqual(['a.xlsx', 'b.xlsx']);
    settle('b.xlsx', rows(2));
    settle('a.xlsx', rows(1));
    expect(described((await first).value as ParsedFile)).toEqual(['a.xlsx', 1]);
    const second = outcomes.next();
    await Promise.resolve();
    // b is done but not handed over yet: it holds one of the two places, c the other.
    expect(started).toEqual(['a.xlsx', 'b.xlsx', 'c.xlsx']);
    expect(described((await second).value as ParsedFile)).toEqual(['b.xlsx', 2]);
    const third = outcomes.next();
    await Promise.resolve();
    expect(started).toEqual(['a.xlsx', 'b.xlsx', 'c.xlsx', 'd.xlsx']);
    settle('d.xlsx', rows(4));
    settle('c.xlsx', rows(3));
    expect(described((await third).value as ParsedFile)).toEqual(['c.xlsx', 3]);
    const rest = (async () => {
      const seen: [string, number | string][] = [];
      for await (const outcome of outcomes) seen.push(described(outcome));
      return seen;
    })();
    await Promise.resolve();
    settle('e.xlsx', rows(5));
    expect(await rest).toEqual([
      ['d.xlsx', 4],
      ['e.xlsx', 5],
    ]);
  });

  it('delivers a failure in its place, an unexpected one as INTERNAL with its cause', async () => {
    const bad = new TypeError('boom');
    const parse = async (file: InputFile): Promise<FileResult> => {
      if (file.source === 'b.xlsx') {
        throw new XlmergeError(ErrorCode.EmptyFile, 'The file is empty', { file: file.display });
      }
      if (file.source === 'd.xlsx') throw bad;
      return rows(1);
    };
    const outcomes: ParsedFile[] = [];
    for await (const outcome of parseInOrder(files, parse, 3)) outcomes.push(outcome);
    expect(outcomes.map(described)).toEqual([
      ['a.xlsx', 1],
      ['b.xlsx', ErrorCode.EmptyFile],
      ['c.xlsx', 1],
      ['d.xlsx', ErrorCode.Internal],
      ['e.xlsx', 1],
    ]);
    expect(outcomes.map((outcome) => outcome.index)).toEqual([0, 1, 2, 3, 4]);
    const internal = outcomes[3] as ParsedFile & { error: XlmergeError };
    expect([internal.error.describe(), internal.error.cause]).toEqual([
      'in/d.xlsx: Unexpected error: TypeError: boom',
      bad,
    ]);
  });

  it('stops with ABORTED once the signal is aborted, before handing over the next file', async () => {
    const controller = new AbortController();
    const handed: string[] = [];
    const parse = async () => rows(1);
    const run = async () => {
      for await (const outcome of parseInOrder(files, parse, 2, controller.signal)) {
        handed.push(outcome.file.source);
        if (handed.length === 2) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: ErrorCode.Aborted });
    expect(handed).toEqual(['a.xlsx', 'b.xlsx']);
  });
});
