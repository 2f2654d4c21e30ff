import { columnLetters } from '../core/column-letters.js';
import type { SourceColumn } from '../core/header.js';
import { ROW_NUMBER_PLACEHOLDER } from './cell-xml.js';
import { splitCsvFields } from './csv-field.js';

/**
 * Moving a worker's rendered row to the merged header's columns. Workers render a sheet's cells
 * at `source + offset` because they cannot know the merged header; when the sheet's columns land
 * exactly there (the usual case: files share a layout) rows pass through as bytes, and
 * otherwise each row is rewritten: cell references in XML, field positions in CSV.
 */

/** Where a sheet's columns go in the output, when they do not land where they were rendered. */
interface Placement {
  /** The output column of each source column (index: source; -1 for none). */
  readonly targets: Int32Array;
  /** Output columns grow with source columns: the cells need no re-sorting. */
  readonly monotonic: boolean;
}

/** The placement of `columns` at `outputs`, or `null` when each is at `source + offset`. */
function placementOf(
  columns: readonly SourceColumn[],
  outputs: readonly number[],
  offset: number,
): Placement | null {
  if (columns.every((column, slot) => outputs[slot] === column.source + offset)) return null;
  const width = Math.max(0, ...columns.map((column) => column.source + 1));
  const targets = new Int32Array(width).fill(-1);
  columns.forEach((column, slot) => {
    targets[column.source] = outputs[slot] as number;
  });
  const monotonic = outputs.every(
    (output, slot) => slot === 0 || output > (outputs[slot - 1] ?? -1),
  );
  return { targets, monotonic };
}

const CELL_START = '<c r="';
const COMMA = 44;

/**
 * Returns a function that moves a row of cell XML to its output columns, or `null` when the
 * cells are in place already. Excel requires cells in column order within a row, so moved
 * cells are re-sorted when the columns changed order.
 */
export function placeCells(
  columns: readonly SourceColumn[],
  outputs: readonly number[],
  offset: number,
): ((xml: string) => string) | null {
  const placement = placementOf(columns, outputs, offset);
  if (placement === null) return null;
  const moves = new Map<string, { letters: string; index: number }>();
  placement.targets.forEach((index, source) => {
    if (index >= 0)
      moves.set(columnLetters(source + offset), { letters: columnLetters(index), index });
  });
  return (xml) => {
    // Cell text is escaped (`<` is `&lt;`), so `<c r="` only ever starts a cell.
    const cells = xml.split(CELL_START).slice(1);
    const placed = cells.map((cell) => {
      const end = cell.indexOf(ROW_NUMBER_PLACEHOLDER);
      const move = moves.get(cell.slice(0, end));
      if (move === undefined)
        throw new Error(`Internal: no output column for cell ${cell.slice(0, end)}`);
      return { index: move.index, xml: CELL_START + move.letters + cell.slice(end) };
    });
    if (!placement.monotonic) placed.sort((a, b) => a.index - b.index);
    return placed.map((cell) => cell.xml).join('');
  };
}

/** Rewrites a rendered CSV record with its fields at their output columns. */
export interface FieldMove {
  /** Fields of a rewritten record: up to the sheet's last output column. */
  readonly fields: number;
  /** Rewrites record `bytes[start, end)` into {@link scratch}; returns its length. */
  place(bytes: Uint8Array, start: number, end: number): number;
  /** The buffer the last record was rewritten into. */
  scratch(): Buffer;
}

/**
 * How to move a sheet's CSV fields to their output columns, or `null` when they are in place
 * already: field `i` of a rendered record is source column `i`. Otherwise each record is split
 * into its fields (a field never holds an unquoted comma) and put together again in output
 * order.
 */
export function placeFields(
  columns: readonly SourceColumn[],
  outputs: readonly number[],
  offset: number,
): FieldMove | null {
  const placement = placementOf(columns, outputs, offset);
  if (placement === null) return null;
  /** The output field of each source field (-1: none, an empty column). */
  const targets = placement.targets.map((output) => (output < 0 ? -1 : output - offset));
  const fields = Math.max(0, ...targets.map((target) => target + 1));
  const starts = new Int32Array(fields);
  const ends = new Int32Array(fields);
  let scratch = Buffer.allocUnsafe(1024);
  return {
    fields,
    scratch: () => scratch,
    place(bytes, start, end) {
      starts.fill(0);
      ends.fill(0);
      const ranges = splitCsvFields(bytes, start, end);
      for (let field = 0; field * 2 < ranges.length && field < targets.length; field += 1) {
        const target = targets[field] as number;
        if (target < 0) continue;
        starts[target] = ranges[field * 2] as number;
        ends[target] = ranges[field * 2 + 1] as number;
      }
      const needed = end - start + fields;
      if (scratch.length < needed) scratch = Buffer.allocUnsafe(needed * 2);
      let at = 0;
      for (let target = 0; target < fields; target += 1) {
        if (target > 0) scratch[at++] = COMMA;
        const from = starts[target] as number;
        const to = ends[target] as number;
        for (let i = from; i < to; i += 1) scratch[at++] = bytes[i] as number;
      }
      return at;
    },
  };
}
