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

/**
 * `rows` with the rows rendered while the sheet was narrower padded with empty fields to
 * `width`: `narrower[i]` says that the rows before `narrower[i].rows` (and from the previous
 * entry's on) have `narrower[i].width` fields.
 */
export function padCsvRows(
  rows: RenderedRows,
  narrower: readonly { readonly rows: number; readonly width: number }[],
  width: number,
): RenderedRows {
  const count = rows.ends.length;
  const widthOf = (index: number): number =>
    narrower.find((change) => index < change.rows)?.width ?? width;
  let extra = 0;
  for (let index = 0; index < count; index += 1) extra += width - widthOf(index);
  const bytes = new Uint8Array(rows.bytes.length + extra);
  const ends = new Uint32Array(count);
  let at = 0;
  for (let index = 0; index < count; index += 1) {
    const start = rowStart(rows, index);
    const end = rows.ends[index] as number;
    bytes.set(rows.bytes.subarray(start, end), at);
    at += end - start;
    const missing = width - widthOf(index);
    bytes.fill(44, at, at + missing);
    at += missing;
    ends[index] = at;
  }
  return { bytes: bytes.subarray(0, at), ends };
}

/** The rows `kept` (ascending indexes) of `rows`, copied into a buffer of their own. */
export function selectRows(rows: RenderedRows, kept: readonly number[]): RenderedRows {
  let size = 0;
  for (const index of kept) size += (rows.ends[index] as number) - rowStart(rows, index);
  const bytes = new Uint8Array(size);
  const ends = new Uint32Array(kept.length);
  let at = 0;
  kept.forEach((index, i) => {
    const start = rowStart(rows, index);
    const end = rows.ends[index] as number;
    bytes.set(rows.bytes.subarray(start, end), at);
    at += end - start;
    ends[i] = at;
  });
  return { bytes, ends };
}
