/**
 * The records of a BIFF8 workbook stream ([MS-XLS] 2.1.4): a type and a length (2 bytes each),
 * then that many bytes of data. What the reader needs to walk them and the record types it
 * reads; every record is checked to end inside the stream before its data is looked at.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';

/** The record types the reader knows ([MS-XLS] 2.3). */
export const RecordType = {
  Formula: 0x0006,
  Eof: 0x000a,
  DateMode: 0x0022,
  FilePass: 0x002f,
  Continue: 0x003c,
  CodePage: 0x0042,
  WsBool: 0x0081,
  BoundSheet: 0x0085,
  MulRk: 0x00bd,
  MulBlank: 0x00be,
  RString: 0x00d6,
  Xf: 0x00e0,
  Sst: 0x00fc,
  LabelSst: 0x00fd,
  Blank: 0x0201,
  Number: 0x0203,
  Label: 0x0204,
  BoolErr: 0x0205,
  String: 0x0207,
  Array: 0x0221,
  Table: 0x0236,
  Rk: 0x027e,
  Format: 0x041e,
  SharedFormula: 0x04bc,
  Bof: 0x0809,
} as const;

/** The BOF record of BIFF2, BIFF3 and BIFF4 (0x0009, 0x0209, 0x0409). */
export const OLD_BOF_TYPES: ReadonlySet<number> = new Set([0x0009, 0x0209, 0x0409]);

/** BIFF8's version in a BOF record; BIFF5 and BIFF7 write 0x0500. */
export const BIFF8_VERSION = 0x0600;

/** A BOF record's substream type ([MS-XLS] 2.4.21). */
export const SubstreamType = {
  Globals: 0x0005,
  /** A worksheet or a dialog sheet (told apart by the WsBool record). */
  Worksheet: 0x0010,
  Chart: 0x0020,
  MacroSheet: 0x0040,
} as const;

/** Bytes of a record's header: its type and its length. */
export const RECORD_HEADER_BYTES = 4;

/** Where the records are, and how to say where one is in a message. */
export interface RecordStream {
  readonly bytes: Buffer;
  /** The path to show in messages. */
  readonly file: string;
  /** The stream's name, `Workbook`. */
  readonly part: string;
}

/**
 * The length of the record at `offset`, checked to end inside the stream (`MALFORMED_RECORD`
 * otherwise); its data starts 4 bytes after `offset`.
 */
export function recordLength(stream: RecordStream, offset: number): number {
  const { bytes } = stream;
  if (offset + RECORD_HEADER_BYTES > bytes.length) {
    throw corruptRecord(
      stream,
      offset,
      `expected a record header of 4 bytes at offset ${offset}, found ${bytes.length - offset} bytes before the end of the stream`,
    );
  }
  const length = bytes.readUInt16LE(offset + 2);
  if (offset + RECORD_HEADER_BYTES + length > bytes.length) {
    throw corruptRecord(
      stream,
      offset,
      `the record at offset ${offset} (type ${hex(bytes.readUInt16LE(offset))}) is ${length} bytes long, but the stream ends ${bytes.length - offset - RECORD_HEADER_BYTES} bytes after its header`,
    );
  }
  return length;
}

/** `MALFORMED_RECORD` for damage at the record at `offset`, the message naming what was found. */
export function corruptRecord(
  stream: RecordStream,
  offset: number,
  message: string,
  sheet?: string,
): XlmergeError {
  return new XlmergeError(
    ErrorCode.MalformedRecord,
    `The workbook's records are damaged near offset ${offset} of the ${stream.part} stream: ${message}`,
    {
      file: stream.file,
      part: stream.part,
      ...(sheet === undefined ? {} : { sheet }),
      hint: 'The file is truncated or damaged, or was written by a program that does not follow the .xls format; open it in Excel or LibreOffice and save it again',
    },
  );
}

/** A record type or number in hexadecimal, four digits: `0x0809`. */
export function hex(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}
