import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors.js';
import { type MergeOptions, normalizeOptions, OPTION_NAMES } from '../src/options.js';
import { DEFAULT_READ_LIMITS } from '../src/reader/read-limits.js';
import { errorOf } from './helpers/errors.js';

describe('normalizeOptions', () => {
  it('fills in every default', () => {
    const settings = normalizeOptions({ inputs: ['data'] });
    expect(settings).toEqual({
      inputs: ['data'],
      output: path.resolve('merged.xlsx'),
      outputFormat: 'xlsx',
      duplicatesReport: null,
      duplicatesReportFormat: 'xlsx',
      recursive: false,
      patterns: ['*.xlsx', '*.xlsm', '*.xlsb', '*.xls', '*.ods', '*.csv'],
      sheet: { kind: 'first' },
      headerRow: null,
      rename: {},
      matchHeaders: 'exact',
      columns: null,
      csvDelimiter: null,
      csvTypes: false,
      keyColumns: null,
      keep: 'first',
      key: { ignoreCase: false, trim: false, keysAsText: false },
      sourceColumn: false,
      force: false,
      dryRun: false,
      summarySheet: false,
      skipErrors: false,
      overflow: 'error',
      formats: 'keep',
      truncateLong: false,
      jobs: os.availableParallelism(),
      workerMemoryMb: null,
      fileTimeout: null,
      cache: null,
      cwd: process.cwd(),
      limits: DEFAULT_READ_LIMITS,
      signal: undefined,
      onProgress: undefined,
    });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(DEFAULT_READ_LIMITS).toEqual({
      maxEntryBytes: 4 * 1024 ** 3,
      maxFileBytes: 16 * 1024 ** 3,
      maxRunBytes: 1024 ** 4,
      maxElementChars: 256 * 1024 ** 2,
      maxSharedStrings: 2 ** 24,
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

  it('reads renames as an object or as pairs, trimmed, and columns trimmed', () => {
    expect(
      normalizeOptions({ inputs: ['d'], rename: { ' Cust ID ': ' customer_id' } }).rename,
    ).toEqual({ 'Cust ID': 'customer_id' });
    const settings = normalizeOptions({
      inputs: ['d'],
      rename: [
        ['a', 'b'],
        ['b', 'c'],
      ],
      matchHeaders: 'loose',
      columns: [' id', 'Email '],
    });
    expect(settings.rename).toEqual({ a: 'b', b: 'c' });
    expect(settings.matchHeaders).toBe('loose');
    expect(settings.columns).toEqual(['id', 'Email']);
    // Exact matching: differently spelt names are different columns.
    expect(normalizeOptions({ inputs: ['d'], columns: ['Email', 'email'] }).columns).toEqual([
      'Email',
      'email',
    ]);
  });

  it('picks CSV for output and report names ending in .csv, in any case', () => {
    const pick = (output: string, duplicatesReport?: string) => {
      const settings = normalizeOptions(
        duplicatesReport === undefined
          ? { inputs: ['d'], output }
          : { inputs: ['d'], output, duplicatesReport },
      );
      return [settings.outputFormat, settings.duplicatesReportFormat];
    };
    expect(pick('a.csv')).toEqual(['csv', 'xlsx']);
    expect(pick('a.CSV', 'd.Csv')).toEqual(['csv', 'csv']);
    expect(pick('a.xlsx', 'd.csv')).toEqual(['xlsx', 'csv']);
    expect(pick('a.csv.xlsx', 'b.xlsx')).toEqual(['xlsx', 'xlsx']);
    // The Summary sheet needs a workbook; an xlsx output beside a CSV report is fine.
    expect(
      normalizeOptions({ inputs: ['d'], duplicatesReport: 'd.csv', summarySheet: true })
        .summarySheet,
    ).toBe(true);
  });

  it('reads sheet selectors: all, names, positions, patterns and lists of them', () => {
    const sheet = (value: MergeOptions['sheet']) =>
      normalizeOptions({ inputs: ['d'], sheet: value }).sheet;
    expect(sheet(undefined)).toEqual({ kind: 'first' });
    expect(sheet('all')).toEqual({ kind: 'all' });
    expect(sheet(['all'])).toEqual({ kind: 'all' });
    expect(sheet(2)).toEqual({ kind: 'pick', wanted: [{ kind: 'position', position: 2 }] });
    expect(sheet('Q1')).toEqual({ kind: 'pick', wanted: [{ kind: 'name', name: 'Q1' }] });
    expect(sheet(['Q*', 'Totals', 3])).toEqual({
      kind: 'pick',
      wanted: [
        { kind: 'pattern', pattern: 'Q*' },
        { kind: 'name', name: 'Totals' },
        { kind: 'position', position: 3 },
      ],
    });
  });

  it('refuses sheet selectors that mean nothing', () => {
    const message = (value: unknown) =>
      errorOf(() => normalizeOptions({ inputs: ['d'], sheet: value as MergeOptions['sheet'] }))
        .message;
    expect(message([])).toBe(
      'Invalid option sheet: expected a sheet, or a non-empty list of sheets, got []',
    );
    expect(message(['all', 'Q1'])).toBe(
      'Invalid option sheet: "all" reads every visible sheet and cannot be listed with others, got ["all", "Q1"]',
    );
    expect(message(['Q1', 'Q1'])).toBe(
      'Invalid option sheet: expected each sheet once, got ["Q1", "Q1"]',
    );
    expect(message(0)).toBe('Invalid option sheet: expected a position from 1 up, got 0');
    expect(message('')).toBe('Invalid option sheet: expected a non-empty text, got ""');
    expect(message('Q[1')).toBe(
      'Invalid option sheet: "Q[1" is not a pattern: the [ at character 2 is never closed by a ]',
    );
  });

  it('resolves the cache folder against cwd', () => {
    expect(normalizeOptions({ inputs: ['d'], cache: '.cache', cwd: '/work/x' }).cache).toBe(
      path.resolve('/work/x', '.cache'),
    );
    expect(normalizeOptions({ inputs: ['d'], cache: '/var/cache/xl' }).cache).toBe(
      path.resolve('/var/cache/xl'),
    );
  });

  it('reads the CSV options', () => {
    const settings = normalizeOptions({ inputs: ['d'], csvDelimiter: '\t', csvTypes: true });
    expect([settings.csvDelimiter, settings.csvTypes]).toEqual(['\t', true]);
    expect(normalizeOptions({ inputs: ['d'], csvDelimiter: ';' }).csvDelimiter).toBe(';');
  });

  it.each([
    [{ cache: ' ' }, 'Invalid option cache: expected a non-empty text, got " "'],
    [
      { csvDelimiter: ';;' },
      'Invalid option csvDelimiter: expected one character other than a quote, CR or LF, got ";;"',
    ],
    [
      { csvDelimiter: '"' },
      'Invalid option csvDelimiter: expected one character other than a quote, CR or LF, got "\\""',
    ],
    [
      { csvDelimiter: '\n' },
      'Invalid option csvDelimiter: expected one character other than a quote, CR or LF, got "\\n"',
    ],
    [
      { csvDelimiter: '' },
      'Invalid option csvDelimiter: expected one character other than a quote, CR or LF, got ""',
    ],
    [{ csvTypes: 'yes' }, 'Invalid option csvTypes: expected true or false, got "yes"'],
    [{ keep: 'frist' }, 'Invalid option keep: expected first, last or none, got "frist"'],
    [{ overflow: 'wrap' }, 'Invalid option overflow: expected error or split, got "wrap"'],
    [{ formats: 'pretty' }, 'Invalid option formats: expected keep or plain, got "pretty"'],
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
    [
      { limits: { maxElementChars: 2 ** 30 } },
      'Invalid option limits.maxElementChars: expected at most 536870888, got 1073741824',
    ],
    [
      { matchHeaders: 'fuzzy' },
      'Invalid option matchHeaders: expected exact or loose, got "fuzzy"',
    ],
    [
      { rename: { 'Cust ID': ' ' } },
      'Invalid option rename: expected a non-empty old and new name, got ["Cust ID", " "]',
    ],
    [
      { rename: [['', 'id']] },
      'Invalid option rename: expected a non-empty old and new name, got ["", "id"]',
    ],
    [
      {
        rename: [
          ['Cust ID', 'a'],
          [' Cust ID', 'b'],
        ],
      },
      'Invalid option rename: "Cust ID" is renamed twice, to "a" and to "b"',
    ],
    [
      { rename: { 'Cust ID': 'a', 'cust-id': 'b' }, matchHeaders: 'loose' },
      'Invalid option rename: "Cust ID" (as "cust-id") is renamed twice, to "a" and to "b"',
    ],
    [{ rename: 'a=b' }, 'Invalid option rename: expected an object of old → new names'],
    [{ columns: [] }, 'Invalid option columns: expected a non-empty list of column names, got []'],
    [
      { columns: ['Email', 'e-mail'], matchHeaders: 'loose' },
      'Invalid option columns: expected each column once, got ["Email", "e-mail"]',
    ],
    [
      { output: 'out/Merged.CSV', summarySheet: true },
      'Invalid option summarySheet: the output Merged.CSV is a CSV file, which has no sheets to hold the Summary sheet',
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

describe('normalizeOptions refuses what it cannot honour', () => {
  it('refuses an unknown option, naming the closest known one', () => {
    const error = errorOf(() =>
      normalizeOptions({ inputs: ['d'], dedup: ['id'] } as unknown as MergeOptions),
    );
    expect([error.code, error.message]).toEqual([
      ErrorCode.InvalidOption,
      'Unknown option "dedup"; did you mean dedupe?',
    ]);
    expect(
      errorOf(() => normalizeOptions({ inputs: ['d'], zzz: 1 } as unknown as MergeOptions)).message,
    ).toBe('Unknown option "zzz"');
    expect(
      errorOf(() => normalizeOptions({ inputs: ['d'], skipError: true } as unknown as MergeOptions))
        .message,
    ).toBe('Unknown option "skipError"; did you mean skipErrors?');
  });

  it('lists every option of MergeOptions once', () => {
    expect(new Set(OPTION_NAMES).size).toBe(OPTION_NAMES.length);
    const all = Object.fromEntries(OPTION_NAMES.map((name) => [name, undefined]));
    expect(() => normalizeOptions({ ...all, inputs: ['d'] })).not.toThrow();
  });

  it('refuses an output or report name that is not .xlsx or .csv', () => {
    for (const [options, message] of [
      [
        { output: 'out.txt' },
        'Invalid option output: expected a file name ending in .xlsx or .csv, got "out.txt"',
      ],
      [
        { output: 'merged' },
        'Invalid option output: expected a file name ending in .xlsx or .csv, got "merged"',
      ],
      [
        { output: 'out.xlsm' },
        'Invalid option output: expected a file name ending in .xlsx or .csv, got "out.xlsm"',
      ],
      [
        { duplicatesReport: 'dups.xls' },
        'Invalid option duplicatesReport: expected a file name ending in .xlsx or .csv, got "dups.xls"',
      ],
    ] as const) {
      const error = errorOf(() => normalizeOptions({ inputs: ['d'], ...options }));
      expect([error.code, error.message, error.hint]).toEqual([
        ErrorCode.InvalidOption,
        message,
        'xlmerge writes an Excel workbook (.xlsx) or a CSV file (.csv)',
      ]);
    }
    expect(normalizeOptions({ inputs: ['d'], output: 'OUT.XLSX' }).outputFormat).toBe('xlsx');
    expect(normalizeOptions({ inputs: ['d'], output: 'a.b.Csv' }).outputFormat).toBe('csv');
  });

  it('refuses a signal that is not an AbortSignal and a callback that is not a function', () => {
    expect(
      errorOf(() => normalizeOptions({ inputs: ['d'], signal: {} as AbortSignal })).message,
    ).toBe('Invalid option signal: expected an AbortSignal, got [object Object]');
    expect(
      errorOf(() => normalizeOptions({ inputs: ['d'], onProgress: 'log' as unknown as () => void }))
        .message,
    ).toBe('Invalid option onProgress: expected a function, got "log"');
  });
});
