import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { type FoundHeader, HeaderFinder, type NumberedRow } from '../../src/core/header-row.js';

/** Feeds rows numbered from 1 (`null` for a row missing from the sheet) and says what was found. */
function find(
  rows: readonly (readonly CellValue[] | null)[],
  headerRow: number | null = null,
): { found: FoundHeader | null; at: number | 'end' } {
  const finder = new HeaderFinder(headerRow);
  for (const [index, cells] of rows.entries()) {
    if (cells === null) continue;
    const found = finder.add({ number: index + 1, cells });
    if (found !== null) return { found, at: index + 1 };
  }
  return { found: finder.end(), at: 'end' };
}

const numbers = (rows: readonly NumberedRow[]) => rows.map((row) => row.number);
const WIDE = ['id', 'email', 'name', 'city'];

describe('HeaderFinder', () => {
  it('takes the first row with more than two cells at once', () => {
    const { found, at } = find([null, [null, ''], WIDE, [1, 'a@x', 'Ann', 'Oslo']]);
    expect(at).toBe(3);
    expect(found).toEqual({
      header: { number: 3, cells: WIDE },
      choice: 'first',
      titleLines: [],
      rows: [],
    });
  });

  it('takes a title line above a wide all-text row for what it is', () => {
    const { found, at } = find([
      ['Monthly report generated 2026-11-02'],
      [],
      WIDE,
      [1, 'a@x', 'Ann', 'Oslo'],
    ]);
    expect(at).toBe(3);
    expect(found).toEqual({
      header: { number: 3, cells: WIDE },
      choice: 'below-title',
      titleLines: [1],
      rows: [],
    });
  });

  it('takes several title lines, of up to two cells, with or without blank rows between', () => {
    const header = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { found } = find([
      ['Sales'],
      ['Generated', { kind: 'date', serial: 46000 }],
      header,
      [1, 2, 3, 4, 5, 6],
    ]);
    expect([found?.choice, found?.header.number, found?.titleLines]).toEqual([
      'below-title',
      3,
      [1, 2],
    ]);
  });

  it('keeps the first row when the wide row below is not all text (it is data)', () => {
    const { found, at } = find([
      ['id', 'name'],
      [1, 'Ann', 'extra'],
      [2, 'Bob'],
    ]);
    expect(at).toBe(2);
    expect(found).toEqual({
      header: { number: 1, cells: ['id', 'name'] },
      choice: 'first',
      titleLines: [],
      rows: [{ number: 2, cells: [1, 'Ann', 'extra'] }],
    });
  });

  it('keeps the first row when the wide row is not twice as wide as every narrow row', () => {
    expect(find([['Report'], ['a', 'b']]).found?.choice).toBe('first');
    expect(find([['Report'], ['a', 'b', 'c']]).found?.choice).toBe('below-title');
    expect(
      find([
        ['Report', 'Q1'],
        ['a', 'b', 'c'],
      ]).found?.choice,
    ).toBe('first');
    expect(
      find([
        ['Report', 'Q1'],
        ['a', 'b', 'c', 'd'],
      ]).found?.choice,
    ).toBe('below-title');
    expect(find([['Report'], ['Q1', 'x'], ['a', 'b', 'c']]).found?.choice).toBe('first');
  });

  it('keeps a narrow table: the first row is its header, and the held rows are its data', () => {
    // The blank row 3, among the rows looked at, is passed over like one above a header.
    const rows = [['id'], [1], [], [2], [3]];
    const { found, at } = find(rows);
    expect(at).toBe('end');
    expect([found?.choice, found?.header.number, numbers(found?.rows ?? [])]).toEqual([
      'first',
      1,
      [2, 4, 5],
    ]);
  });

  it('looks at most ten non-empty rows ahead', () => {
    const narrow = Array.from({ length: 10 }, (_, i) => [`line ${i + 1}`]);
    const decided = find([...narrow, WIDE]);
    expect([decided.found?.choice, decided.found?.header.number, decided.at]).toEqual([
      'below-title',
      11,
      11,
    ]);
    const tooFar = find([...narrow, ['line 11'], WIDE]);
    expect([tooFar.found?.choice, tooFar.found?.header.number, tooFar.at]).toEqual([
      'first',
      1,
      11,
    ]);
    expect(numbers(tooFar.found?.rows ?? [])).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('does not take spaces for a header cell', () => {
    expect(find([['Title'], ['a', 'b', ' ', 'd']]).found?.choice).toBe('below-title');
    expect(find([['Title'], ['a', 'b', ' ']]).found?.choice).toBe('first');
  });

  it('takes the headerRow option as it is, title or not', () => {
    expect(find([['Title'], [], WIDE], 1)).toEqual({
      found: {
        header: { number: 1, cells: ['Title'] },
        choice: 'option',
        titleLines: [],
        rows: [],
      },
      at: 1,
    });
    // A header row missing from the sheet is an empty header there.
    expect(find([['Title'], null, null, [1, 2]], 3)).toEqual({
      found: {
        header: { number: 3, cells: [] },
        choice: 'option',
        titleLines: [],
        rows: [{ number: 4, cells: [1, 2] }],
      },
      at: 4,
    });
    expect(find([['Title']], 5)).toEqual({ found: null, at: 'end' });
  });

  it('finds nothing in a sheet with nothing in it', () => {
    expect(find([[], [null, '']])).toEqual({ found: null, at: 'end' });
  });
});

describe('HeaderFinder and blank rows', () => {
  it('passes over empty rows before the header, but not a row of spaces, as before', () => {
    expect(find([[''], [' '], WIDE]).found).toMatchObject({
      header: { number: 3 },
      choice: 'below-title',
      titleLines: [2],
    });
    expect(find([[' '], [1, 2]]).found).toMatchObject({ header: { number: 1 }, choice: 'first' });
  });
});
