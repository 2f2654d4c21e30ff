import type { CsvWriter } from '../csv/write/csv-writer.js';
import { type ReducedSheet, sourceLabel } from '../reduce/reduce-files.js';
import { formatCsvText } from '../render/csv-field.js';
import { placeFields } from '../render/place-columns.js';
import { rowStart } from '../render/rendered-rows.js';

/** Records written between waits for the file to catch up. */
const DRAIN_EVERY = 4096;

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
    : placeFields(reduced.sheet.columns, reduced.outputs, offset);
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
