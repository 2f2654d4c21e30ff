import { columnLetters } from '../core/column-letters.js';
import type { SourceColumn } from '../core/header.js';
import { ROW_NUMBER_PLACEHOLDER } from './cell-xml.js';

const CELL_START = '<c r="';

/**
 * Returns a function that moves a worker-rendered row's cells to their output columns, or
 * `null` when they are in place already.
 *
 * Workers render cells at `source + offset` because they cannot know the merged header. When
 * a sheet's columns land exactly there (the usual case: files share a layout) rows pass through
 * as bytes; otherwise each cell's reference is rewritten and the cells re-sorted, since Excel
 * requires cells in column order within a row.
 */
export function placeRow(
  columns: readonly SourceColumn[],
  outputs: readonly number[],
  offset: number,
): ((xml: string) => string) | null {
  const identity = columns.every((column, slot) => outputs[slot] === column.source + offset);
  if (identity) return null;
  const moves = new Map<string, { letters: string; index: number }>();
  columns.forEach((column, slot) => {
    const index = outputs[slot] as number;
    moves.set(columnLetters(column.source + offset), { letters: columnLetters(index), index });
  });
  const monotonic = outputs.every(
    (output, slot) => slot === 0 || output > (outputs[slot - 1] ?? -1),
  );
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
    if (!monotonic) placed.sort((a, b) => a.index - b.index);
    return placed.map((cell) => cell.xml).join('');
  };
}
