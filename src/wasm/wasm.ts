/**
 * The part of the WebAssembly API xlmerge uses (the row engine in the workers, the row copier
 * on the main thread): Node has it built in, but this project's type libraries (ES2023 and
 * @types/node) do not declare it. Everything here throws where WebAssembly is not available
 * (node --jitless) or refuses a module; callers then take their JavaScript path.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Global {
    value: unknown;
  }
}

export type WasmModule = WebAssembly.Module;
export type WasmMemory = WebAssembly.Memory;
export type WasmGlobal = WebAssembly.Global;

/** WebAssembly's page size. */
export const WASM_PAGE = 64 * 1024;

/** Compiles a module embedded as base64. */
export function compileModule(base64: string): WasmModule {
  return new WebAssembly.Module(Buffer.from(base64, 'base64'));
}

/**
 * A memory of `pages` pages to start with, for a module that imports its memory; growing past
 * `maximum` pages (if given), or past WebAssembly's 4 GiB, throws a RangeError.
 */
export function newMemory(pages: number, maximum?: number): WasmMemory {
  return new WebAssembly.Memory(
    maximum === undefined ? { initial: pages } : { initial: pages, maximum },
  );
}

/** An instance of `module` with `memory` and `functions` as its `env` imports: its exports. */
export function instantiate(
  module: WasmModule,
  memory: WasmMemory,
  functions: Record<string, unknown> = {},
): Record<string, unknown> {
  return new WebAssembly.Instance(module, { env: { memory, ...functions } }).exports;
}
