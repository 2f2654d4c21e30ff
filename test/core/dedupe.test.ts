import { describe, expect, it } from 'vitest';
import { dedupeKeys, FirstKeeper, planSurvivors, splitIndexes } from '../../src/core/dedupe.js';

const keys = ['a', 'b', 'a', null, 'c', 'b', null, 'a'];

describe('dedupeKeys', () => {
  it('keeps the first row of each key', () => {
    expect(dedupeKeys(keys, 'first')).toEqual({
      kept: [0, 1, 3, 4, 6],
      dropped: 3,
      repeatedKeys: [],
    });
  });

  it('keeps the last row of each key at its own position', () => {
    expect(dedupeKeys(keys, 'last')).toEqual({
      kept: [3, 4, 5, 6, 7],
      dropped: 3,
      repeatedKeys: [],
    });
  });

  it('keeps no row whose key repeats', () => {
    expect(dedupeKeys(keys, 'none')).toEqual({
      kept: [3, 4, 6],
      dropped: 5,
      repeatedKeys: ['a', 'b'],
    });
  });

  it('never drops rows with a null key', () => {
    expect(dedupeKeys([null, null], 'none').kept).toEqual([0, 1]);
  });
});

describe('planSurvivors across files', () => {
  const files = [
    { keys: ['a', 'b', null], repeatedKeys: [] },
    { keys: ['b', 'c'], repeatedKeys: ['d'] },
    { keys: ['c', 'd', 'e'], repeatedKeys: [] },
  ];

  it('first: earlier files win', () => {
    expect(planSurvivors(files, 'first')).toEqual([[0, 1, 2], [1], [1, 2]]);
  });

  it('last: later files win', () => {
    expect(planSurvivors(files, 'last')).toEqual([[0, 2], [0], [0, 1, 2]]);
  });

  it('none: a key anywhere twice is dropped everywhere, including keys a file repeated itself', () => {
    expect(planSurvivors(files, 'none')).toEqual([[0, 2], [], [2]]);
  });

  it('first: the streaming keeper agrees with the plan', () => {
    const keeper = new FirstKeeper();
    expect(files.map((file) => file.keys.map((key) => keeper.accept(key)))).toEqual([
      [true, true, true],
      [false, true],
      [false, true, true],
    ]);
  });
});

describe('splitIndexes', () => {
  it('maps indexes into concatenated parts back to each part', () => {
    expect(splitIndexes([0, 2, 3, 7], [3, 0, 2, 3])).toEqual([[0, 2], [], [0], [2]]);
  });
});
