import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { computeCrc32, crc32Combine } from '../../../src/xlsx/zip/crc32.js';

describe('computeCrc32', () => {
  it('is the standard CRC-32 and continues from a previous value', () => {
    expect(computeCrc32('123456789')).toBe(0xcbf43926);
    expect(computeCrc32(Buffer.from('56789'), computeCrc32('1234'))).toBe(0xcbf43926);
    expect(computeCrc32(new Uint8Array(0))).toBe(0);
  });
});

describe('crc32Combine', () => {
  it('equals the CRC of the concatenation, for any lengths including 0', () => {
    fc.assert(
      fc.property(fc.nat(3000), fc.nat(3000), (lengthA, lengthB) => {
        const a = randomBytes(lengthA);
        const b = randomBytes(lengthB);
        const expected = crc32(Buffer.concat([a, b])) >>> 0;
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('handles the edge lengths exactly', () => {
    const a = Buffer.from('prefix');
    for (const length of [0, 1, 2, 3, 4, 7, 8, 255, 256, 65_536, 1_000_003]) {
      const b = randomBytes(length);
      expect(crc32Combine(crc32(a), crc32(b), length)).toBe(crc32(Buffer.concat([a, b])) >>> 0);
    }
  });

  it('works for bodies past 4 GiB, where 32-bit shifts would wrap', () => {
    // CRC of n zero bytes, by doubling: zeros(2n) = combine(zeros(n), zeros(n), n).
    let zeros = crc32(Buffer.alloc(1)) >>> 0;
    let length = 1;
    while (length < 2 ** 33) {
      zeros = crc32Combine(zeros, zeros, length);
      length *= 2;
      if (length === 2 ** 20) expect(zeros).toBe(crc32(Buffer.alloc(2 ** 20)) >>> 0);
    }
    // Associativity across the 2^32 boundary: (A ‖ Z) ‖ B = A ‖ (Z ‖ B) with |Z| = 2^33.
    const a = computeCrc32('head');
    const b = computeCrc32('tail');
    const left = crc32Combine(crc32Combine(a, zeros, length), b, 4);
    const right = crc32Combine(a, crc32Combine(zeros, b, 4), length + 4);
    expect(left).toBe(right);
    // Pinned from zlib 1.2.12+'s other algorithm (x2nmodp, polynomial powers), run in Python.
    expect(zeros).toBe(1_104_745_215);
    expect(left).toBe(159_730_571);
  });

  it('refuses a length that is not a byte count', () => {
    expect(() => crc32Combine(1, 2, -1)).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
    expect(() => crc32Combine(1, 2, 1.5)).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
  });
});
