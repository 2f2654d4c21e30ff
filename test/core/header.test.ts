import { describe, expect, it } from 'vitest';
import { nameColumns, uniqueNames } from '../../src/core/header.js';

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
});
