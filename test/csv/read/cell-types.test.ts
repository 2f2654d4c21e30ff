import { describe, expect, it } from 'vitest';
import { dateCellToDate, epochMsToSerial } from '../../../src/core/cell.js';
import { toTypedCell } from '../../../src/csv/read/cell-types.js';

const date = (iso: string) => ({ kind: 'date', serial: epochMsToSerial(Date.parse(iso)) });

describe('toTypedCell: numbers', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['42', 42],
    ['+42', 42],
    ['-17', -17],
    ['0.5', 0.5],
    ['-0.25', -0.25],
    ['2.71', 2.71],
    ['10.50', 10.5],
    ['1e5', 100000],
    ['1E-3', 0.001],
    ['2.5e+10', 25000000000],
    ['0.1', 0.1],
    ['9007199254740993', 9007199254740992],
    ['1e-400', 0],
  ])('%s is the number %d', (text, number) => {
    expect(toTypedCell(text)).toBe(number);
  });

  it.each([
    '007',
    '00123',
    '-01',
    '00.5',
    '.5',
    '5.',
    '1,000',
    '1 000',
    ' 5',
    '5 ',
    '0x1F',
    '1e',
    '1e+',
    '--1',
    '+-1',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '12abc',
    '1_000',
    '١٢٣',
    '５',
    'abc',
    '-',
    '+',
  ])('%j stays text', (text) => {
    expect(toTypedCell(text)).toBe(text);
  });
});

describe('toTypedCell: dates', () => {
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['1900-01-01', '1900-01-01T00:00:00.000Z'],
    ['1900-03-01', '1900-03-01T00:00:00.000Z'],
    ['9999-12-31', '9999-12-31T00:00:00.000Z'],
    ['2024-03-01T10:30', '2024-03-01T10:30:00.000Z'],
    ['2024-03-01 10:30', '2024-03-01T10:30:00.000Z'],
    ['2024-03-01T23:59:59', '2024-03-01T23:59:59.000Z'],
    ['2024-03-01 08:05:09.5', '2024-03-01T08:05:09.500Z'],
    ['2024-03-01 08:05:09.05', '2024-03-01T08:05:09.050Z'],
    ['2024-03-01T08:05:09.123', '2024-03-01T08:05:09.123Z'],
  ])('%s is a date', (text, iso) => {
    const cell = toTypedCell(text);
    expect(cell).toEqual(date(iso));
    expect(dateCellToDate(cell as { kind: 'date'; serial: number }).toISOString()).toBe(iso);
  });

  it('gives Excel serials: 1900-01-01 is 1, 1900-03-01 is 61, 2024-03-01 12:00 is 45352.5', () => {
    expect(toTypedCell('1900-01-01')).toEqual({ kind: 'date', serial: 1 });
    expect(toTypedCell('1900-02-28')).toEqual({ kind: 'date', serial: 59 });
    expect(toTypedCell('1900-03-01')).toEqual({ kind: 'date', serial: 61 });
    expect(toTypedCell('2024-03-01 12:00')).toEqual({ kind: 'date', serial: 45352.5 });
  });

  it.each([
    '2024-02-30',
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-5',
    '24-01-05',
    '1899-12-31',
    '0000-01-01',
    '2024-03-01T24:00',
    '2024-03-01T10:60',
    '2024-03-01T10:30:60',
    '2024-03-01T10',
    '2024-03-01T10:30Z',
    '2024-03-01T10:30:00+02:00',
    '2024-03-01T10:30:00.1234',
    '2024-03-01  10:30',
    '2024-03-01t10:30',
    '2024/03/01',
    '01.03.2024',
    '10:30',
    ' 2024-03-01',
    '2024-03-01 ',
  ])('%j stays text', (text) => {
    expect(toTypedCell(text)).toBe(text);
  });
});

describe('toTypedCell: other text', () => {
  it.each(['TRUE', 'false', '#N/A', '€5', '5%', 'id-17', '="00123"'])('%j stays text', (text) => {
    expect(toTypedCell(text)).toBe(text);
  });
});
