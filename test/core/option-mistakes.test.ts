import { describe, expect, it } from 'vitest';
import {
  keyColumnsInNoFile,
  renamesInNoFile,
  sheetsInNoFile,
} from '../../src/core/option-mistakes.js';

const columns = ['id', 'email', 'name'];

describe('keyColumnsInNoFile', () => {
  it('names a key column every file lacks, with the closest column the files have', () => {
    const files = [
      { missing: ['emial'], available: columns },
      { missing: ['emial'], available: [...columns, 'phone'] },
    ];
    expect(keyColumnsInNoFile(['id', 'emial'], files, 'exact')).toEqual({
      message: 'the key column "emial" is in none of the 2 files; did you mean "email"?',
      hint: 'The files have the columns "id", "email", "name", "phone"',
    });
  });

  it('says nothing when some file has it, or no header was read', () => {
    const lacking = { missing: ['phone'], available: columns };
    const merged = { missing: [], available: [...columns, 'phone'] };
    expect(keyColumnsInNoFile(['phone'], [lacking, merged], 'exact')).toBeNull();
    expect(keyColumnsInNoFile(['phone'], [], 'exact')).toBeNull();
  });

  it('points at loose matching when only case or spacing differs', () => {
    const files = [{ missing: ['Customer ID'], available: ['customer_id', 'name'] }];
    expect(keyColumnsInNoFile(['Customer ID'], files, 'exact')).toEqual({
      message: 'the key column "Customer ID" is not in the file; did you mean "customer_id"?',
      hint: 'The files have "customer_id", which differ only in case, spaces or punctuation; `matchHeaders: \'loose\'` matches them. The files have the columns "customer_id", "name"',
    });
  });

  it('names several, and lists at most twenty columns', () => {
    const many = Array.from({ length: 25 }, (_, i) => `c${i}`);
    const mistake = keyColumnsInNoFile(
      ['x', 'y'],
      [{ missing: ['x', 'y'], available: many }],
      'loose',
    );
    expect(mistake?.message).toBe('the key columns "x", "y" are not in the file');
    expect(mistake?.hint).toMatch(/"c19" and 5 more$/);
  });
});

describe('sheetsInNoFile', () => {
  it('names a sheet no workbook has, with the closest sheet', () => {
    const books = [
      { missing: ['"Q9"'], available: ['Q1', 'Q2'] },
      { missing: ['"Q9"'], available: ['Q1', 'Notes'] },
    ];
    expect(sheetsInNoFile(['"Q1"', '"Q9"'], books)).toEqual({
      message: 'the sheet "Q9" is in none of the 2 workbooks; did you mean "Q1"?',
      hint: 'The workbooks have the sheets "Q1", "Q2", "Notes"',
    });
    expect(sheetsInNoFile(['"Q9"'], [...books, { missing: [], available: [] }])).toBeNull();
  });
});

describe('renamesInNoFile', () => {
  it('warns of each rename no file needed, once', () => {
    expect(
      renamesInNoFile({ 'Cust Id': 'customer', email: 'mail' }, new Set(['email']), ['Cust ID']),
    ).toEqual([
      '`rename`: no file has a column "Cust Id" to rename to "customer"; did you mean "Cust ID"?',
    ]);
  });
});
