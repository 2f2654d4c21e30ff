import { describe, expect, it } from 'vitest';
import { ColumnUnion } from '../../src/reduce/column-union.js';

describe('ColumnUnion', () => {
  it('keeps first-seen order and reports what each sheet adds', () => {
    const union = new ColumnUnion(0);
    expect(
      union.add([
        { source: 0, name: 'id' },
        { source: 1, name: 'email' },
      ]),
    ).toEqual({
      outputs: [0, 1],
      added: ['id', 'email'],
    });
    expect(
      union.add([
        { source: 0, name: 'email' },
        { source: 3, name: 'phone' },
        { source: 4, name: 'id' },
      ]),
    ).toEqual({
      outputs: [1, 2, 0],
      added: ['phone'],
    });
    expect(union.dataNames).toEqual(['id', 'email', 'phone']);
  });

  it('names reserved columns last, around real ones', () => {
    const union = new ColumnUnion(1);
    union.add([
      { source: 0, name: 'Source' },
      { source: 1, name: 'Source (2)' },
    ]);
    union.widen(1, 30);
    expect(union.header(['Source'])).toEqual({
      names: ['Source (3)', 'Source', 'Source (2)'],
      widths: [10, 30, 10],
    });
  });
});
