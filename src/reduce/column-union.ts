import type { SourceColumn } from '../core/header.js';
import { type HeaderMatch, headerKeyFor } from '../core/header-match.js';

/** How the merged header is formed. */
export interface UnionOptions {
  /** How names are compared; the first spelling seen is the one the output shows. */
  readonly match: HeaderMatch;
  /**
   * The output's columns, fixed up front (`columns`), spelled as listed: sheets bring only
   * these (workers leave the others out). `null`: the union of every sheet's columns.
   */
  readonly selected: readonly string[] | null;
}

/**
 * The merged header: the union of every sheet's column names in first-seen order (or the
 * selected columns, in their order), after a number of reserved columns (such as `Source`)
 * whose final names are chosen at the end so they never collide with a real column.
 */
export class ColumnUnion {
  readonly #names: string[] = [];
  readonly #widths: number[] = [];
  /** Output index by name, in its compared form. */
  readonly #index = new Map<string, number>();
  /** Compared forms of the names some sheet has had. */
  readonly #seen = new Set<string>();
  /** Every column name sheets had, selected or not, first spelling first (for messages). */
  readonly #existing = new Map<string, string>();
  readonly #reserved: number;
  readonly #selected: boolean;
  /** The form in which names are compared. */
  readonly keyOf: (name: string) => string;

  constructor(reserved: number, options: UnionOptions = { match: 'exact', selected: null }) {
    this.#reserved = reserved;
    this.keyOf = headerKeyFor(options.match);
    for (let i = 0; i < reserved; i += 1) {
      this.#names.push('');
      this.#widths.push(0);
    }
    this.#selected = options.selected !== null;
    for (const name of options.selected ?? []) this.#push(name);
  }

  /** Number of output columns so far, reserved ones included. */
  get size(): number {
    return this.#names.length;
  }

  /**
   * Adds a sheet's columns. Returns each column's output index (same order as `columns`) and
   * the names this sheet introduced. With selected columns, `columns` must all be selected.
   */
  add(columns: readonly SourceColumn[]): { outputs: number[]; added: string[] } {
    const added: string[] = [];
    const outputs = columns.map((column) => {
      const key = this.keyOf(column.name);
      let index = this.#index.get(key);
      if (index === undefined) {
        if (this.#selected) throw new Error(`Internal: column "${column.name}" is not selected`);
        index = this.#push(column.name);
      }
      if (!this.#seen.has(key)) {
        this.#seen.add(key);
        added.push(this.#names[index] as string);
      }
      this.noteColumns([column.name]);
      return index;
    });
    return { outputs, added };
  }

  /** Records names a sheet had (such as those left out by the selection), for messages. */
  noteColumns(names: readonly string[]): void {
    for (const name of names) {
      const key = this.keyOf(name);
      if (!this.#existing.has(key)) this.#existing.set(key, name);
    }
  }

  /** Selected columns that no sheet had. */
  get unseenNames(): string[] {
    return this.dataNames.filter((name) => !this.#seen.has(this.keyOf(name)));
  }

  /** Every column name the sheets had, selected or not, in first-seen order. */
  get existingNames(): string[] {
    return [...this.#existing.values()];
  }

  /** The name of output column `index`. */
  nameAt(index: number): string {
    return this.#names[index] ?? '';
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
      for (let n = 2; this.#index.has(this.keyOf(name)); n += 1) name = `${wanted} (${n})`;
      names[i] = name;
    });
    const widths = this.#widths.map((width, i) => Math.max(width, names[i]?.length ?? 0));
    return { names, widths };
  }

  #push(name: string): number {
    const index = this.#names.length;
    this.#names.push(name);
    this.#widths.push(0);
    this.#index.set(this.keyOf(name), index);
    return index;
  }
}
