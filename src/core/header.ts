import { columnLetters } from '../xlsx/write/cell-xml.js';
import type { CellValue } from './cell.js';
import { formatCellAsText } from './text.js';

/** A column of one input sheet: where it is in the sheet and what the merge calls it. */
export interface SourceColumn {
  /** 0-based column index in the source sheet (A = 0). */
  readonly source: number;
  /** Unique, trimmed header name. */
  readonly name: string;
}

/**
 * Names the columns of a sheet from its header row.
 *
 * - names are the header cells' text, trimmed;
 * - a column with data but an empty header cell is called `Column C` (its letters);
 * - a repeated name gets ` (2)`, ` (3)`, … in order of appearance, skipping names already taken.
 *
 * `columns` lists every column index that has a header cell or any data, in any order.
 */
export function nameColumns(
  header: readonly CellValue[],
  columns: Iterable<number>,
): SourceColumn[] {
  const indexes = [...new Set(columns)].sort((a, b) => a - b);
  const wanted = indexes.map((index) => {
    const text = formatCellAsText(header[index] ?? null).trim();
    return text === '' ? `Column ${columnLetters(index)}` : text;
  });
  return uniqueNames(wanted).map((name, i) => ({ source: indexes[i] as number, name }));
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
