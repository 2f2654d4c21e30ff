/**
 * The .xlsb (Excel binary workbook, MS-XLSB) reader: a zip package like an .xlsx whose parts are
 * BIFF12 record streams. It gives the rows, values, dates, sheets and errors the .xlsx reader
 * gives for the same table, streaming each sheet's records as they inflate.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { withContext } from '../../reader/read-errors.js';
import type { ReadLimits } from '../../reader/read-limits.js';
import type { SharedStringList } from '../../reader/string-list.js';
import type {
  ReadRowsOptions,
  SheetInfo,
  SheetRow,
  WorkbookReader,
} from '../../reader/workbook-reader.js';
import type { ZipArchive } from '../../zip/zip-archive.js';
import { readPartRecords } from './part-records.js';
import { RecordReader } from './record-reader.js';
import { SharedStringsPartReader } from './shared-strings-part.js';
import { SheetRecordReader } from './sheet-records.js';
import { StylesPartReader } from './styles-part.js';
import {
  findBinaryWorkbookPart,
  readXlsbStructure,
  type XlsbStructure,
} from './workbook-structure.js';

/**
 * Opens an .xlsb workbook from its zip archive, which it owns from then on (closed when opening
 * fails): reads the workbook part's sheet list. The shared strings and styles are read on the
 * first {@link WorkbookReader.readRows}.
 */
export async function openXlsb(
  archive: ZipArchive,
  limits: ReadLimits,
): Promise<WorkbookReader<'xlsb'>> {
  try {
    const maxChars = limits.maxElementChars;
    const workbookPart = await findBinaryWorkbookPart(archive, maxChars);
    if (workbookPart === null) {
      throw new XlmergeError(
        ErrorCode.NotWorkbook,
        'The file is a zip archive but not an Excel binary workbook: it has no xl/workbook.bin',
        { file: archive.file, hint: 'Remove it from the inputs' },
      );
    }
    const structure = await readXlsbStructure(archive, workbookPart, maxChars);
    return new XlsbWorkbookReader(archive, structure, limits);
  } catch (error) {
    await archive.close();
    throw error;
  }
}

/** What every sheet of a workbook is read with, loaded once. */
interface SharedParts {
  readonly sharedStrings: SharedStringList;
  readonly styles: StylesPartReader;
}

class XlsbWorkbookReader implements WorkbookReader<'xlsb'> {
  readonly format = 'xlsb' as const;
  readonly file: string;
  readonly sheets: readonly SheetInfo[];
  readonly date1904: boolean;
  readonly #archive: ZipArchive;
  readonly #structure: XlsbStructure;
  readonly #limits: ReadLimits;
  #styles: Promise<StylesPartReader> | undefined;
  #sharedParts: Promise<SharedParts> | undefined;
  #closing: Promise<void> | undefined;

  constructor(archive: ZipArchive, structure: XlsbStructure, limits: ReadLimits) {
    this.#archive = archive;
    this.#structure = structure;
    this.#limits = limits;
    this.file = archive.file;
    this.sheets = Object.freeze([...structure.sheets]);
    this.date1904 = structure.date1904;
  }

  get inflatedBytes(): number {
    return this.#archive.inflatedBytes;
  }

  readRows(sheet: SheetInfo, options: ReadRowsOptions = {}): AsyncIterable<SheetRow[]> {
    return this.#streamRows(sheet, options);
  }

  async readFormatIds(signal?: AbortSignal): Promise<CellFormatIds> {
    try {
      return (await this.#loadStyles(signal)).formatIds();
    } catch (error) {
      // Its errors name the file and the part.
      await this.close();
      throw error;
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#archive.close();
    return this.#closing;
  }

  async *#streamRows(sheet: SheetInfo, options: ReadRowsOptions): AsyncGenerator<SheetRow[]> {
    const { signal, stats } = options;
    const where = { file: this.file, sheet: sheet.name, part: sheet.part };
    if (this.#closing !== undefined) {
      throw new XlmergeError(
        ErrorCode.Internal,
        'The workbook was read after it was closed',
        where,
      );
    }
    try {
      const shared = await this.#loadSharedParts(signal);
      const sheetReader = new SheetRecordReader({
        sharedStrings: shared.sharedStrings,
        dateStyles: shared.styles.dateStyles(),
        date1904: this.date1904,
        outputStyles: options.outputStyles ?? null,
      });
      const rows = sheetReader.rows;
      const records = new RecordReader(where, this.#limits.maxElementChars);
      const partOptions = signal === undefined ? {} : { signal };
      for await (const chunk of this.#archive.streamPartBytes(sheet.part, partOptions)) {
        records.feed(chunk);
        while (records.next()) {
          sheetReader.read(records);
          // Batches are cut by cells (see MAX_BATCH_CELLS), so one chunk may give several.
          if (rows.full) yield rows.take();
        }
      }
      records.finish();
      const last = sheetReader.end(records);
      if (last.length > 0) yield last;
      if (stats !== undefined) {
        // Every BIFF12 formula record holds its cached result: none is without a value.
        stats.formulasWithoutValue = rows.formulasWithoutValue;
        stats.cellsWithoutFormat = rows.cellsWithoutFormat;
      }
    } catch (error) {
      // The file has failed; release it now rather than when the caller gets to close().
      await this.close();
      throw withContext(error, where);
    }
  }

  #loadStyles(signal: AbortSignal | undefined): Promise<StylesPartReader> {
    this.#styles ??= this.#readStyles(signal);
    return this.#styles;
  }

  async #readStyles(signal: AbortSignal | undefined): Promise<StylesPartReader> {
    const styles = new StylesPartReader();
    const part = this.#structure.stylesPart;
    if (part !== null) {
      const options = { maxRecordBytes: this.#limits.maxElementChars, signal };
      await readPartRecords(this.#archive, part, options, (reader) => styles.read(reader));
    }
    return styles;
  }

  #loadSharedParts(signal: AbortSignal | undefined): Promise<SharedParts> {
    this.#sharedParts ??= this.#readSharedParts(signal);
    return this.#sharedParts;
  }

  async #readSharedParts(signal: AbortSignal | undefined): Promise<SharedParts> {
    const styles = await this.#loadStyles(signal);
    const part = this.#structure.sharedStringsPart;
    if (part === null) return { sharedStrings: [], styles };
    const strings = new SharedStringsPartReader(this.#limits.maxSharedStrings, {
      file: this.file,
      part,
    });
    const options = { maxRecordBytes: this.#limits.maxElementChars, signal };
    await readPartRecords(this.#archive, part, options, (reader) => strings.read(reader));
    return { sharedStrings: strings.strings, styles };
  }
}
