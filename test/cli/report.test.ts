/**
 * The CLI's words for people: the end-of-run summary (formatSummary), the ignored files,
 * errors (formatError), and the library's option names turned into flags (asFlags,
 * toJsonText).
 */
import { describe, expect, it } from 'vitest';
import {
  asFlags,
  formatError,
  formatIgnored,
  formatSummary,
  toJsonText,
} from '../../src/cli/report.js';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import type { FileSummary, IgnoredFile, MergeSummary } from '../../src/summary.js';

function fileSummary(file: string, counts: Partial<FileSummary>): FileSummary {
  return {
    file,
    format: 'xlsx',
    sheets: [{ name: 'Sheet1', headerRow: 1, titleLines: [], rowsRead: counts.rowsRead ?? 0 }],
    hiddenSheets: [],
    rowsRead: 0,
    rowsKept: 0,
    duplicatesInFile: 0,
    duplicatesAcrossFiles: 0,
    blankRows: 0,
    formulasWithoutValue: 0,
    cellsWithoutFormat: 0,
    truncatedCells: 0,
    inflatedBytes: 0,
    addedColumns: [],
    missingColumns: [],
    cached: false,
    ...counts,
  };
}

function summaryOf(fields: Partial<MergeSummary>): MergeSummary {
  return {
    output: null,
    duplicatesReport: null,
    sheets: [],
    columns: [],
    files: [],
    skipped: [],
    ignored: [],
    warnings: [],
    rowsRead: 0,
    rowsKept: 0,
    duplicates: 0,
    truncatedCells: 0,
    numberFormats: null,
    cache: null,
    seconds: 1.5,
    ...fields,
  };
}

describe('formatSummary', () => {
  it('says what was written where, with a table of the files and a line per note', () => {
    const summary = summaryOf({
      output: '/work/data/out/merged.xlsx',
      duplicatesReport: '/elsewhere/dups.xlsx',
      sheets: ['Merged', 'Merged (2)', 'Summary'],
      columns: ['id', 'name'],
      files: [
        fileSummary('in/a.xlsx', {
          rowsRead: 1_048_000,
          rowsKept: 1_047_990,
          duplicatesInFile: 10,
          blankRows: 2,
          addedColumns: ['id', 'name'],
          formulasWithoutValue: 1,
          truncatedCells: 2,
          cellsWithoutFormat: 3,
        }),
        fileSummary('in/b.xlsx', {
          rowsRead: 5,
          rowsKept: 4,
          duplicatesAcrossFiles: 1,
          missingColumns: ['name'],
        }),
      ],
      skipped: [
        { file: 'in/c.xlsx', code: ErrorCode.EmptyFile, reason: 'in/c.xlsx: The file is empty' },
      ],
      warnings: [
        {
          kind: 'unusedRename',
          message: '`rename`: no file has a column "nmae" to rename to "name"',
        },
      ],
      rowsRead: 1_048_005,
      rowsKept: 1_047_994,
      duplicates: 11,
      truncatedCells: 2,
    });
    expect(formatSummary(summary, '/work/data').split('\n')).toEqual([
      'Merged 2 files into out/merged.xlsx (sheets Merged, Merged (2), Summary):',
      '  1,048,005 rows read, 1,047,994 kept, 11 duplicates dropped (10 within files, 1 across files)',
      '  2 columns: id, name',
      '  dropped rows listed in /elsewhere/dups.xlsx',
      '',
      '  file            read       kept  dup. in file  dup. of others  blank  adds      lacks',
      '  in/a.xlsx  1,048,000  1,047,990            10               0      2  id, name',
      '  in/b.xlsx          5          4             0               1      0            name',
      '  in/a.xlsx: 1 formula without a saved value (written empty)',
      '  in/a.xlsx: 2 long texts cut to 32,767 characters',
      '  in/a.xlsx: 3 cells written without their number format (the output holds 196 custom formats at most)',
      '  warning: --rename: no file has a column "nmae" to rename to "name"',
      '  skipped in/c.xlsx: The file is empty',
      '',
    ]);
  });

  it('says when a dry run wrote nothing, in the singular for one', () => {
    const summary = summaryOf({
      columns: ['id'],
      files: [fileSummary('a.xlsx', { rowsRead: 2, rowsKept: 1, duplicatesInFile: 1 })],
      rowsRead: 2,
      rowsKept: 1,
      duplicates: 1,
    });
    expect(formatSummary(summary, '/work').split('\n').slice(0, 3)).toEqual([
      'Merged 1 file (dry run: nothing written):',
      '  2 rows read, 1 kept, 1 duplicate dropped (1 within files, 0 across files)',
      '  1 column: id',
    ]);
  });
  it('notes a file read as another format than its name says', () => {
    const summary = summaryOf({
      columns: ['id'],
      files: [
        fileSummary('export.xls', { rowsRead: 1, rowsKept: 1, format: 'xlsx' }),
        fileSummary('b.ods', { rowsRead: 1, rowsKept: 1, format: 'ods' }),
      ],
      rowsRead: 2,
      rowsKept: 2,
    });
    const lines = formatSummary(summary, '/work').split('\n');
    expect(lines.filter((line) => line.includes('read as'))).toEqual([
      '  export.xls: read as an .xlsx workbook, which it is (its name says .xls)',
    ]);
  });

  it('escapes control characters in every line, not only the table', () => {
    // A file name may hold anything but / and NUL: one that clears the screen and starts a
    // line of its own must not fake xlmerge's words on the terminal.
    const crafted = 'in/a\x1b[2J\x1b[H\nMerged 9 files.xlsx';
    const summary = summaryOf({
      output: '/work/out.xlsx',
      columns: ['id\u202e'],
      files: [
        fileSummary('in/good\t.xlsx', {
          rowsRead: 1,
          rowsKept: 1,
          hiddenSheets: ['Old\x07'],
        }),
      ],
      skipped: [
        { file: crafted, code: ErrorCode.EmptyFile, reason: `${crafted}: The file is empty` },
      ],
      ignored: [{ file: 'in/notes\x1b[31m.txt', kind: 'other', reason: 'not a spreadsheet' }],
      rowsRead: 1,
      rowsKept: 1,
    });
    const text = formatSummary(summary, '/work');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    expect(text.slice(0, -1)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain(
      '  skipped in/a\\x1b[2J\\x1b[H\\nMerged 9 files.xlsx: The file is empty\n',
    );
    expect(text).toContain('1 column: id\\u202e');
    expect(text).toContain('notes\\x1b[31m.txt');
    expect(text.split('\n').filter((line) => line.startsWith('Merged'))).toHaveLength(1);
    expect(text).toContain('  1 row read, 1 kept, 0 duplicates dropped');
  });
});

describe('formatIgnored', () => {
  const other = (name: string): IgnoredFile => ({
    file: `d/${name}`,
    kind: 'other',
    reason: 'only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read',
  });
  const lock: IgnoredFile = { file: 'd/~$a.xlsx', kind: 'lock', reason: 'a lock file' };
  const folder: IgnoredFile = {
    file: 'd/2024',
    kind: 'folder',
    reason: 'a subfolder; `recursive: true` reads subfolders',
  };

  it('gives each a line, in flags, up to five other files', () => {
    expect(formatIgnored([folder, other('1.txt'), lock])).toEqual([
      'ignored d/2024 (a subfolder; --recursive reads subfolders)',
      'ignored d/1.txt (only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read)',
      'ignored d/~$a.xlsx (a lock file)',
    ]);
  });

  it('counts more than five other files in one line that names the first three', () => {
    const others = ['1.txt', '2.txt', '3.txt', '4.txt', '5.txt', '6.txt'].map(other);
    expect(formatIgnored([...others, lock])).toEqual([
      'ignored d/~$a.xlsx (a lock file)',
      'ignored 6 other files (only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read): d/1.txt, d/2.txt, d/3.txt and 3 more',
    ]);
  });
});

describe('formatError', () => {
  const failure = new XlmergeError(ErrorCode.EmptyFile, 'The file is empty', {
    file: 'in/\u001b[2Ja.xlsx',
  });
  const error = new XlmergeError(ErrorCode.FilesFailed, 'A file could not be merged', {
    failures: [failure],
    hint: 'Use `skipErrors: true` to merge the others',
  });

  it('lists each failure with its code, in flags, control characters escaped', () => {
    expect(formatError(error, false)).toBe(
      'xlmerge: A file could not be merged. Use --skip-errors to merge the others\n' +
        '  in/\\x1b[2Ja.xlsx: The file is empty [EMPTY_FILE]\n',
    );
  });

  it('adds the stacks only when verbose', () => {
    const lines = formatError(error, true).split('\n');
    expect(lines.filter((line) => line.startsWith('    XlmergeError: '))).toEqual([
      '    XlmergeError: The file is empty',
      '    XlmergeError: A file could not be merged',
    ]);
  });

  it('calls any other error unexpected, with its stack only when verbose', () => {
    const bug = new TypeError('x is undefined');
    expect(formatError(bug, false)).toBe('xlmerge: unexpected error: x is undefined\n');
    expect(formatError(bug, true).split('\n')[0]).toBe(
      'xlmerge: unexpected error: TypeError: x is undefined',
    );
    expect(formatError('thrown text', false)).toBe('xlmerge: unexpected error: thrown text\n');
  });
});

describe('asFlags', () => {
  it.each([
    ['Invalid option headerRow: expected a row', 'Invalid option --header-row: expected a row'],
    ['Invalid option summarySheet: no sheets', 'Invalid option --summary: no sheets'],
    ['Invalid option limits.maxRunBytes: too big', 'Invalid option limits.maxRunBytes: too big'],
    ['Use `force: true` to replace it', 'Use --force to replace it'],
    ['Leave out `csvTypes: false`', 'Leave out --no-csv-types'],
    ["Use `overflow: 'split'` or `jobs: 1`", 'Use --overflow split or --jobs 1'],
    ['Raise `limits.maxRunBytes`; see `sheet`', 'Raise limits.maxRunBytes; see --sheet'],
    ['Write it with `duplicatesReport`', 'Write it with --duplicates'],
  ])('%s → %s', (message, flags) => {
    expect(asFlags(message)).toBe(flags);
  });
});

describe('toJsonText', () => {
  it('puts flags in the words fields only, and escapes what a terminal acts on', () => {
    const value = {
      file: 'a`force: true`\u009b.xlsx',
      reason: 'use `force: true`',
      nested: [{ hint: 'or `jobs: 1`', description: 'see `sheet`', message: '`trim: false`' }],
    };
    expect(JSON.parse(toJsonText(value))).toEqual({
      file: 'a`force: true`\u009b.xlsx',
      reason: 'use --force',
      nested: [{ hint: 'or --jobs 1', description: 'see --sheet', message: '--no-trim' }],
    });
    expect(toJsonText(value)).toContain('"file": "a`force: true`\\u009b.xlsx"');
  });
});
