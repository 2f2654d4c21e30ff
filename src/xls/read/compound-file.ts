/**
 * A small read-only reader of compound files (OLE2, [MS-CFB]): the container of an .xls
 * workbook (its `Workbook` stream) and of other Office documents. It reads the header, the
 * directory and, on demand, the sectors of the streams asked for, from the open file: nothing
 * else of the file is held. Every chain it follows is checked as it goes (a sector past the end
 * of the file, a sector seen twice, a chain shorter than its stream's size, a stream larger than
 * the file), so a hostile file ends in a `CORRUPT_XLS` error in time and memory bounded by the
 * stream read, never in a loop.
 *
 * The npm `cfb` package was measured first and not used: it reads every stream of the file
 * eagerly, and a 4 MB file whose allocation table chains each sector to the one before took it
 * 70 s and 15 GB of memory (each chain is copied again from every sector); an out-of-range
 * sector made it throw a TypeError, and stream sizes that lie went unnoticed.
 */
import type { FileHandle } from 'node:fs/promises';
import { ErrorCode, XlmergeError } from '../../errors.js';

/** The first 8 bytes of every compound file. */
const SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const HEADER_BYTES = 512;
/** Sector numbers above this are markers, not sectors ([MS-CFB] 2.1). */
const MAX_REGULAR_SECTOR = 0xfffffffa;
const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;
/** No sibling or child in a directory entry. */
const NO_STREAM = 0xffffffff;
const MINI_SECTOR_BYTES = 64;
/** Streams shorter than this live in the mini stream, in 64-byte mini sectors. */
const MINI_STREAM_CUTOFF = 4096;
const DIRECTORY_ENTRY_BYTES = 128;
/**
 * The most directory entries read. An .xls has a handful (the workbook, its summaries, a few
 * embedded objects); 65,536 entries are 8 MiB of directory.
 */
const MAX_DIRECTORY_ENTRIES = 65_536;
/** How many FAT sectors of a large file are kept at once (each 512 bytes or 4 KiB). */
const MAX_CACHED_FAT_SECTORS = 1024;

/** A stream or a storage in the root storage of a compound file. */
export interface CompoundFileEntry {
  readonly name: string;
  readonly kind: 'stream' | 'storage';
  /** Bytes in the stream (0 for a storage). */
  readonly size: number;
  /** The first sector (or mini sector) of the stream. */
  readonly start: number;
}

/** What {@link openCompoundFile} needs besides the open file. */
export interface CompoundFileSource {
  readonly handle: FileHandle;
  readonly size: number;
  /** The path to show in messages. */
  readonly file: string;
}

/**
 * Reads the header and the directory of a compound file; the streams are read later, each when
 * asked for ({@link CompoundFile.readStream}). Does not close the handle.
 */
export async function openCompoundFile(source: CompoundFileSource): Promise<CompoundFile> {
  const header = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await source.handle.read(header, 0, HEADER_BYTES, 0);
  const fail = (message: string): XlmergeError => corrupt(source.file, message);
  if (bytesRead < HEADER_BYTES || !header.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw fail(
      `expected a compound file header of ${HEADER_BYTES} bytes, found ${bytesRead < HEADER_BYTES ? `a file of ${bytesRead}` : 'other bytes'}`,
    );
  }
  const version = header.readUInt16LE(26);
  const sectorShift = header.readUInt16LE(30);
  if (sectorShift !== 9 && sectorShift !== 12) {
    throw fail(`expected sectors of 512 or 4096 bytes, found a sector shift of ${sectorShift}`);
  }
  const miniShift = header.readUInt16LE(32);
  const cutoff = header.readUInt32LE(56);
  if (miniShift !== 6 || cutoff !== MINI_STREAM_CUTOFF) {
    throw fail(
      `expected mini sectors of 64 bytes for streams below 4096 bytes, found a shift of ${miniShift} and a cutoff of ${cutoff}`,
    );
  }
  const file = new CompoundFile(source, {
    sectorShift,
    // Version 3 files may leave junk in the high half of a stream's size ([MS-CFB] 2.6.3).
    sizeHasHighHalf: version >= 4,
    fatSectorCount: header.readUInt32LE(44),
    directoryStart: header.readUInt32LE(48),
    miniFatStart: header.readUInt32LE(60),
    miniFatSectorCount: header.readUInt32LE(64),
    difatStart: header.readUInt32LE(68),
    difatSectorCount: header.readUInt32LE(72),
    headerDifat: Array.from({ length: 109 }, (_, i) => header.readUInt32LE(76 + i * 4)),
  });
  await file.readDirectory();
  return file;
}

/** What the header says, as {@link CompoundFile} uses it. */
interface CompoundFileHeader {
  readonly sectorShift: number;
  readonly sizeHasHighHalf: boolean;
  readonly fatSectorCount: number;
  readonly directoryStart: number;
  readonly miniFatStart: number;
  readonly miniFatSectorCount: number;
  readonly difatStart: number;
  readonly difatSectorCount: number;
  readonly headerDifat: readonly number[];
}

/** An open compound file: the entries of its root storage, and their streams on demand. */
export class CompoundFile {
  readonly file: string;
  /** The streams and storages of the root storage, in directory order. */
  entries: readonly CompoundFileEntry[] = [];
  readonly #handle: FileHandle;
  readonly #header: CompoundFileHeader;
  readonly #sectorBytes: number;
  /** Sectors in the file after the header, counting a last partial one. */
  readonly #sectorCount: number;
  /** The FAT's sectors, in order, as far as the DIFAT was read. */
  #fatSectors: number[] | null = null;
  readonly #fatCache = new Map<number, Buffer>();
  /** The root entry: where the mini stream starts and how long it is. */
  #root: { start: number; size: number } = { start: END_OF_CHAIN, size: 0 };
  #miniStreamChain: SectorChain | null = null;
  #miniFatChain: SectorChain | null = null;

  constructor(source: CompoundFileSource, header: CompoundFileHeader) {
    this.file = source.file;
    this.#handle = source.handle;
    this.#header = header;
    this.#sectorBytes = 2 ** header.sectorShift;
    this.#sectorCount = Math.max(
      0,
      Math.ceil((source.size - this.#sectorBytes) / this.#sectorBytes),
    );
  }

  /** The entry of the root storage named `name`, compared without case as [MS-CFB] does. */
  find(name: string): CompoundFileEntry | undefined {
    const wanted = name.toUpperCase();
    return this.entries.find((entry) => entry.name.toUpperCase() === wanted);
  }

  /**
   * The bytes of a stream of the root storage. `SIZE_LIMIT` when it declares more than
   * `maxBytes`; `CORRUPT_XLS` when its sectors do not hold what it declares.
   */
  async readStream(entry: CompoundFileEntry, maxBytes: number): Promise<Buffer> {
    const what = `the ${JSON.stringify(entry.name)} stream`;
    const fileBytes = this.#sectorCount * this.#sectorBytes;
    if (entry.size > fileBytes) {
      throw this.#corrupt(
        `${what} declares ${entry.size} bytes, more than the file's ${fileBytes} bytes of sectors hold`,
      );
    }
    if (entry.size > maxBytes) {
      throw new XlmergeError(
        ErrorCode.SizeLimit,
        `${capitalize(what)} is ${entry.size} bytes, more than the ${maxBytes} bytes xlmerge reads of one stream`,
        {
          file: this.file,
          part: entry.name,
          hint: 'Save the workbook as .xlsx, which xlmerge reads as it streams',
        },
      );
    }
    if (entry.size === 0) return Buffer.alloc(0);
    return entry.size < MINI_STREAM_CUTOFF
      ? this.#readMiniStream(entry, what)
      : this.#readRegularStream(entry, what);
  }

  /** Reads the directory and lists the root storage's entries. */
  async readDirectory(): Promise<void> {
    const maxSectors = Math.ceil(
      (MAX_DIRECTORY_ENTRIES * DIRECTORY_ENTRY_BYTES) / this.#sectorBytes,
    );
    const chain = this.#chain(this.#header.directoryStart, 'the directory', maxSectors);
    const sectors = await chain.toEnd();
    if (sectors.length === 0) throw this.#corrupt('expected a directory, found none');
    const directory = await this.#readSectors(
      sectors,
      sectors.length * this.#sectorBytes,
      'the directory',
    );
    const count = directory.length / DIRECTORY_ENTRY_BYTES;
    const entryAt = (id: number) => readDirectoryEntry(directory, id, this.#header.sizeHasHighHalf);
    const root = entryAt(0);
    if (root.type !== EntryType.Root) {
      throw this.#corrupt(
        `expected the root entry first in the directory, found an entry of type ${root.type}`,
      );
    }
    this.#root = { start: root.start, size: root.size };
    // The root's children are a tree of siblings: walked with a stack and a visited mark, so a
    // loop in it or a sibling past the end cannot hang or overflow anything.
    const seen = new Uint8Array(count);
    const found: { id: number; entry: CompoundFileEntry }[] = [];
    const stack = [root.child];
    while (stack.length > 0) {
      const id = stack.pop() as number;
      if (id === NO_STREAM) continue;
      if (id >= count || id === 0) {
        throw this.#corrupt(
          `expected directory entries below ${count} in the root storage, found entry ${id}`,
        );
      }
      if (seen[id] === 1)
        throw this.#corrupt(`the root storage's directory tree loops at entry ${id}`);
      seen[id] = 1;
      const entry = entryAt(id);
      stack.push(entry.left, entry.right);
      if (entry.type === EntryType.Stream || entry.type === EntryType.Storage) {
        found.push({
          id,
          entry: {
            name: entry.name,
            kind: entry.type === EntryType.Stream ? 'stream' : 'storage',
            size: entry.type === EntryType.Stream ? entry.size : 0,
            start: entry.start,
          },
        });
      }
    }
    this.entries = found.sort((a, b) => a.id - b.id).map(({ entry }) => entry);
  }

  async #readRegularStream(entry: CompoundFileEntry, what: string): Promise<Buffer> {
    const count = Math.ceil(entry.size / this.#sectorBytes);
    const sectors = await this.#chain(entry.start, what, count).first(count);
    return this.#readSectors(sectors, entry.size, what);
  }

  async #readMiniStream(entry: CompoundFileEntry, what: string): Promise<Buffer> {
    const root = this.#root;
    const count = Math.ceil(entry.size / MINI_SECTOR_BYTES);
    const perFatSector = this.#sectorBytes / 4;
    this.#miniFatChain ??= this.#chain(
      this.#header.miniFatStart,
      'the mini stream allocation table',
      Math.min(this.#header.miniFatSectorCount, this.#sectorCount),
    );
    this.#miniStreamChain ??= this.#chain(
      root.start,
      'the mini stream',
      Math.min(Math.ceil(root.size / this.#sectorBytes), this.#sectorCount),
    );
    const bytes = Buffer.alloc(entry.size);
    const seen = new Set<number>();
    let mini = entry.start;
    for (let index = 0; index < count; index++) {
      if (mini > MAX_REGULAR_SECTOR) {
        throw this.#corrupt(
          `${what} declares ${entry.size} bytes, but its chain of mini sectors ends after ${index * MINI_SECTOR_BYTES}`,
        );
      }
      if ((mini + 1) * MINI_SECTOR_BYTES > root.size) {
        throw this.#corrupt(
          `${what} names mini sector ${mini}, past the end of the mini stream (${root.size} bytes)`,
        );
      }
      if (seen.has(mini))
        throw this.#corrupt(`${what}'s chain of mini sectors loops at mini sector ${mini}`);
      seen.add(mini);
      const at = mini * MINI_SECTOR_BYTES;
      const sector = await this.#miniStreamChain.at(Math.floor(at / this.#sectorBytes));
      const length = Math.min(MINI_SECTOR_BYTES, entry.size - index * MINI_SECTOR_BYTES);
      const position = (sector + 1) * this.#sectorBytes + (at % this.#sectorBytes);
      await this.#readExactly(bytes, index * MINI_SECTOR_BYTES, length, position, what);
      const fatSector = await this.#miniFatChain.at(Math.floor(mini / perFatSector));
      const table = await this.#sector(fatSector, 'the mini stream allocation table');
      mini = table.readUInt32LE((mini % perFatSector) * 4);
    }
    return bytes;
  }

  /** The next sector after `sector` in the FAT. */
  async #next(sector: number, what: string): Promise<number> {
    const perFatSector = this.#sectorBytes / 4;
    const fatSectors = await this.#readDifat();
    const fatSector = fatSectors[Math.floor(sector / perFatSector)];
    if (fatSector === undefined) {
      throw this.#corrupt(
        `${what} reaches sector ${sector}, which the allocation table does not cover`,
      );
    }
    const table = await this.#sector(fatSector, 'the allocation table');
    return table.readUInt32LE((sector % perFatSector) * 4);
  }

  /**
   * Where the FAT's sectors are: the first 109 in the header, the rest in the DIFAT chain. Only
   * as many as cover the file's sectors are kept, however many the header claims.
   */
  async #readDifat(): Promise<number[]> {
    if (this.#fatSectors !== null) return this.#fatSectors;
    const header = this.#header;
    const perSector = this.#sectorBytes / 4;
    const wanted = Math.min(header.fatSectorCount, Math.ceil(this.#sectorCount / perSector));
    const fatSectors = header.headerDifat.slice(0, Math.min(wanted, header.headerDifat.length));
    const seen = new Set<number>();
    let sector = header.difatStart;
    while (fatSectors.length < wanted) {
      if (sector === END_OF_CHAIN || sector === FREE_SECTOR) {
        throw this.#corrupt(
          `expected ${wanted} sectors of allocation table, found ${fatSectors.length} before the end of the DIFAT chain`,
        );
      }
      this.#checkSector(sector, 'the DIFAT chain');
      if (seen.has(sector)) throw this.#corrupt(`the DIFAT chain loops at sector ${sector}`);
      seen.add(sector);
      const bytes = await this.#readSectors([sector], this.#sectorBytes, 'the DIFAT chain');
      for (let i = 0; i < perSector - 1 && fatSectors.length < wanted; i++) {
        fatSectors.push(bytes.readUInt32LE(i * 4));
      }
      sector = bytes.readUInt32LE((perSector - 1) * 4);
    }
    this.#fatSectors = fatSectors;
    return fatSectors;
  }

  /** One sector of an allocation table, read once (the most recent ones are kept). */
  async #sector(sector: number, what: string): Promise<Buffer> {
    const cached = this.#fatCache.get(sector);
    if (cached !== undefined) return cached;
    this.#checkSector(sector, what);
    const bytes = await this.#readSectors([sector], this.#sectorBytes, what);
    if (this.#fatCache.size >= MAX_CACHED_FAT_SECTORS) this.#fatCache.clear();
    this.#fatCache.set(sector, bytes);
    return bytes;
  }

  /** A chain of sectors from `start`, checked as it is followed, of at most `maxLength`. */
  #chain(start: number, what: string, maxLength: number): SectorChain {
    return new SectorChain(start, what, maxLength, this.#sectorCount, {
      next: (sector) => this.#next(sector, what),
      fail: (message) => this.#corrupt(message),
    });
  }

  #checkSector(sector: number, what: string): void {
    if (sector >= this.#sectorCount) {
      throw this.#corrupt(
        `${what} names sector ${sector}, past the end of the file (it has ${this.#sectorCount} sectors)`,
      );
    }
  }

  /** `length` bytes of the sectors given, in order, read in runs of consecutive sectors. */
  async #readSectors(sectors: readonly number[], length: number, what: string): Promise<Buffer> {
    const bytes = Buffer.alloc(length);
    const size = this.#sectorBytes;
    let index = 0;
    while (index < sectors.length && index * size < length) {
      const first = sectors[index] as number;
      let run = 1;
      while (index + run < sectors.length && sectors[index + run] === first + run) run++;
      const offset = index * size;
      const runLength = Math.min(run * size, length - offset);
      await this.#readExactly(bytes, offset, runLength, (first + 1) * size, what);
      index += run;
    }
    return bytes;
  }

  async #readExactly(
    target: Buffer,
    offset: number,
    length: number,
    position: number,
    what: string,
  ): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.#handle.read(
        target,
        offset + done,
        length - done,
        position + done,
      );
      if (bytesRead === 0) {
        throw this.#corrupt(`the file ends inside ${what} (it is truncated)`);
      }
      done += bytesRead;
    }
  }

  #corrupt(message: string): XlmergeError {
    return corrupt(this.file, message);
  }
}

/**
 * A chain of sectors through the FAT, followed as far as it is asked for: each sector is
 * checked to be in the file and not seen before in the chain, and the chain may not be longer
 * than `maxLength`.
 */
class SectorChain {
  readonly #sectors: number[] = [];
  readonly #seen: Uint8Array;
  #next: number;
  #ended = false;

  constructor(
    start: number,
    private readonly what: string,
    private readonly maxLength: number,
    private readonly sectorCount: number,
    private readonly table: {
      next(sector: number): Promise<number>;
      fail(message: string): XlmergeError;
    },
  ) {
    this.#next = start;
    this.#seen = new Uint8Array(Math.ceil(sectorCount / 8));
  }

  /** The `index`th sector of the chain. */
  async at(index: number): Promise<number> {
    while (this.#sectors.length <= index) {
      if (!(await this.#advance())) {
        throw this.table.fail(
          `${this.what} needs sector ${index + 1} of its chain, but the chain ends after ${this.#sectors.length}`,
        );
      }
    }
    return this.#sectors[index] as number;
  }

  /** The first `count` sectors of the chain (what a stream of that many sectors needs). */
  async first(count: number): Promise<number[]> {
    if (count > 0) await this.at(count - 1);
    return this.#sectors.slice(0, count);
  }

  /** Every sector up to the end of the chain. */
  async toEnd(): Promise<number[]> {
    while (await this.#advance()) {
      // Followed to its end.
    }
    return this.#sectors;
  }

  /** Follows the chain one sector; false at its end. */
  async #advance(): Promise<boolean> {
    if (this.#ended) return false;
    const sector = this.#next;
    if (sector === END_OF_CHAIN) {
      this.#ended = true;
      return false;
    }
    const { fail } = this.table;
    if (sector > MAX_REGULAR_SECTOR) {
      throw fail(
        `${this.what} reaches a sector the allocation table marks free or reserved (0x${sector.toString(16)})`,
      );
    }
    if (sector >= this.sectorCount) {
      throw fail(
        `${this.what} names sector ${sector}, past the end of the file (it has ${this.sectorCount} sectors)`,
      );
    }
    const bit = 1 << (sector & 7);
    const byte = sector >>> 3;
    if (((this.#seen[byte] as number) & bit) !== 0) {
      throw fail(`${this.what}'s chain of sectors loops at sector ${sector}`);
    }
    if (this.#sectors.length >= this.maxLength) {
      throw fail(`${this.what}'s chain of sectors is longer than ${this.maxLength} sectors`);
    }
    this.#seen[byte] = (this.#seen[byte] as number) | bit;
    this.#sectors.push(sector);
    this.#next = await this.table.next(sector);
    return true;
  }
}

const EntryType = { Unused: 0, Storage: 1, Stream: 2, Root: 5 } as const;

interface DirectoryEntry {
  readonly name: string;
  readonly type: number;
  readonly left: number;
  readonly right: number;
  readonly child: number;
  readonly start: number;
  readonly size: number;
}

function readDirectoryEntry(
  directory: Buffer,
  id: number,
  sizeHasHighHalf: boolean,
): DirectoryEntry {
  const at = id * DIRECTORY_ENTRY_BYTES;
  // The name's length in bytes counts its terminating NUL; a length past 64 is damage.
  const nameBytes = Math.min(directory.readUInt16LE(at + 64), 64);
  const name = directory.toString('utf16le', at, at + Math.max(0, nameBytes - 2));
  const high = sizeHasHighHalf ? directory.readUInt32LE(at + 124) : 0;
  return {
    name,
    type: directory.readUInt8(at + 66),
    left: directory.readUInt32LE(at + 68),
    right: directory.readUInt32LE(at + 72),
    child: directory.readUInt32LE(at + 76),
    start: directory.readUInt32LE(at + 116),
    size: high * 2 ** 32 + directory.readUInt32LE(at + 120),
  };
}

/** `CORRUPT_XLS` for damage to the compound file around a workbook. */
function corrupt(file: string, message: string): XlmergeError {
  return new XlmergeError(ErrorCode.CorruptXls, `The compound file (OLE2) is damaged: ${message}`, {
    file,
    hint: 'The file is truncated or damaged; open it in Excel or LibreOffice and save it again',
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
