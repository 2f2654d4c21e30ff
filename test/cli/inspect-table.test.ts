/**
 * formatInspectReport on reports built by hand: the per-sheet table, the sheets not read, the
 * notes, how CSV files were read, the problems and warnings in flags, the column matrix, and
 * the verdict.
 */
import { describe, expect, it } from 'vitest';
import { formatInspectReport } from '../../src/cli/inspect-table.js';
import { ErrorCode } from '../../src/errors.js';
import type { InspectedFile, InspectedSheet, InspectReport } from '../../src/inspect/report.js';

function sheet(name: string, fields: Partial<InspectedSheet>): InspectedSheet {
  return {
    name,
    headerRow: 1,
    headerChoice: 'first',
    titleLines: [],
    rows: 0,
    blankRows: 0,
    columns: [],
    missingKeyColumns: [],
    ...fields,
  };
}

function inspected(file: string, fields: Partial<InspectedFile>): InspectedFile {
  return {
    file,
    path: `/data/${file}`,
    format: file.endsWith('.csv') ? 'csv' : 'xlsx',
    sheets: (fields.read ?? []).map(({ name }) => ({ name, state: 'visible' as const })),
    hiddenSheets: [],
    read: [],
    columns: [],
    hasColumns: [],
    rows: 0,
    numberFormats: 0,
    problems: [],
    ...fields,
  };
}

describe('formatInspectReport', () => {
  it('shows every part of a report whose merge would fail', () => {
    const report: InspectReport = {
      files: [
        inspected('a.xlsx', {
          sheets: [
            { name: 'Q1', state: 'visible' },
            { name: 'Q2', state: 'hidden' },
            { name: 'Notes', state: 'visible' },
            { name: 'Lookup', state: 'veryHidden' },
          ],
          hiddenSheets: ['Lookup'],
          read: [
            sheet('Q1', {
              headerRow: 3,
              headerChoice: 'below-title',
              titleLines: [1],
              rows: 1200,
              columns: ['id', 'email', 'customer reference'],
            }),
            sheet('Q2', { rows: 2, columns: ['id', 'email'] }),
          ],
          hasColumns: [true, true, true, false],
          rows: 1202,
        }),
        inspected('b.csv', {
          read: [sheet('b', { rows: 3, columns: ['id', 'email', 'phone'] })],
          hasColumns: [true, true, false, true],
          rows: 3,
          csv: {
            encoding: 'windows-1252',
            bom: false,
            delimiter: '\t',
            delimiterDetected: true,
            sepLine: false,
          },
        }),
        inspected('c.csv', {
          read: [sheet('c', { rows: 5, columns: ['phone'], missingKeyColumns: ['id', 'email'] })],
          hasColumns: [false, false, false, true],
          rows: 5,
          problems: [{ kind: 'missingKeyColumns', sheet: 'c', columns: ['id', 'email'] }],
          csv: {
            encoding: 'utf-16le',
            bom: true,
            delimiter: ';',
            delimiterDetected: false,
            sepLine: true,
          },
        }),
        inspected('d.xlsx', {
          hasColumns: [false, false, false, false],
          problems: [
            {
              kind: 'unreadable',
              code: ErrorCode.NotZip,
              description: 'd.xlsx: Not a zip. Use `skipErrors: true` to merge the others',
            },
          ],
        }),
      ],
      columns: ['id', 'email', 'customer reference', 'phone'],
      keyColumns: ['id', 'email'],
      ignored: [],
      runProblems: [
        {
          kind: 'outputIsInput',
          description: 'The output file is the input a.xlsx, even with `force: true`',
        },
      ],
      warnings: [{ kind: 'unusedRename', message: '`rename`: no file has a column "nmae"' }],
      ok: false,
    };
    expect(formatInspectReport(report).split('\n')).toEqual([
      '4 files in merge order, 1,210 data rows, 4 columns; key columns id, email',
      '',
      'file    sheet        header   rows  columns  formats  problems',
      'a.xlsx  Q1                3  1,200        3        0',
      '        Q2 (hidden)       1      2        2',
      'b.csv   b                 1      3        3        0',
      'c.csv   c                 1      5        1        0  lacks id, email',
      'd.xlsx  -                 -      -        -        -  unreadable (NOT_ZIP)',
      '',
      'Sheets not read:',
      '  a.xlsx: "Notes", "Lookup" (veryHidden)',
      '',
      'Notes:',
      '  a.xlsx: sheet "Q1": header on row 3, below row 1 read as a title (narrower than the header); --header-row chooses another',
      '  a.xlsx: hidden sheet "Lookup" passed over; name a hidden sheet with --sheet to read it',
      '',
      'CSV files read as:',
      '  b.csv: windows-1252, delimiter TAB (detected)',
      '  c.csv: UTF-16LE with BOM, delimiter ";" (from its sep= line)',
      '',
      'Problems:',
      '  The output file is the input a.xlsx, even with --force',
      '  c.csv: sheet "c" lacks the key columns "id", "email"',
      '  d.xlsx: [NOT_ZIP] d.xlsx: Not a zip. Use --skip-errors to merge the others',
      '',
      'Warnings:',
      '  --rename: no file has a column "nmae"',
      '',
      'Columns (✓ has it, · lacks it, - not read): id, email, customer reference, phone',
      '',
      '        id  email  customer re…  phone',
      'a.xlsx  ✓   ✓      ✓             ·',
      'b.csv   ✓   ✓      ·             ✓',
      'c.csv   ·   ·      ·             ✓',
      'd.xlsx  -   -      -             -',
      '',
      '1 problem of the run and 2 files with problems: the merge would fail.',
      '',
    ]);
  });

  it('says a CSV delimiter was given, and a file of empty sheets gives nothing', () => {
    const report: InspectReport = {
      files: [
        inspected('a.xlsx', {
          read: [sheet('A', {}), sheet('B', {})],
          hasColumns: [false],
          problems: [{ kind: 'empty', sheets: ['A', 'B'] }],
        }),
        inspected('b.csv', {
          read: [sheet('b', { rows: 1, columns: ['id'] })],
          hasColumns: [true],
          rows: 1,
          csv: {
            encoding: 'utf-8',
            bom: false,
            delimiter: '|',
            delimiterDetected: false,
            sepLine: false,
          },
        }),
      ],
      columns: ['id'],
      keyColumns: 'all',
      ignored: [],
      runProblems: [],
      warnings: [],
      ok: false,
    };
    const lines = formatInspectReport(report).split('\n');
    expect(lines[0]).toBe('2 files in merge order, 1 data row, 1 column; key: all columns');
    expect(lines.filter((line) => /^ {2}[a-z.]+: /.test(line))).toEqual([
      '  b.csv: UTF-8, delimiter "|" (given)',
      '  a.xlsx: nothing to merge: sheet "A", "B" are empty',
    ]);
    expect(lines.at(-2)).toBe('1 file with problems: the merge would fail.');
  });
});
