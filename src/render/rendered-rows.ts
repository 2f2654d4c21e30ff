/**
 * How surviving rows cross from a worker to the main thread: their cell XML as UTF-8 bytes in
 * one transferable buffer, with the byte offset where each row ends. Moving one buffer costs
 * nothing, where structured-cloning a string or an object per row costs seconds for a large
 * merge; and the main thread can copy bytes into the output without re-encoding text.
 */

export interface RenderedRows {
  /** The rows' cell XML, UTF-8, concatenated. The row-number placeholder is the byte 0. */
  readonly bytes: Uint8Array;
  /** `ends[i]` is the offset just past row `i`; row `i` starts at `ends[i - 1]` (or 0). */
  readonly ends: Uint32Array;
}

/** Rows rendered as CSV fields (render `csv`): every row has `fields` fields. */
export interface CsvRows extends RenderedRows {
  /**
   * Fields per row: the sheet's width in source columns (up to its last named column), or with
   * the task's `columns` the number of columns listed.
   */
  readonly fields: number;
}

const decoder = new TextDecoder();

/** Where row `index` starts in `rows.bytes`. */
export function rowStart(rows: RenderedRows, index: number): number {
  return index === 0 ? 0 : (rows.ends[index - 1] as number);
}

/** Row `index` as text again (for the rare rows whose cells must be moved). */
export function decodeRow(rows: RenderedRows, index: number): string {
  return decoder.decode(rows.bytes.subarray(rowStart(rows, index), rows.ends[index]));
}
