import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import {
  allColumnsKeyOf,
  type KeyOptions,
  keyOf,
  writeAllColumnsKey,
  writeKey,
} from '../../src/core/key.js';
import { KeyPacker, keyIdentity } from '../../src/core/packed-keys.js';

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

/** Any cell value a reader gives, with the numbers and texts that are edge cases for keys. */
const anyCell: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 6 }),
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    maxLength: 4,
  }),
  fc.constantFrom(' a ', 'Straße', 'STRASSE', '', '  '),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, -0, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e21, 0.1 + 0.2, -1.5, 1e-7),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.double({ min: -1000, max: 100_000, noNaN: true }).map((serial) => date(serial)),
  fc.constantFrom<CellValue>({ kind: 'error', code: '#N/A' }, { kind: 'error', code: '#DIV/0!' }),
);
const anyOptions: fc.Arbitrary<KeyOptions> = fc.record({
  ignoreCase: fc.boolean(),
  trim: fc.boolean(),
  keysAsText: fc.boolean(),
});

/** What the packer holds for one key written by `write`: its identity, or null for no key. */
function written(write: (packer: KeyPacker) => boolean): string | null {
  const packer = new KeyPacker();
  packer.startKey();
  const present = write(packer);
  packer.endKey(present);
  // A second, equal key is refused, so the packer shows the bytes just written.
  packer.startKey();
  if (write(packer) !== present) throw new Error('writes differ');
  return packer.endKey(present) ? null : packer.refusedIdentity();
}

describe('writeKey', () => {
  it('writes the bytes of the key keyOf makes, for any cells and options', () => {
    fc.assert(
      fc.property(fc.array(anyCell, { maxLength: 5 }), anyOptions, (cells, options) => {
        const columns = [...cells.keys(), cells.length];
        const expected = keyOf(cells, columns, options);
        const actual = written((packer) => writeKey(packer, cells, columns, options));
        expect(actual).toBe(expected === null ? null : keyIdentity(expected));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes whole numbers and text without making the key string', () => {
    const cells: CellValue[] = [1234, 'ab', -56, -0, 'é😀'];
    const columns = [0, 1, 2, 3, 4, 5];
    expect(written((packer) => writeKey(packer, cells, columns, exact))).toBe(
      keyIdentity('5:n12343:sab4:n-562:n04:sé😀_'),
    );
  });
});

describe('writeAllColumnsKey', () => {
  it('writes the bytes of the key allColumnsKeyOf makes', () => {
    fc.assert(
      fc.property(fc.array(anyCell, { maxLength: 4 }), anyOptions, (cells, options) => {
        const columns = cells.map((_, source) => ({ source, name: `c${'é'.repeat(source)}` }));
        const expected = allColumnsKeyOf(cells, columns, options);
        const actual = written((packer) => writeAllColumnsKey(packer, cells, columns, options));
        expect(actual).toBe(expected === null ? null : keyIdentity(expected));
      }),
      { numRuns: 1000 },
    );
  });
});
