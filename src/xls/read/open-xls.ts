/**
 * The .xls reader (Excel 97-2003, BIFF8): a compound file whose `Workbook` stream holds the
 * workbook's records. The stream is read whole when the workbook is opened (an .xls is at most
 * a few tens of MB; the stream is capped, see {@link MAX_WORKBOOK_STREAM_BYTES}), its globals
 * (sheets, styles, shared strings) at once, and each sheet's cells when its rows are asked for.
 */
import {
  classifyBuiltInFormat,
  classifyFormatCode,
  type NumberFormatKind,
} from '../../core/date-format.js';
import { ErrorCode, throwIfAborted, XlmergeError } from '../../errors.js';
import { openRegularFile } from '../../io/open-file.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { noWorksheetsError, withContext } from '../../reader/read-errors.js';
import type {
  OpenReaderOptions,
  ReadRowsOptions,
  SheetInfo,
  SheetRow,
  WorkbookReader,
} from '../../reader/workbook-reader.js';
import type { RecordStream } from './biff-records.js';
import { type CompoundFile, openCompoundFile } from './compound-file.js';
import { readSheetRows } from './sheet-records.js';
import { legacyWorkbook, readWorkbookGlobals, type WorkbookGlobals } from './workbook-globals.js';

/**
 * The largest `Workbook` stream read (it is held in memory whole, with the sheet being read):
 * 512 MiB, more than a sheet of Excel 97's 65,536 rows by 256 columns of numbers takes (about
 * 300 MB). `limits.maxEntryBytes` and `limits.maxFileBytes` cap it further when lower.
 */
export const MAX_WORKBOOK_STREAM_BYTES = 512 * 1024 ** 2;

/** The stream of a BIFF8 workbook; BIFF5 (Excel 5.0/95) names it `Book`. */
const WORKBOOK_STREAM = 'Workbook';

/**
 * Opens an .xls workbook: reads its `Workbook` stream and the workbook globals. Fails with
 * `ENCRYPTED` for a password-protected workbook (an encrypted .xls, or an encrypted .xlsx in its
 * compound-file wrapper), `LEGACY_XLS` for one older than Excel 97, `NOT_WORKBOOK` for another
 * compound file (a Word .doc, an Outlook .msg), `CORRUPT_XLS` for a damaged compound file and
 * `MALFORMED_RECORD` for damaged records.
 */
export async function openXls(
  path: string,
  options: OpenReaderOptions,
): Promise<WorkbookReader<'xls'>> {
  const file = options.displayPath;
  const { limits } = options;
  const { handle, stats } = await openRegularFile(path, file);
  let bytes: Buffer;
  try {
    const compound = await openCompoundFile({ handle, size: stats.size, file });
    const entry = compound.find(WORKBOOK_STREAM);
    if (entry === undefined || entry.kind !== 'stream') throw notAnXlsWorkbook(compound);
    const maxBytes = Math.min(MAX_WORKBOOK_STREAM_BYTES, limits.maxEntryBytes, limits.maxFileBytes);
    bytes = await compound.readStream(entry, maxBytes);
  } finally {
    await handle.close();
  }
  const stream: RecordStream = { bytes, file, part: WORKBOOK_STREAM };
  const globals = readWorkbookGlobals(stream, { maxSharedStrings: limits.maxSharedStrings });
  if (globals.sheets.length === 0) {
    throw noWorksheetsError({ file, part: WORKBOOK_STREAM }, 0);
  }
  return new XlsWorkbookReader(stream, globals);
}

/** The error for a compound file without a `Workbook` stream, saying what it is if it can. */
function notAnXlsWorkbook(compound: CompoundFile): XlmergeError {
  const { file } = compound;
  if (compound.find('EncryptedPackage') !== undefined) {
    return new XlmergeError(ErrorCode.Encrypted, 'The workbook is password-protected (encrypted)', {
      file,
      hint: 'Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), and save it again',
    });
  }
  if (compound.find('Book') !== undefined) return legacyWorkbook({ file }, 'Excel 5.0/95');
  const kind = KNOWN_DOCUMENTS.find(([stream]) => compound.find(stream) !== undefined)?.[1];
  return new XlmergeError(
    ErrorCode.NotWorkbook,
    `The file is not an Excel workbook: it is ${kind ?? 'a compound file (OLE2) with no workbook stream'}`,
    {
      file,
      hint: 'Remove it from the inputs, or open it in the program that made it and export the table as .xlsx',
    },
  );
}

/** Compound files that are not workbooks, by a stream or storage each has. */
const KNOWN_DOCUMENTS: readonly (readonly [string, string])[] = [
  ['WordDocument', 'a Word document (.doc)'],
  ['PowerPoint Document', 'a PowerPoint presentation (.ppt)'],
  ['__properties_version1.0', 'an Outlook message (.msg)'],
  ['VisioDocument', 'a Visio drawing (.vsd)'],
  ['Quill', 'a Publisher document (.pub)'],
];

class XlsWorkbookReader implements WorkbookReader<'xls'> {
  readonly format = 'xls' as const;
  readonly file: string;
  readonly sheets: readonly SheetInfo[];
  readonly date1904: boolean;
  readonly inflatedBytes: number;
  #stream: RecordStream | null;
  readonly #globals: WorkbookGlobals;
  readonly #formatKinds: Uint8Array;

  constructor(stream: RecordStream, globals: WorkbookGlobals) {
    this.#stream = stream;
    this.#globals = globals;
    this.file = stream.file;
    this.inflatedBytes = stream.bytes.length;
    this.date1904 = globals.date1904;
    this.sheets = Object.freeze(
      globals.sheets.map((sheet, index) =>
        Object.freeze({ name: sheet.name, index, part: stream.part, state: sheet.state }),
      ),
    );
    this.#formatKinds = Uint8Array.from(globals.formatIds, (id) =>
      formatKind(id, globals.formatCodes),
    );
  }

  readRows(sheet: SheetInfo, options: ReadRowsOptions = {}): AsyncIterable<SheetRow[]> {
    return this.#streamRows(sheet, options);
  }

  async readFormatIds(signal?: AbortSignal): Promise<CellFormatIds> {
    throwIfAborted(signal);
    return { ids: this.#globals.formatIds.slice(), codes: [...this.#globals.formatCodes] };
  }

  async close(): Promise<void> {
    // The file was closed once its stream was read; this lets the stream go.
    this.#stream = null;
  }

  async *#streamRows(sheet: SheetInfo, options: ReadRowsOptions): AsyncGenerator<SheetRow[]> {
    const where = { file: this.file, sheet: sheet.name, part: sheet.part };
    const stream = this.#stream;
    if (stream === null) {
      throw new XlmergeError(
        ErrorCode.Internal,
        'The workbook was read after it was closed',
        where,
      );
    }
    const entry = this.#globals.sheets[sheet.index];
    if (entry === undefined || entry.name !== sheet.name) {
      throw new XlmergeError(ErrorCode.Internal, 'The sheet is not one of this workbook', where);
    }
    const { signal, stats } = options;
    try {
      throwIfAborted(signal);
      const batches = readSheetRows(
        {
          stream,
          sheet: entry,
          globals: this.#globals,
          formatKinds: this.#formatKinds,
          outputStyles: options.outputStyles ?? null,
        },
        stats,
      );
      for (const rows of batches) {
        yield rows;
        throwIfAborted(signal);
      }
    } catch (error) {
      await this.close();
      throw withContext(error, where);
    }
  }
}

/** What a number format id shows: its custom code decides when the workbook defines one. */
function formatKind(id: number, codes: ReadonlyMap<number, string>): NumberFormatKind {
  const code = codes.get(id);
  return code === undefined ? classifyBuiltInFormat(id) : classifyFormatCode(code);
}
