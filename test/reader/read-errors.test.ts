import { describe, expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { noWorksheetsError, withContext } from '../../src/reader/read-errors.js';

const where = { file: 'in/a.xls', sheet: 'Q1', part: 'Workbook' };

describe('withContext', () => {
  it('makes an error that is no XlmergeError an INTERNAL one, at the place, with it as cause', () => {
    const bug = new TypeError('x is undefined');
    const error = withContext(bug, where);
    expect(error).toBeInstanceOf(XlmergeError);
    expect(error.code).toBe(ErrorCode.Internal);
    expect(error.message).toBe('Reading the sheet failed: TypeError: x is undefined');
    expect([error.file, error.sheet, error.part]).toEqual(['in/a.xls', 'Q1', 'Workbook']);
    expect(error.cause).toBe(bug);
  });

  it('fills in the places an XlmergeError does not name, keeping its own and its other fields', () => {
    const found = new XlmergeError(ErrorCode.MalformedRecord, 'A record is cut short', {
      part: 'xl/sharedStrings.bin',
      row: 7,
      hint: 'Open and save it again',
    });
    const error = withContext(found, where);
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.message).toBe('A record is cut short');
    expect([error.file, error.sheet, error.part]).toEqual([
      'in/a.xls',
      'Q1',
      'xl/sharedStrings.bin',
    ]);
    expect([error.row, error.hint]).toEqual([7, 'Open and save it again']);
    expect(error.stack).toBe(found.stack);
  });

  it('returns an XlmergeError that already names the file, sheet and part as it is', () => {
    const found = new XlmergeError(ErrorCode.MalformedRecord, 'A record is cut short', {
      file: 'in/b.xlsb',
      sheet: 'Other',
      part: 'xl/worksheets/sheet2.bin',
    });
    expect(withContext(found, where)).toBe(found);
  });
});

describe('noWorksheetsError', () => {
  it('is NO_SHEETS at the workbook part, naming the other sheets when there are some', () => {
    const error = noWorksheetsError({ file: 'in/a.xlsx', part: 'xl/workbook.xml' }, 2);
    expect(error.code).toBe(ErrorCode.NoSheets);
    expect(error.describe()).toBe(
      'in/a.xlsx: The workbook has no worksheets, only 2 chart or macro sheet(s). Remove the file from the inputs',
    );
    expect([error.file, error.part]).toEqual(['in/a.xlsx', 'xl/workbook.xml']);
    expect(noWorksheetsError({ file: 'in/b.xls', part: 'Workbook' }, 0).message).toBe(
      'The workbook has no worksheets',
    );
  });
});
