import { describe, expect, it } from 'vitest';
import { describeFormat, formatOfName, misnamedNote } from '../../src/reader/format-names.js';

describe('formatOfName', () => {
  it('reads the format a name says, in any case, and null for a name that says none', () => {
    expect(formatOfName('a/b.XLSX')).toBe('xlsx');
    expect(formatOfName('b.xlsm')).toBe('xlsx');
    expect(formatOfName('b.xlsb')).toBe('xlsb');
    expect(formatOfName('b.Xls')).toBe('xls');
    expect(formatOfName('b.ods')).toBe('ods');
    expect(formatOfName('b.csv')).toBe('csv');
    expect(formatOfName('b.txt')).toBeNull();
    expect(formatOfName('xls')).toBeNull();
  });
});

describe('misnamedNote', () => {
  it('says what a file was read as when its name says another format', () => {
    expect(misnamedNote('export.xls', 'xlsx')).toBe(
      'read as an .xlsx workbook, which it is (its name says .xls)',
    );
    expect(misnamedNote('big.XLSX', 'xlsb')).toBe(
      'read as an Excel binary workbook (.xlsb), which it is (its name says .XLSX)',
    );
    expect(misnamedNote('data', 'ods')).toBeNull();
    expect(misnamedNote('a.xlsm', 'xlsx')).toBeNull();
    expect(misnamedNote('a.xls', 'xls')).toBeNull();
  });

  it('names every format in words', () => {
    expect(['xlsx', 'xlsb', 'xls', 'ods', 'csv'].map((f) => describeFormat(f as never))).toEqual([
      'an .xlsx workbook',
      'an Excel binary workbook (.xlsb)',
      'an Excel 97-2003 workbook (.xls)',
      'an OpenDocument spreadsheet (.ods)',
      'CSV text',
    ]);
  });
});
