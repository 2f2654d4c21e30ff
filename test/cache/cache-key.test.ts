import { describe, expect, it } from 'vitest';
import {
  CACHE_FORMAT_VERSION,
  cacheKey,
  canonicalJson,
  encodeTaskOptions,
  SEGMENT_FORMAT_VERSION,
  type SegmentKeyParts,
  segmentKey,
} from '../../src/cache/cache-key.js';
import type { ParseTask } from '../../src/worker/protocol.js';
import { sampleTask } from '../helpers/parse-results.js';

const HASH = 'ab'.repeat(32);
const keyOf = (task: ParseTask, parts: Partial<Parameters<typeof cacheKey>[0]> = {}) =>
  cacheKey({ contentHash: HASH, task, xlmergeVersion: '0.1.0', runtime: 'v20.20.2 x64', ...parts });

describe('encodeTaskOptions', () => {
  it('writes every option but the paths, fields sorted, plus the extension', () => {
    expect(encodeTaskOptions(sampleTask())).toBe(
      '{"columnOffset":0,"columns":null,"csvDelimiter":null,"csvTypes":false,' +
        '"extension":".xlsx","headerRow":null,' +
        '"headers":{"match":"exact","rename":{}},"keep":"first",' +
        '"key":{"ignoreCase":false,"keysAsText":false,"trim":false},"keyColumns":["id"],' +
        '"limits":{"maxElementChars":268435456,"maxEntryBytes":4294967296,' +
        '"maxFileBytes":17179869184,"maxRunBytes":1099511627776,"maxSharedStrings":16777216},' +
        '"outputStyles":null,' +
        '"render":"xlsx","reportDuplicates":false,"sheet":{"kind":"first"},"sheetLimits":true,' +
        '"truncateLong":false}',
    );
  });

  it('does not depend on the order fields were built in', () => {
    const task = sampleTask({ headers: { rename: { a: 'x', b: 'y' }, match: 'loose' } });
    const reordered = { ...task, headers: { match: 'loose', rename: { b: 'y', a: 'x' } } } as const;
    expect(encodeTaskOptions(reordered)).toBe(encodeTaskOptions(task));
  });
});

describe('cacheKey', () => {
  it('is the SHA-256 of the parts: the same parts, the same key', () => {
    // Pinned: a change here changes every key, which needs a new CACHE_FORMAT_VERSION anyway.
    expect(CACHE_FORMAT_VERSION).toBe(6);
    expect(keyOf(sampleTask())).toBe(
      '7f2f909d6b9e14c912d0b154373dd6aa36c6eacf3b0ac4e5d191325ff4acc48f',
    );
  });

  it('does not change with the file’s folder, name or display name', () => {
    const key = keyOf(sampleTask());
    expect(keyOf(sampleTask({ file: '/elsewhere/b.xlsx', display: 'b.xlsx' }))).toBe(key);
    expect(keyOf(sampleTask({ file: '/data/in/A.XLSX' }))).toBe(key);
  });

  it('changes with the file’s bytes, the versions, the platform and the extension', () => {
    const key = keyOf(sampleTask());
    const others = [
      keyOf(sampleTask(), { contentHash: 'cd'.repeat(32) }),
      keyOf(sampleTask(), { xlmergeVersion: '0.2.0' }),
      keyOf(sampleTask(), { runtime: 'v22.0.0 x64' }),
      keyOf(sampleTask(), { runtime: 'v20.20.2 arm64' }),
      keyOf(sampleTask({ file: '/data/in/a.xlsm' })),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('changes with every option that shapes the result', () => {
    const variants: Partial<ParseTask>[] = [
      { sheet: { kind: 'all' } },
      { sheet: { kind: 'pick', wanted: [{ kind: 'name', name: 'Orders' }] } },
      { sheet: { kind: 'pick', wanted: [{ kind: 'position', position: 2 }] } },
      { sheet: { kind: 'pick', wanted: [{ kind: 'pattern', pattern: 'Q*' }] } },
      {
        sheet: {
          kind: 'pick',
          wanted: [
            { kind: 'name', name: 'Orders' },
            { kind: 'name', name: 'Q1' },
          ],
        },
      },
      { headerRow: 3 },
      { headers: { rename: { 'Cust ID': 'id' }, match: 'exact' } },
      { headers: { rename: {}, match: 'loose' } },
      { columns: ['id', 'name'] },
      { columns: ['name', 'id'] },
      { keyColumns: null },
      { keyColumns: 'all' },
      { keyColumns: ['id', 'email'] },
      { key: { ignoreCase: true, trim: false, keysAsText: false } },
      { key: { ignoreCase: false, trim: true, keysAsText: false } },
      { key: { ignoreCase: false, trim: false, keysAsText: true } },
      { keep: 'last' },
      { keep: 'none' },
      { render: 'values' },
      { render: 'none' },
      { render: 'csv' },
      { columnOffset: 1 },
      { limits: { ...sampleTask().limits, maxEntryBytes: 1000 } },
      { limits: { ...sampleTask().limits, maxFileBytes: 1000 } },
      { limits: { ...sampleTask().limits, maxElementChars: 1000 } },
      { limits: { ...sampleTask().limits, maxSharedStrings: 1000 } },
      { truncateLong: true },
      { sheetLimits: false },
      { reportDuplicates: true },
      { csvDelimiter: ';' },
      { csvDelimiter: '\t' },
      { csvTypes: true },
      { outputStyles: Uint32Array.from([0, 7]) },
      { outputStyles: Uint32Array.from([0, 8]) },
      { outputStyles: Uint32Array.from([0, 7, 0]) },
    ];
    const keys = variants.map((variant) => keyOf(sampleTask(variant)));
    expect(new Set([keyOf(sampleTask()), ...keys]).size).toBe(variants.length + 1);
  });
});

describe('canonicalJson', () => {
  it('sorts fields at every depth and leaves out undefined fields', () => {
    expect(canonicalJson({ b: [{ d: 1, c: undefined, a: 'x' }], a: null })).toBe(
      '{"a":null,"b":[{"a":"x","d":1}]}',
    );
  });

  it('writes an output style table as its numbers, unlike any JSON array or object', () => {
    expect(canonicalJson({ outputStyles: Uint32Array.from([0, 7, 12]) })).toBe(
      '{"outputStyles":u32[0,7,12]}',
    );
    expect(canonicalJson({ outputStyles: new Uint32Array(0) })).toBe('{"outputStyles":u32[]}');
  });

  it('refuses values it cannot write exactly, so none drops out of a key unseen', () => {
    const refused = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Map(),
      new Date(0),
      [undefined],
      1n,
      new Uint16Array(1),
    ];
    for (const value of refused) {
      expect(() => canonicalJson({ option: value })).toThrow(
        /^Internal: a parse task holds a value the cache cannot key: /,
      );
    }
  });
});

describe('segmentKey', () => {
  const parts: SegmentKeyParts = {
    resultKey: 'ab'.repeat(32),
    sheet: 0,
    kept: [0, 1, 3],
    firstRow: 2,
    outputs: [0, 1, 2],
    placed: false,
    columnOffset: 0,
    prefix: '',
    compression: 'raw deflate level 1',
  };
  const keyWith = (changed: Partial<SegmentKeyParts>) => segmentKey({ ...parts, ...changed });

  it('is the SHA-256 of the parts: the same parts, the same key', () => {
    // Pinned: a change here changes every key, which needs a new SEGMENT_FORMAT_VERSION anyway.
    expect(SEGMENT_FORMAT_VERSION).toBe(1);
    expect(segmentKey(parts)).toBe(
      'ccce8036f55cfe29b1cecb0cbf4615b6fbf742115b7419b0388965fdb9415804',
    );
    expect(segmentKey({ ...parts, kept: [...parts.kept] })).toBe(segmentKey(parts));
  });

  it('changes with everything the rows written depend on', () => {
    const variants: Partial<SegmentKeyParts>[] = [
      { resultKey: 'cd'.repeat(32) },
      { sheet: 1 },
      { kept: [0, 1, 2] },
      { kept: [0, 1] },
      { kept: [1, 0, 3] },
      { firstRow: 3 },
      { outputs: [0, 2, 1] },
      { outputs: [1, 2, 3] },
      { placed: true },
      { columnOffset: 1 },
      { prefix: '<c r="A\0" t="inlineStr"><is><t>a.xlsx</t></is></c>' },
      { compression: 'raw deflate level 6' },
    ];
    const keys = variants.map(keyWith);
    expect(new Set([segmentKey(parts), ...keys]).size).toBe(variants.length + 1);
    expect(keys.every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true);
  });
});
