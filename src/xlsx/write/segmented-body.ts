/**
 * A sheet's body as one deflate stream made of independently compressed pieces, as pigz makes
 * its output: each block is raw deflate ending on a sync flush (byte-aligned, no final block),
 * so blocks concatenated form one valid stream, and the body ends with a final block.
 *
 * Blocks are compressed concurrently in libuv's threadpool and written to the body file in the
 * order they were added. A *segment* is a run of blocks whose bytes depend on its own rows only
 * (its first block is not primed with the data before it), so it can be kept, and appended
 * as it is in another run (the segment cache).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants, deflateRaw, deflateRawSync } from 'node:zlib';
import { computeCrc32, crc32Combine } from '../zip/crc32.js';

/** Level 1: the output is rewritten by users anyway; speed matters more than a few percent. */
export const DEFLATE_LEVEL = 1;
/**
 * Uncompressed bytes per block, the unit of parallel work. Small enough to keep a few in flight
 * cheaply, large enough that a block's set-up (a zlib stream) costs nothing next to it.
 */
export const BLOCK_BYTES = 1 << 20;
/**
 * What a segment's compressed bytes depend on besides its uncompressed bytes: part of the
 * segment cache's key, so a change here never reuses segments compressed the old way.
 */
export const SEGMENT_COMPRESSION = `raw deflate level ${DEFLATE_LEVEL}, blocks of ${BLOCK_BYTES} bytes primed with 32 KiB`;
/**
 * Blocks added but not yet accepted by the file before {@link SegmentedBody.waitForRoom} waits:
 * two compressing on a 2-core machine, one more being filled or written.
 */
const MAX_PENDING_BLOCKS = 4;
/** deflate's window: a block is primed with (at most) this much of the data just before it. */
const WINDOW_BYTES = 32 * 1024;
/** Output chunk of a deflate job; larger than zlib's 16 KiB to cross the threadpool less. */
const DEFLATE_CHUNK = 64 * 1024;

/** A segment, compressed: what the segment cache keeps, and what {@link SegmentedBody.appendSegment} takes. */
export interface CompressedSegment {
  /** Raw deflate bytes, in order, ending on a sync flush (or empty). */
  readonly chunks: readonly Uint8Array[];
  readonly compressedLength: number;
  /** CRC-32 and length of the uncompressed bytes. */
  readonly crc32: number;
  readonly uncompressedLength: number;
  /** Data rows it holds. */
  readonly rows: number;
}

/** The whole body once finished: what the zip entry needs. */
export interface FinishedBody {
  readonly crc32: number;
  readonly uncompressedLength: number;
  readonly compressedLength: number;
}

/**
 * Compresses one block: raw deflate ending on a sync flush, primed with `dictionary` (the bytes
 * just before the block) when given. Replaced in tests to finish blocks out of order.
 */
export type BlockCompressor = (data: Buffer, dictionary: Buffer | null) => Promise<Buffer>;

/** Compresses in libuv's threadpool, so several blocks compress at once. */
export const deflateBlock: BlockCompressor = (data, dictionary) =>
  new Promise((resolve, reject) => {
    deflateRaw(
      data,
      {
        level: DEFLATE_LEVEL,
        finishFlush: constants.Z_SYNC_FLUSH,
        chunkSize: DEFLATE_CHUNK,
        ...(dictionary === null ? {} : { dictionary }),
      },
      (error, compressed) => (error === null ? resolve(compressed) : reject(error)),
    );
  });

/** Deflates bytes that come before a body, ending on a sync flush so the body can follow. */
export function deflatePrefix(data: Buffer): Buffer {
  return deflateRawSync(data, { level: DEFLATE_LEVEL, finishFlush: constants.Z_SYNC_FLUSH });
}

interface Block {
  /** The compressed bytes, once compressed. */
  bytes: Uint8Array | null;
}

interface OpenSegment {
  crc: number;
  length: number;
  rows: number;
  /** Blocks not yet compressed. */
  unfinished: number;
  ended: boolean;
  /** Its blocks, kept only when the segment is wanted back (`keep`). */
  readonly blocks: Block[] | null;
  keep: ((segment: CompressedSegment) => void) | null;
}

/** Writes a body to `path` (created; must not exist) as described above. */
export class SegmentedBody {
  readonly #path: string;
  readonly #compress: BlockCompressor;
  readonly #file: WriteStream;
  readonly #fileClosed: Promise<void>;
  /** Blocks not yet handed to the file, in order. */
  readonly #queue: Block[] = [];
  /** Blocks added whose bytes the file has not yet accepted. */
  #pending = 0;
  #waiters: (() => void)[] = [];
  #failed = false;
  #failure: unknown = null;
  /** Settles once a failed body's file is closed and removed. */
  #cleanup: Promise<void> | null = null;
  #closing = false;
  #segment: OpenSegment = newSegment(null);
  /** The end of the previous block in the open segment, to prime the next one. */
  #dictionary: Buffer | null = null;
  #crc = 0;
  #length = 0;
  #compressedLength = 0;
  /**
   * Blocks of BLOCK_BYTES whose compression is done, for {@link takeBlock}: a new megabyte per
   * block made the main thread's heap see gigabytes of buffers come and go, and collect for them.
   */
  readonly #spare: Buffer[] = [];

  constructor(path: string, compress: BlockCompressor = deflateBlock) {
    this.#path = path;
    this.#compress = compress;
    this.#file = createWriteStream(path, { flags: 'wx' });
    this.#fileClosed = new Promise((resolve) => this.#file.once('close', () => resolve()));
    this.#file.on('error', (error) => this.#fail(error));
  }

  /** Why writing failed (the original error), or null. */
  get failure(): { readonly error: unknown } | null {
    return this.#failed ? { error: this.#failure } : null;
  }

  /** Blocks added but not yet accepted by the file. */
  get pending(): number {
    return this.#pending;
  }

  /** An empty block of BLOCK_BYTES to fill and add: one whose compression is done, or a new one. */
  takeBlock(): Buffer {
    return this.#spare.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES);
  }

  /**
   * Ends the open segment and starts another. `keep` receives the new segment once it is
   * ended (by the next `startSegment`, `appendSegment` or `finish`) and all compressed.
   */
  startSegment(keep?: (segment: CompressedSegment) => void): void {
    this.#endSegment();
    this.#segment = newSegment(keep ?? null);
  }

  /**
   * Adds `data` (holding `rows` whole rows) to the open segment as one block. `data` must not
   * change afterwards: it is compressed in the background.
   */
  addBlock(data: Buffer, rows: number): void {
    const segment = this.#segment;
    segment.crc = computeCrc32(data, segment.crc);
    segment.length += data.length;
    segment.rows += rows;
    const dictionary = this.#dictionary;
    // A copy: `data`'s memory may be refilled (takeBlock) once it is compressed.
    this.#dictionary = Buffer.from(data.subarray(Math.max(0, data.length - WINDOW_BYTES)));
    const block: Block = { bytes: null };
    this.#enqueue(block, segment);
    segment.unfinished += 1;
    this.#compress(data, dictionary).then(
      (bytes) => {
        if (
          data.byteOffset === 0 &&
          data.buffer.byteLength === BLOCK_BYTES &&
          this.#spare.length < MAX_PENDING_BLOCKS
        ) {
          this.#spare.push(Buffer.from(data.buffer));
        }
        block.bytes = bytes;
        segment.unfinished -= 1;
        this.#settle(segment);
        this.#pump();
      },
      (error: unknown) => this.#fail(error),
    );
  }

  /** Ends the open segment, appends `segment` (compressed earlier) and starts a new one. */
  appendSegment(segment: CompressedSegment): void {
    this.#endSegment();
    for (const chunk of segment.chunks) {
      if (chunk.length > 0) this.#enqueue({ bytes: chunk }, null);
    }
    this.#crc = crc32Combine(this.#crc, segment.crc32, segment.uncompressedLength);
    this.#length += segment.uncompressedLength;
    this.#segment = newSegment(null);
    this.#pump();
  }

  /** Resolves when few enough blocks are pending; rejects with the original error on failure. */
  async waitForRoom(): Promise<void> {
    while (!this.#stopped && this.#pending > MAX_PENDING_BLOCKS) await this.#progress();
    await this.#throwIfStopped();
  }

  /**
   * Ends the open segment, adds `tail` in the final deflate block, and closes the file once all
   * is written. Rejects with the original error (after removing the file) on failure.
   */
  async finish(tail: Buffer): Promise<FinishedBody> {
    this.#endSegment();
    this.#segment = newSegment(null);
    this.#enqueue({ bytes: deflateRawSync(tail, { level: DEFLATE_LEVEL }) }, null);
    this.#crc = computeCrc32(tail, this.#crc);
    this.#length += tail.length;
    this.#pump();
    while (!this.#stopped && this.#pending > 0) await this.#progress();
    await this.#throwIfStopped();
    this.#file.end();
    await this.#fileClosed;
    await this.#throwIfStopped();
    return {
      crc32: this.#crc,
      uncompressedLength: this.#length,
      compressedLength: this.#compressedLength,
    };
  }

  /** Stops writing and waits until the file is closed, so it can be removed. */
  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#file.destroyed) this.#file.destroy();
    await this.#fileClosed;
    await this.#cleanup;
    this.#wake();
  }

  #enqueue(block: Block, segment: OpenSegment | null): void {
    this.#queue.push(block);
    this.#pending += 1;
    segment?.blocks?.push(block);
  }

  #endSegment(): void {
    const segment = this.#segment;
    segment.ended = true;
    this.#crc = crc32Combine(this.#crc, segment.crc, segment.length);
    this.#length += segment.length;
    this.#dictionary = null;
    this.#settle(segment);
  }

  /** Hands a kept segment over once it is ended and all compressed. */
  #settle(segment: OpenSegment): void {
    const keep = segment.keep;
    if (keep === null || !segment.ended || segment.unfinished > 0) return;
    segment.keep = null;
    if (this.#stopped) return;
    const chunks = (segment.blocks ?? []).map((block) => block.bytes as Uint8Array);
    keep({
      chunks,
      compressedLength: chunks.reduce((sum, chunk) => sum + chunk.length, 0),
      crc32: segment.crc,
      uncompressedLength: segment.length,
      rows: segment.rows,
    });
  }

  /** Writes the compressed blocks at the head of the queue, in order. */
  #pump(): void {
    if (this.#stopped) return;
    for (;;) {
      const bytes = this.#queue[0]?.bytes;
      if (bytes === undefined || bytes === null) return;
      this.#queue.shift();
      this.#compressedLength += bytes.length;
      this.#file.write(bytes, (error) => {
        // A failed write also emits 'error', which fails the body.
        if (error !== null && error !== undefined) return;
        this.#pending -= 1;
        this.#wake();
      });
    }
  }

  #fail(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#failure = error;
    }
    if (!this.#file.destroyed) this.#file.destroy();
    // Leave nothing behind even if the caller never closes.
    this.#cleanup ??= this.#fileClosed.then(() => rm(this.#path, { force: true }).catch(() => {}));
    this.#wake();
  }

  get #stopped(): boolean {
    return this.#failed || this.#closing;
  }

  async #throwIfStopped(): Promise<void> {
    if (this.#failed) {
      await this.#cleanup;
      throw this.#failure;
    }
    if (this.#closing) throw new Error('Internal: the sheet body was closed while being written');
  }

  #progress(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function newSegment(keep: ((segment: CompressedSegment) => void) | null): OpenSegment {
  return {
    crc: 0,
    length: 0,
    rows: 0,
    unfinished: 0,
    ended: false,
    blocks: keep === null ? null : [],
    keep,
  };
}
