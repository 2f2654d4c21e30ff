/**
 * The name a parse result is stored under: a digest of everything that can change it. Pure,
 * so it is tested without files.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ParseTask } from '../worker/protocol.js';

/**
 * Bump when the entry layout (see `cache-entry.ts`) or what a stored `FileResult` means
 * changes, so that entries written before are never read as current ones.
 */
export const CACHE_FORMAT_VERSION = 6;

/**
 * Bump when the segment entry layout (see `segment-entry.ts`) or the way the writer renders
 * rows changes: a segment's bytes must be exactly what this version would write.
 */
export const SEGMENT_FORMAT_VERSION = 1;

/** What a cache key is made of. */
export interface CacheKeyParts {
  /** SHA-256 of the file's bytes, hex. */
  readonly contentHash: string;
  readonly task: ParseTask;
  /** xlmerge's version: a new release may parse the same bytes differently. */
  readonly xlmergeVersion: string;
  /**
   * Node's version and the processor architecture, such as `v20.20.2 x64`: the result leans on
   * Node's Unicode tables (header names compared with `--match-headers loose` go through NFKC
   * and case folding), which change with Node's ICU, and an entry holds numbers in the
   * machine's byte order.
   */
  readonly runtime: string;
}

/** The key of one parse result: 64 hex digits, safe as a file name. */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(
      [
        'xlmerge-parse-cache',
        String(CACHE_FORMAT_VERSION),
        parts.xlmergeVersion,
        parts.runtime,
        parts.contentHash,
        createHash('sha256').update(encodeTaskOptions(parts.task)).digest('hex'),
      ].join('\n'),
    )
    .digest('hex');
}

/**
 * Every field of the task but the file's path and display name, in one canonical text: the
 * same options give the same text whatever order their fields were built in. A field added to
 * `ParseTask` later is part of the key without a change here.
 *
 * The file name's extension is in too (lower-cased): nothing reads a file by its extension
 * today, but a reader chosen by extension would otherwise share entries between, say, a.csv
 * and the same bytes named a.txt.
 */
export function encodeTaskOptions(task: ParseTask): string {
  const { file, display: _display, ...options } = task;
  return canonicalJson({ ...options, extension: path.extname(file).toLowerCase() });
}

/**
 * JSON with object keys sorted and `undefined` fields left out. Anything JSON cannot carry
 * exactly (a Map, a Date, NaN, a function…) throws: such a value would otherwise drop out of
 * the key silently, and two different tasks would share a cache entry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw unkeyable(value);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item) => {
        if (item === undefined) throw unkeyable(item);
        return canonicalJson(item);
      })
      .join(',')}]`;
  }
  // An output style table (ParseTask.outputStyles); `u32` starts no JSON text.
  if (value instanceof Uint32Array) return `u32[${value.join(',')}]`;
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) throw unkeyable(value);
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  throw unkeyable(value);
}

function unkeyable(value: unknown): Error {
  const shown =
    typeof value === 'object' && value !== null ? value.constructor?.name : String(value);
  return new Error(`Internal: a parse task holds a value the cache cannot key: ${shown}`);
}

/**
 * What an output segment's uncompressed bytes depend on: one input sheet's surviving rows
 * written whole into one output sheet. With the compression settings, they fix its compressed
 * bytes too.
 */
export interface SegmentKeyParts {
  /**
   * The key of the parse result the rows come from ({@link cacheKey}): the file's bytes, the
   * parse options and the versions of xlmerge and Node (so of zlib too).
   */
  readonly resultKey: string;
  /** The sheet's `index` among the workbook's worksheets. */
  readonly sheet: number;
  /** Indexes of the rows written, in order, into the sheet's rendered rows. */
  readonly kept: readonly number[];
  /** Output row number of the first row (the rows are numbered on from it). */
  readonly firstRow: number;
  /** Output column of each of the sheet's columns. */
  readonly outputs: readonly number[];
  /** The rendered cells are at their output columns already. */
  readonly placed: boolean;
  /** Output columns before the sheet's own (the `Source` column). */
  readonly columnOffset: number;
  /** Cells written before each row's own (the `Source` column's), as rendered. */
  readonly prefix: string;
  /** How the writer compresses (`SEGMENT_COMPRESSION`). */
  readonly compression: string;
}

/** The key of one output segment: 64 hex digits, safe as a file name. */
export function segmentKey(parts: SegmentKeyParts): string {
  const kept = Uint32Array.from(parts.kept);
  return (
    createHash('sha256')
      .update(
        [
          'xlmerge-output-segment',
          String(SEGMENT_FORMAT_VERSION),
          parts.compression,
          parts.resultKey,
          String(parts.sheet),
          String(parts.firstRow),
          parts.outputs.join(','),
          String(parts.placed),
          String(parts.columnOffset),
          JSON.stringify(parts.prefix),
          String(kept.length),
          '',
        ].join('\n'),
      )
      // In the machine's byte order, which the result key names.
      .update(new Uint8Array(kept.buffer, kept.byteOffset, kept.byteLength))
      .digest('hex')
  );
}
