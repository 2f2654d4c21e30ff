import type { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, XlmergeError } from '../../errors.js';
import { openRegularFile } from '../../io/open-file.js';
import { DEFAULT_READ_LIMITS } from '../../reader/read-limits.js';
import type {
  ReadRowsOptions,
  SheetInfo,
  SheetRow,
  WorkbookReader,
} from '../../reader/workbook-reader.js';
import { findBinary } from './binary-file.js';
import { toTypedCell } from './cell-types.js';
import { CsvParser } from './csv-parser.js';
import { detectDelimiter } from './delimiter.js';
import { readSepLine } from './sep-line.js';
import { type CsvEncoding, CsvTextDecoder } from './text-decoder.js';

/** Options of {@link openCsv}. */
export interface OpenCsvOptions {
  /** The path to show in messages. @default the path opened */
  readonly displayPath?: string;
  /** Only `maxElementChars` applies: the longest record held in memory. @default DEFAULT_READ_LIMITS.maxElementChars */
  readonly maxRecordChars?: number;
  /**
   * The field separator; `null` detects it (see `detectDelimiter`). A file whose first line is
   * a `sep=` directive uses the delimiter it names instead. @default null
   */
  readonly delimiter?: string | null;
  /** Numbers and ISO dates become typed cells (see `toTypedCell`); else all is text. @default false */
  readonly types?: boolean;
}

/**
 * Bytes read from the file at a time: what bounds memory, with the record being read. Small
 * reads keep each batch of rows young: with 1 MiB reads the garbage collector took twice the
 * CPU time (100 MB file: 2.3-3.2 s against 1.3 s with 64 KiB; 16-64 KiB were alike).
 */
export const CSV_CHUNK_BYTES = 64 * 1024;
/** Text looked at to detect the delimiter. */
const DELIMITER_SAMPLE_CHARS = 64 * 1024;

/**
 * Opens a CSV file as a one-sheet workbook. The sheet is named after the file without its
 * extension, as Excel names it; its rows are the file's records, numbered from 1 (a record
 * with a quoted line break is one row, as in Excel). Reads the start of the file for its
 * delimiter: the one an Excel `sep=` first line names (the line is then not a row; see
 * `readSepLine`), else the option's, else detected. The encoding is detected as the rows are
 * read (see `CsvTextDecoder`).
 */
export async function openCsv(filePath: string, options: OpenCsvOptions = {}): Promise<CsvReader> {
  const file = options.displayPath ?? filePath;
  const { handle, stats } = await openRegularFile(filePath, file);
  try {
    if (stats.size === 0) {
      throw new XlmergeError(ErrorCode.EmptyFile, 'The file is empty (0 bytes)', {
        file,
        hint: 'It was probably not saved completely; save it again or remove it from the inputs',
      });
    }
    const sample = await readSample(handle, file);
    // Undecided only when a bad byte cut the sample within the first line: reading then fails.
    const sepLine = readSepLine(sample.text, sample.complete) ?? null;
    const delimiter =
      sepLine?.delimiter ?? options.delimiter ?? detectDelimiter(sample.text, sample.complete);
    return new CsvReader(handle, {
      file,
      name: path.parse(filePath).name,
      delimiter,
      delimiterDetected: sepLine === null && options.delimiter == null,
      sepLine: sepLine !== null,
      types: options.types ?? false,
      maxRecordChars: options.maxRecordChars ?? DEFAULT_READ_LIMITS.maxElementChars,
      sampleDecoder: sample.decoder,
    });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

interface CsvReaderSetup {
  readonly file: string;
  readonly name: string;
  readonly delimiter: string;
  readonly delimiterDetected: boolean;
  readonly sepLine: boolean;
  readonly types: boolean;
  readonly maxRecordChars: number;
  readonly sampleDecoder: CsvTextDecoder;
}

/** A CSV file read as a workbook with one sheet. */
export class CsvReader implements WorkbookReader {
  readonly format = 'csv' as const;
  readonly file: string;
  readonly sheets: readonly SheetInfo[];
  readonly date1904 = false;
  /** The field separator: named by the file's `sep=` line, given, or detected. */
  readonly delimiter: string;
  /** The delimiter was detected: the file has no `sep=` line and no `delimiter` option gave one. */
  readonly delimiterDetected: boolean;
  /**
   * The file's first line is Excel's `sep=` directive: it named the delimiter (over the
   * `delimiter` option and detection), and it is not a row.
   */
  readonly sepLine: boolean;
  readonly #handle: fs.FileHandle;
  readonly #types: boolean;
  readonly #maxRecordChars: number;
  /** The decoder of the latest read: it knows the encoding best. */
  #decoder: CsvTextDecoder;
  #bytesRead = 0;
  #closing: Promise<void> | undefined;

  constructor(handle: fs.FileHandle, setup: CsvReaderSetup) {
    this.#handle = handle;
    this.file = setup.file;
    this.sheets = Object.freeze([
      Object.freeze({ name: setup.name, index: 0, part: '', state: 'visible' as const }),
    ]);
    this.delimiter = setup.delimiter;
    this.delimiterDetected = setup.delimiterDetected;
    this.sepLine = setup.sepLine;
    this.#types = setup.types;
    this.#maxRecordChars = setup.maxRecordChars;
    this.#decoder = setup.sampleDecoder;
  }

  /**
   * The file's encoding as far as it has been read: a file that is ASCII up to where reading
   * got says `utf-8` (ASCII reads the same in UTF-8 and windows-1252).
   */
  get encoding(): CsvEncoding {
    return this.#decoder.encoding;
  }

  /** The file starts with a byte order mark. */
  get bom(): boolean {
    return this.#decoder.bom;
  }

  /** Bytes read by the latest {@link readRows}; what `limits.maxRunBytes` counts for a CSV. */
  /** A CSV file has no styles. */
  readFormatIds(): Promise<null> {
    return Promise.resolve(null);
  }

  get inflatedBytes(): number {
    return this.#bytesRead;
  }

  readRows(_sheet: SheetInfo, options: ReadRowsOptions = {}): AsyncIterable<SheetRow[]> {
    return this.#streamRows(options);
  }

  close(): Promise<void> {
    this.#closing ??= this.#handle.close();
    return this.#closing;
  }

  async *#streamRows(options: ReadRowsOptions): AsyncGenerator<SheetRow[]> {
    const { signal, stats } = options;
    const file = this.file;
    if (this.#closing !== undefined) {
      throw new XlmergeError(ErrorCode.Internal, 'The CSV file was read after it was closed', {
        file,
      });
    }
    const decoder = new CsvTextDecoder();
    this.#decoder = decoder;
    const parser = new CsvParser({
      delimiter: this.delimiter,
      sepLine: this.sepLine,
      maxRecordChars: this.#maxRecordChars,
      convert: this.#types ? toTypedCell : null,
      file,
      trimTrailingEmpty: true,
    });
    const buffer = Buffer.allocUnsafe(CSV_CHUNK_BYTES);
    this.#bytesRead = 0;
    try {
      for (;;) {
        if (signal?.aborted) throw aborted(file, signal.reason);
        const { bytesRead } = await this.#handle.read(buffer, 0, buffer.length, this.#bytesRead);
        this.#bytesRead += bytesRead;
        const text = bytesRead === 0 ? decoder.end() : decoder.push(buffer.subarray(0, bytesRead));
        const records = parser.push(text);
        if (decoder.failure !== null) throw encodingError(decoder, parser, file);
        if (bytesRead === 0) {
          const last = records.concat(parser.end());
          if (last.length > 0) yield last;
          break;
        }
        if (records.length > 0) yield records;
      }
      if (stats !== undefined) {
        stats.formulasWithoutValue = 0;
        stats.cellsWithoutFormat = 0;
      }
    } catch (error) {
      await this.close();
      if (error instanceof XlmergeError) throw error;
      if (signal?.aborted) throw aborted(file, signal.reason);
      throw new XlmergeError(
        ErrorCode.InputNotFound,
        `Reading the file failed: ${messageOf(error)}`,
        {
          file,
          cause: error,
        },
      );
    }
  }
}

/** The decoded start of the file, for detecting the delimiter, and the decoder that made it. */
async function readSample(
  handle: fs.FileHandle,
  file: string,
): Promise<{ text: string; complete: boolean; decoder: CsvTextDecoder }> {
  const decoder = new CsvTextDecoder();
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let text = '';
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (position === 0) checkNotBinary(buffer.subarray(0, bytesRead), file);
    position += bytesRead;
    if (bytesRead === 0) return { text: text + decoder.end(), complete: true, decoder };
    text += decoder.push(buffer.subarray(0, bytesRead));
    // Bad bytes are reported with their line when the rows are read; the text so far will do.
    if (decoder.failure !== null) return { text, complete: false, decoder };
    if (text.length >= DELIMITER_SAMPLE_CHARS) return { text, complete: false, decoder };
  }
}

/**
 * A workbook, an archive, an image or other binary data named `.csv` would otherwise read as
 * rows of windows-1252 mojibake (see `findBinary`).
 */
function checkNotBinary(head: Buffer, file: string): void {
  const binary = findBinary(head);
  if (binary !== null) {
    throw new XlmergeError(ErrorCode.NotCsv, binary.message, { file, hint: binary.hint });
  }
}

function encodingError(decoder: CsvTextDecoder, parser: CsvParser, file: string): XlmergeError {
  const failure = decoder.failure as NonNullable<CsvTextDecoder['failure']>;
  return new XlmergeError(ErrorCode.CsvEncoding, `${failure.message} (line ${parser.line})`, {
    file,
    row: parser.record,
    hint: 'Save the whole file in one encoding, such as "CSV UTF-8 (Comma delimited)" in Excel',
  });
}

function aborted(file: string, reason: unknown): XlmergeError {
  return new XlmergeError(ErrorCode.Aborted, 'Reading was cancelled', { file, cause: reason });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
