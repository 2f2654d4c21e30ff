/**
 * How one parse result is laid out in a cache file, and how a file is checked before its
 * result is believed. Pure: bytes in, bytes out.
 *
 * Layout (integers little-endian):
 *
 * | bytes | field |
 * |---|---|
 * | 0–3 | magic `XLMC` |
 * | 4–7 | {@link CACHE_FORMAT_VERSION} |
 * | 8–39 | the entry's key (32 bytes), so a file copied under another name is not believed |
 * | 40–47 | length of the metadata |
 * | 48–55 | length of the body (metadata and rendered rows) |
 * | 56–59 | CRC-32 of the body |
 * | 60–63 | zero |
 * | 64– | body: the metadata, then each sheet's rendered row bytes in sheet order |
 *
 * The metadata is the `FileResult` through `v8.serialize`, which keeps what it holds as it
 * is (`null` against `undefined`, date and error cells, -0, the row-end `Uint32Array`s, whose
 * bytes are in the machine's order: the key names the platform). The rendered rows, nearly
 * all of an entry, are left out of it and written as they are: through `v8.serialize` they
 * would be copied twice more, which cost half a second per 400 MB.
 *
 * The CRC catches damage (a torn write, a bad disk, a truncated copy); it is no defence
 * against someone who may write to the cache folder, but such a person could as well change
 * the inputs.
 */
import v8 from 'node:v8';
import zlib from 'node:zlib';
import type { PackedKeys } from '../core/packed-keys.js';
import { WORKBOOK_FORMATS } from '../reader/workbook-reader.js';
import type { FileResult, ParseTask, SheetResult } from '../worker/protocol.js';
import { CACHE_FORMAT_VERSION } from './cache-key.js';

const MAGIC = Buffer.from('XLMC', 'latin1');
export const ENTRY_HEADER_BYTES = 64;
const KEY_BYTES = 32;

/** What a cache file turned out to be. */
export type DecodedEntry =
  | { readonly ok: true; readonly result: FileResult }
  | { readonly ok: false; readonly reason: EntryProblem };

/** Why a cache file was not believed; it is then parsed again and replaced. */
export type EntryProblem =
  | 'truncated'
  | 'not a cache entry'
  | 'another format version'
  | 'another key'
  | 'wrong length'
  | 'checksum mismatch'
  | 'unreadable metadata'
  | 'unexpected content';

/**
 * The fields of a sheet holding rendered rows, in the order their bytes follow the metadata;
 * in the metadata each has `byteLength` in place of its `bytes`.
 */
const ROW_FIELDS = ['xml', 'csv'] as const;

/**
 * The entry for `result` under `key` (64 hex digits), as buffers to be written one after the
 * other: the rendered rows are views of the result's own bytes, not copies.
 */
export function encodeEntry(key: string, result: FileResult): Buffer[] {
  const blobs: Buffer[] = [];
  const sheets = result.sheets.map((sheet) => {
    let stored: Record<string, unknown> = { ...sheet };
    for (const field of ROW_FIELDS) {
      const rows = sheet[field];
      if (rows === null) continue;
      const { bytes, ...rest } = rows;
      blobs.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      stored = { ...stored, [field]: { ...rest, byteLength: bytes.byteLength } };
    }
    return stored;
  });
  const metadata = v8.serialize({ ...result, sheets });
  let crc = zlib.crc32(metadata);
  let bodyLength = metadata.length;
  for (const blob of blobs) {
    // zlib.crc32 of an empty view of an empty ArrayBuffer returns 0, not the CRC passed in
    // (zlib reads a null data pointer as a request for the initial value).
    if (blob.length === 0) continue;
    crc = zlib.crc32(blob, crc);
    bodyLength += blob.length;
  }
  const header = Buffer.alloc(ENTRY_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(CACHE_FORMAT_VERSION, 4);
  keyBytes(key).copy(header, 8);
  header.writeBigUInt64LE(BigInt(metadata.length), 40);
  header.writeBigUInt64LE(BigInt(bodyLength), 48);
  header.writeUInt32LE(crc, 56);
  return [header, metadata, ...blobs];
}

/**
 * The result stored in `bytes`, if they are a sound entry for `key` and `task`; otherwise why
 * not. Never throws: whatever is in the file, the answer is a result or a problem. The
 * result's rendered rows are views of `bytes`.
 */
export function decodeEntry(bytes: Buffer, key: string, task: ParseTask): DecodedEntry {
  if (bytes.length < ENTRY_HEADER_BYTES) return problem('truncated');
  if (!bytes.subarray(0, 4).equals(MAGIC)) return problem('not a cache entry');
  if (bytes.readUInt32LE(4) !== CACHE_FORMAT_VERSION) return problem('another format version');
  if (!bytes.subarray(8, 8 + KEY_BYTES).equals(keyBytes(key))) return problem('another key');
  const metadataLength = bytes.readBigUInt64LE(40);
  const bodyLength = bytes.readBigUInt64LE(48);
  const body = bytes.subarray(ENTRY_HEADER_BYTES);
  if (bodyLength > BigInt(body.length)) return problem('truncated');
  if (bodyLength < BigInt(body.length) || metadataLength > bodyLength) {
    return problem('wrong length');
  }
  if (zlib.crc32(body) !== bytes.readUInt32LE(56)) return problem('checksum mismatch');
  let value: unknown;
  try {
    value = v8.deserialize(body.subarray(0, Number(metadataLength)));
  } catch {
    return problem('unreadable metadata');
  }
  const result = attachRows(value, body, Number(metadataLength));
  return result !== null && isFileResult(result, task)
    ? { ok: true, result }
    : problem('unexpected content');
}

/**
 * The metadata with each sheet's stored rows replaced by views of their bytes, which follow
 * the metadata in sheet order and fill the body exactly; `null` when they do not.
 */
function attachRows(value: unknown, body: Buffer, at: number): unknown {
  if (!isRecord(value) || !Array.isArray(value.sheets)) return null;
  let offset = at;
  const sheets: unknown[] = [];
  for (const sheet of value.sheets as unknown[]) {
    if (!isRecord(sheet)) return null;
    let attached: Record<string, unknown> = sheet;
    for (const field of ROW_FIELDS) {
      const stored = sheet[field];
      if (stored === null || stored === undefined) continue;
      if (!isRecord(stored) || !isCount(stored.byteLength)) return null;
      const end = offset + stored.byteLength;
      if (end > body.length) return null;
      const bytes = new Uint8Array(body.buffer, body.byteOffset + offset, stored.byteLength);
      const { byteLength: _, ...rest } = stored;
      attached = { ...attached, [field]: { ...rest, bytes } };
      offset = end;
    }
    sheets.push(attached);
  }
  return offset === body.length ? { ...value, sheets } : null;
}

function problem(reason: EntryProblem): DecodedEntry {
  return { ok: false, reason };
}

function keyBytes(key: string): Buffer {
  const bytes = Buffer.from(key, 'hex');
  if (bytes.length !== KEY_BYTES) throw new Error(`Internal: a cache key of ${key.length} digits`);
  return bytes;
}

/**
 * Whether `value` has the shape of the result `task` asks for: the fields the reducer and the
 * writer read, with row lists of one length, and rows rendered (or not) as the task says. A
 * payload that passed its checksum fails this only when it was written by other code.
 */
export function isFileResult(value: unknown, task: ParseTask): value is FileResult {
  if (!isRecord(value)) return false;
  const counts = [
    value.rowsRead,
    value.blankRows,
    value.duplicatesInFile,
    value.formulasWithoutValue,
    value.cellsWithoutFormat,
    value.truncatedCells,
    value.inflatedBytes,
  ];
  return (
    counts.every(isCount) &&
    (WORKBOOK_FORMATS as readonly unknown[]).includes(value.format) &&
    isArrayOf(value.repeatedKeys, isString) &&
    isArrayOf(value.hiddenSheets, isString) &&
    isArrayOf(value.renamesUsed, isString) &&
    Array.isArray(value.sheets) &&
    value.sheets.every((sheet) => isSheetResult(sheet, task))
  );
}

function isSheetResult(value: unknown, task: ParseTask): value is SheetResult {
  if (!isRecord(value)) return false;
  const { keys, rowNumbers, xml, csv, values, dropped, columns, widths } = value;
  if (!isPackedKeys(keys)) return false;
  const rows = keys.ends.length;
  const withValues = task.render === 'values' || task.reportDuplicates;
  return (
    isString(value.name) &&
    isCount(value.index) &&
    isCount(value.headerRow) &&
    isArrayOf(value.titleLines, isCount) &&
    isCount(value.rowsRead) &&
    typeof value.placed === 'boolean' &&
    isArrayOf(
      columns,
      (column) => isRecord(column) && isCount(column.source) && isString(column.name),
    ) &&
    isArrayOf(value.otherColumns, isString) &&
    isArrayOf(widths, isCount) &&
    widths.length === columns.length &&
    isArrayOf(rowNumbers, isCount) &&
    rowNumbers.length === rows &&
    (task.render === 'xlsx' ? isRenderedRows(xml, rows) : xml === null) &&
    (task.render === 'csv' ? isRenderedRows(csv, rows) && isCount(csv.fields) : csv === null) &&
    (withValues ? Array.isArray(values) && values.length === rows : values === null) &&
    (value.valueStyles == null ||
      (Array.isArray(value.valueStyles) && value.valueStyles.length === rows)) &&
    (task.reportDuplicates ? isDroppedRows(dropped) : dropped === null)
  );
}

function isPackedKeys(value: unknown): value is PackedKeys {
  if (!isRecord(value)) return false;
  const { bytes, ends, hashes } = value;
  if (!(bytes instanceof Uint8Array) || !(ends instanceof Uint32Array)) return false;
  const rows = ends.length;
  return (
    hashes instanceof Uint32Array &&
    hashes.length === rows &&
    (rows === 0 ? bytes.length === 0 : ends[rows - 1] === bytes.length)
  );
}

function isRenderedRows(value: unknown, rows: number): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const { bytes, ends } = value;
  if (!(bytes instanceof Uint8Array) || !(ends instanceof Uint32Array)) return false;
  return (
    ends.length === rows && (rows === 0 ? bytes.length === 0 : ends[rows - 1] === bytes.length)
  );
}

function isDroppedRows(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { keys, rowNumbers, values, styles } = value;
  return (
    isArrayOf(keys, isString) &&
    isArrayOf(rowNumbers, isCount) &&
    Array.isArray(values) &&
    rowNumbers.length === keys.length &&
    values.length === keys.length &&
    (styles == null || (Array.isArray(styles) && styles.length === keys.length))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isArrayOf<T>(value: unknown, check: (item: unknown) => item is T): value is T[];
function isArrayOf(value: unknown, check: (item: unknown) => boolean): value is unknown[];
function isArrayOf(value: unknown, check: (item: unknown) => boolean): boolean {
  return Array.isArray(value) && value.every(check);
}
