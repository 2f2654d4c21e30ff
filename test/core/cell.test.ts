import { describe, expect, it } from 'vitest';
import { EXCEL_ERROR_BY_BYTE, EXCEL_ERROR_VALUES } from '../../src/core/cell.js';

describe('EXCEL_ERROR_BY_BYTE', () => {
  it("maps the binary formats' error bytes to their values, each one of EXCEL_ERROR_VALUES", () => {
    expect([...EXCEL_ERROR_BY_BYTE]).toEqual([
      [0x00, '#NULL!'],
      [0x07, '#DIV/0!'],
      [0x0f, '#VALUE!'],
      [0x17, '#REF!'],
      [0x1d, '#NAME?'],
      [0x24, '#NUM!'],
      [0x2a, '#N/A'],
      [0x2b, '#GETTING_DATA'],
    ]);
    for (const value of EXCEL_ERROR_BY_BYTE.values())
      expect(EXCEL_ERROR_VALUES.has(value)).toBe(true);
  });
});
