import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors.js';
import { normalizeOptions } from '../src/options.js';
import { DEFAULT_READ_LIMITS } from '../src/xlsx/read/types.js';

describe('normalizeOptions', () => {
  it('fills in every default', () => {
    const settings = normalizeOptions({ inputs: ['data'] });
    expect(settings).toEqual({
      inputs: ['data'],
      output: path.resolve('merged.xlsx'),
      recursive: false,
      patterns: ['*.xlsx', '*.xlsm'],
      sheet: { kind: 'first' },
      headerRow: null,
      keyColumns: null,
      keep: 'first',
      key: { ignoreCase: false, trim: false, keysAsText: false },
      sourceColumn: false,
      force: false,
      dryRun: false,
      summarySheet: false,
      skipErrors: false,
      overflow: 'error',
      truncateLong: false,
      jobs: os.availableParallelism(),
      workerMemoryMb: null,
      fileTimeout: null,
      cwd: process.cwd(),
      limits: DEFAULT_READ_LIMITS,
      signal: undefined,
      onProgress: undefined,
    });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(DEFAULT_READ_LIMITS).toEqual({
      maxEntryBytes: 4 * 1024 ** 3,
      maxFileBytes: 16 * 1024 ** 3,
      maxElementChars: 256 * 1024 ** 2,
    });
  });

  it('reads dedupe lists, true and the empty list', () => {
    expect(normalizeOptions({ inputs: ['d'], dedupe: [' id', 'email'] }).keyColumns).toEqual([
      'id',
      'email',
    ]);
    expect(normalizeOptions({ inputs: ['d'], dedupe: true }).keyColumns).toBe('all');
    expect(normalizeOptions({ inputs: ['d'], dedupe: [] }).keyColumns).toBe('all');
    expect(normalizeOptions({ inputs: ['d'], dedupe: false }).keyColumns).toBeNull();
  });

  it('reads sheet selectors', () => {
    expect(normalizeOptions({ inputs: ['d'], sheet: 'all' }).sheet).toEqual({ kind: 'all' });
    expect(normalizeOptions({ inputs: ['d'], sheet: 2 }).sheet).toEqual({
      kind: 'position',
      position: 2,
    });
    expect(normalizeOptions({ inputs: ['d'], sheet: 'Q1' }).sheet).toEqual({
      kind: 'name',
      name: 'Q1',
    });
  });

  it.each([
    [{ keep: 'frist' }, 'Invalid option keep: expected first, last or none, got "frist"'],
    [{ overflow: 'wrap' }, 'Invalid option overflow: expected error or split, got "wrap"'],
    [{ jobs: 0 }, 'Invalid option jobs: expected a whole number from 1 to 256, got 0'],
    [
      { headerRow: 1.5 },
      'Invalid option headerRow: expected a row number from 1 to 1048576, got 1.5',
    ],
    [
      { dedupe: ['id', 'id'] },
      'Invalid option dedupe: expected each column once, got ["id", "id"]',
    ],
    [
      { inputs: [] },
      'Invalid option inputs: expected a non-empty list of files, folders or globs, got []',
    ],
    [
      { workerMemoryMb: 32 },
      'Invalid option workerMemoryMb: expected a whole number of MB from 64 to 65536, got 32',
    ],
    [
      { fileTimeout: 0 },
      'Invalid option fileTimeout: expected a number of seconds above 0, at most 2147483, got 0',
    ],
    [
      { fileTimeout: Number.NaN },
      'Invalid option fileTimeout: expected a number of seconds above 0, at most 2147483, got NaN',
    ],
    [
      { limits: { maxFileBytes: -1 } },
      'Invalid option limits.maxFileBytes: expected a positive whole number, got -1',
    ],
  ])('rejects %o', (override, message) => {
    const options = { inputs: ['d'], ...override } as Parameters<typeof normalizeOptions>[0];
    expect(() => normalizeOptions(options)).toThrow(message);
    try {
      normalizeOptions(options);
    } catch (error) {
      expect((error as { code: string }).code).toBe(ErrorCode.InvalidOption);
    }
  });
});
