import { columnLetters } from '../xlsx/write/cell-xml.js';
import { type CellValue, isEmptyCell } from './cell.js';
import { formatCellAsText } from './text.js';

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
 * - a repeated name gets ` (2)`, ` (3)`, … in order of appearance, skipping names already taken.
 */
export class ColumnNamer {
  readonly #names = new Map<number, string>();
  readonly #taken = new Set<string>();

  constructor(header: readonly CellValue[]) {
    const indexes: number[] = [];
    const wanted: string[] = [];
    header.forEach((cell, index) => {
      const text = formatCellAsText(cell ?? null).trim();
      if (text === '') return;
      indexes.push(index);
      wanted.push(text);
    });
    uniqueNames(wanted).forEach((name, i) => {
      this.#names.set(indexes[i] as number, name);
      this.#taken.add(name);
    });
  }

  /** Names column `index` if it has no name yet; returns true when it was new. */
  add(index: number): boolean {
    if (this.#names.has(index)) return false;
    const wanted = `Column ${columnLetters(index)}`;
    let name = wanted;
    for (let n = 2; this.#taken.has(name); n += 1) name = `${wanted} (${n})`;
    this.#names.set(index, name);
    this.#taken.add(name);
    return true;
  }

  /** Names every column of `cells` that holds something; returns true when any was new. */
  addCells(cells: readonly CellValue[]): boolean {
    let added = false;
    for (let index = 0; index < cells.length; index += 1) {
      if (!isEmptyCell(cells[index]) && !this.#names.has(index)) added = this.add(index) || added;
    }
    return added;
  }

  /** The index of the column called `name`, if any. */
  indexOf(name: string): number | undefined {
    for (const [index, named] of this.#names) if (named === name) return index;
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
): SourceColumn[] {
  const namer = new ColumnNamer(header);
  for (const index of [...columns].sort((a, b) => a - b)) namer.add(index);
  return namer.columns();
}

/** Makes names unique by suffixing ` (2)`, ` (3)`, … to repeats; the first keeps its name. */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name} (${n})`) || seen.has(`${name} (${n})`)) n += 1;
    const unique = `${name} (${n})`;
    seen.add(unique);
    return unique;
  });
}
