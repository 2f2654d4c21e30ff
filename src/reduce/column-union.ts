import type { SourceColumn } from '../core/header.js';

/**
 * The merged header: the union of every sheet's column names in first-seen order, after a
 * number of reserved columns (such as `Source`) whose final names are chosen at the end so they
 * never collide with a real column.
 */
export class ColumnUnion {
  readonly #names: string[] = [];
  readonly #widths: number[] = [];
  readonly #index = new Map<string, number>();
  readonly #reserved: number;

  constructor(reserved: number) {
    this.#reserved = reserved;
    for (let i = 0; i < reserved; i += 1) {
      this.#names.push('');
      this.#widths.push(0);
    }
  }

  /** Number of output columns so far, reserved ones included. */
  get size(): number {
    return this.#names.length;
  }

  /**
   * Adds a sheet's columns. Returns each column's output index (same order as `columns`) and
   * the names this sheet introduced.
   */
  add(columns: readonly SourceColumn[]): { outputs: number[]; added: string[] } {
    const added: string[] = [];
    const outputs = columns.map((column) => {
      const known = this.#index.get(column.name);
      if (known !== undefined) return known;
      const index = this.#names.length;
      this.#names.push(column.name);
      this.#widths.push(0);
      this.#index.set(column.name, index);
      added.push(column.name);
      return index;
    });
    return { outputs, added };
  }

  /** Widens output column `index` to at least `width` characters. */
  widen(index: number, width: number): void {
    if (width > (this.#widths[index] ?? 0)) this.#widths[index] = width;
  }

  /** Names of the real (not reserved) columns, in output order. */
  get dataNames(): readonly string[] {
    return this.#names.slice(this.#reserved);
  }

  /**
   * The final header. Each reserved column gets its wanted name, suffixed ` (2)`, ` (3)`, …
   * when a real column already has it.
   */
  header(reservedNames: readonly string[]): { names: string[]; widths: number[] } {
    const names = [...this.#names];
    reservedNames.forEach((wanted, i) => {
      let name = wanted;
      for (let n = 2; this.#index.has(name); n += 1) name = `${wanted} (${n})`;
      names[i] = name;
    });
    const widths = this.#widths.map((width, i) => Math.max(width, names[i]?.length ?? 0));
    return { names, widths };
  }
}
