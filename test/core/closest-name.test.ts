import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/core/closest-name.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['email', 'email', 0],
    ['emial', 'email', 1],
    ['dedup', 'dedupe', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3],
    ['🎉a', 'a🎉', 1],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  it('finds a slip of the keyboard', () => {
    expect(closestName('emial', ['id', 'email', 'name'])).toBe('email');
    expect(closestName('dedup', ['dedupe', 'keep', 'sheet'])).toBe('dedupe');
    expect(closestName('Emial', ['id', 'email'])).toBe('email');
  });

  it('allows more edits for longer names', () => {
    expect(closestName('id', ['ix', 'email'])).toBe('ix');
    expect(closestName('id', ['name'])).toBeUndefined();
    expect(closestName('signupdat', ['signup date'])).toBe('signup date');
    expect(closestName('customercode', ['customer cod'])).toBe('customer cod');
    expect(closestName('abcdefgh', ['abxyzfgh'])).toBeUndefined();
  });

  it('gives ties to the earlier candidate and never the name itself', () => {
    expect(closestName('ab', ['ac', 'ad'])).toBe('ac');
    expect(closestName('email', ['email'])).toBeUndefined();
  });
});
