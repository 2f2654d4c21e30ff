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
 * A list of strings kept in blocks of 65,536, each made at its full size. One array of tens of
 * millions of strings (a table of `<si/>` deflates to a few hundred KB) is one allocation of
 * hundreds of MB, made afresh each time V8 grows it by half, the old ones left as garbage; in a
 * worker thread, one such allocation past the heap limit ends the whole process (see
 * heap-room.ts). Blocks take the memory half a MiB at a time and are never copied.
 */
export class StringList implements SharedStringList {
  readonly #blocks: string[][] = [];
  #last: string[] = [];
  /** Strings in the last block. */
  #lastLength = BLOCK;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(text: string): void {
    if (this.#lastLength === BLOCK) {
      this.#last = new Array<string>(BLOCK);
      this.#blocks.push(this.#last);
      this.#lastLength = 0;
    }
    this.#last[this.#lastLength] = text;
    this.#lastLength += 1;
    this.#length += 1;
  }

  at(index: number): string | undefined {
    if (index >= this.#length) return undefined;
    return this.#blocks[index >>> BLOCK_BITS]?.[index & BLOCK_MASK];
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let index = 0; index < this.#length; index++) yield this.at(index) as string;
  }
}
