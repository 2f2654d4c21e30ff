/**
 * Row keys packed for the trip from a worker to the main thread: every key's bytes in one
 * transferable buffer, with where each ends and a hash of each. The main thread keeps the keys
 * it has seen as bytes too ({@link KeySet}): as JavaScript strings in a `Set`, the keys of a
 * large merge took about 90 MB of the main thread's heap, and structured-cloning them from the
 * workers cost time besides.
 */
import { ErrorCode, XlmergeError } from '../errors.js';
import type { KeySink } from './key.js';

export interface PackedKeys {
  /** The keys' bytes (see {@link packKeys}), concatenated. */
  readonly bytes: Uint8Array;
  /** `ends[i]` is the offset just past key `i`. A key of no bytes is `null`: no key. */
  readonly ends: Uint32Array;
  /** A 32-bit hash of each key's bytes (0 for `null`). */
  readonly hashes: Uint32Array;
}

/** Offsets travel as 32-bit numbers. */
const MAX_BYTES = 2 ** 32 - 1;

/**
 * Packs keys (as {@link keyOf} makes them: never `''`). Each key is written as WTF-8: UTF-8,
 * except that a lone surrogate is written like any other code point instead of being replaced,
 * so two different strings never give the same bytes.
 */
export function packKeys(keys: readonly (string | null)[]): PackedKeys {
  let capacity = 64;
  for (const key of keys) if (key !== null) capacity += key.length * 3;
  if (capacity > MAX_BYTES) throw tooLarge();
  const bytes = new Uint8Array(capacity);
  const ends = new Uint32Array(keys.length);
  const hashes = new Uint32Array(keys.length);
  let at = 0;
  keys.forEach((key, index) => {
    if (key !== null) {
      const start = at;
      at = writeWtf8(key, bytes, at);
      hashes[index] = hashBytes(bytes, start, at);
    }
    ends[index] = at;
  });
  return { bytes: bytes.slice(0, at), ends, hashes };
}

/** How many keys (rows) `keys` holds. */
export function keyCount(keys: PackedKeys): number {
  return keys.ends.length;
}

function keyStart(keys: PackedKeys, index: number): number {
  return index === 0 ? 0 : (keys.ends[index - 1] as number);
}

/**
 * Key `index` as a string that is equal for equal keys and different for different ones, for
 * maps keyed by row key (`keep: 'last'`/`'none'`, the duplicates report). Its characters are the
 * key's bytes, so it is for comparing, never for showing.
 */
export function keyAt(keys: PackedKeys, index: number): string | null {
  const start = keyStart(keys, index);
  const end = keys.ends[index] as number;
  if (start === end) return null;
  const { bytes } = keys;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** Every key as {@link keyAt} gives it. */
export function unpackKeys(keys: PackedKeys): (string | null)[] {
  return Array.from({ length: keyCount(keys) }, (_, index) => keyAt(keys, index));
}

/** A key string (as {@link keyOf} makes it) in the form {@link keyAt} gives. */
export function keyIdentity(key: string): string {
  return keyAt(packKeys([key]), 0) as string;
}

/** Writes `text` as WTF-8 at `at` (room is the caller's), returning the offset after it. */
export function writeWtf8(text: string, bytes: Uint8Array, at: number): number {
  let out = at;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[out++] = code;
      continue;
    }
    if (code < 0x800) {
      bytes[out++] = 0xc0 | (code >> 6);
      bytes[out++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
        bytes[out++] = 0xf0 | (code >> 18);
        bytes[out++] = 0x80 | ((code >> 12) & 0x3f);
        bytes[out++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[out++] = 0x80 | (code & 0x3f);
        continue;
      }
    }
    bytes[out++] = 0xe0 | (code >> 12);
    bytes[out++] = 0x80 | ((code >> 6) & 0x3f);
    bytes[out++] = 0x80 | (code & 0x3f);
  }
  return out;
}

/** FNV-1a over the bytes, then MurmurHash3's finaliser so every bit of the result mixes. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * The keys seen so far, kept as bytes in one growing buffer with an open-addressing hash table
 * over them: a few bytes per key beyond the key itself, where a `Set` of strings needs about
 * 60 more.
 */
export class KeySet {
  #bytes = new Uint8Array(64 * 1024);
  #used = 0;
  /** Per entry: where its bytes start and end, and its hash. */
  #starts = new Uint32Array(1024);
  #ends = new Uint32Array(1024);
  #hashes = new Uint32Array(1024);
  #count = 0;
  /** Entry number + 1 per slot; 0 is a free slot. Kept at most half full. */
  #table = new Int32Array(2048);

  get size(): number {
    return this.#count;
  }

  /** Adds key `index` of `keys`; true when it was not in the set. A `null` key is never added. */
  add(keys: PackedKeys, index: number): boolean {
    const start = keyStart(keys, index);
    const end = keys.ends[index] as number;
    if (start === end) return true;
    const hash = keys.hashes[index] as number;
    const source = keys.bytes;
    const length = end - start;
    const mask = this.#table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = (this.#table[slot] as number) - 1;
      if (entry < 0) break;
      if (this.#hashes[entry] === hash) {
        const at = this.#starts[entry] as number;
        if ((this.#ends[entry] as number) - at === length) {
          const own = this.#bytes;
          let same = true;
          for (let i = 0; i < length; i++) {
            if (own[at + i] !== source[start + i]) {
              same = false;
              break;
            }
          }
          if (same) return false;
        }
      }
      slot = (slot + 1) & mask;
    }
    this.#store(source, start, end, hash, slot);
    return true;
  }

  #store(source: Uint8Array, start: number, end: number, hash: number, slot: number): void {
    const length = end - start;
    if (this.#used + length > this.#bytes.length) {
      const needed = this.#used + length;
      if (needed > MAX_BYTES) throw tooLarge();
      const grown = new Uint8Array(Math.min(MAX_BYTES, Math.max(needed, this.#bytes.length * 2)));
      grown.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = grown;
    }
    // A loop, not set(subarray()): a view per key was most of the main thread's garbage.
    const own = this.#bytes;
    const at = this.#used;
    for (let i = 0; i < length; i++) own[at + i] = source[start + i] as number;
    const entry = this.#count;
    if (entry === this.#starts.length) {
      this.#starts = growArray(this.#starts);
      this.#ends = growArray(this.#ends);
      this.#hashes = growArray(this.#hashes);
    }
    this.#starts[entry] = this.#used;
    this.#used += length;
    this.#ends[entry] = this.#used;
    this.#hashes[entry] = hash;
    this.#count += 1;
    this.#table[slot] = entry + 1;
    if (this.#count * 2 > this.#table.length) this.#rehash();
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2);
    const mask = table.length - 1;
    for (let entry = 0; entry < this.#count; entry++) {
      let slot = (this.#hashes[entry] as number) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = entry + 1;
    }
    this.#table = table;
  }
}

/**
 * A file's keys packed as its rows come (`keep: 'first'`), each new one checked against those
 * packed before: the in-file dedupe and the packing in one pass. A key is written straight
 * into the packer (see `writeKey`), with no string made: kept as strings in a `Set` until the
 * file ended, every key outlived the young generation and was copied twice by the garbage
 * collector. A key of every empty cell (`present` false) is packed as a `null` key, which
 * never equals another.
 */
export class KeyPacker implements KeySink {
  #bytes = new Uint8Array(64 * 1024);
  #used = 0;
  /** Where the key being written ends so far (from `#used`). */
  #cursor = 0;
  /** Per key: where its bytes end, and its hash (0 for a `null` key). */
  #ends = new Uint32Array(1024);
  #hashes = new Uint32Array(1024);
  #count = 0;
  /** Key number + 1 per slot, for the non-null keys; 0 is a free slot. Kept at most half full. */
  #table = new Int32Array(2048);
  #inTable = 0;

  /** Keys packed so far. */
  get count(): number {
    return this.#count;
  }

  /** Starts a key, written with the {@link KeySink} methods and ended by {@link endKey}. */
  startKey(): void {
    this.#cursor = this.#used;
  }

  text(text: string): void {
    if (this.#cursor + text.length * 3 > this.#bytes.length) this.#grow(text.length * 3);
    this.#cursor = writeWtf8(text, this.#bytes, this.#cursor);
  }

  digits(value: number): void {
    if (this.#cursor + 16 > this.#bytes.length) this.#grow(16);
    const bytes = this.#bytes;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let rest = value;
    for (let i = this.#cursor + digits - 1; i >= this.#cursor; i--) {
      bytes[i] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.#cursor += digits;
  }

  byte(code: number): void {
    if (this.#cursor + 1 > this.#bytes.length) this.#grow(1);
    this.#bytes[this.#cursor++] = code;
  }

  /** Appends `source[start, end)`, key bytes written elsewhere (the row engine's). */
  bytes(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.#cursor + length > this.#bytes.length) this.#grow(length);
    const bytes = this.#bytes;
    let at = this.#cursor;
    for (let i = start; i < end; i++) bytes[at++] = source[i] as number;
    this.#cursor = at;
  }

  /**
   * Ends the key written since {@link startKey}: packs it unless an equal key was packed before,
   * and returns true when packed. With `present` false it is packed as a `null` key, whatever
   * was written. A key not packed can be read with {@link refusedIdentity} until the next key.
   */
  endKey(present: boolean): boolean {
    const start = this.#used;
    if (!present) {
      this.#append(start, 0);
      return true;
    }
    const bytes = this.#bytes;
    const end = this.#cursor;
    const hash = hashBytes(bytes, start, end);
    const length = end - start;
    const table = this.#table;
    const mask = table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = (table[slot] as number) - 1;
      if (entry < 0) break;
      if (this.#hashes[entry] === hash) {
        const at = entry === 0 ? 0 : (this.#ends[entry - 1] as number);
        if ((this.#ends[entry] as number) - at === length && sameBytes(bytes, at, start, length)) {
          return false;
        }
      }
      slot = (slot + 1) & mask;
    }
    table[slot] = this.#count + 1;
    this.#append(end, hash);
    this.#inTable += 1;
    if (this.#inTable * 2 > table.length) this.#rehash();
    return true;
  }

  /** The key {@link endKey} just refused, in the form {@link keyAt} gives. */
  refusedIdentity(): string {
    return Buffer.from(this.#bytes.buffer, this.#used, this.#cursor - this.#used).toString(
      'latin1',
    );
  }

  /** Keys `from` to `to` (exclusive), packed on their own. */
  slice(from: number, to: number = this.#count): PackedKeys {
    const base = from === 0 ? 0 : (this.#ends[from - 1] as number);
    const end = to === 0 ? 0 : (this.#ends[to - 1] as number);
    const ends = this.#ends.slice(from, to);
    for (let i = 0; i < ends.length; i++) ends[i] = (ends[i] as number) - base;
    return { bytes: this.#bytes.slice(base, end), ends, hashes: this.#hashes.slice(from, to) };
  }

  #append(end: number, hash: number): void {
    const index = this.#count;
    if (index === this.#ends.length) {
      this.#ends = growArray(this.#ends);
      this.#hashes = growArray(this.#hashes);
    }
    this.#ends[index] = end;
    this.#hashes[index] = hash;
    this.#used = end;
    this.#count = index + 1;
  }

  #grow(extra: number): void {
    const needed = this.#cursor + extra;
    if (needed > MAX_BYTES) throw tooLarge();
    const grown = new Uint8Array(Math.min(MAX_BYTES, Math.max(needed, this.#bytes.length * 2)));
    grown.set(this.#bytes.subarray(0, this.#cursor));
    this.#bytes = grown;
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2);
    const mask = table.length - 1;
    for (let entry = 0; entry < this.#count; entry++) {
      const start = entry === 0 ? 0 : (this.#ends[entry - 1] as number);
      if (this.#ends[entry] === start) continue;
      let slot = (this.#hashes[entry] as number) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = entry + 1;
    }
    this.#table = table;
  }
}

/** Whether `bytes[a, a + length)` and `bytes[b, b + length)` are the same. */
function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function growArray(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}

function tooLarge(): XlmergeError {
  return new XlmergeError(ErrorCode.SizeLimit, 'The key columns hold more than 4 GiB of text', {
    hint: 'Dedupe on fewer or shorter columns, or merge fewer files at once',
  });
}
