import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { allColumnsKeyOf, type KeyOptions, keyOf } from '../../src/core/key.js';

const exact: KeyOptions = { ignoreCase: false, trim: false, keysAsText: false };
const date = (serial: number): CellValue => ({ kind: 'date', serial });
const key = (values: CellValue[], options: Partial<KeyOptions> = {}) =>
  keyOf(
    values,
    values.map((_, i) => i),
    { ...exact, ...options },
  );

describe('keyOf', () => {
  it('compares numbers by value', () => {
    expect(key([1])).toBe(key([1.0]));
    expect(key([-0])).toBe(key([0]));
    expect(key([0.1 + 0.2])).not.toBe(key([0.3]));
  });

  it('keeps text and numbers apart unless keysAsText', () => {
    expect(key(['1'])).not.toBe(key([1]));
    expect(key(['123'], { keysAsText: true })).toBe(key([123], { keysAsText: true }));
    expect(key(['00123'], { keysAsText: true })).not.toBe(key([123], { keysAsText: true }));
  });

  it('compares text exactly by default', () => {
    expect(key(['Ann'])).not.toBe(key(['ann']));
    expect(key(['Ann '])).not.toBe(key(['Ann']));
  });

  it('folds case and trims when asked', () => {
    expect(key(['ANN@EXAMPLE.COM'], { ignoreCase: true })).toBe(
      key(['ann@example.com'], { ignoreCase: true }),
    );
    expect(key(['STRASSE'], { ignoreCase: true })).toBe(key(['straße'], { ignoreCase: true }));
    expect(key(['  ann\u00a0'], { trim: true })).toBe(key(['ann'], { trim: true }));
  });

  it('compares dates by instant, to the millisecond', () => {
    expect(key([date(45000.5)])).toBe(key([date(45000.5 + 1e-12)]));
    expect(key([date(45000)])).not.toBe(key([date(45001)]));
    expect(key([date(45000)])).not.toBe(key([45000]));
  });

  it('compares booleans and errors by value', () => {
    expect(key([true])).toBe(key([true]));
    expect(key([true])).not.toBe(key([1]));
    expect(key([{ kind: 'error', code: '#N/A' }])).toBe('5:e#N/A');
  });

  it('gives null when every key cell is empty', () => {
    expect(key([null, ''])).toBeNull();
    expect(key(['  '], { trim: true })).toBeNull();
    expect(key([null, 'a'])).toBe('_2:sa');
  });

  it('cannot be fooled by separators inside values', () => {
    expect(key(['a', 'b:c'])).not.toBe(key(['a:b', 'c']));
    expect(key(['1:sa', null])).not.toBe(key(['1', 'a']));
  });

  it('writes the exact encoding', () => {
    expect(key([42, 'x', true])).toBe('3:n422:sx2:b1');
  });
});

describe('allColumnsKeyOf', () => {
  it('matches columns by name and treats a missing column as empty', () => {
    const a = allColumnsKeyOf(
      [1, 'x'],
      [
        { source: 1, name: 'email' },
        { source: 0, name: 'id' },
      ],
      exact,
    );
    const b = allColumnsKeyOf(
      ['x', null, 1],
      [
        { source: 0, name: 'email' },
        { source: 2, name: 'id' },
        { source: 1, name: 'phone' },
      ],
      exact,
    );
    expect(a).toBe(b);
    expect(a).toBe('5:email2:sx2:id2:n1');
  });

  it('gives null for an all-empty row', () => {
    expect(allColumnsKeyOf([null], [{ source: 0, name: 'a' }], exact)).toBeNull();
  });
});
