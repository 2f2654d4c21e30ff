import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_LIMITS, normalizeLimits } from '../../src/reader/read-limits.js';

describe('normalizeLimits', () => {
  it('gives every limit its default when none are given', () => {
    const limits = normalizeLimits(undefined);
    expect(limits).toEqual(DEFAULT_READ_LIMITS);
    expect(Object.isFrozen(limits)).toBe(true);
  });

  it('keeps the limits given and defaults the rest, ignoring undefined ones', () => {
    const limits = normalizeLimits({ maxEntryBytes: 1024, maxSharedStrings: undefined });
    expect(limits).toEqual({ ...DEFAULT_READ_LIMITS, maxEntryBytes: 1024 });
    expect(Object.isFrozen(limits)).toBe(true);
  });
});
