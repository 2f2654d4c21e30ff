import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import {
  checkSheetName,
  toSheetName,
  validateSheetName,
} from '../../../src/xlsx/write/sheet-name.js';

describe('checkSheetName', () => {
  it('accepts names Excel accepts', () => {
    for (const name of [
      'Merged',
      'a',
      'x'.repeat(31),
      "it's",
      'Q1 & Q2 (2024)',
      '😀 data',
      '-=+!@#$%^&()',
    ]) {
      expect(checkSheetName(name)).toBe(null);
    }
  });

  it('says what is wrong with a name Excel refuses', () => {
    expect(checkSheetName('')).toBe('a sheet name cannot be empty');
    expect(checkSheetName('x'.repeat(32))).toBe('a sheet name has at most 31 characters, got 32');
    expect(checkSheetName('a:b')).toBe('a sheet name cannot contain ":"');
    expect(checkSheetName('a\\b')).toBe('a sheet name cannot contain "\\\\"');
    expect(checkSheetName('a/b')).toBe('a sheet name cannot contain "/"');
    expect(checkSheetName('a?b')).toBe('a sheet name cannot contain "?"');
    expect(checkSheetName('a*b')).toBe('a sheet name cannot contain "*"');
    expect(checkSheetName('a[b')).toBe('a sheet name cannot contain "["');
    expect(checkSheetName('a]b')).toBe('a sheet name cannot contain "]"');
    expect(checkSheetName('a\tb')).toBe('a sheet name cannot contain "\\t"');
    expect(checkSheetName('a\uD800')).toBe('a sheet name cannot contain "\\ud800"');
    expect(checkSheetName("'quoted")).toBe('a sheet name cannot start or end with an apostrophe');
    expect(checkSheetName("quoted'")).toBe('a sheet name cannot start or end with an apostrophe');
    expect(checkSheetName('HISTORY')).toBe('Excel reserves the sheet name "History"');
    expect(checkSheetName('merged', ['Data', 'Merged'])).toBe(
      'there is already a sheet called "Merged"',
    );
  });
});

describe('validateSheetName', () => {
  it('throws INVALID_OPTION naming the sheet', () => {
    expect(() => validateSheetName('a/b')).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidOption,
        sheet: 'a/b',
        message: 'Invalid sheet name "a/b": a sheet name cannot contain "/"',
      }),
    );
    expect(() => validateSheetName('Fine', ['Other'])).not.toThrow();
  });
});

describe('toSheetName', () => {
  it('keeps valid free names', () => {
    expect(toSheetName('Sales 2024', new Set())).toBe('Sales 2024');
  });

  it('replaces and trims what Excel refuses', () => {
    expect(toSheetName('a:b\\c/d?e*f[g]h', new Set())).toBe('a_b_c_d_e_f_g_h');
    expect(toSheetName("  'quoted'  ", new Set())).toBe('quoted');
    expect(toSheetName('tab\there', new Set())).toBe('tab_here');
    expect(toSheetName('', new Set())).toBe('Sheet');
    expect(toSheetName("'''", new Set())).toBe('Sheet');
    expect(toSheetName('History', new Set())).toBe('History (2)');
  });

  it('cuts long names to 31 characters without splitting a surrogate pair', () => {
    expect(toSheetName('x'.repeat(40), new Set())).toBe('x'.repeat(31));
    expect(toSheetName(`${'x'.repeat(30)}😀`, new Set())).toBe('x'.repeat(30));
    expect(toSheetName(`${'x'.repeat(29)}😀`, new Set())).toBe(`${'x'.repeat(29)}😀`);
  });

  it('numbers names that are taken, ignoring case', () => {
    expect(toSheetName('Data', new Set(['data']))).toBe('Data (2)');
    expect(toSheetName('Data', new Set(['DATA', 'data (2)']))).toBe('Data (3)');
    expect(toSheetName('y'.repeat(31), new Set(['y'.repeat(31)]))).toBe(`${'y'.repeat(27)} (2)`);
  });

  it('always gives a valid unique name', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.array(fc.string()),
        (wanted, others) => {
          const taken = new Set(others.map((other) => toSheetName(other, new Set())));
          const name = toSheetName(wanted, taken);
          expect(checkSheetName(name, taken)).toBe(null);
        },
      ),
      { numRuns: 200 },
    );
  });
});
