import { type CellValue, isDateCell } from './cell.js';
import { formatCellAsText } from './cell-text.js';
import { serialToEpochMs } from './excel-dates.js';

/** How key cells are compared. */
export interface KeyOptions {
  /** Compare text without regard to case. */
  readonly ignoreCase: boolean;
  /** Ignore whitespace at both ends of text. */
  readonly trim: boolean;
  /** Compare the text form of every value, so the number 123 matches the text "123". */
  readonly keysAsText: boolean;
}

/**
 * The dedupe key of a row: one string that is equal for two rows exactly when their key cells
 * are equal under `options`, or `null` when every key cell is empty (such a row is never a
 * duplicate). Each part is tagged with its type and length-prefixed, so no two different
 * tuples of values can produce the same string.
 *
 * Typed comparison: numbers by value (1 = 1.0, -0 = 0), text exactly, dates by instant (to the
 * millisecond), booleans by value, errors by code; text "1" is not the number 1.
 *
 * Built with `join`, which copies into one flat string: a key built with `+` is a rope that
 * keeps its pieces, and a cell's text is often a slice of a reader's whole chunk, so the keys
 * kept for the dedupe would keep every chunk of the file (1.06M keys of a 100 MB CSV: 316 MiB
 * of heap with `+`, 116 MiB with `join`).
 */
export function keyOf(
  cells: readonly CellValue[],
  keyColumns: readonly number[],
  options: KeyOptions,
): string | null {
  const pieces: string[] = [];
  let empty = true;
  for (const column of keyColumns) {
    const part = keyPart(cells[column] ?? null, options);
    if (part === '') {
      pieces.push('_');
      continue;
    }
    empty = false;
    pieces.push(`${part.length}:`, part);
  }
  return empty ? null : pieces.join('');
}

/**
 * Where {@link writeKey} writes a key: the bytes of the string {@link keyOf} would make, as
 * WTF-8 (see `KeyPacker`).
 */
export interface KeySink {
  /** Appends text as WTF-8. */
  text(text: string): void;
  /** Appends the decimal digits of a whole number from 0 to 2^53. */
  digits(value: number): void;
  /** Appends one ASCII character. */
  byte(code: number): void;
}

const COLON = 58;
const UNDERSCORE = 95;
const LOWER_N = 110;
const LOWER_S = 115;
const MINUS = 45;

/**
 * Writes the bytes of `keyOf(cells, keyColumns, options)` to `sink` without making the string:
 * the key strings and their pieces were a third of everything a worker allocated. Returns
 * false where `keyOf` gives `null` (every key cell empty); what was written is then to be
 * thrown away.
 */
export function writeKey(
  sink: KeySink,
  cells: readonly CellValue[],
  keyColumns: readonly number[],
  options: KeyOptions,
): boolean {
  let empty = true;
  for (let i = 0; i < keyColumns.length; i++) {
    if (writePart(sink, cells[keyColumns[i] as number] ?? null, options)) empty = false;
    else sink.byte(UNDERSCORE);
  }
  return !empty;
}

/** Writes `${part.length}:${part}` for the cell's part; false, writing nothing, when it is ''. */
function writePart(sink: KeySink, value: CellValue, options: KeyOptions): boolean {
  if (typeof value === 'string' && !options.keysAsText && !options.trim && !options.ignoreCase) {
    if (value === '') return false;
    sink.digits(value.length + 1);
    sink.byte(COLON);
    sink.byte(LOWER_S);
    sink.text(value);
    return true;
  }
  if (typeof value === 'number' && !options.keysAsText && Number.isSafeInteger(value)) {
    const magnitude = value < 0 ? -value : value;
    let length = 2;
    for (let rest = magnitude; rest >= 10; rest = Math.floor(rest / 10)) length++;
    sink.digits(value < 0 ? length + 1 : length);
    sink.byte(COLON);
    sink.byte(LOWER_N);
    if (value < 0) sink.byte(MINUS);
    sink.digits(magnitude);
    return true;
  }
  const part = keyPart(value, options);
  if (part === '') return false;
  sink.digits(part.length);
  sink.byte(COLON);
  sink.text(part);
  return true;
}

function keyPart(value: CellValue, options: KeyOptions): string {
  if (value === null) return '';
  if (options.keysAsText || typeof value === 'string') {
    const text = normalizeText(
      typeof value === 'string' ? value : formatCellAsText(value),
      options,
    );
    return text === '' ? '' : `s${text}`;
  }
  if (typeof value === 'number') return `n${value === 0 ? 0 : value}`;
  if (typeof value === 'boolean') return value ? 'b1' : 'b0';
  if (isDateCell(value)) return `d${serialToEpochMs(value.serial)}`;
  return `e${value.code}`;
}

function normalizeText(text: string, options: KeyOptions): string {
  let result = options.trim ? text.trim() : text;
  // Upper then lower folds more than lower alone: "ß" → "SS" → "ss" matches "SS".
  if (options.ignoreCase) result = result.toUpperCase().toLowerCase();
  return result;
}

/** A column that takes part in an all-columns key, by name (sorted by name by the caller). */
export interface NamedColumn {
  readonly source: number;
  readonly name: string;
}

/**
 * The key of a row when every column is a key column (`dedupe` with no list). Columns are
 * matched by header name, not position, so files with the same columns in another order, or
 * with an extra column that is empty in the row, still match: a missing column equals an empty
 * cell. `columns` must be sorted by name.
 */
export function allColumnsKeyOf(
  cells: readonly CellValue[],
  columns: readonly NamedColumn[],
  options: KeyOptions,
): string | null {
  const pieces: string[] = [];
  for (const column of columns) {
    const part = keyPart(cells[column.source] ?? null, options);
    if (part === '') continue;
    pieces.push(`${column.name.length}:${column.name}${part.length}:`, part);
  }
  return pieces.length === 0 ? null : pieces.join('');
}

/** {@link writeKey} for {@link allColumnsKeyOf}. */
export function writeAllColumnsKey(
  sink: KeySink,
  cells: readonly CellValue[],
  columns: readonly NamedColumn[],
  options: KeyOptions,
): boolean {
  let empty = true;
  for (const column of columns) {
    const value = cells[column.source] ?? null;
    const part = keyPart(value, options);
    if (part === '') continue;
    empty = false;
    sink.digits(column.name.length);
    sink.byte(COLON);
    sink.text(column.name);
    sink.digits(part.length);
    sink.byte(COLON);
    sink.text(part);
  }
  return !empty;
}
