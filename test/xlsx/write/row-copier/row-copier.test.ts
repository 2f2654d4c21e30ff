/**
 * The row copier (copier.c with SIMD) against the plain definition of what it writes:
 * `<row r="N">`, the row's bytes with N for each 0 byte, `</row>`, for rows of every length
 * around its 16 bytes at a time, placeholders anywhere, and numbers of 1 to 7 digits.
 */
import { describe, expect, it } from 'vitest';
import { RowCopier } from '../../../../src/xlsx/write/row-copier/row-copier.js';
import { makeRandom, pick, randomInt } from '../../../fuzz/mutants.js';

const BLOCK = 64 * 1024;

function expected(row: Buffer, number: number): Buffer {
  const digits = Buffer.from(String(number));
  const parts: Buffer[] = [Buffer.from(`<row r="${number}">`)];
  let last = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] !== 0) continue;
    parts.push(row.subarray(last, i), digits);
    last = i + 1;
  }
  parts.push(row.subarray(last), Buffer.from('</row>'));
  return Buffer.concat(parts);
}

function newCopier(): RowCopier {
  const copier = RowCopier.create(BLOCK);
  if (copier === null) throw new Error('no WebAssembly SIMD here');
  return copier;
}

describe('the row copier', () => {
  it('writes each row with its number in place of every 0 byte', () => {
    const random = makeRandom(11);
    const copier = newCopier();
    const numbers = [2, 9, 10, 99, 100, 12_345, 999_999, 1_000_000, 1_048_576];
    for (let round = 0; round < 40; round++) {
      // A new buffer of rows each round (staged anew), some rows with many placeholders.
      const rows = Array.from({ length: 60 }, () => {
        const length = randomInt(random, 0, 70);
        const zeros = pick(random, [0, 0.02, 0.1, 0.5]);
        return Buffer.from(
          Array.from({ length }, () => (random() < zeros ? 0 : randomInt(random, 1, 255))),
        );
      });
      const source = Buffer.concat([Buffer.from([0, 7, 0]), ...rows]);
      expect(copier.stage(source)).toBe(true);
      let at = 0;
      let from = 3;
      for (const row of rows) {
        const number = pick(random, numbers);
        const want = expected(row, number);
        if (at + want.length + 32 > BLOCK) at = 0;
        const end = copier.copyRow(from, from + row.length, at, number);
        expect(copier.block.subarray(at, end)).toEqual(want);
        at = end;
        from += row.length;
      }
    }
  });

  it('keeps the block as it was when staging grows its memory', () => {
    const copier = newCopier();
    const small = Buffer.from('<c r="A\0"/>');
    copier.stage(small);
    const first = copier.copyRow(0, small.length, 0, 5);
    const before = Buffer.from(copier.block.subarray(0, first));
    // Larger than the memory so far: it grows, and the block's view is renewed.
    const large = Buffer.alloc(8 * 1024 * 1024, 'x');
    large.write('<c r="B\0"/>', large.length - 11);
    expect(copier.stage(large)).toBe(true);
    expect(copier.block.subarray(0, first)).toEqual(before);
    const end = copier.copyRow(large.length - 11, large.length, first, 6);
    expect(copier.block.toString('latin1', 0, end)).toBe(
      '<row r="5"><c r="A5"/></row><row r="6"><c r="B6"/></row>',
    );
  });

  it('declines a buffer of rows too large to stage', () => {
    const copier = newCopier();
    expect(copier.stage(Buffer.alloc(64 * 1024 * 1024 + 1))).toBe(false);
  });
});
