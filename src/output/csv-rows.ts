import type { SourceColumn } from '../core/header.js';
import type { CsvWriter } from '../csv/write/csv-writer.js';
import { type ReducedSheet, sourceLabel } from '../reduce/reduce-files.js';
import { formatCsvText, splitCsvFields } from '../render/csv-field.js';
import { rowStart } from '../render/rendered-rows.js';

/** Records written between waits for the file to catch up. */
const DRAIN_EVERY = 4096;
const COMMA = 44;

/**
 * Writes a reduced sheet's surviving rows, which the worker rendered as CSV fields, to the
 * merged CSV file. `width` is the merged header's width so far: a later sheet can still widen
 * it, and the writer pads records written before that at the end.
 *
 * With `sourceColumn` each record starts with the `Source` field.
 */
export async function writeCsvRows(
  writer: CsvWriter,
  reduced: ReducedSheet,
  width: number,
  sourceColumn: boolean,
): Promise<void> {
  const rows = reduced.sheet.csv;
  if (rows === null) throw new Error('Internal: a worker rendered no CSV');
  writer.widen(width);
  const offset = sourceColumn ? 1 : 0;
  const prefix = sourceColumn
    ? Buffer.from(`${formatCsvText(sourceLabel(reduced))},`, 'utf8')
    : undefined;
  const move = reduced.sheet.placed
    ? null
    : moveFields(reduced.sheet.columns, reduced.outputs, offset);
  let written = 0;
  // Indexed: a for-of here made an iterator result per row, as the await keeps the loop whole
  // from being optimised.
  const kept = reduced.kept;
  for (let k = 0; k < kept.length; k++) {
    const index = kept[k] as number;
    const start = rowStart(rows, index);
    const end = rows.ends[index] as number;
    if (move === null) {
      writer.writeRenderedBytes(rows.bytes, start, end, offset + rows.fields, prefix);
    } else {
      const length = move.place(rows.bytes, start, end);
      writer.writeRenderedBytes(move.scratch(), 0, length, offset + move.fields, prefix);
    }
    written += 1;
    if (written % DRAIN_EVERY === 0) await writer.drain();
  }
  await writer.drain();
}

/** Rewrites a rendered record with its fields at their output columns. */
export interface FieldMove {
  /** Fields of a rewritten record: up to the sheet's last output column. */
  readonly fields: number;
  /** Rewrites record `bytes[start, end)` into {@link scratch}; returns its length. */
  place(bytes: Uint8Array, start: number, end: number): number;
  /** The buffer the last record was rewritten into. */
  scratch(): Buffer;
}

/**
 * How to move a sheet's fields to their output columns, or `null` when they are in place
 * already: field `i` of a rendered record is source column `i`, and the usual case (files that
 * share a layout) is that source column `i` is output column `i + offset`. Otherwise a later
 * file orders the columns differently, or the sheet has gaps, and each record is split into
 * its fields (a field never holds an unquoted comma) and put together again in output order.
 */
export function moveFields(
  columns: readonly SourceColumn[],
  outputs: readonly number[],
  offset: number,
): FieldMove | null {
  if (columns.every((column, slot) => outputs[slot] === column.source + offset)) return null;
  const widthOf = Math.max(0, ...columns.map((column) => column.source + 1));
  /** The output field of each source field (-1: none, an empty column). */
  const targets = new Int32Array(widthOf).fill(-1);
  let fields = 0;
  columns.forEach((column, slot) => {
    const target = (outputs[slot] as number) - offset;
    targets[column.source] = target;
    fields = Math.max(fields, target + 1);
  });
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
