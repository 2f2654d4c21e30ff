import { ErrorCode, XlmergeError } from '../../errors.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { withContext } from '../../reader/read-errors.js';
import { normalizeLimits, type ReadLimits } from '../../reader/read-limits.js';
import type { SharedStringList } from '../../reader/string-list.js';
import type {
  ReadRowsOptions,
  SheetInfo,
  SheetRow,
  WorkbookReader,
} from '../../reader/workbook-reader.js';
import { readsAsUtf8, XmlPartDecoder } from '../../xml/xml-decoder.js';
import { openZipArchive, type ZipArchive } from '../../zip/zip-archive.js';
import { DateStylesReader } from './read-styles.js';
import {
  readStringItem,
  type SharedStringsScanContext,
  SharedStringsScanner,
} from './shared-strings-scanner.js';
import { SheetScanner } from './sheet-scanner.js';
import { readWorkbookStructure, type WorkbookStructure } from './workbook-structure.js';

/** Options of {@link openWorkbook}. */
export interface OpenWorkbookOptions {
  /** The path to show in messages. @default the path opened */
  readonly displayPath?: string;
  /** Caps against decompression bombs; missing ones take their default. @default DEFAULT_READ_LIMITS */
  readonly limits?: Partial<ReadLimits>;
}

/** An open .xlsx workbook: a {@link WorkbookReader} that can also hand a sheet to the row engine. */
export interface XlsxWorkbookReader extends WorkbookReader<'xlsx'> {
  /**
   * What a reader of its own (the row engine) needs to read a sheet, instead of
   * {@link WorkbookReader.readRows}.
   */
  openSheetSource(sheet: SheetInfo, options?: ReadRowsOptions): Promise<SheetSource>;
  /**
   * The number format ids of the cell styles and the custom codes, read from the styles part
   * alone (none: no style).
   */
  readFormatIds(signal?: AbortSignal): Promise<CellFormatIds>;
}

/**
 * Opens an .xlsx workbook and reads its structure: checks that the file is one, finds the
 * workbook part and lists the worksheets. Shared strings and styles are read on the first
 * {@link WorkbookReader.readRows}, before the sheet, wherever they sit in the zip.
 */
export async function openWorkbook(
  path: string,
  options: OpenWorkbookOptions = {},
): Promise<XlsxWorkbookReader> {
  const file = options.displayPath ?? path;
  const limits = normalizeLimits(options.limits);
  return openWorkbookArchive(await openZipArchive(path, { file, limits }), limits);
}

/**
 * {@link openWorkbook} for a zip archive already open (and known to be no other format's): it is
 * closed if it is not an .xlsx workbook.
 */
export async function openWorkbookArchive(
  archive: ZipArchive,
  limits: ReadLimits,
): Promise<XlsxWorkbookReader> {
  try {
    const structure = await readWorkbookStructure(archive, limits.maxElementChars);
    return new ZipWorkbookReader(archive, structure, limits);
  } catch (error) {
    await archive.close();
    throw error;
  }
}

/**
 * One sheet, for a reader of its own: its XML's bytes (checked as they inflate), what the cells
 * refer to, and a JavaScript scanner for whatever that reader leaves to it.
 */
export interface SheetSource {
  readonly bytes: AsyncIterable<Buffer>;
  readonly sharedStrings: SharedStringsSource;
  readonly dateStyles: Uint8Array;
  readonly date1904: boolean;
  readonly maxElementChars: number;
  /** `limits.maxSharedStrings`. */
  readonly maxSharedStrings: number;
  readonly scanner: SheetScanner;
  /** Turns the sheet's bytes into the scanner's text, in the encoding the sheet declares. */
  readonly decoder: XmlPartDecoder;
  /** The error to throw for `error`, with the file, sheet and part; closes the workbook. */
  fail(error: unknown): Promise<XlmergeError>;
}

/**
 * A workbook's shared strings for a reader of its own: the part's bytes, with the JavaScript
 * scanner's reading of all of them or of one item when the reader wants it. Errors in the XML
 * (and in its encoding) are thrown by `strings()`, as the scanner reports them.
 */
export interface SharedStringsSource {
  /**
   * The part's bytes when they are UTF-8 text (see `readsAsUtf8`); null when the workbook has
   * none, they were read as they streamed in, or they are in another encoding or not valid (the
   * scanner's `strings()` then decodes them, or reports them).
   */
  readonly bytes: Buffer | null;
  /** The strings, in order, read by the JavaScript scanner on first use. */
  strings(): SharedStringList;
  /** The string of one `<si>` item's XML, read alone by the JavaScript scanner (throws on bad XML). */
  item(xml: string): string;
}

/** What every sheet of a workbook is read with, loaded once. */
interface SharedParts {
  readonly sharedStrings: SharedStringsSource;
  readonly dateStyles: Uint8Array;
}

/** Decoded shared strings are fed to the scanner in pieces of this many bytes, as they stream in. */
const STRINGS_PIECE = 64 * 1024;

/**
 * The most bytes of a shared-strings part kept for a reader of its own (the row engine, which
 * renders the strings from the bytes, fastest): holding a larger part whole would cost memory
 * in proportion to it (335 MB for 2^26 `<si/>` from a 490 KB zip, and the engine's copy after),
 * so a larger one is read by the scanner as it streams in, and the reader gets its strings.
 * 64 MiB is about two million strings of real text (a 42 MB part of a million is kept).
 */
export const MAX_KEPT_STRINGS_BYTES = 64 * 1024 * 1024;

class ZipWorkbookReader implements XlsxWorkbookReader {
  readonly format = 'xlsx' as const;
  readonly file: string;
  readonly sheets: readonly SheetInfo[];
  readonly date1904: boolean;
  private readonly archive: ZipArchive;
  private readonly structure: WorkbookStructure;
  private readonly limits: ReadLimits;
  private sharedParts: Promise<SharedParts> | undefined;
  private closing: Promise<void> | undefined;

  constructor(archive: ZipArchive, structure: WorkbookStructure, limits: ReadLimits) {
    this.archive = archive;
    this.structure = structure;
    this.limits = limits;
    this.file = archive.file;
    this.sheets = Object.freeze([...structure.sheets]);
    this.date1904 = structure.date1904;
  }

  readRows(sheet: SheetInfo, options: ReadRowsOptions = {}): AsyncIterable<SheetRow[]> {
    return this.streamRows(sheet, options);
  }

  get inflatedBytes(): number {
    return this.archive.inflatedBytes;
  }

  async openSheetSource(sheet: SheetInfo, options: ReadRowsOptions = {}): Promise<SheetSource> {
    const { signal } = options;
    const where = { file: this.file, sheet: sheet.name, part: sheet.part };
    const fail = async (error: unknown): Promise<XlmergeError> => {
      await this.close();
      return withContext(error, where);
    };
    try {
      if (this.closing !== undefined) {
        throw new XlmergeError(ErrorCode.Internal, 'The workbook was read after it was closed');
      }
      const shared = await this.loadSharedParts(signal, true);
      return {
        bytes: this.archive.streamPartBytes(sheet.part, signal === undefined ? {} : { signal }),
        sharedStrings: shared.sharedStrings,
        dateStyles: shared.dateStyles,
        date1904: this.structure.date1904,
        maxElementChars: this.limits.maxElementChars,
        maxSharedStrings: this.limits.maxSharedStrings,
        scanner: this.scannerFor(shared, where, true, options.outputStyles),
        decoder: new XmlPartDecoder({ file: this.file, part: sheet.part }),
        fail,
      };
    } catch (error) {
      throw await fail(error);
    }
  }

  async readFormatIds(signal?: AbortSignal): Promise<CellFormatIds> {
    const { stylesPart } = this.structure;
    if (stylesPart === null) return { ids: new Uint32Array(0), codes: [] };
    const maxChars = this.limits.maxElementChars;
    const styles = new DateStylesReader({ file: this.file, part: stylesPart }, maxChars);
    try {
      const options = signal === undefined ? { maxChars } : { maxChars, signal };
      for await (const text of this.archive.streamPartText(stylesPart, options)) {
        styles.push(text);
      }
      styles.end();
    } catch (error) {
      // Its errors name the file and the part.
      await this.close();
      throw error;
    }
    return styles.formatIds();
  }

  close(): Promise<void> {
    this.closing ??= this.archive.close();
    return this.closing;
  }

  private async *streamRows(
    sheet: SheetInfo,
    options: ReadRowsOptions,
  ): AsyncGenerator<SheetRow[]> {
    const { signal, stats } = options;
    const where = { file: this.file, sheet: sheet.name, part: sheet.part };
    if (this.closing !== undefined) {
      throw new XlmergeError(
        ErrorCode.Internal,
        'The workbook was read after it was closed',
        where,
      );
    }
    try {
      const scanner = this.scannerFor(
        await this.loadSharedParts(signal, false),
        where,
        false,
        options.outputStyles,
      );
      const partOptions = signal === undefined ? {} : { signal };
      for await (const text of this.archive.streamPartText(sheet.part, partOptions)) {
        // Batches are cut by cells (see MAX_BATCH_CELLS), so one chunk may give several.
        for (let rows = scanner.push(text); rows.length > 0; rows = scanner.drain()) yield rows;
      }
      const last = scanner.end();
      if (last.length > 0) yield last;
      if (stats !== undefined) {
        stats.formulasWithoutValue = scanner.formulasWithoutValue;
        stats.cellsWithoutFormat = scanner.cellsWithoutFormat;
      }
    } catch (error) {
      // The file has failed; release it now rather than when the caller gets to close().
      await this.close();
      throw withContext(error, where);
    }
  }

  /**
   * A scanner for one sheet of this workbook; with `lazy`, it reads the shared strings when a
   * cell first needs them (a reader of its own may not). With `outputStyles`, its rows carry
   * their cells' output styles.
   */
  private scannerFor(
    shared: SharedParts,
    where: { file: string; sheet: string; part: string },
    lazy: boolean,
    outputStyles: Uint32Array | null | undefined,
  ): SheetScanner {
    const table = shared.sharedStrings;
    return new SheetScanner({
      sharedStrings: lazy ? () => table.strings() : table.strings(),
      dateStyles: shared.dateStyles,
      date1904: this.structure.date1904,
      outputStyles: outputStyles ?? null,
      maxElementChars: this.limits.maxElementChars,
      ...where,
    });
  }

  /**
   * The shared strings and date styles, read on the first call; with `keepBytes`, the shared
   * strings part is kept as bytes and read as strings on demand.
   */
  private loadSharedParts(
    signal: AbortSignal | undefined,
    keepBytes: boolean,
  ): Promise<SharedParts> {
    this.sharedParts ??= this.readSharedParts(signal, keepBytes);
    return this.sharedParts;
  }

  private async readSharedParts(
    signal: AbortSignal | undefined,
    keepBytes: boolean,
  ): Promise<SharedParts> {
    const { sharedStringsPart, stylesPart } = this.structure;
    const maxChars = this.limits.maxElementChars;
    let dateStyles: Uint8Array = new Uint8Array(0);
    if (stylesPart !== null) {
      // As it streams in: the part is held whole by nothing (it is capped at maxChars as the
      // small parts read whole are, for its 4 bytes a cell style).
      const styles = new DateStylesReader({ file: this.file, part: stylesPart }, maxChars);
      const options = signal === undefined ? { maxChars } : { maxChars, signal };
      for await (const text of this.archive.streamPartText(stylesPart, options)) {
        styles.push(text);
      }
      dateStyles = styles.end();
    }
    if (sharedStringsPart === null) {
      return { sharedStrings: new SharedStringTable(null, [], null), dateStyles };
    }
    const context = {
      maxElementChars: maxChars,
      maxStrings: this.limits.maxSharedStrings,
      file: this.file,
      part: sharedStringsPart,
    };
    const partOptions = signal === undefined ? {} : { signal };
    // With keepBytes the bytes are kept, up to MAX_KEPT_STRINGS_BYTES; past that, and without
    // it, the scanner reads the strings as they stream in. (A part whose headers declare more
    // is not kept at all; one that inflates past what they declare fails.)
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const keep =
      keepBytes && (this.archive.declaredSize(sharedStringsPart) ?? 0) <= MAX_KEPT_STRINGS_BYTES;
    let scanner = keep ? null : new SharedStringsScanner(context);
    const decoder = new XmlPartDecoder(context);
    const scan = (reading: SharedStringsScanner, bytes: Buffer): void => {
      const text = decoder.write(bytes);
      if (text.length > 0) reading.push(text);
    };
    for await (const chunk of this.archive.streamPartBytes(sharedStringsPart, partOptions)) {
      if (scanner !== null) {
        scan(scanner, chunk);
        continue;
      }
      kept.push(chunk);
      keptBytes += chunk.length;
      if (keptBytes > MAX_KEPT_STRINGS_BYTES) {
        const reading = new SharedStringsScanner(context);
        for (const piece of kept.splice(0)) scan(reading, piece);
        scanner = reading;
      }
    }
    if (scanner === null) {
      return {
        sharedStrings: new SharedStringTable(Buffer.concat(kept, keptBytes), null, context),
        dateStyles,
      };
    }
    const rest = decoder.end();
    if (rest.length > 0) scanner.push(rest);
    return { sharedStrings: new SharedStringTable(null, scanner.end(), context), dateStyles };
  }
}

/** {@link SharedStringsSource}: the strings given, or read from the bytes when first asked for. */
class SharedStringTable implements SharedStringsSource {
  readonly bytes: Buffer | null;
  readonly #bytes: Buffer | null;
  #strings: SharedStringList | null;
  readonly #context: SharedStringsScanContext | null;

  constructor(
    bytes: Buffer | null,
    strings: SharedStringList | null,
    context: SharedStringsScanContext | null,
  ) {
    this.#bytes = bytes;
    this.bytes = bytes !== null && context !== null && readsAsUtf8(bytes, context) ? bytes : null;
    this.#strings = strings;
    this.#context = context;
  }

  strings(): SharedStringList {
    if (this.#strings !== null) return this.#strings;
    const bytes = this.#bytes as Buffer;
    const context = this.#requireContext();
    const scanner = new SharedStringsScanner(context);
    const decoder = new XmlPartDecoder(context);
    // In pieces, as the part streams in, so the scanner holds and reports as it would.
    for (let at = 0; at < bytes.length; at += STRINGS_PIECE) {
      const text = decoder.write(bytes.subarray(at, at + STRINGS_PIECE));
      if (text.length > 0) scanner.push(text);
    }
    const rest = decoder.end();
    if (rest.length > 0) scanner.push(rest);
    this.#strings = scanner.end();
    return this.#strings;
  }

  item(xml: string): string {
    return readStringItem(xml, this.#requireContext());
  }

  #requireContext(): SharedStringsScanContext {
    if (this.#context === null) {
      throw new XlmergeError(ErrorCode.Internal, 'The workbook has no shared strings part');
    }
    return this.#context;
  }
}
