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
export const CACHE_FORMAT_VERSION = 2;

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
