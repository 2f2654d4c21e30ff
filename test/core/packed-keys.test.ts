import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KeyPacker,
  KeySet,
  keyAt,
  keyCount,
  keyIdentity,
  type PackedKeys,
  packKeys,
  unpackKeys,
} from '../../src/core/packed-keys.js';

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 12,
});

describe('packKeys', () => {
  it('writes each key as WTF-8, one after another, and null as no bytes', () => {
    const packed = packKeys(['a', null, 'é', '😀', '\uD800x']);
    expect(keyCount(packed)).toBe(5);
    expect([...packed.bytes]).toEqual([
      0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0x78,
    ]);
    expect([...packed.ends]).toEqual([1, 1, 3, 7, 11]);
    expect(packed.hashes[1]).toBe(0);
    expect(unpackKeys(packed)[1]).toBeNull();
  });

  it('gives a lone surrogate bytes of its own, not those of U+FFFD', () => {
    const [lone, replacement] = unpackKeys(packKeys(['a\uD800', 'a\uFFFD']));
    expect(lone).not.toBe(replacement);
  });

  it('keeps keys equal exactly when the strings are equal', () => {
    fc.assert(
      fc.property(fc.array(fc.option(codeUnits, { nil: null }), { maxLength: 30 }), (keys) => {
        const packed = packKeys(keys);
        const unpacked = unpackKeys(packed);
        keys.forEach((a, i) => {
          keys.forEach((b, j) => {
            expect(unpacked[i] === unpacked[j]).toBe(a === b);
            if (a === b) expect(packed.hashes[i]).toBe(packed.hashes[j]);
          });
        });
        expect(unpacked.map((key) => key === null)).toEqual(keys.map((key) => key === null));
      }),
    );
  });

  it('gives a single key the same form as inside a pack', () => {
    const packed = packKeys(['x', '2:n15:semail@exämple.de']);
    expect(keyIdentity('2:n15:semail@exämple.de')).toBe(keyAt(packed, 1));
  });
});

describe('KeySet', () => {
  it('adds each key once, across packs, and never a null key', () => {
    const set = new KeySet();
    const first = packKeys(['a', 'b', 'a', null, null]);
    expect([0, 1, 2, 3, 4].map((row) => set.add(first, row))).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
    const second = packKeys(['b', 'c', 'é']);
    expect([0, 1, 2].map((row) => set.add(second, row))).toEqual([false, true, true]);
    expect(set.size).toBe(4);
  });

  it('tells keys apart whose hashes collide', () => {
    const packed = packKeys(['ab', 'ba', 'ab', 'abc']);
    const colliding: PackedKeys = { ...packed, hashes: new Uint32Array(4) };
    const set = new KeySet();
    expect([0, 1, 2, 3].map((row) => set.add(colliding, row))).toEqual([true, true, false, true]);
  });

  it('answers as a Set of strings does, through many resizes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(codeUnits, { maxLength: 400 }), { maxLength: 8 }), (files) => {
        const set = new KeySet();
        const strings = new Set<string>();
        for (const keys of files) {
          const packed = packKeys(keys);
          keys.forEach((key, row) => {
            expect(set.add(packed, row)).toBe(!strings.has(key));
            strings.add(key);
          });
        }
        expect(set.size).toBe(strings.size);
      }),
      { numRuns: 50 },
    );
  });

  it('holds a hundred thousand keys', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `2:n${i}`);
    const packed = packKeys(keys);
    const set = new KeySet();
    for (let row = 0; row < keys.length; row++) set.add(packed, row);
    expect(set.size).toBe(100_000);
    expect(set.add(packKeys(['2:n99999']), 0)).toBe(false);
    expect(set.add(packKeys(['2:n100000']), 0)).toBe(true);
  });
});

/** Packs `key` as a worker does a key it built as a string; true when it was new. */
function addNew(packer: KeyPacker, key: string | null): boolean {
  packer.startKey();
  if (key !== null) packer.text(key);
  return packer.endKey(key !== null);
}

describe('KeyPacker', () => {
  it('packs each new key, refuses a repeated one and always packs null', () => {
    const packer = new KeyPacker();
    const added = ['a', 'b', 'a', null, 'é', null, 'b', 'c'].map((key) => addNew(packer, key));
    expect(added).toEqual([true, true, false, true, true, true, false, true]);
    expect(packer.count).toBe(6);
    const all = packer.slice(0);
    expect(all).toEqual(packKeys(['a', 'b', null, 'é', null, 'c']));
  });

  it('slices a range as if it had been packed on its own', () => {
    const packer = new KeyPacker();
    for (const key of ['x', 'yy', null, 'zzz', 'é']) addNew(packer, key);
    expect(packer.slice(1, 4)).toEqual(packKeys(['yy', null, 'zzz']));
    expect(packer.slice(4, 5)).toEqual(packKeys(['é']));
    expect(packer.slice(2, 2)).toEqual(packKeys([]));
  });

  it('answers as a Set of strings does and packs as packKeys does, through many resizes', () => {
    fc.assert(
      fc.property(fc.array(fc.option(codeUnits, { nil: null }), { maxLength: 2000 }), (keys) => {
        const packer = new KeyPacker();
        const strings = new Set<string>();
        const kept: (string | null)[] = [];
        for (const key of keys) {
          const fresh = key === null || !strings.has(key);
          expect(addNew(packer, key)).toBe(fresh);
          if (key !== null) strings.add(key);
          if (fresh) kept.push(key);
        }
        expect(packer.slice(0)).toEqual(packKeys(kept));
      }),
      { numRuns: 50 },
    );
  });

  it('grows its bytes for a key longer than its first buffer', () => {
    const packer = new KeyPacker();
    const long = 'é'.repeat(40_000);
    expect(addNew(packer, long)).toBe(true);
    expect(addNew(packer, `${long}`)).toBe(false);
    const packed = packer.slice(0);
    const expected = packKeys([long]);
    expect(Buffer.from(packed.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
    expect([...packed.ends, ...packed.hashes]).toEqual([...expected.ends, ...expected.hashes]);
  });
});
