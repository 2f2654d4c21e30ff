/**
 * The OpenDocument spreadsheet (.ods) reader: a {@link WorkbookReader} over the package's
 * content.xml (the tables and their cells, streamed) and styles.xml (the named styles and
 * number formats the cells' automatic styles build on).
 */
import { ErrorCode, XlmergeError } from '../../errors.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { withContext } from '../../reader/read-errors.js';
import type { ReadLimits } from '../../reader/read-limits.js';
import type {
  ReadRowsOptions,
  SheetInfo,
  SheetRow,
  WorkbookReader,
} from '../../reader/workbook-reader.js';
import { XmlPartDecoder } from '../../xml/xml-decoder.js';
import { XmlLexer, XmlToken } from '../../xml/xml-lexer.js';
import type { ZipArchive } from '../../zip/zip-archive.js';
import { CellStyleTable } from './cell-style-table.js';
import { type ContentOutline, ContentOutlineReader } from './content-outline.js';
import { checkSpreadsheetPackage } from './odf-package.js';
import { type CollectedStyles, StyleCollector } from './style-collector.js';
import { TableByteSkipper } from './table-byte-skipper.js';
import { TableScanner } from './table-scanner.js';

export { isOpenDocumentArchive } from './odf-package.js';

const CONTENT_PART = 'content.xml';
const STYLES_PART = 'styles.xml';

/**
 * Opens an OpenDocument spreadsheet from its zip archive (which it owns from then on, and
 * closes when opening fails): checks the package's type, and reads content.xml once to list
 * the sheets and gather the automatic styles, passing over the tables' rows undecoded.
 */
export async function openOds(
  archive: ZipArchive,
  limits: ReadLimits,
): Promise<WorkbookReader<'ods'>> {
  try {
    await checkSpreadsheetPackage(archive);
    const outline = new ContentOutlineReader(
      { file: archive.file, part: CONTENT_PART },
      limits.maxElementChars,
    );
    // The tables' rows are passed over in the bytes, undecoded (see table-byte-skipper.ts).
    const skipper = new TableByteSkipper(
      new XmlPartDecoder({ file: archive.file, part: CONTENT_PART }),
    );
    for await (const bytes of archive.streamPartBytes(CONTENT_PART)) {
      const text = skipper.write(bytes);
      if (text.length > 0) outline.push(text);
    }
    const rest = skipper.end();
    if (rest.length > 0) outline.push(rest);
    const read = outline.end();
    if (read.tables.length === 0) {
      throw new XlmergeError(ErrorCode.NoSheets, 'The spreadsheet has no sheets', {
        file: archive.file,
        part: CONTENT_PART,
        hint: 'Open it in LibreOffice to check it, and save it again',
      });
    }
    return new OdsReader(archive, read, limits);
  } catch (error) {
    await archive.close();
    throw error;
  }
}

class OdsReader implements WorkbookReader<'ods'> {
  readonly format = 'ods' as const;
  readonly file: string;
  readonly sheets: readonly SheetInfo[];
  /** OpenDocument has no 1904 date system: its dates are written as dates. */
  readonly date1904 = false;
  private readonly archive: ZipArchive;
  private readonly contentStyles: CollectedStyles;
  private readonly limits: ReadLimits;
  private styleTable: Promise<CellStyleTable> | undefined;
  private closing: Promise<void> | undefined;

  constructor(archive: ZipArchive, outline: ContentOutline, limits: ReadLimits) {
    this.archive = archive;
    this.file = archive.file;
    this.limits = limits;
    this.contentStyles = outline.styles;
    this.sheets = Object.freeze(
      outline.tables.map(
        (table, index): SheetInfo =>
          Object.freeze({
            name: table.name,
            index,
            part: CONTENT_PART,
            state: table.hidden ? 'hidden' : 'visible',
          }),
      ),
    );
  }

  get inflatedBytes(): number {
    return this.archive.inflatedBytes;
  }

  readRows(sheet: SheetInfo, options: ReadRowsOptions = {}): AsyncIterable<SheetRow[]> {
    return this.streamRows(sheet, options);
  }

  async readFormatIds(signal?: AbortSignal): Promise<CellFormatIds> {
    try {
      return (await this.loadStyleTable(signal)).formatIds();
    } catch (error) {
      await this.close();
      throw error;
    }
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
    if (this.sheets[sheet.index] !== sheet && this.sheets[sheet.index]?.name !== sheet.name) {
      throw new XlmergeError(ErrorCode.Internal, `The workbook has no sheet ${sheet.name}`, where);
    }
    try {
      const scanner = new TableScanner({
        tableIndex: sheet.index,
        styles: await this.loadStyleTable(signal),
        outputStyles: options.outputStyles ?? null,
        maxElementChars: this.limits.maxElementChars,
        ...where,
      });
      const partOptions = signal === undefined ? {} : { signal };
      for await (const text of this.archive.streamPartText(CONTENT_PART, partOptions)) {
        for (let rows = scanner.push(text); rows.length > 0; rows = scanner.drain()) yield rows;
        // The sheet has ended: the rest of content.xml (later sheets) is not read.
        if (scanner.done) break;
      }
      const last = scanner.end();
      if (last.length > 0) yield last;
      if (stats !== undefined) {
        stats.formulasWithoutValue = scanner.formulasWithoutValue;
        stats.cellsWithoutFormat = scanner.cellsWithoutFormat;
      }
    } catch (error) {
      await this.close();
      throw withContext(error, where);
    }
  }

  /** The cell styles, with styles.xml read on the first call. */
  private loadStyleTable(signal: AbortSignal | undefined): Promise<CellStyleTable> {
    this.styleTable ??= this.readStylesPart(signal).then(
      (styles) => new CellStyleTable(this.contentStyles, styles),
    );
    return this.styleTable;
  }

  /** The styles of styles.xml (none when the package has no such part). */
  private async readStylesPart(signal: AbortSignal | undefined): Promise<CollectedStyles> {
    const empty: CollectedStyles = {
      hiddenTableStyles: new Set(),
      cellStyles: [],
      dataStyles: new Map(),
    };
    if (!this.archive.names.includes(STYLES_PART)) return empty;
    const maxChars = this.limits.maxElementChars;
    const lexer = new XmlLexer({ file: this.file, part: STYLES_PART }, maxChars);
    const collector = new StyleCollector(lexer);
    // Styles sit in office:styles and office:automatic-styles, children of the root.
    let sectionDepth = 0;
    const options = signal === undefined ? { maxChars } : { maxChars, signal };
    for await (const text of this.archive.streamPartText(STYLES_PART, options)) {
      lexer.feed(text);
      for (let token = lexer.next(); token !== XmlToken.NeedMore; token = lexer.next()) {
        if (sectionDepth > 0) {
          if (token === XmlToken.End && lexer.depth === sectionDepth) sectionDepth = 0;
          else collector.onToken(token);
        } else if (
          token === XmlToken.Start &&
          lexer.depth === 2 &&
          !lexer.selfClosing &&
          (lexer.name === 'office:styles' || lexer.name === 'office:automatic-styles')
        ) {
          sectionDepth = 2;
        }
      }
    }
    lexer.finish();
    return collector.styles;
  }
}
