import { close } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, createInflateRaw } from 'node:zlib';
import type * as Yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { ErrorCode, XlmergeError } from '../errors.js';
import { ensureHeapRoom, stringBytes } from '../heap-room.js';
import { openRegularFd } from '../io/open-file.js';
import type { ReadLimits } from '../reader/read-limits.js';
import { requireCjs } from '../require-cjs.js';
import { XmlPartDecoder } from '../xml/xml-decoder.js';
import { checkFileSignature } from './check-file.js';
import { guardFdSlicerReads } from './fd-slicer-guard.js';

const { fromFdPromise } = requireCjs('yauzl') as typeof Yauzl;
guardFdSlicerReads();

/**
 * Inflated bytes per chunk. zlib's default (16 KiB) means thousands of stream callbacks per
 * sheet; large chunks cut that overhead to almost nothing.
 */
const INFLATE_CHUNK = 512 * 1024;
/** Zip compression method 8: deflate. */
const DEFLATED = 8;
const closeAsync = promisify(close);

/** What {@link openZipArchive} needs besides the path. */
export interface ZipArchiveOptions {
  /** The path to show in messages. */
  readonly file: string;
  readonly limits: ReadLimits;
}

/**
 * Random access to the entries of one zip file, so small parts can be read before the sheet
 * wherever the writer put them. Every byte inflated is counted against {@link ReadLimits}.
 */
export class ZipArchive {
  /** Entry names in zip order (directories left out). */
  readonly names: readonly string[];
  readonly file: string;
  private readonly zip: ZipFile;
  private readonly entries: ReadonlyMap<string, Entry>;
  private readonly byLowerName: ReadonlyMap<string, string>;
  private readonly limits: ReadLimits;
  private readonly streams = new Set<Readable>();
  private readonly closed: Promise<void>;
  /** Inflated bytes read from this file so far, over all entries, for maxFileBytes. */
  #inflated = 0;
  private isClosed = false;

  constructor(zip: ZipFile, entries: ReadonlyMap<string, Entry>, options: ZipArchiveOptions) {
    this.zip = zip;
    this.entries = entries;
    this.names = [...entries.keys()];
    this.file = options.file;
    this.limits = options.limits;
    const byLowerName = new Map<string, string>();
    for (const name of this.names) {
      const lower = name.toLowerCase();
      if (!byLowerName.has(lower)) byLowerName.set(lower, name);
    }
    this.byLowerName = byLowerName;
    // The fd closes when the zip is closed and the last entry stream is done with it.
    // An error closing the fd arrives as 'error' instead; the file was read already, so
    // there is nothing to report, only to stop waiting.
    this.closed = new Promise((resolve) => {
      zip.once('close', () => resolve());
      zip.on('error', () => resolve());
    });
  }
  /** Bytes inflated from this file so far, over all its entries (counted on the real streams). */
  get inflatedBytes(): number {
    return this.#inflated;
  }

  /**
   * The uncompressed size the zip headers declare for a part (a part that inflates to more
   * fails as it streams), or undefined when there is no such part.
   */
  declaredSize(part: string): number | undefined {
    return this.entries.get(part)?.uncompressedSize;
  }

  /**
   * The entry name for a part: exact, else ignoring case (writers disagree with their own
   * relationship targets about case), else with %-escapes of the target URI decoded.
   */
  findPart(name: string): string | undefined {
    if (this.entries.has(name)) return name;
    const folded = this.byLowerName.get(name.toLowerCase());
    if (folded !== undefined) return folded;
    if (!name.includes('%')) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      return undefined;
    }
    return decoded === name ? undefined : this.findPart(decoded);
  }

  /** A whole small part as text, refusing parts longer than `maxChars`. */
  async readPartText(part: string, maxChars: number): Promise<string> {
    const pieces: string[] = [];
    let length = 0;
    for await (const text of this.streamPartText(part, { maxChars })) {
      length += text.length;
      pieces.push(text);
    }
    ensureHeapRoom(stringBytes(length));
    return pieces.join('');
  }

  /**
   * The text of one entry, chunk by chunk as it inflates, in the encoding the part declares (see
   * {@link XmlPartDecoder}): a character split between two chunks survives (exceljs #2084, #2316
   * broke those), the byte order mark is dropped, and a byte not valid in the encoding is an
   * error. The stream is destroyed when iteration stops early. With `maxChars`, a part longer
   * than that many characters fails with `SIZE_LIMIT`.
   */
  async *streamPartText(
    part: string,
    options: { signal?: AbortSignal; maxChars?: number } = {},
  ): AsyncGenerator<string> {
    const decoder = new XmlPartDecoder({ file: this.file, part });
    const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY;
    let length = 0;
    const counted = (text: string): string => {
      length += text.length;
      if (length > maxChars) {
        throw sizeLimit(
          this.file,
          part,
          `The part ${part} is longer than the maxElementChars limit of ${maxChars} characters`,
          'maxElementChars',
        );
      }
      return text;
    };
    const bytesOptions = options.signal === undefined ? {} : { signal: options.signal };
    for await (const chunk of this.streamPartBytes(part, bytesOptions)) {
      const text = decoder.write(chunk);
      if (text.length > 0) yield counted(text);
    }
    const rest = decoder.end();
    if (rest.length > 0) yield counted(rest);
  }

  /**
   * The bytes of one entry, chunk by chunk as it inflates, checked: its size against the
   * header and the limits, and its CRC-32 at the end. The stream is destroyed when iteration
   * stops early.
   */
  async *streamPartBytes(
    part: string,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<Buffer> {
    const { signal } = options;
    const entry = this.entries.get(part);
    if (entry === undefined) {
      throw new XlmergeError(ErrorCode.CorruptZip, `The workbook has no part ${part}`, {
        file: this.file,
        part,
        hint: 'The file is damaged; open it in Excel and save it again',
      });
    }
    this.checkDeclaredSize(entry, part);
    throwIfAborted(signal, this.file, part);
    const stream = await this.openEntryStream(entry, part);
    this.streams.add(stream);
    const onAbort = (): void => {
      stream.destroy(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let entryBytes = 0;
    let entryCrc = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        entryBytes += chunk.length;
        entryCrc = crc32(chunk, entryCrc);
        this.#inflated += chunk.length;
        // We inflate deflated entries ourselves (see openEntryStream), so yauzl cannot check
        // the size the header declares; more bytes than declared means a damaged or forged entry.
        if (entryBytes > entry.uncompressedSize)
          throw sizeMismatch(this.file, part, entry, entryBytes, false);
        if (entryBytes > this.limits.maxEntryBytes) {
          throw sizeLimit(
            this.file,
            part,
            `The part ${part} inflates to more than the maxEntryBytes limit of ${formatBytes(this.limits.maxEntryBytes)}`,
            'maxEntryBytes',
          );
        }
        if (this.#inflated > this.limits.maxFileBytes) {
          throw sizeLimit(
            this.file,
            part,
            `Reading the part ${part} takes the file past the maxFileBytes limit of ${formatBytes(this.limits.maxFileBytes)} inflated`,
            'maxFileBytes',
          );
        }
        yield chunk;
        throwIfAborted(signal, this.file, part);
      }
      if (entryBytes !== entry.uncompressedSize) {
        throw sizeMismatch(this.file, part, entry, entryBytes, true);
      }
      // Damaged bytes can still inflate to the right length; the CRC-32 catches them.
      if (entryCrc >>> 0 !== entry.crc32 >>> 0) {
        throw new XlmergeError(
          ErrorCode.CorruptZip,
          `The part ${part} is damaged: its checksum does not match (CRC-32 ${hex(entryCrc)}, the zip says ${hex(entry.crc32)})`,
          { file: this.file, part, hint: DAMAGED_HINT },
        );
      }
    } catch (error) {
      if (this.isClosed && !(error instanceof XlmergeError)) {
        throw aborted(this.file, part, error, 'The workbook was closed while it was being read');
      }
      throw toReadError(error, this.file, part, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.streams.delete(stream);
      stream.destroy();
    }
  }

  /** Stops any entry still being read and closes the file; resolves once the fd is closed. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    this.zip.close();
    await this.closed;
  }

  private checkDeclaredSize(entry: Entry, part: string): void {
    // The headers can lie, so the real bytes are counted as they inflate too; this only
    // fails early on a part that says it is too big.
    if (entry.uncompressedSize > this.limits.maxEntryBytes) {
      throw sizeLimit(
        this.file,
        part,
        `The part ${part} inflates to ${formatBytes(entry.uncompressedSize)}, more than the maxEntryBytes limit of ${formatBytes(this.limits.maxEntryBytes)}`,
        'maxEntryBytes',
      );
    }
    if (entry.isEncrypted()) {
      throw new XlmergeError(ErrorCode.Encrypted, `The zip entry ${part} is encrypted`, {
        file: this.file,
        part,
        hint: 'Remove the password and save the workbook again as .xlsx',
      });
    }
  }

  private openEntryStream(entry: Entry, part: string): Promise<Readable> {
    const deflated = entry.compressionMethod === DEFLATED;
    return new Promise((resolve, reject) => {
      this.zip.openReadStream(entry, { decompress: deflated ? false : null }, (error, stream) => {
        if (error) {
          reject(
            new XlmergeError(
              ErrorCode.CorruptZip,
              `The part ${part} cannot be read from the zip: ${error.message}`,
              { file: this.file, part, cause: error, hint: DAMAGED_HINT },
            ),
          );
        } else if (deflated) {
          const inflate = createInflateRaw({ chunkSize: INFLATE_CHUNK });
          stream.on('error', (cause) => inflate.destroy(cause));
          inflate.on('close', () => stream.destroy());
          resolve(stream.pipe(inflate));
        } else {
          resolve(stream);
        }
      });
    });
  }
}

/**
 * Opens a zip file for random access after checking that it is one (see
 * {@link checkFileSignature}), and lists its entries.
 */
export async function openZipArchive(
  path: string,
  options: ZipArchiveOptions,
): Promise<ZipArchive> {
  const { file } = options;
  const { fd, stats } = await openRegularFd(path, file);
  let zip: ZipFile | undefined;
  try {
    await checkFileSignature(fd, stats.size, file);
    try {
      zip = await fromFdPromise(fd, {
        lazyEntries: true,
        autoClose: false,
        validateEntrySizes: true,
        decodeStrings: true,
        strictFileNames: false,
      });
    } catch (error) {
      throw corruptZip(file, error);
    }
    const entries = await listEntries(zip, file);
    return new ZipArchive(zip, entries, options);
  } catch (error) {
    if (zip === undefined) await closeAsync(fd).catch(() => undefined);
    else zip.close();
    throw error;
  }
}

const DAMAGED_HINT =
  'The file is truncated or damaged; if it was downloaded or copied, get it again, else open it in Excel and save it again';

/**
 * The entries of the central directory by name (directories left out), once they are known not
 * to deceive: no two share a name, and no two share bytes of the file.
 */
async function listEntries(zip: ZipFile, file: string): Promise<Map<string, Entry>> {
  const all: Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) all.push(entry);
  } catch (error) {
    throw corruptZip(file, error);
  }
  const entries = new Map<string, Entry>();
  const byFoldedName = new Map<string, string>();
  for (const entry of all) {
    const name = entry.fileName;
    if (name.endsWith('/')) continue;
    // Zip readers disagree on which of two entries of one name counts (the first, the last),
    // and Office compares part names ignoring case: either way one reader could be shown other
    // data than another.
    const folded = name.toLowerCase();
    const other = byFoldedName.get(folded);
    if (other !== undefined) throw duplicateEntry(file, other, name);
    byFoldedName.set(folded, name);
    entries.set(name, entry);
  }
  await checkNoOverlap(zip, all, file);
  return entries;
}

/** Local headers read at once when checking entries for overlaps. */
const HEADER_READS = 32;

/**
 * Refuses entries whose local header and data share bytes with another's: no zip writer makes
 * them, and an overlapping-files zip bomb (David Fifield's construction) uses them to inflate
 * one small kernel once per entry, gigabytes from kilobytes, within every size limit but the
 * file's. Checked from the local headers, before anything is inflated.
 */
async function checkNoOverlap(
  zip: ZipFile,
  entries: readonly Entry[],
  file: string,
): Promise<void> {
  const spans: { entry: Entry; start: number; end: number }[] = [];
  for (let at = 0; at < entries.length; at += HEADER_READS) {
    const batch = entries.slice(at, at + HEADER_READS);
    const starts = await Promise.all(
      batch.map(async (entry) => {
        try {
          return (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
        } catch (error) {
          throw new XlmergeError(
            ErrorCode.CorruptZip,
            `The zip entry ${entry.fileName} is damaged: ${messageOf(error)}`,
            { file, part: entry.fileName, cause: error, hint: DAMAGED_HINT },
          );
        }
      }),
    );
    batch.forEach((entry, i) => {
      const dataStart = starts[i] as number;
      spans.push({
        entry,
        start: entry.relativeOffsetOfLocalHeader,
        end: dataStart + entry.compressedSize,
      });
    });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const before = spans[i - 1] as (typeof spans)[number];
    const after = spans[i] as (typeof spans)[number];
    if (after.start < before.end) {
      throw new XlmergeError(
        ErrorCode.CorruptZip,
        `The zip entries ${before.entry.fileName} and ${after.entry.fileName} overlap: bytes ${after.start} to ${Math.min(before.end, after.end) - 1} of the file belong to both`,
        {
          file,
          part: after.entry.fileName,
          hint: 'No zip writer makes such a file: it is damaged, or made to attack zip readers (an overlapping-files zip bomb); do not open it elsewhere either',
        },
      );
    }
  }
}

function duplicateEntry(file: string, first: string, second: string): XlmergeError {
  const names =
    first === second
      ? `two entries named ${first}`
      : `two entries whose names differ only in case, ${first} and ${second}`;
  return new XlmergeError(ErrorCode.CorruptZip, `The zip has ${names}`, {
    file,
    part: second,
    hint: 'Zip readers disagree on which one counts, so the file can show one program other data than another: it is damaged or made to deceive; get it again, or open it in Excel and save it again',
  });
}

function corruptZip(file: string, error: unknown): XlmergeError {
  return new XlmergeError(ErrorCode.CorruptZip, `The zip archive is damaged: ${messageOf(error)}`, {
    file,
    cause: error,
    hint: DAMAGED_HINT,
  });
}

function toReadError(
  error: unknown,
  file: string,
  part: string,
  signal: AbortSignal | undefined,
): XlmergeError {
  if (error instanceof XlmergeError) return error;
  if (signal?.aborted) return aborted(file, part, signal.reason);
  return new XlmergeError(
    ErrorCode.CorruptZip,
    `The part ${part} cannot be decompressed: ${messageOf(error)}`,
    { file, part, cause: error, hint: DAMAGED_HINT },
  );
}

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** A part whose inflated size differs from the size its zip header declares. */
function sizeMismatch(
  file: string,
  part: string,
  entry: Entry,
  got: number,
  ended: boolean,
): XlmergeError {
  const which = got > entry.uncompressedSize ? 'many' : 'few';
  return new XlmergeError(
    ErrorCode.CorruptZip,
    `The part ${part} cannot be decompressed: too ${which} bytes in the stream. expected ${entry.uncompressedSize}. got ${ended ? '' : 'at least '}${got}`,
    { file, part, hint: DAMAGED_HINT },
  );
}

function throwIfAborted(signal: AbortSignal | undefined, file: string, part: string): void {
  if (signal?.aborted) throw aborted(file, part, signal.reason);
}

function aborted(
  file: string,
  part: string,
  reason: unknown,
  message = 'Reading was cancelled',
): XlmergeError {
  return new XlmergeError(ErrorCode.Aborted, message, {
    file,
    part,
    cause: reason,
  });
}

function sizeLimit(
  file: string,
  part: string,
  message: string,
  limit: keyof ReadLimits,
): XlmergeError {
  return new XlmergeError(ErrorCode.SizeLimit, message, {
    file,
    part,
    hint: `The file may be a decompression bomb; if it is genuine, raise the limit with the limits.${limit} option`,
  });
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && Number.isInteger(value / 1024)) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
