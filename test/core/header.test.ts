import { describe, expect, it } from 'vitest';
import { ColumnNamer, nameColumns, uniqueNames } from '../../src/core/header.js';

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
