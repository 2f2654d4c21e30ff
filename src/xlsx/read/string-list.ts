/**
 * The shared strings of a workbook as the readers use them: a count and a string by index. A
 * plain array is one (tests give arrays); {@link StringList} is the one the reader builds.
 */
export interface SharedStringList {
  readonly length: number;
  /** The string at `index` (0 ≤ index), or undefined past the end. */
  at(index: number): string | undefined;
}

const BLOCK_BITS = 16;
const BLOCK = 2 ** BLOCK_BITS;
const BLOCK_MASK = BLOCK - 1;

/**
 * A list of strings kept in blocks of 65,536. One array of tens of millions of strings (a table
 * of `<si/>` deflates to a few hundred KB) is one allocation of hundreds of MB, made afresh each
 * time V8 grows it by half; in a worker thread, one such allocation past the heap limit ends the
 * whole process (see heap-room.ts). Blocks grow the memory half a MiB at a time, and never
 * copy what they hold.
 */
export class StringList implements SharedStringList {
  readonly #blocks: string[][] = [];
  #last: string[] = [];
  #length = 0;

  constructor() {
    this.#blocks.push(this.#last);
  }

  get length(): number {
    return this.#length;
  }

  push(text: string): void {
    if (this.#last.length === BLOCK) {
      this.#last = [];
      this.#blocks.push(this.#last);
    }
    this.#last.push(text);
    this.#length += 1;
  }

  at(index: number): string | undefined {
    if (index >= this.#length) return undefined;
    return this.#blocks[index >>> BLOCK_BITS]?.[index & BLOCK_MASK];
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const block of this.#blocks) yield* block;
  }
}
