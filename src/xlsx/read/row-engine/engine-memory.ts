/**
 * The row engine's WebAssembly memory as JavaScript sees it: views of its bytes and u32 words
 * (renewed when it grows), its growth up to a maximum, and engine.c's config and result blocks
 * in it (fields as engine-layout.ts gives them).
 */
import { newMemory, WASM_PAGE, type WasmMemory } from '../../../wasm/wasm.js';

export class EngineMemory {
  /** The memory engine.c imports. */
  readonly wasm: WasmMemory;
  /** The most bytes it may hold. */
  readonly maxBytes: number;
  #bytes: Buffer;
  #words: Uint32Array;
  /** The config and result blocks, in u32 words (set once the instance says where). */
  #config = 0;
  #result = 0;

  /** A memory of `initialPages` that may grow to `maxPages` (64 KiB each). */
  constructor(initialPages: number, maxPages: number) {
    this.wasm = newMemory(initialPages, maxPages);
    this.maxBytes = maxPages * WASM_PAGE;
    this.#bytes = Buffer.from(this.wasm.buffer);
    this.#words = new Uint32Array(this.wasm.buffer);
  }

  /** The memory's bytes. Take it again after {@link ensure}. */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /** The memory's u32 words. Take it again after {@link ensure}. */
  get words(): Uint32Array {
    return this.#words;
  }

  /** Where engine.c's config and result blocks are (byte addresses, from its accessors). */
  locateBlocks(config: number, result: number): void {
    this.#config = config / 4;
    this.#result = result / 4;
  }

  /** A field of engine.c's config block (a `Config` index). */
  config(field: number): number {
    return this.#words[this.#config + field] as number;
  }

  setConfig(field: number, value: number): void {
    this.#words[this.#config + field] = value;
  }

  /** A field of engine.c's result block (a `Result` index). */
  result(field: number): number {
    return this.#words[this.#result + field] as number;
  }

  /**
   * Grows the memory to hold `end` bytes, and renews the views of it; a RangeError past its
   * maximum.
   */
  ensure(end: number): void {
    const have = this.wasm.buffer.byteLength;
    if (end > have) this.wasm.grow(Math.ceil((end - have) / WASM_PAGE));
    if (this.#bytes.buffer !== this.wasm.buffer) {
      this.#bytes = Buffer.from(this.wasm.buffer);
      this.#words = new Uint32Array(this.wasm.buffer);
    }
  }

  /** Copies `bytes` into the memory at `at`; returns where the next area may start. */
  place(bytes: Uint8Array | Uint32Array, at: number): number {
    const end = align(at + bytes.byteLength);
    this.ensure(end);
    this.#bytes.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), at);
    return end;
  }
}

/**
 * The next multiple of 8 from `at`. Not with bit operators: they work on 32-bit signed
 * integers, and an address past 2 GiB would come out negative (a table past it was then laid
 * out in memory never grown for it, and engine.c wrote out of bounds).
 */
export function align(at: number): number {
  return Math.ceil(at / 8) * 8;
}
