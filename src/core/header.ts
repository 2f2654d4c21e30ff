import { columnLetters } from '../xlsx/write/cell-xml.js';
import { type CellValue, isEmptyCell } from './cell.js';
import { type HeaderMatch, headerKeyFor } from './header-match.js';
import { formatCellAsText } from './text.js';

/** How a sheet's header names become column names. */
export interface HeaderRules {
  /** New names by old (trimmed) name; old names are matched per `match`. */
  readonly rename: Readonly<Record<string, string>>;
  readonly match: HeaderMatch;
}

/** Names as they are: no renames, exact matching. */
export const EXACT_HEADERS: HeaderRules = Object.freeze({
  rename: Object.freeze({}),
  match: 'exact',
});

/** A column of one input sheet: where it is in the sheet and what the merge calls it. */
export interface SourceColumn {
  /** 0-based column index in the source sheet (A = 0). */
  readonly source: number;
  /** Unique, trimmed header name. */
  readonly name: string;
}

/**
 * Names the columns of a sheet as they are found: the header's columns at once, then each
 * column that only data reaches when its first cell appears, so rows can stream.
 *
 * - names are the header cells' text, trimmed;
 * - a column with data but an empty header cell is called `Column C` (its letters);
 * - then `rules.rename` applies, once (`a=b` and `b=c` swap nothing into `c` twice);
 * - a repeated name gets ` (2)`, ` (3)`, … in order of appearance, skipping names already taken.
 *   "Repeated" follows `rules.match`: with `loose`, `Email` and `E-mail` in one sheet are two
 *   columns, `Email` and `E-mail (2)`, never one.
 */
export class ColumnNamer {
  readonly #names = new Map<number, string>();
  /** Every column below this index has a name. */
  #namedPrefix = 0;
  /** Taken names in their compared form (`rules.match`). */
  readonly #taken = new Set<string>();
  readonly #keyOf: (name: string) => string;
  /** New name and the old name as `rules.rename` spells it, by the old name's compared form. */
  readonly #rename: ReadonlyMap<string, { readonly to: string; readonly from: string }>;
  /** Old names of `rules.rename` that named a column here. */
  readonly #renamesUsed = new Set<string>();

  constructor(header: readonly CellValue[], rules: HeaderRules = EXACT_HEADERS) {
    this.#keyOf = headerKeyFor(rules.match);
    this.#rename = new Map(
      Object.entries(rules.rename).map(([from, to]) => [this.#keyOf(from), { to, from }]),
    );
    const indexes: number[] = [];
    const wanted: string[] = [];
    header.forEach((cell, index) => {
      const text = formatCellAsText(cell ?? null).trim();
      if (text === '') return;
      indexes.push(index);
      wanted.push(this.#renamed(text));
    });
    uniqueNames(wanted, this.#keyOf).forEach((name, i) => {
      this.#names.set(indexes[i] as number, name);
      this.#taken.add(this.#keyOf(name));
    });
  }

  /** The form in which this sheet compares names. */
  get keyOf(): (name: string) => string {
    return this.#keyOf;
  }

  /** Names column `index` if it has no name yet; returns true when it was new. */
  add(index: number): boolean {
    if (this.#names.has(index)) return false;
    const wanted = this.#renamed(`Column ${columnLetters(index)}`);
    let name = wanted;
    for (let n = 2; this.#taken.has(this.#keyOf(name)); n += 1) name = `${wanted} (${n})`;
    this.#names.set(index, name);
    this.#taken.add(this.#keyOf(name));
    return true;
  }

  #renamed(name: string): string {
    if (this.#rename.size === 0) return name;
    const rename = this.#rename.get(this.#keyOf(name));
    if (rename === undefined) return name;
    this.#renamesUsed.add(rename.from);
    return rename.to;
  }

  /** The old names of `rules.rename` (as given there) that renamed a column of this sheet. */
  renamesUsed(): string[] {
    return [...this.#renamesUsed];
  }

  /**
   * Names every column of `cells` that holds something; returns true when any was new. Runs
   * for every row, so the columns up to the first unnamed one are skipped without a lookup
   * (usually all of them: the header names every column the rows use).
   */
  addCells(cells: readonly CellValue[]): boolean {
    while (this.#names.has(this.#namedPrefix)) this.#namedPrefix += 1;
    let added = false;
    for (let index = this.#namedPrefix; index < cells.length; index += 1) {
      if (!isEmptyCell(cells[index]) && !this.#names.has(index)) added = this.add(index) || added;
    }
    return added;
  }

  /** The index of the column called `name` (compared per the rules' `match`), if any. */
  indexOf(name: string): number | undefined {
    const wanted = this.#keyOf(name);
    for (const [index, named] of this.#names) if (this.#keyOf(named) === wanted) return index;
    return undefined;
  }

  /** Every named column, in source order. */
  columns(): SourceColumn[] {
    return [...this.#names.entries()]
      .sort(([a], [b]) => a - b)
      .map(([source, name]) => ({ source, name }));
  }
}

/** Names the columns of a header and the data columns `columns`, in source order. */
export function nameColumns(
  header: readonly CellValue[],
  columns: Iterable<number>,
  rules: HeaderRules = EXACT_HEADERS,
): SourceColumn[] {
  const namer = new ColumnNamer(header, rules);
  for (const index of [...columns].sort((a, b) => a - b)) namer.add(index);
  return namer.columns();
}

/**
 * Makes names unique by suffixing ` (2)`, ` (3)`, … to repeats; the first keeps its name.
 * Names are compared in the form `keyOf` gives (exact by default).
 */
export function uniqueNames(
  names: readonly string[],
  keyOf: (name: string) => string = (name) => name,
): string[] {
  const taken = new Set(names.map(keyOf));
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(keyOf(name))) {
      seen.add(keyOf(name));
      return name;
    }
    let n = 2;
    const candidate = () => keyOf(`${name} (${n})`);
    while (taken.has(candidate()) || seen.has(candidate())) n += 1;
    const unique = `${name} (${n})`;
    seen.add(keyOf(unique));
    return unique;
  });
}
