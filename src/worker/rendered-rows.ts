/**
 * How surviving rows cross from a worker to the main thread: their cell XML as UTF-8 bytes in
 * one transferable buffer, with the byte offset where each row ends. Moving one buffer costs
 * nothing, where structured-cloning a string or an object per row costs seconds for a large
 * merge; and the main thread can copy bytes into the output without re-encoding text.
 */
import { ErrorCode, XlmergeError } from '../errors.js';

export interface RenderedRows {
  /** The rows' cell XML, UTF-8, concatenated. The row-number placeholder is the byte 0. */
  readonly bytes: Uint8Array;
  /** `ends[i]` is the offset just past row `i`; row `i` starts at `ends[i - 1]` (or 0). */
  readonly ends: Uint32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Largest buffer one sheet's rows may fill (a typed-array offset limit, far above any real sheet). */
const MAX_BYTES = 2 ** 32 - 1;

/** Encodes rendered rows (strings from `renderRowCells`) into one buffer. */
export function encodeRows(rows: readonly string[]): RenderedRows {
  const ends = new Uint32Array(rows.length);
  let bytes: Uint8Array = new Uint8Array(Math.max(1024, estimate(rows)));
  let used = 0;
  rows.forEach((row, index) => {
    const worst = row.length * 3;
    if (used + worst > bytes.length) bytes = grow(bytes, used + worst);
    used += encoder.encodeInto(row, bytes.subarray(used)).written;
    ends[index] = used;
  });
  return { bytes: bytes.slice(0, used), ends };
}

/** Where row `index` starts in `rows.bytes`. */
export function rowStart(rows: RenderedRows, index: number): number {
  return index === 0 ? 0 : (rows.ends[index - 1] as number);
}

/** Row `index` as text again (for the rare rows whose cells must be moved). */
export function decodeRow(rows: RenderedRows, index: number): string {
  return decoder.decode(rows.bytes.subarray(rowStart(rows, index), rows.ends[index]));
}

function estimate(rows: readonly string[]): number {
  let chars = 0;
  for (const row of rows) chars += row.length;
  return Math.min(MAX_BYTES, Math.ceil(chars * 1.1));
}

function grow(bytes: Uint8Array, needed: number): Uint8Array {
  if (needed > MAX_BYTES) {
    throw new XlmergeError(ErrorCode.SizeLimit, 'The sheet is too large to merge in one piece', {
      hint: 'Split the workbook into smaller files',
    });
  }
  const grown = new Uint8Array(Math.min(MAX_BYTES, Math.max(needed, bytes.length * 2)));
  grown.set(bytes);
  return grown;
}
