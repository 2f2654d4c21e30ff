import { type CellValue, isEmptyCell } from './cell.js';
import { formatCellAsText } from './cell-text.js';
import { lettersOfColumn } from './column-letters.js';
import { type HeaderMatch, headerKeyFor, numberingStemFor } from './header-match.js';

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
 * - a column with data but an empty header cell is called `Column C` (its letters; past
 *   Excel's last column `XFD` too, as a CSV file may have more columns);
 * - then `rules.rename` applies, once (`a=b` and `b=c` swap nothing into `c` twice);
 * - a repeated name gets ` (2)`, ` (3)`, … in order of appearance, skipping names already taken.
 *   "Repeated" follows `rules.match`: with `loose`, `Email` and `E-mail` in one sheet are two
 *   columns, `Email` and `E-mail (2)`, never one.
 *
 * Naming n columns takes O(n) lookups, however the names repeat (see {@link NameNumbering}).
 */
export class ColumnNamer {
  readonly #names = new Map<number, string>();
  /** Every column below this index has a name. */
  #namedPrefix = 0;
  /** One past the highest named column. */
  #width = 0;
  /** The column of each name, by its compared form (`rules.match`). */
  readonly #indexByKey = new Map<string, number>();
  readonly #numbering: NameNumbering;
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
    // As countNamedCells counts them.
    header.forEach((cell, index) => {
      const text = formatCellAsText(cell ?? null).trim();
      if (text === '') return;
      indexes.push(index);
      wanted.push(this.#renamed(text));
    });
    this.#numbering = new NameNumbering(rules.match, new Set(wanted.map(this.#keyOf)));
    wanted.forEach((name, i) => {
      this.#setName(indexes[i] as number, this.#numbering.claim(name));
    });
  }

  /** The form in which this sheet compares names. */
  get keyOf(): (name: string) => string {
    return this.#keyOf;
  }

  /** Named columns so far. */
  get size(): number {
    return this.#names.size;
  }

  /** One past the highest named column's index: the fields a CSV row of the sheet needs. */
  get width(): number {
    return this.#width;
  }

  /** Names column `index` if it has no name yet; returns true when it was new. */
  add(index: number): boolean {
    if (this.#names.has(index)) return false;
    const wanted = this.#renamed(`Column ${lettersOfColumn(index)}`);
    this.#setName(index, this.#numbering.claim(wanted));
    return true;
  }

  #setName(index: number, name: string): void {
    this.#names.set(index, name);
    this.#indexByKey.set(this.#keyOf(name), index);
    if (index >= this.#width) this.#width = index + 1;
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
   * Names every column of `cells` that holds something; returns the columns it named, in
   * source order (usually none). Runs for every row, so the columns up to the first unnamed
   * one are skipped without a lookup (usually all of them: the header names every column the
   * rows use). The caller takes in only the new columns, so that rows reaching one more column
   * each (a sparse sheet's diagonal) cost in proportion to the row, not to every column so far.
   */
  addCells(cells: readonly CellValue[]): readonly SourceColumn[] {
    while (this.#names.has(this.#namedPrefix)) this.#namedPrefix += 1;
    let added: SourceColumn[] | null = null;
    for (let index = this.#namedPrefix; index < cells.length; index += 1) {
      if (isEmptyCell(cells[index]) || !this.add(index)) continue;
      added ??= [];
      added.push({ source: index, name: this.#names.get(index) as string });
    }
    return added ?? NO_COLUMNS;
  }

  /** The index of the column called `name` (compared per the rules' `match`), if any. */
  indexOf(name: string): number | undefined {
    return this.#indexByKey.get(this.#keyOf(name));
  }

  /** Every named column, in source order. */
  columns(): SourceColumn[] {
    return [...this.#names.entries()]
      .sort(([a], [b]) => a - b)
      .map(([source, name]) => ({ source, name }));
  }
}

/** The columns a header names: its cells with text other than spaces. */
export function countNamedCells(header: readonly CellValue[]): number {
  let count = 0;
  for (const cell of header) if (formatCellAsText(cell ?? null).trim() !== '') count += 1;
  return count;
}

const NO_COLUMNS: readonly SourceColumn[] = Object.freeze([]);

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
 * Makes names unique by suffixing ` (2)`, ` (3)`, … to repeats; the first keeps its name, and
 * a suffixed name is never one of `names`. Names are compared per `match` (exact by default).
 */
export function uniqueNames(names: readonly string[], match: HeaderMatch = 'exact'): string[] {
  const keyOf = headerKeyFor(match);
  const numbering = new NameNumbering(match, new Set(names.map(keyOf)));
  return names.map((name) => numbering.claim(name));
}

/**
 * Hands out names that compare unequal under a {@link HeaderMatch}: a name that compares equal
 * to one handed out already gets ` (2)`, ` (3)`, …, the lowest number whose name is neither
 * handed out nor reserved.
 *
 * Numbering goes on, per numbering stem, from where it last stopped rather than from 2: every
 * lower number was taken then and still is, since names are only ever added, and names of one
 * stem have the same numbered forms (see `numberingStemFor`). From 2 each time, n columns of
 * one name took O(n²) lookups: 16,000 columns named `a` took 17 s, 40,000 more than 3 minutes.
 */
class NameNumbering {
  readonly #keyOf: (name: string) => string;
  readonly #stemOf: (name: string) => string;
  /** Compared forms of the names handed out. */
  readonly #taken = new Set<string>();
  /** Compared forms numbered names avoid as well: a header's own names, before their turn. */
  readonly #reserved: ReadonlySet<string>;
  /** The number to try next, by numbering stem. */
  readonly #next = new Map<string, number>();

  constructor(match: HeaderMatch, reserved: ReadonlySet<string>) {
    this.#keyOf = headerKeyFor(match);
    this.#stemOf = numberingStemFor(match);
    this.#reserved = reserved;
  }

  /** `name`, or its first free numbered form when a name handed out compares equal to it. */
  claim(name: string): string {
    const key = this.#keyOf(name);
    if (!this.#taken.has(key)) {
      this.#taken.add(key);
      return name;
    }
    const stem = this.#stemOf(name);
    let n = this.#next.get(stem) ?? 2;
    let numbered = `${name} (${n})`;
    let numberedKey = this.#keyOf(numbered);
    while (this.#taken.has(numberedKey) || this.#reserved.has(numberedKey)) {
      n += 1;
      numbered = `${name} (${n})`;
      numberedKey = this.#keyOf(numbered);
    }
    this.#next.set(stem, n + 1);
    this.#taken.add(numberedKey);
    return numbered;
  }
}
