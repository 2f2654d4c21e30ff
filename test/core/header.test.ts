import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { formatCellAsText } from '../../src/core/cell-text.js';
import { lettersOfColumn } from '../../src/core/column-letters.js';
import {
  ColumnNamer,
  countNamedCells,
  type HeaderRules,
  nameColumns,
  uniqueNames,
} from '../../src/core/header.js';
import { type HeaderMatch, headerKeyFor } from '../../src/core/header-match.js';

describe('nameColumns', () => {
  it('trims names, names empty headers by their letters and numbers repeats', () => {
    const header = ['  id ', 'email', null, 'email', 42, { kind: 'date' as const, serial: 45292 }];
    expect(nameColumns(header, [0, 1, 2, 3, 4, 5, 7])).toEqual([
      { source: 0, name: 'id' },
      { source: 1, name: 'email' },
      { source: 2, name: 'Column C' },
      { source: 3, name: 'email (2)' },
      { source: 4, name: '42' },
      { source: 5, name: '2024-01-01' },
      { source: 7, name: 'Column H' },
    ]);
  });
});

describe('uniqueNames', () => {
  it('skips suffixes that are already real names', () => {
    expect(uniqueNames(['a', 'a', 'a (2)', 'a'])).toEqual(['a', 'a (3)', 'a (2)', 'a (4)']);
  });

  it('numbers loosely equal names on from one another, punctuation-only names too', () => {
    expect(
      uniqueNames(['Email', 'E-mail', 'email (2)', 'EMAIL', '#', '%', '#', '%', '2'], 'loose'),
    ).toEqual(['Email', 'E-mail (3)', 'email (2)', 'EMAIL (4)', '#', '%', '# (3)', '% (4)', '2']);
  });
});

/**
 * The numbering as it was before it went on from the last number per stem: from 2 for every
 * repeat, O(n²) for n repeats of one name. The reference the fast one must agree with.
 */
function referenceUniqueNames(names: readonly string[], keyOf: (name: string) => string): string[] {
  const taken = new Set(names.map(keyOf));
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(keyOf(name))) {
      seen.add(keyOf(name));
      return name;
    }
    let n = 2;
    const candidate = () => keyOf(`${name} (${n})`);
    while (taken.has(candidate()) || seen.has(candidate())) n += 1;
    const unique = `${name} (${n})`;
    seen.add(keyOf(unique));
    return unique;
  });
}

/** `nameColumns` as it was: the reference numbering for the header, then `add` from 2. */
function referenceNameColumns(
  header: readonly CellValue[],
  columns: readonly number[],
  rules: HeaderRules,
): { source: number; name: string }[] {
  const keyOf = headerKeyFor(rules.match);
  const rename = new Map(Object.entries(rules.rename).map(([from, to]) => [keyOf(from), to]));
  const renamed = (name: string) => rename.get(keyOf(name)) ?? name;
  const names = new Map<number, string>();
  const indexes: number[] = [];
  const wanted: string[] = [];
  header.forEach((cell, index) => {
    const text = formatCellAsText(cell ?? null).trim();
    if (text === '') return;
    indexes.push(index);
    wanted.push(renamed(text));
  });
  const taken = new Set<string>();
  referenceUniqueNames(wanted, keyOf).forEach((name, i) => {
    names.set(indexes[i] as number, name);
    taken.add(keyOf(name));
  });
  for (const index of [...columns].sort((a, b) => a - b)) {
    if (names.has(index)) continue;
    const want = renamed(`Column ${lettersOfColumn(index)}`);
    let name = want;
    for (let n = 2; taken.has(keyOf(name)); n += 1) name = `${want} (${n})`;
    names.set(index, name);
    taken.add(keyOf(name));
  }
  return [...names.entries()].sort(([a], [b]) => a - b).map(([source, name]) => ({ source, name }));
}

describe('numbering repeats: the same names as numbering from 2 each time', () => {
  // Pieces that collide exactly, loosely (case, width, ß, final sigma, combining marks), with
  // numbered forms (`a (2)`, `a2`, `2`) and with nothing but punctuation (`#`, `%`).
  const piece = fc.constantFrom(
    'a',
    'A',
    'ａ',
    'a (2)',
    'A (3)',
    'a2',
    '2',
    ' (2)',
    '(3)',
    '#',
    '%',
    '# (2)',
    '-',
    'ß',
    'SS',
    'Σ',
    'ς',
    'σ',
    'e\u0301',
    'é',
    'Column B',
    'Column C (2)',
    ' ',
  );
  const name = fc.array(piece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));
  const match = fc.constantFrom<HeaderMatch>('exact', 'loose');

  it('uniqueNames agrees with the reference (property)', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 14 }), match, (names, how) => {
        expect(uniqueNames(names, how)).toEqual(referenceUniqueNames(names, headerKeyFor(how)));
      }),
      { numRuns: 3000 },
    );
  });

  it('ColumnNamer agrees with the reference, with renames and data columns (property)', () => {
    const header = fc.array(fc.oneof(name, fc.constant(null), fc.constant('  ')), {
      maxLength: 10,
    });
    const rename = fc.dictionary(
      fc.constantFrom('a', 'A', 'Column B', 'Column C', 'Column D', 'column e', '#'),
      name,
      { maxKeys: 4 },
    );
    const columns = fc.uniqueArray(fc.nat(14), { maxLength: 8 });
    fc.assert(
      fc.property(header, columns, rename, match, (cells, data, renames, how) => {
        const rules = { rename: renames, match: how };
        expect(nameColumns(cells, data, rules)).toEqual(referenceNameColumns(cells, data, rules));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('numbering repeats in linear time', () => {
  /** Milliseconds `run` takes. */
  function timed(run: () => void): number {
    const start = performance.now();
    run();
    return performance.now() - start;
  }

  // Numbering from 2 each time took minutes for each of these; now each takes milliseconds.
  it('names 40,000 columns of one name', () => {
    let names: string[] = [];
    const ms = timed(() => {
      names = uniqueNames(Array.from({ length: 40_000 }, () => 'a'));
    });
    expect([names[0], names[1], names[39_999], new Set(names).size]).toEqual([
      'a',
      'a (2)',
      'a (40000)',
      40_000,
    ]);
    expect(ms).toBeLessThan(1000);
  });

  it('names 20,000 loosely equal spellings and punctuation-only names', () => {
    // `a`, `a-`, `a.`, … compare alike; `#`, `#-`, … have the same numbered forms (`2`, …).
    const marks = (i: number) =>
      i === 0 ? '' : i.toString(4).replace(/./g, (d) => '!-._'[+d] ?? '');
    const spellings = Array.from({ length: 5000 }, (_, i) => `a${marks(i)}`);
    const punctuation = Array.from({ length: 5000 }, (_, i) => `#${marks(i)}`);
    const header = [...spellings, ...spellings, ...punctuation, ...punctuation];
    let names: string[] = [];
    const ms = timed(() => {
      names = uniqueNames(header, 'loose');
    });
    expect(names.slice(0, 2)).toEqual(['a', 'a- (2)']);
    expect(names.slice(5000, 5002)).toEqual(['a (5001)', 'a- (5002)']);
    expect(names.slice(10_000, 10_002)).toEqual(['#', '#-']);
    expect(names.slice(15_000, 15_002)).toEqual(['# (2)', '#- (3)']);
    expect(new Set(names.map(headerKeyFor('loose'))).size).toBe(20_000);
    expect(ms).toBeLessThan(2000);
  });

  it('names 16,000 columns that only data reaches, renamed into one name', () => {
    const rename: Record<string, string> = {};
    for (let index = 8000; index < 16_000; index += 1) {
      rename[`Column ${lettersOfColumn(index)}`] = 'a';
    }
    const header = Array.from({ length: 8000 }, () => 'a');
    const row = Array.from({ length: 16_000 }, () => 1);
    let namer = new ColumnNamer([]);
    const ms = timed(() => {
      namer = new ColumnNamer(header, { rename, match: 'exact' });
      namer.addCells(row);
    });
    const columns = namer.columns();
    expect([
      columns.length,
      columns[7999]?.name,
      columns[8000]?.name,
      columns[15_999]?.name,
    ]).toEqual([16_000, 'a (8000)', 'a (8001)', 'a (16000)']);
    expect(ms).toBeLessThan(1000);
  });
});

describe("ColumnNamer past Excel's last column", () => {
  it('names columns past XFD by their letters, as a CSV file may have them', () => {
    const namer = new ColumnNamer(['id']);
    expect(namer.addCells([1, ...Array.from({ length: 16_384 }, () => null), 'x'])).toEqual([
      { source: 16_385, name: 'Column XFF' },
    ]);
    expect(namer.addCells([2, null, 'y'])).toEqual([{ source: 2, name: 'Column C' }]);
    expect(namer.addCells([3, null, 'z'])).toEqual([]);
    expect(namer.columns()).toEqual([
      { source: 0, name: 'id' },
      { source: 2, name: 'Column C' },
      { source: 16_385, name: 'Column XFF' },
    ]);
    expect([namer.size, namer.width, namer.indexOf('Column XFF')]).toEqual([3, 16_386, 16_385]);
  });

  it('counts the header cells that name a column', () => {
    expect(countNamedCells(['a', null, '  ', '', 0, 'a'])).toBe(3);
  });
});

describe('ColumnNamer with rules', () => {
  it('renames trimmed header names once, then numbers repeats', () => {
    const rules = { rename: { 'Cust ID': 'customer_id', a: 'b', b: 'c' }, match: 'exact' as const };
    expect(nameColumns([' Cust ID ', 'customer_id', 'a', 'b', 'cust id'], [], rules)).toEqual([
      { source: 0, name: 'customer_id' },
      { source: 1, name: 'customer_id (2)' },
      { source: 2, name: 'b' },
      { source: 3, name: 'c' },
      { source: 4, name: 'cust id' },
    ]);
  });

  it('renames `Column C` names of columns without a header', () => {
    const rules = { rename: { 'Column C': 'notes' }, match: 'exact' as const };
    expect(nameColumns(['id', null, null], [2], rules)).toEqual([
      { source: 0, name: 'id' },
      { source: 2, name: 'notes' },
    ]);
  });

  it('keeps loosely equal headers of one sheet as two columns', () => {
    const rules = { rename: {}, match: 'loose' as const };
    expect(nameColumns(['Email', 'E-mail', 'email2', 'EMAIL'], [], rules)).toEqual([
      { source: 0, name: 'Email' },
      { source: 1, name: 'E-mail (3)' },
      { source: 2, name: 'email2' },
      { source: 3, name: 'EMAIL (4)' },
    ]);
    // The same header with exact matching: three distinct names.
    expect(nameColumns(['Email', 'E-mail', 'email2'], [])).toEqual([
      { source: 0, name: 'Email' },
      { source: 1, name: 'E-mail' },
      { source: 2, name: 'email2' },
    ]);
  });

  it('matches renames and lookups loosely in loose mode', () => {
    const namer = new ColumnNamer(['CUST-ID', 'Name'], {
      rename: { 'cust id': 'Customer ID' },
      match: 'loose',
    });
    expect(namer.columns()).toEqual([
      { source: 0, name: 'Customer ID' },
      { source: 1, name: 'Name' },
    ]);
    expect(namer.indexOf('customer_id')).toBe(0);
    expect(namer.indexOf('NAME')).toBe(1);
    expect(new ColumnNamer(['Name']).indexOf('name')).toBeUndefined();
  });
});
