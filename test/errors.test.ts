import { describe, expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../src/errors.js';

describe('XlmergeError.describe', () => {
  it('puts the place first and the hint after, with one full stop between', () => {
    const hint = { file: 'a.xlsx', sheet: 'Q1', row: 7, column: 'B', hint: 'Do this' };
    expect(new XlmergeError(ErrorCode.CellTooLong, 'Too long', hint).describe()).toBe(
      'a.xlsx, sheet "Q1", row 7, column B: Too long. Do this',
    );
    expect(new XlmergeError(ErrorCode.SizeLimit, 'Over 5 characters.', hint).describe()).toBe(
      'a.xlsx, sheet "Q1", row 7, column B: Over 5 characters. Do this',
    );
    expect(
      new XlmergeError(ErrorCode.InvalidOption, 'Did you mean "email"?', {
        hint: 'Look',
      }).describe(),
    ).toBe('Did you mean "email"? Look');
    expect(new XlmergeError(ErrorCode.Internal, 'Bare').describe({ withFile: false })).toBe('Bare');
  });

  it("keeps every field when a lower layer's error is told with its place", () => {
    const inner = new XlmergeError(ErrorCode.MissingKeyColumn, 'Missing', {
      sheet: 'S',
      missing: ['x'],
      available: ['a', 'b'],
      hint: 'Look',
    });
    const outer = inner.withContext({ file: 'f.xlsx', sheet: 'other', part: 'xl/s.xml' });
    expect(outer.toJSON()).toEqual({ ...inner.toJSON(), file: 'f.xlsx', part: 'xl/s.xml' });
    expect(outer.stack).toBe(inner.stack);
  });
});
