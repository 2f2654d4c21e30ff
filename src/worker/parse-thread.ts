import { getHeapStatistics } from 'node:v8';
import type { WorkbookReader } from '../reader/workbook-reader.js';
import { STYLE_REFUSED } from '../render/cell-styles.js';
import { RenderBuffer } from '../render/render-buffer.js';
import { WASM_PAGE } from '../wasm/wasm.js';
import type { ChunkCutter } from '../xlsx/read/row-engine/read-with-engine.js';
import {
  DEFAULT_ENGINE_PAGES,
  RowEngine,
  type RowEngineOptions,
} from '../xlsx/read/row-engine/row-engine.js';
import type { ParseTask } from './protocol.js';

/**
 * What one worker thread keeps from file to file: its row engine (made on first use; its
 * WebAssembly memory is costly to make) and how large the last sheet's rendered rows were.
 * The worker makes one; tests make their own, to compare the engine with the scanner, cut the
 * bytes at other places, or give the engine another memory layout.
 */
export class ParseThread {
  #engine: RowEngine | null = null;
  #engineUsable: boolean;
  readonly #engineOptions: RowEngineOptions | null;
  /** Cuts a sheet's bytes into other pieces on their way to the engine (tests set it). */
  cut: ChunkCutter | null = null;
  #lastRenderedBytes = 0;

  constructor(
    options: {
      /** `false`: the JavaScript scanner reads everything. @default true */
      readonly engine?: boolean;
      /** The engine's memory layout and limit (tests). @default its defaults, within the heap */
      readonly engineOptions?: RowEngineOptions;
    } = {},
  ) {
    this.#engineUsable = options.engine ?? true;
    this.#engineOptions = options.engineOptions ?? null;
  }

  /**
   * The row engine, when it can read this file for this task: an xlsx workbook in the 1900 date
   * system, merged to xlsx keeping the first of each key (named key columns, numbers compared
   * as numbers; text exactly or with --ignore-case and --trim, keyed by JavaScript per string),
   * every column, the header found by itself, nothing cut and no duplicates report, every
   * number format kept (or none). Other tasks read with the JavaScript scanner alone.
   */
  engineFor(task: ParseTask, reader: WorkbookReader): RowEngine | null {
    const usable =
      this.#engineUsable &&
      reader.format === 'xlsx' &&
      !reader.date1904 &&
      task.render === 'xlsx' &&
      task.keep === 'first' &&
      task.columns === null &&
      task.headerRow === null &&
      task.keyColumns !== 'all' &&
      !task.truncateLong &&
      !task.reportDuplicates &&
      !task.key.keysAsText &&
      // The engine writes kept styles, but does not count the cells of formats left out.
      !task.outputStyles?.some((style) => style >= STYLE_REFUSED);
    if (!usable) return null;
    try {
      this.#engine ??= new RowEngine(this.#engineOptions ?? { maxMemoryPages: enginePages() });
    } catch {
      // No WebAssembly here (node --jitless, say): the JavaScript path reads everything.
      this.#engineUsable = false;
      return null;
    }
    return this.#engine;
  }

  /** Data rows this thread's row engine has read so far (0 before it is made). */
  get engineRows(): number {
    return this.#engine?.rowsRead ?? 0;
  }

  /**
   * A buffer for one sheet's rendered rows. It is handed to the main thread as it is when the
   * sheet ends (no copy), so each sheet renders into a buffer of its own. It starts at the size
   * the last sheet needed, and a little more, so it rarely grows: growing a buffer from 1 MiB
   * for every sheet made about 30 MB of copies per medium-sized file, and copying a reused
   * buffer's rows out at the end of each sheet took 12 MB more. Its tail beyond the rows is
   * never written, so it costs address space, not memory.
   */
  newRenderBuffer(): RenderBuffer {
    const estimate = Math.min(MAX_FIRST_RENDER_BYTES, Math.ceil(this.#lastRenderedBytes * 1.125));
    return new RenderBuffer(Math.max(MIN_RENDER_BYTES, estimate));
  }

  /** A sheet's rows took this many bytes: the next sheet's buffer starts about that size. */
  noteRendered(bytes: number): void {
    this.#lastRenderedBytes = bytes;
  }
}

const MIN_RENDER_BYTES = 1024 * 1024;
/** Past this the estimate is not trusted for the next sheet: one huge sheet does not make all big. */
const MAX_FIRST_RENDER_BYTES = 256 * 1024 * 1024;

/**
 * How far the row engine's memory may grow in this thread: its default, or no further than the
 * thread's heap limit (`workerMemoryMb`, or Node's `--max-old-space-size` where that overrides
 * it), which the engine's memory, outside the heap, would otherwise pass unseen (2.5 GiB of it
 * for a table of 2^26 empty strings with a 64 MB limit).
 */
function enginePages(): number {
  const heapPages = Math.floor(getHeapStatistics().heap_size_limit / WASM_PAGE);
  return Math.min(DEFAULT_ENGINE_PAGES, heapPages);
}
