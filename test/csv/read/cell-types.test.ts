import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateCellToDate, epochMsToSerial } from '../../../src/core/excel-dates.js';
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
    ['2024-12-31 23:59:59.500000', '2024-12-31T23:59:59.500Z'],
    ['2024-12-31 23:59:59.123000000', '2024-12-31T23:59:59.123Z'],
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
    '2024-03-01T10:30:00.500001',
    '2024-03-01T10:30:00.1230000000',
    '2024-03-01T1x:30',
    '2024-03-01T10:30:00.Z',
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

describe('toTypedCell: against the grammar (property)', () => {
  /** The rule as docs/csv.md states it, written as regular expressions. */
  const NUMBER = /^[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
  const DATE_TIME =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,3})0{0,6})?)?)?$/;

  function expected(text: string): unknown {
    const match = DATE_TIME.exec(text);
    if (match !== null) {
      const [, y, m, d, h = '0', min = '0', s = '0', f = ''] = match;
      const ms = Date.UTC(
        Number(y),
        Number(m) - 1,
        Number(d),
        Number(h),
        Number(min),
        Number(s),
        Number(f.padEnd(3, '0')),
      );
      const back = new Date(ms);
      const onCalendar =
        Number(y) >= 1900 &&
        back.getUTCFullYear() === Number(y) &&
        back.getUTCMonth() === Number(m) - 1 &&
        back.getUTCDate() === Number(d) &&
        Number(h) <= 23 &&
        Number(min) <= 59 &&
        Number(s) <= 59;
      if (onCalendar) return { kind: 'date', serial: epochMsToSerial(ms) };
    }
    if (NUMBER.test(text) && Number.isFinite(Number(text))) return Number(text);
    return text;
  }

  it('types exactly the numbers the grammar allows', () => {
    const unit = fc.constantFrom('0', '1', '5', '9', '+', '-', '.', 'e', 'E', ' ', 'x', ',');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (text) => {
        expect(toTypedCell(text)).toEqual(expected(text));
      }),
      { numRuns: 20_000, seed: 11 },
    );
  });

  it('types exactly the dates the grammar and the calendar allow', () => {
    const two = fc.oneof(
      {
        weight: 9,
        arbitrary: fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0')),
      },
      { weight: 1, arbitrary: fc.constantFrom('x1', '1x', ' 1', '+1', '-1', '1') },
    );
    const date = fc
      .tuple(
        fc.integer({ min: 1890, max: 2110 }).map(String),
        two,
        two,
        fc.constantFrom('', 'T', ' ', 't', '  '),
        two,
        two,
        fc.constantFrom('', ':'),
        two,
        fc.constantFrom(
          '',
          '.5',
          '.05',
          '.123',
          '.1234',
          '.1230',
          '.500000',
          '.500001',
          '.123000000',
          '.1230000000',
          '.',
        ),
        fc.constantFrom('', 'Z', '+02:00'),
      )
      .map(([y, m, d, sep, h, min, colon, s, f, zone]) =>
        sep === ''
          ? `${y}-${m}-${d}${zone}`
          : `${y}-${m}-${d}${sep}${h}:${min}${colon}${colon === '' ? '' : s + f}${zone}`,
      );
    fc.assert(
      fc.property(date, (text) => {
        expect(toTypedCell(text)).toEqual(expected(text));
      }),
      { numRuns: 20_000, seed: 13 },
    );
  });
});
