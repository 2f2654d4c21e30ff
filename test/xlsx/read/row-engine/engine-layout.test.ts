/**
 * engine-layout.ts, generated from engine-layout.h, against what the TypeScript side gives the
 * same meaning: the date flags are NumberFormatKind's values, the fragments are
 * CELL_FRAGMENTS' (by name), and the packed fields hold Excel's largest values. (That the file
 * is what the header generates is test/wasm/build.test.ts's.)
 */
import { describe, expect, it } from 'vitest';
import { columnLetters } from '../../../../src/core/column-letters.js';
import { NumberFormatKind } from '../../../../src/core/date-format.js';
import { MAX_CELL_TEXT, MAX_COLUMNS } from '../../../../src/core/excel-limits.js';
import { CELL_FRAGMENTS } from '../../../../src/render/cell-xml.js';
import {
  CELL_WIDTH_BITS,
  COLUMN_LETTERS_BYTES,
  CONFIG_WORDS,
  Config,
  DateStyle,
  Fragment,
  ROW_RECORD_WORDS,
  RowRecord,
  STRING_RECORD_WORDS,
  StringRecord,
} from '../../../../src/xlsx/read/row-engine/engine-layout.js';

describe('the row engine layout', () => {
  it('gives the date flags the values of NumberFormatKind', () => {
    expect(DateStyle).toEqual(NumberFormatKind);
  });

  it('names a fragment for each of CELL_FRAGMENTS, numbered in order', () => {
    expect(Object.keys(Fragment).map((name) => name[0]?.toLowerCase() + name.slice(1))).toEqual(
      Object.keys(CELL_FRAGMENTS),
    );
    expect(Object.values(Fragment)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("holds Excel's last column's letters, its column and the longest text's width", () => {
    expect(columnLetters(MAX_COLUMNS - 1)).toBe('XFD');
    expect(COLUMN_LETTERS_BYTES).toBe(1 + 'XFD'.length);
    expect(CELL_WIDTH_BITS).toBe(16);
    expect(MAX_CELL_TEXT).toBeLessThan(2 ** CELL_WIDTH_BITS);
    expect(MAX_COLUMNS).toBeLessThanOrEqual(2 ** (32 - CELL_WIDTH_BITS));
  });

  it('lays the records and the config out as engine.c declares them', () => {
    expect(RowRecord).toEqual({ number: 0, outEnd: 1, keyEnd: 2, present: 3, widthsEnd: 4 });
    expect(ROW_RECORD_WORDS).toBe(5);
    expect(StringRecord).toEqual({
      bodyStart: 0,
      bodyLength: 1,
      keyStart: 2,
      keyLength: 3,
      width: 4,
      flags: 5,
    });
    expect(STRING_RECORD_WORDS).toBe(6);
    expect(Object.values(Config)).toEqual([...Array(CONFIG_WORDS).keys()]);
  });
});
