import { createWriteStream, type WriteStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { CellValue } from '../../core/cell.js';
import { ErrorCode, XlmergeError } from '../../errors.js';
import { type FinishedFile, placeAlone, tempPathBase } from '../../io/temp-files.js';
import { toWriteFailed } from '../../io/write-failed.js';
import {
  CSV_RECORD_END,
  formatCsvRecord,
  formatCsvText,
  UTF8_BOM,
} from '../../render/csv-field.js';

/** Bytes gathered before one write to the body file: few large writes beat many small ones. */
const BATCH_BYTES = 256 * 1024;
/** Bytes of the body read at a time when the file is assembled. */
const ASSEMBLY_CHUNK_BYTES = 1024 * 1024;
/**
 * Ends each record in the body file: 0xFF, which UTF-8 never contains, then LF. Assembly turns
 * the 0xFF into CR, or into the record's padding and CR; a CR or LF inside a quoted field is
 * never mistaken for a record end.
 */
const ROW_MARK = 0xff;
const LF = 10;
const CR = 13;
const COMMA = 44;
/** `""`: a record of one empty field, which an empty line would not be for most readers. */
const EMPTY_FIELD = Buffer.from('""');

/** Where to write a CSV file. */
export interface CsvWriterOptions {
  /** The final path. Replaced on commit if it exists; untouched until then. */
  readonly path: string;
}

/**
 * Writes a CSV file (UTF-8 with a byte order mark, comma-delimited, CRLF record ends) whose
 * header is known only at the end: records stream to a temporary body file, and {@link end}
 * writes the header and then the body, padding records that were written while the header was
 * narrower with empty fields, so every record has as many fields as the header. Nothing appears
 * at the final path until {@link commit}.
 */
export interface CsvWriter {
  /** Records written so far (the header is not counted). */
  readonly rowCount: number;
  /**
   * Records written from now on are padded to `width` fields: the header's width so far. The
   * width never narrows.
   */
  widen(width: number): void;
  /**
   * Appends a record rendered as CSV fields (`renderCsvFieldsInto`): bytes `start` to `end` of
   * `source`, after the optional `prefix` (whole fields, with their trailing comma); `fields`
   * counts the fields of both. The hot path: workers hand over records as bytes, and the main
   * thread only copies them.
   */
  writeRenderedBytes(
    source: Uint8Array,
    start: number,
    end: number,
    fields: number,
    prefix?: Uint8Array,
  ): void;
  /** Appends a record of values. */
  writeRow(cells: readonly CellValue[]): void;
  /**
   * Resolves when the buffered records have been accepted by the file (back-pressure; call it
   * every few thousand records). Rejects with `WRITE_FAILED` if writing failed.
   */
  drain(): Promise<void>;
  /**
   * Writes the whole file, header first, to a temporary file beside the target and syncs it.
   * `columns` must be at least as wide as every record. Throws `WRITE_FAILED` when the disk
   * refuses.
   */
  end(columns: readonly string[]): Promise<void>;
  /**
   * The file {@link end} finished, for the caller to put in place with the run's other files
   * (`placeFiles`), then {@link abort} to remove what is left.
   */
  finish(): FinishedFile;
  /** Renames the finished file over the target. Throws `WRITE_FAILED` when that fails. */
  commit(): Promise<void>;
  /**
   * Removes the temp files left: all of them when the file is not to be written, none once its
   * finished file was placed. Safe to call twice and after a failed commit.
   */
  abort(): Promise<void>;
}

/** Starts writing a CSV file to `options.path`; creates the body temp file at once. */
export function createCsvWriter(options: CsvWriterOptions): CsvWriter {
  return new StreamingCsvWriter(options.path);
}

type State = 'open' | 'ending' | 'ended' | 'committed' | 'failed' | 'aborted';

/** A run of consecutive records written at one width. */
interface Segment {
  rows: number;
  readonly width: number;
}

class StreamingCsvWriter implements CsvWriter {
  readonly #path: string;
  readonly #bodyPath: string;
  readonly #filePath: string;
  readonly #body: WriteStream;
  /** Settles when the body file is complete and closed; never rejects (see #failure). */
  readonly #settled: Promise<void>;
  #failure: XlmergeError | null = null;
  #state: State = 'open';
  #out = Buffer.allocUnsafe(BATCH_BYTES);
  #used = 0;
  #width = 0;
  #rowCount = 0;
  readonly #segments: Segment[] = [];

  constructor(target: string) {
    this.#path = target;
    const base = tempPathBase(target);
    this.#bodyPath = `${base}.body.tmp`;
    this.#filePath = `${base}.csv.tmp`;
    this.#body = createWriteStream(this.#bodyPath, { flags: 'wx' });
    this.#settled = finished(this.#body).then(
      () => {},
      async (error: unknown) => {
        this.#failure ??= toWriteFailed(error, target);
        // Leave nothing behind even if the caller never aborts.
        await waitUntilClosed(this.#body);
        await rm(this.#bodyPath, { force: true }).catch(() => {});
      },
    );
  }

  get rowCount(): number {
    return this.#rowCount;
  }

  widen(width: number): void {
    if (width > this.#width) this.#width = width;
  }

  writeRenderedBytes(
    source: Uint8Array,
    start: number,
    end: number,
    fields: number,
    prefix?: Uint8Array,
  ): void {
    const padding = this.#startRecord(fields);
    const length = end - start + (prefix === undefined ? 0 : prefix.length);
    this.#reserve(length + padding + 4);
    const out = this.#out;
    let at = this.#used;
    if (prefix !== undefined) at = copyBytes(prefix, 0, prefix.length, out, at);
    if (length === 0 && this.#width === 1) at = copyBytes(EMPTY_FIELD, 0, 2, out, at);
    else at = copyBytes(source, start, end, out, at);
    this.#used = this.#endRecord(at, padding);
  }

  writeRow(cells: readonly CellValue[]): void {
    const fields = Math.max(cells.length, 1);
    const padding = this.#startRecord(fields);
    const line =
      fields === 1 && this.#width === 1 ? formatSingle(cells[0]) : formatCsvRecord(cells);
    this.#reserve(line.length * 3 + padding + 4);
    const at = this.#used + this.#out.write(line, this.#used, 'utf8');
    this.#used = this.#endRecord(at, padding);
  }

  async drain(): Promise<void> {
    this.#checkWritable();
    this.#flush();
    if (this.#body.writableNeedDrain && !this.#body.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#body.off('drain', done);
          this.#body.off('close', done);
          resolve();
        };
        this.#body.on('drain', done);
        this.#body.on('close', done);
      });
    }
    if (this.#body.destroyed) await this.#settled;
    this.#throwIfFailed();
  }

  async end(columns: readonly string[]): Promise<void> {
    this.#checkWritable();
    const width = columns.length;
    if (this.#segments.some((segment) => segment.width > width)) {
      throw new XlmergeError(
        ErrorCode.Internal,
        `A CSV record has more fields than the header's ${width}`,
      );
    }
    this.#state = 'ending';
    this.#flush();
    this.#body.end();
    await this.#settled;
    this.#throwIfFailed();
    const header = `${UTF8_BOM}${columns.map(formatCsvText).join(',')}${CSV_RECORD_END}`;
    try {
      await assemble(this.#filePath, header, this.#bodyPath, this.#segments, width);
    } catch (error) {
      await this.#fail();
      throw toWriteFailed(error, this.#path);
    }
    await rm(this.#bodyPath, { force: true }).catch(() => {});
    this.#state = 'ended';
  }

  finish(): FinishedFile {
    if (this.#state !== 'ended') {
      throw new XlmergeError(
        ErrorCode.Internal,
        `Cannot finish: the CSV writer is ${this.#state}, not ended`,
      );
    }
    return { temp: this.#filePath, target: this.#path };
  }

  async commit(): Promise<void> {
    await placeAlone(this.finish(), () => this.#fail());
    this.#state = 'committed';
  }

  async abort(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.#removeTempFiles();
  }

  async #fail(): Promise<void> {
    this.#state = 'failed';
    await this.#removeTempFiles();
  }

  async #removeTempFiles(): Promise<void> {
    if (!this.#body.destroyed) this.#body.destroy();
    await this.#settled;
    await waitUntilClosed(this.#body);
    await Promise.all(
      [this.#bodyPath, this.#filePath].map((file) => rm(file, { force: true }).catch(() => {})),
    );
  }

  /** Counts a record of `fields` fields at the current width; returns the commas it lacks. */
  #startRecord(fields: number): number {
    this.#checkWritable();
    const width = this.#width;
    if (fields > width) {
      throw new XlmergeError(
        ErrorCode.Internal,
        `A CSV record has ${fields} fields, more than the ${width} of the header so far`,
      );
    }
    const last = this.#segments.at(-1);
    if (last !== undefined && last.width === width) last.rows += 1;
    else this.#segments.push({ rows: 1, width });
    this.#rowCount += 1;
    return width - fields;
  }

  /** Writes `padding` commas and the record mark at `at`; returns the new end of the batch. */
  #endRecord(at: number, padding: number): number {
    const out = this.#out;
    let p = at;
    for (let i = 0; i < padding; i++) out[p++] = COMMA;
    out[p++] = ROW_MARK;
    out[p++] = LF;
    if (p >= BATCH_BYTES) {
      this.#used = p;
      this.#flush();
      return 0;
    }
    return p;
  }

  #checkWritable(): void {
    this.#throwIfFailed();
    if (this.#state !== 'open') {
      throw new XlmergeError(ErrorCode.Internal, `The CSV writer is already ${this.#state}`);
    }
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  /** Makes room for `bytes` more bytes in the batch, flushing it first if needed. */
  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#out.length) return;
    this.#flush();
    if (bytes > this.#out.length) this.#out = Buffer.allocUnsafe(bytes);
  }

  #flush(): void {
    if (this.#used === 0) return;
    const bytes = this.#out.subarray(0, this.#used);
    // The stream keeps a reference to what it is given, so the next batch gets a new buffer.
    this.#out = Buffer.allocUnsafe(BATCH_BYTES);
    this.#used = 0;
    this.#body.write(bytes);
  }
}

/** A one-field record: `""` for an empty one, so it is not an empty line. */
function formatSingle(cell: CellValue | undefined): string {
  const line = formatCsvRecord([cell]);
  return line === '' ? '""' : line;
}

/**
 * Writes `header` and then the body to `filePath`, record marks turned into CRLF and each
 * record of a segment narrower than `width` padded with empty fields; syncs the file.
 */
async function assemble(
  filePath: string,
  header: string,
  bodyPath: string,
  segments: readonly Segment[],
  width: number,
): Promise<void> {
  const file = await open(filePath, 'wx');
  let body: FileHandle | null = null;
  try {
    const out = new FileBatch(file);
    const headerBytes = Buffer.from(header, 'utf8');
    out.fits(headerBytes.length);
    out.put(headerBytes, 0, headerBytes.length);
    body = await open(bodyPath, 'r');
    const chunk = Buffer.allocUnsafe(ASSEMBLY_CHUNK_BYTES);
    let segment = 0;
    let left = segments[0]?.rows ?? 0;
    let padding = paddingOf(width - (segments[0]?.width ?? width));
    for (;;) {
      const { bytesRead } = await body.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const bytes = chunk.subarray(0, bytesRead);
      let from = 0;
      let mark = bytes.indexOf(ROW_MARK);
      while (mark !== -1) {
        // Records at full width keep their bytes, the mark made CR; the others get their
        // missing fields first.
        if (padding === null) bytes[mark] = CR;
        else {
          if (!out.fits(mark - from + padding.length)) await out.flush();
          out.put(bytes, from, mark);
          out.put(padding, 0, padding.length);
          from = mark + 1;
        }
        left -= 1;
        while (left === 0 && segment < segments.length - 1) {
          segment += 1;
          const next = segments[segment] as Segment;
          left = next.rows;
          padding = paddingOf(width - next.width);
        }
        mark = bytes.indexOf(ROW_MARK, mark + 1);
      }
      if (!out.fits(bytesRead - from)) await out.flush();
      out.put(bytes, from, bytesRead);
    }
    await out.flush();
    await file.sync();
  } finally {
    await body?.close().catch(() => {});
    await file.close().catch(() => {});
  }
}

const paddings = new Map<number, Buffer>();

/** `missing` commas then CR, in place of a record mark; `null` when nothing is missing. */
function paddingOf(missing: number): Buffer | null {
  if (missing === 0) return null;
  let padding = paddings.get(missing);
  if (padding === undefined) {
    padding = Buffer.alloc(missing + 1, COMMA);
    padding[missing] = CR;
    if (missing <= 64) paddings.set(missing, padding);
  }
  return padding;
}

/** Bytes gathered for one write to a file. */
class FileBatch {
  readonly #file: FileHandle;
  #buffer = Buffer.allocUnsafe(2 * ASSEMBLY_CHUNK_BYTES);
  #used = 0;

  constructor(file: FileHandle) {
    this.#file = file;
  }

  /** True when `bytes` more fit without a flush; grows the buffer for a larger piece. */
  fits(bytes: number): boolean {
    if (bytes > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(bytes + this.#used);
      this.#buffer.copy(grown, 0, 0, this.#used);
      this.#buffer = grown;
    }
    return this.#used + bytes <= this.#buffer.length;
  }

  /** Appends `source[start, end)`; call {@link fits} first. */
  put(source: Uint8Array, start: number, end: number): void {
    this.#used = copyBytes(source, start, end, this.#buffer, this.#used);
  }

  async flush(): Promise<void> {
    // A write may take only part of the bytes (a disk filling up does that before it refuses).
    let done = 0;
    while (done < this.#used) {
      const { bytesWritten } = await this.#file.write(this.#buffer, done, this.#used - done);
      done += bytesWritten;
    }
    this.#used = 0;
  }
}

/** Copies `source[start, end)` to `out` at `at`; a plain loop for short runs, else native. */
function copyBytes(
  source: Uint8Array,
  start: number,
  end: number,
  out: Buffer,
  at: number,
): number {
  const length = end - start;
  if (length > 64) {
    out.set(source.subarray(start, end), at);
    return at + length;
  }
  let p = at;
  for (let i = start; i < end; i++) out[p++] = source[i] as number;
  return p;
}

async function waitUntilClosed(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  await new Promise<void>((resolve) => stream.once('close', resolve));
}
