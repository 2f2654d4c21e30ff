/**
 * The workbook globals substream of a BIFF8 workbook stream: everything before the first sheet
 * ([MS-XLS] 2.1.7.20.1). It says which sheets there are and where their records start
 * (BOUNDSHEET), the date system (DATEMODE), the code page of 8-bit strings (CODEPAGE), the
 * number formats (FORMAT) and cell styles (XF), and holds the shared strings table (SST, with
 * its CONTINUE records). A FILEPASS record means the rest is encrypted.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';
import {
  BIFF8_VERSION,
  corruptRecord,
  hex,
  OLD_BOF_TYPES,
  RECORD_HEADER_BYTES,
  type RecordStream,
  RecordType,
  recordLength,
  SubstreamType,
} from './biff-records.js';
import {
  type ByteDecoder,
  byteDecoderOf,
  ContinuedData,
  DataEnded,
  readRecordString,
} from './biff-strings.js';

/** A worksheet as BOUNDSHEET lists it. */
export interface SheetEntry {
  readonly name: string;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
  /** The offset of the sheet's BOF record in the stream. */
  readonly offset: number;
}

/** What the globals substream says. */
export interface WorkbookGlobals {
  /** The worksheets, in workbook order (chart, macro and dialog sheets left out). */
  readonly sheets: readonly SheetEntry[];
  readonly date1904: boolean;
  /** The number format id (`ifmt`) of each XF record, in order: a cell's `ixfe` indexes it. */
  readonly formatIds: Uint32Array;
  /**
   * The codes of the number formats the workbook defines, by id: custom ones (164 and up), and
   * those a writer put in ids Excel keeps for built-in formats (gnumeric numbers its own from 50
   * on). See {@link LOCALE_BUILT_IN_IDS} for the ones left out.
   */
  readonly formatCodes: ReadonlyMap<number, string>;
  readonly sharedStrings: readonly string[];
  /** How strings of 8-bit characters are decoded (see {@link byteDecoderOf}). */
  readonly decode: ByteDecoder;
}

/**
 * The built-in currency and accounting formats (5-8, 41-44), which Excel writes as FORMAT
 * records in every BIFF8 file, spelled in the currency of the writer's locale. An .xlsx names
 * them by id alone, to be shown in the reader's locale, and so does the .xls reader: their
 * codes are dropped. Any other FORMAT record defines its id for this workbook, as Excel and
 * LibreOffice read it.
 */
const LOCALE_BUILT_IN_IDS: ReadonlySet<number> = new Set([5, 6, 7, 8, 41, 42, 43, 44]);

/** What {@link readWorkbookGlobals} needs besides the stream. */
export interface GlobalsOptions {
  /** Most strings the SST may hold (`limits.maxSharedStrings`). */
  readonly maxSharedStrings: number;
}

/**
 * Reads the globals substream at the start of `stream`. Throws `LEGACY_XLS` for a workbook
 * older than BIFF8, `ENCRYPTED` for a password-protected one, `MALFORMED_RECORD` for damage.
 */
export function readWorkbookGlobals(
  stream: RecordStream,
  options: GlobalsOptions,
): WorkbookGlobals {
  const { bytes } = stream;
  checkGlobalsBof(stream);
  let codePage: number | null = null;
  let date1904 = false;
  const formatIds: number[] = [];
  // Decoded once the code page is known, wherever its record is.
  const formats: number[] = [];
  const boundSheets: number[] = [];
  let sst: number[] | null = null;
  let sstOffset = 0;
  let offset = 0;
  for (;;) {
    if (offset >= bytes.length) {
      throw corruptRecord(
        stream,
        offset,
        'expected the EOF record that ends the workbook globals, found the end of the stream',
      );
    }
    const length = recordLength(stream, offset);
    const type = bytes.readUInt16LE(offset);
    const data = offset + RECORD_HEADER_BYTES;
    const next = data + length;
    switch (type) {
      case RecordType.FilePass:
        throw new XlmergeError(
          ErrorCode.Encrypted,
          'The workbook is password-protected (encrypted)',
          {
            file: stream.file,
            part: stream.part,
            hint: 'Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), and save it again',
          },
        );
      case RecordType.CodePage:
        if (length >= 2) codePage = bytes.readUInt16LE(data);
        break;
      case RecordType.DateMode:
        if (length >= 2) date1904 = bytes.readUInt16LE(data) === 1;
        break;
      case RecordType.Format:
        formats.push(offset);
        break;
      case RecordType.Xf:
        if (length < 4)
          throw corruptRecord(stream, offset, `expected an XF record of 20 bytes, found ${length}`);
        formatIds.push(bytes.readUInt16LE(data + 2));
        break;
      case RecordType.BoundSheet:
        boundSheets.push(offset);
        break;
      case RecordType.Sst:
        if (sst !== null)
          throw corruptRecord(
            stream,
            offset,
            'expected one shared strings table (SST), found a second',
          );
        sstOffset = offset;
        sst = continuedPieces(stream, offset);
        break;
      default:
        break;
    }
    offset = next;
    if (type === RecordType.Eof) break;
  }
  const decode = byteDecoderOf(codePage);
  const pieces = sst;
  // The strings are decoded when a sheet is first read: reading the number formats alone (for
  // the output's styles, in a task of its own) does not need them, and they are most of the
  // globals' work.
  let strings: readonly string[] | null = pieces === null ? [] : null;
  return {
    sheets: readSheetEntries(stream, boundSheets, decode),
    date1904,
    formatIds: Uint32Array.from(formatIds),
    formatCodes: readFormatCodes(stream, formats, decode),
    get sharedStrings(): readonly string[] {
      strings ??= readSharedStrings(stream, sstOffset, pieces as number[], decode, options);
      return strings;
    },
    decode,
  };
}

/** The first record must be a BIFF8 BOF of the workbook globals. */
function checkGlobalsBof(stream: RecordStream): void {
  const { bytes } = stream;
  if (bytes.length >= 2 && OLD_BOF_TYPES.has(bytes.readUInt16LE(0)))
    throw legacyWorkbook(stream, 'Excel 2.x to 4.0');
  if (bytes.length < RECORD_HEADER_BYTES || bytes.readUInt16LE(0) !== RecordType.Bof) {
    throw corruptRecord(
      stream,
      0,
      `expected the workbook to start with a BOF record (0x0809), found ${bytes.length < 2 ? 'an empty stream' : `a record of type ${hex(bytes.readUInt16LE(0))}`}`,
    );
  }
  const length = recordLength(stream, 0);
  if (length < 4)
    throw corruptRecord(stream, 0, `expected a BOF record of 16 bytes, found ${length}`);
  const version = bytes.readUInt16LE(RECORD_HEADER_BYTES);
  if (version !== BIFF8_VERSION)
    throw legacyWorkbook(
      stream,
      version === 0x0500 ? 'Excel 5.0/95' : `BIFF version ${hex(version)}`,
    );
  const substream = bytes.readUInt16LE(RECORD_HEADER_BYTES + 2);
  if (substream !== SubstreamType.Globals) {
    throw corruptRecord(
      stream,
      0,
      `expected the workbook globals first (BOF type 0x0005), found BOF type ${hex(substream)}`,
    );
  }
}

/** `LEGACY_XLS`: a workbook older than Excel 97. */
export function legacyWorkbook(
  stream: { file: string; part?: string },
  version: string,
): XlmergeError {
  return new XlmergeError(
    ErrorCode.LegacyXls,
    `The workbook is in a format older than Excel 97 (${version}), which xlmerge does not read`,
    {
      file: stream.file,
      ...(stream.part === undefined ? {} : { part: stream.part }),
      hint: 'Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)',
    },
  );
}

/**
 * The data of the record at `offset` and of the CONTINUE records right after it, as the start
 * and end offsets of each.
 */
export function continuedPieces(stream: RecordStream, offset: number): number[] {
  const { bytes } = stream;
  const pieces: number[] = [];
  let at = offset;
  do {
    const length = recordLength(stream, at);
    pieces.push(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
    at += RECORD_HEADER_BYTES + length;
  } while (at + 2 <= bytes.length && bytes.readUInt16LE(at) === RecordType.Continue);
  return pieces;
}

/** BOUNDSHEET records: the worksheets among them, checked to start where they say. */
function readSheetEntries(
  stream: RecordStream,
  offsets: readonly number[],
  decode: ByteDecoder,
): SheetEntry[] {
  const { bytes } = stream;
  const sheets: SheetEntry[] = [];
  for (const offset of offsets) {
    const data = offset + RECORD_HEADER_BYTES;
    const end = data + bytes.readUInt16LE(offset + 2);
    const name = end - data >= 6 ? readRecordString(bytes, data + 6, end, 1, decode) : null;
    if (name === null) {
      throw corruptRecord(
        stream,
        offset,
        'expected a sheet (BOUNDSHEET) record with a position, a state, a type and a name, found a shorter one',
      );
    }
    const position = bytes.readUInt32LE(data);
    const state = STATES[bytes.readUInt8(data + 4) & 0x03] ?? 'visible';
    // 0: a worksheet or a dialog sheet; 1: an Excel 4.0 macro sheet; 2: a chart; 6: a VBA module.
    if (bytes.readUInt8(data + 5) !== 0) continue;
    if (sheetSubstreamType(stream, position, name.text) === 'dialog') continue;
    sheets.push({ name: name.text, state, offset: position });
  }
  return sheets;
}

const STATES = ['visible', 'hidden', 'veryHidden'] as const;

/**
 * Checks that a sheet's records start at `position` with a worksheet's BOF, and tells a
 * dialog sheet (a worksheet BOF whose WSBOOL record says so) from a worksheet.
 */
function sheetSubstreamType(
  stream: RecordStream,
  position: number,
  name: string,
): 'worksheet' | 'dialog' {
  const { bytes } = stream;
  if (
    position + RECORD_HEADER_BYTES > bytes.length ||
    bytes.readUInt16LE(position) !== RecordType.Bof
  ) {
    throw corruptRecord(
      stream,
      position,
      `expected sheet "${name}" to start with a BOF record at offset ${position}, found ${position + RECORD_HEADER_BYTES > bytes.length ? 'the end of the stream' : `a record of type ${hex(bytes.readUInt16LE(position))}`}`,
      name,
    );
  }
  const length = recordLength(stream, position);
  const substream = length >= 4 ? bytes.readUInt16LE(position + RECORD_HEADER_BYTES + 2) : -1;
  if (substream !== SubstreamType.Worksheet) {
    throw corruptRecord(
      stream,
      position,
      `expected sheet "${name}" to be a worksheet (BOF type 0x0010), found BOF type ${substream < 0 ? 'none' : hex(substream)}`,
      name,
    );
  }
  // WSBOOL sits among the first records of the sheet, before any cell.
  let offset = position + RECORD_HEADER_BYTES + length;
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    const type = bytes.readUInt16LE(offset);
    const size = recordLength(stream, offset);
    if (type === RecordType.WsBool) {
      return size >= 1 && (bytes.readUInt8(offset + RECORD_HEADER_BYTES) & WS_BOOL_DIALOG) !== 0
        ? 'dialog'
        : 'worksheet';
    }
    if (type === RecordType.Eof || type === RecordType.Bof || CELL_OR_DIMENSION.has(type)) break;
    offset += RECORD_HEADER_BYTES + size;
  }
  return 'worksheet';
}

/** WsBool's fDialog bit ([MS-XLS] 2.4.351). */
const WS_BOOL_DIALOG = 0x10;

/** Records after which no WSBOOL comes: DIMENSIONS (0200) and the cells. */
const CELL_OR_DIMENSION: ReadonlySet<number> = new Set([
  0x0200,
  RecordType.Number,
  RecordType.Rk,
  RecordType.LabelSst,
  RecordType.Blank,
  RecordType.MulRk,
  RecordType.Formula,
]);

/** FORMAT records: the codes by id, but those of {@link LOCALE_BUILT_IN_IDS}. */
function readFormatCodes(
  stream: RecordStream,
  offsets: readonly number[],
  decode: ByteDecoder,
): Map<number, string> {
  const { bytes } = stream;
  const codes = new Map<number, string>();
  for (const offset of offsets) {
    const data = offset + RECORD_HEADER_BYTES;
    const end = data + bytes.readUInt16LE(offset + 2);
    const code = end - data >= 2 ? readRecordString(bytes, data + 2, end, 2, decode) : null;
    if (code === null) {
      throw corruptRecord(
        stream,
        offset,
        'expected a number format (FORMAT) record with an id and a code, found a shorter one',
      );
    }
    const id = bytes.readUInt16LE(data);
    if (!LOCALE_BUILT_IN_IDS.has(id)) codes.set(id, code.text);
  }
  return codes;
}

/**
 * The SST: a count of strings in use, a count of unique strings, then the unique strings, cut
 * across CONTINUE records ([MS-XLS] 2.4.265). Only the strings it holds are kept: a table that
 * claims more than it holds fails when its data ends, before anything is allocated for the
 * count it claims.
 */
function readSharedStrings(
  stream: RecordStream,
  offset: number,
  pieces: readonly number[],
  decode: ByteDecoder,
  options: GlobalsOptions,
): string[] {
  const data = new ContinuedData(stream.bytes, pieces);
  const strings: string[] = [];
  let count = 0;
  try {
    data.uint32(); // strings in use, counting repeats
    count = data.uint32();
    if (count > options.maxSharedStrings) {
      throw new XlmergeError(
        ErrorCode.SizeLimit,
        `The shared strings table (SST) has ${count.toLocaleString('en-US')} strings, more than the \`limits.maxSharedStrings\` limit of ${options.maxSharedStrings.toLocaleString('en-US')}`,
        {
          file: stream.file,
          part: stream.part,
          hint: 'The file may be hostile; if it is genuine, raise `limits.maxSharedStrings`',
        },
      );
    }
    while (strings.length < count) strings.push(data.string(decode));
  } catch (error) {
    if (!(error instanceof DataEnded)) throw error;
    throw corruptRecord(
      stream,
      offset,
      `the shared strings table (SST) claims ${count} strings, but its records end inside string ${strings.length + 1}`,
    );
  }
  return strings;
}
