/**
 * The cache (`cache`): one file per parse result in a folder, named by its key
 * (`cache-key.ts`), laid out as `cache-entry.ts` says. A result is reused only when its entry
 * is sound for the file's current bytes and the run's options; anything else is parsed again.
 *
 * The same folder holds output segments (`segment-entry.ts`): an input sheet's rows as the
 * workbook writer compressed them, reused when the same rows land at the same place again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, XlmergeError } from '../errors.js';
import { openRegularFile } from '../io/open-file.js';
import type { FileResult, ParseTask } from '../worker/protocol.js';
import type { CompressedSegment } from '../xlsx/write/segmented-body.js';
import { decodeEntry, encodeEntry } from './cache-entry.js';
import { cacheKey } from './cache-key.js';
import { decodeSegmentEntry, encodeSegmentEntry } from './segment-entry.js';

/** What the cache did in one run. */
export interface CacheCounts {
  /** Files whose parse result came from the cache. */
  hits: number;
  /** Files parsed (no sound entry for their bytes and options); failed files included. */
  misses: number;
  /** Of the misses: files whose entry was there but damaged or not theirs, and was replaced. */
  rebuilt: number;
  /** Output segments copied from the cache, compressed, instead of written again. */
  segmentsReused: number;
}

/** Entries not used for this long are removed at the end of a run. */
export const CACHE_MAX_AGE_DAYS = 30;
/** A temporary file this old was left by a run that crashed while writing it. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ENTRY_SUFFIX = '.xlmc';
const SEGMENT_SUFFIX = '.xlms';
/** Parse results (`.xlmc`) and output segments (`.xlms`). */
const ENTRY_NAME = /^[0-9a-f]{64}\.xlm[cs]$/;
const TEMP_NAME = /^[0-9a-f]{64}\.xlm[cs]\.[0-9a-f]+\.tmp$/;
/** `fs.readFile`'s limit (2 GiB): a larger entry could be written but never read back. */
const MAX_ENTRY_BYTES = 2 ** 31 - 1;
/** Chunk size for hashing inputs: 1 MiB keeps each synchronous hash step around a millisecond. */
const HASH_CHUNK = 1 << 20;

export class ParseCache {
  readonly #dir: string;
  readonly #versions: { readonly xlmergeVersion: string; readonly runtime: string };
  readonly #stores = new Set<Promise<void>>();
  /** Entries this run read or wrote, which pruning must leave alone. */
  readonly #used = new Set<string>();
  #closed = false;
  readonly counts: CacheCounts = { hits: 0, misses: 0, rebuilt: 0, segmentsReused: 0 };
  /** The results that came from the cache, for each file's `cached` in the summary. */
  readonly cachedResults = new WeakSet<FileResult>();
  /** The key of each result this run got, once it is known to stand for the file's bytes. */
  readonly #keys = new WeakMap<FileResult, Promise<string | null>>();

  private constructor(dir: string, xlmergeVersion: string) {
    this.#dir = dir;
    this.#versions = { xlmergeVersion, runtime: `${process.version} ${process.arch}` };
  }

  /** The cache folder, absolute. */
  get folder(): string {
    return this.#dir;
  }

  /**
   * Opens (and creates) the cache folder `dir`. Fails with `INVALID_OPTION` when `dir` is a
   * file, and `WRITE_FAILED` when the folder cannot be created or written to: a cache that
   * cannot store anything would make every run a cold one without a word.
   */
  static async open(dir: string): Promise<ParseCache> {
    const stat = await fs.stat(dir).catch(() => null);
    if (stat !== null && !stat.isDirectory()) throw notAFolder(`the file ${JSON.stringify(dir)}`);
    try {
      await fs.mkdir(dir, { recursive: true });
      await fs.access(dir, fs.constants.W_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        throw notAFolder(`${JSON.stringify(dir)}, which passes through a file`);
      }
      throw new XlmergeError(ErrorCode.WriteFailed, 'The cache folder cannot be written to', {
        file: dir,
        cause: error,
        hint: 'Give `cache` a folder you may write to, or leave it out',
      });
    }
    return new ParseCache(dir, await xlmergeVersion());
  }

  /**
   * The result of `task`: from its entry when that is sound, else from `parse`, stored for next
   * time unless the parse failed. Storing happens in the background; {@link close} waits.
   */
  async parse(
    task: ParseTask,
    parse: (task: ParseTask) => Promise<FileResult>,
  ): Promise<FileResult> {
    const contentHash = await hashFile(task.file).catch(() => null);
    if (contentHash === null) {
      // Unreadable: the parser reports why, in its words.
      this.counts.misses += 1;
      return parse(task);
    }
    const key = cacheKey({ contentHash, task, ...this.#versions });
    const entry = this.#entryPath(key);
    this.#used.add(entry);
    const bytes = await fs.readFile(entry).catch(() => null);
    if (bytes !== null) {
      const decoded = decodeEntry(bytes, key, task);
      if (decoded.ok) {
        this.counts.hits += 1;
        this.cachedResults.add(decoded.result);
        this.#keys.set(decoded.result, Promise.resolve(key));
        this.#touch(entry);
        return decoded.result;
      }
      this.counts.rebuilt += 1;
    }
    this.counts.misses += 1;
    const result = await parse(task);
    if (!this.#closed) {
      // If the file changed while it was parsed, the result belongs to no known bytes: it is
      // neither stored nor keyed.
      const unchanged = hashFile(task.file).then(
        (hash) => hash === contentHash,
        () => false,
      );
      this.#keys.set(
        result,
        unchanged.then((same) => (same ? key : null)),
      );
      this.#track(unchanged.then((same) => (same ? this.#store(key, result) : undefined)));
    }
    return result;
  }

  /**
   * The key `result` is stored under, once it is known to stand for the file's bytes: at once
   * for a result from the cache, after the file is hashed again for one just parsed. Null for a
   * result this cache did not give, or whose file changed while it was parsed.
   */
  keyOf(result: FileResult): Promise<string | null> {
    return this.#keys.get(result) ?? Promise.resolve(null);
  }

  /**
   * The output segment stored under `key`, when its entry is sound and holds `rows` rows; null
   * otherwise (a damaged entry is replaced when the segment is stored again).
   */
  async readSegment(key: string, rows: number): Promise<CompressedSegment | null> {
    const entry = this.#segmentPath(key);
    this.#used.add(entry);
    const bytes = await fs.readFile(entry).catch(() => null);
    const segment = bytes === null ? null : decodeSegmentEntry(bytes, key, rows);
    if (segment === null) return null;
    this.counts.segmentsReused += 1;
    this.#touch(entry);
    return segment;
  }

  /**
   * Stores `segment` under the key `key` settles to (not when null), in the background: the
   * segment's bytes are kept until then.
   */
  storeSegment(key: Promise<string | null>, segment: CompressedSegment): void {
    if (this.#closed) return;
    this.#track(
      key.then((settled) => {
        if (settled === null) return;
        const entry = this.#segmentPath(settled);
        this.#used.add(entry);
        return this.#write(entry, encodeSegmentEntry(settled, segment));
      }),
    );
  }

  /**
   * Waits for the entries being written, and starts no more: a parse that ends after the run
   * did (it was cancelled) is not stored, so nothing writes to the folder once the run is over.
   * Never rejects.
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#stores.size > 0) await Promise.all(this.#stores);
  }

  /**
   * Removes entries not used for {@link CACHE_MAX_AGE_DAYS} days (an entry's modification time
   * is when a run last wrote or read it) and temporary files left by crashed runs. Files that
   * are not cache entries are never touched, nor entries this run used. Never rejects.
   */
  async prune(now = Date.now()): Promise<void> {
    const names = await fs.readdir(this.#dir).catch(() => [] as string[]);
    for (const name of names) {
      const isEntry = ENTRY_NAME.test(name);
      if (!isEntry && !TEMP_NAME.test(name)) continue;
      const file = path.join(this.#dir, name);
      if (this.#used.has(file)) continue;
      const stat = await fs.stat(file).catch(() => null);
      const maxAge = isEntry ? CACHE_MAX_AGE_DAYS * DAY_MS : STALE_TEMP_MS;
      if (stat?.isFile() && now - stat.mtimeMs > maxAge) await fs.rm(file, { force: true });
    }
  }

  /** Stores `result` under `key` (see {@link #write}). */
  async #store(key: string, result: FileResult): Promise<void> {
    await this.#write(this.#entryPath(key), encodeEntry(key, result));
  }

  /**
   * Writes an entry under a temporary name, then renames it into place: a crash mid-write
   * leaves no half entry under the final name, and runs sharing the folder each rename a whole
   * file (the same bytes, for the same key). Never rejects.
   */
  async #write(entry: string, pieces: readonly Buffer[]): Promise<void> {
    const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
    if (length > MAX_ENTRY_BYTES) return;
    const temp = `${entry}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(temp, 'wx');
      try {
        const { bytesWritten } = await handle.writev(pieces);
        if (bytesWritten !== length) throw new Error(`Short write: ${bytesWritten} of ${length}`);
      } finally {
        await handle.close();
      }
      await fs.rename(temp, entry);
    } catch {
      // A full disk or a folder removed under us costs the next run a parse, not this one.
      await fs.rm(temp, { force: true }).catch(() => {});
    }
  }

  /** Marks an entry as used now: its time says when it was last used, for pruning. */
  #touch(entry: string): void {
    const now = new Date();
    this.#track(fs.utimes(entry, now, now));
  }

  #track(work: Promise<unknown>): void {
    const done: Promise<void> = work.then(
      () => {},
      () => {},
    );
    this.#stores.add(done);
    void done.then(() => this.#stores.delete(done));
  }

  #entryPath(key: string): string {
    return path.join(this.#dir, `${key}${ENTRY_SUFFIX}`);
  }

  #segmentPath(key: string): string {
    return path.join(this.#dir, `${key}${SEGMENT_SUFFIX}`);
  }
}

/**
 * SHA-256 of a file, read as a stream: the file is never held whole, and the main thread is
 * busy for about a millisecond per chunk (SHA-256 runs at about 1 GB/s here).
 */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  // Opened as the readers open inputs: a FIFO in a file's place fails instead of blocking.
  const { handle } = await openRegularFile(file, file);
  try {
    for await (const chunk of handle.createReadStream({
      highWaterMark: HASH_CHUNK,
      autoClose: false,
    })) {
      hash.update(chunk as Buffer);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

let version: Promise<string> | undefined;

/** xlmerge's version, from its package.json (two folders up, in src/ and in dist/ alike). */
function xlmergeVersion(): Promise<string> {
  version ??= fs
    .readFile(new URL('../../package.json', import.meta.url), 'utf8')
    .then((text) => String((JSON.parse(text) as { version?: unknown }).version));
  return version;
}

function notAFolder(got: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.InvalidOption,
    `Invalid option cache: expected a folder, got ${got}`,
    { hint: 'Give `cache` a folder (it is created if missing), not a file' },
  );
}
