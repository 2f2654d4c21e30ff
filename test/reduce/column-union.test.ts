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

describe('ColumnUnion with loose matching and selected columns', () => {
  it('aligns loosely equal names under the first spelling seen', () => {
    const union = new ColumnUnion(0, { match: 'loose', selected: null });
    expect(union.add([{ source: 0, name: 'Customer ID' }])).toEqual({
      outputs: [0],
      added: ['Customer ID'],
    });
    expect(
      union.add([
        { source: 0, name: 'email' },
        { source: 1, name: 'customer_id' },
      ]),
    ).toEqual({ outputs: [1, 0], added: ['email'] });
    expect(union.dataNames).toEqual(['Customer ID', 'email']);
    expect(union.header([]).names).toEqual(['Customer ID', 'email']);
  });

  it('suffixes a reserved name that loosely equals a real column', () => {
    const union = new ColumnUnion(1, { match: 'loose', selected: null });
    union.add([{ source: 0, name: 'source' }]);
    expect(union.header(['Source']).names).toEqual(['Source (2)', 'source']);
  });

  it('fixes selected columns up front and reports those no sheet had', () => {
    const union = new ColumnUnion(1, { match: 'exact', selected: ['name', 'id', 'phone'] });
    expect(union.size).toBe(4);
    expect(
      union.add([
        { source: 3, name: 'id' },
        { source: 0, name: 'name' },
      ]),
    ).toEqual({ outputs: [2, 1], added: ['id', 'name'] });
    union.noteColumns(['email', 'city']);
    expect(union.add([{ source: 0, name: 'id' }])).toEqual({ outputs: [2], added: [] });
    expect(union.unseenNames).toEqual(['phone']);
    expect(union.existingNames).toEqual(['id', 'name', 'email', 'city']);
    expect(() => union.add([{ source: 0, name: 'email' }])).toThrow(
      'Internal: column "email" is not selected',
    );
  });
});
