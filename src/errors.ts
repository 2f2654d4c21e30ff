/**
 * Stable error codes. Scripts may rely on them; the messages are for people and may change.
 * Declared once so the type and the thrown values cannot drift apart.
 */
export const ErrorCode = {
  /** An option has a value xlmerge cannot use. */
  InvalidOption: 'INVALID_OPTION',
  /** The inputs named no workbook at all. */
  NoInputs: 'NO_INPUTS',
  /** An input path does not exist or cannot be read. */
  InputNotFound: 'INPUT_NOT_FOUND',
  /** The input path is a FIFO, socket, device or folder where a file was expected. */
  NotAFile: 'NOT_A_FILE',
  /** The file is 0 bytes long. */
  EmptyFile: 'EMPTY_FILE',
  /** The file is not a zip archive (for example a CSV or text file renamed .xlsx). */
  NotZip: 'NOT_ZIP',
  /** The zip archive is truncated or damaged. */
  CorruptZip: 'CORRUPT_ZIP',
  /**
   * A workbook older than Excel 97 (BIFF5 or earlier: Excel 5.0/95 and before), which xlmerge
   * does not read; Excel 97-2003 .xls workbooks (BIFF8) are read.
   */
  LegacyXls: 'LEGACY_XLS',
  /**
   * The compound file (OLE2) around an .xls workbook is damaged: sector chains that loop or
   * leave the file, streams larger than their sectors, a directory that loops (the .xls
   * counterpart of `CORRUPT_ZIP`; damaged records inside are `MALFORMED_RECORD`).
   */
  CorruptXls: 'CORRUPT_XLS',
  /** A password-protected (encrypted) workbook. */
  Encrypted: 'ENCRYPTED',
  /**
   * A file that is not an Excel workbook: a zip archive without a workbook part, or a compound
   * file (OLE2) without a workbook stream, such as a Word .doc or an Outlook .msg.
   */
  NotWorkbook: 'NOT_WORKBOOK',
  /** The workbook has no worksheets. */
  NoSheets: 'NO_SHEETS',
  /** The sheet asked for by `sheet` is not in the workbook. */
  SheetNotFound: 'SHEET_NOT_FOUND',
  /** The chosen sheet has no header row (it is empty). */
  EmptySheet: 'EMPTY_SHEET',
  /** An XML part of the workbook is malformed or truncated. */
  MalformedXml: 'MALFORMED_XML',
  /**
   * A binary part of a workbook is malformed or truncated (the binary counterpart of
   * `MALFORMED_XML`): in an .xlsb or an .xls, a record that runs past the end of its part or
   * stream, a record type or length longer than the format allows, a field that runs past its
   * record, a row or column past Excel's limits, rows out of order, a string table holding
   * fewer strings than it claims, or a cell naming a shared string the table does not have.
   */
  MalformedRecord: 'MALFORMED_RECORD',
  /** An XML part uses a DOCTYPE or entity declarations, which workbooks never need. */
  UnsafeXml: 'UNSAFE_XML',
  /** A part inflates past the configured size limits (a decompression bomb or a huge part). */
  SizeLimit: 'SIZE_LIMIT',
  /** A CSV file's text is not valid CSV: a quoted field is never closed. */
  CsvMalformed: 'CSV_MALFORMED',
  /** A CSV file's bytes are not valid in the encoding it was read in (UTF-8 or UTF-16). */
  CsvEncoding: 'CSV_ENCODING',
  /**
   * A file named `.csv` is not text at all: a workbook (.xlsx, legacy .xls), an archive, an
   * image, a PDF or other binary data, known by its first bytes (a file signature, or a zero
   * byte near its start where the text is not UTF-16).
   */
  NotCsv: 'NOT_CSV',
  /** A key column named in `dedupe` is not in a file's header. */
  MissingKeyColumn: 'MISSING_KEY_COLUMN',
  /** The output file exists and `force` was not given. */
  OutputExists: 'OUTPUT_EXISTS',
  /** The output path is one of the inputs. */
  OutputIsInput: 'OUTPUT_IS_INPUT',
  /** Writing the output failed (disk full, no permission, …). */
  WriteFailed: 'WRITE_FAILED',
  /** More data rows than an Excel sheet can hold. */
  TooManyRows: 'TOO_MANY_ROWS',
  /** More columns than an Excel sheet can hold. */
  TooManyColumns: 'TOO_MANY_COLUMNS',
  /** A cell holds more characters than Excel allows. */
  CellTooLong: 'CELL_TOO_LONG',
  /** A worker thread died while parsing a file, or its memory could not hold what the file needs. */
  WorkerCrashed: 'WORKER_CRASHED',
  /** Parsing a file took longer than the per-file timeout. */
  Timeout: 'TIMEOUT',
  /** The run was cancelled through its AbortSignal. */
  Aborted: 'ABORTED',
  /** A callback given in the options (`onProgress`) threw; the original error is the `cause`. */
  CallbackFailed: 'CALLBACK_FAILED',
  /** One or more input files failed; details are in `failures`. */
  FilesFailed: 'FILES_FAILED',
  /** A bug in xlmerge. */
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where in the input an error applies. */
export interface ErrorContext {
  /** The input file, as the user named or xlmerge found it. */
  file?: string;
  sheet?: string;
  /** 1-based row number in the sheet. */
  row?: number;
  /** Column letters (`C`) or a header name. */
  column?: string;
  /** The zip entry (part) inside the workbook, such as `xl/worksheets/sheet1.xml`. */
  part?: string;
  /**
   * What was asked for and not found: key columns (`MISSING_KEY_COLUMN`), sheets
   * (`SHEET_NOT_FOUND`).
   */
  missing?: readonly string[];
  /** What there was instead: the sheet's column names, the workbook's sheet names. */
  available?: readonly string[];
}

export interface XlmergeErrorOptions extends ErrorContext {
  cause?: unknown;
  /** What the user can do about it. */
  hint?: string;
  /** For {@link ErrorCode.FilesFailed}: the per-file errors. */
  failures?: readonly XlmergeError[];
}

/** The one error class xlmerge throws. Compare `code`, not `instanceof`, across workers. */
export class XlmergeError extends Error {
  override readonly name = 'XlmergeError';
  readonly code: ErrorCode;
  readonly file?: string;
  readonly sheet?: string;
  readonly row?: number;
  readonly column?: string;
  readonly part?: string;
  readonly missing?: readonly string[];
  readonly available?: readonly string[];
  readonly hint?: string;
  readonly failures?: readonly XlmergeError[];

  constructor(code: ErrorCode, message: string, options: XlmergeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.sheet !== undefined) this.sheet = options.sheet;
    if (options.row !== undefined) this.row = options.row;
    if (options.column !== undefined) this.column = options.column;
    if (options.part !== undefined) this.part = options.part;
    if (options.missing !== undefined) this.missing = options.missing;
    if (options.available !== undefined) this.available = options.available;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.failures !== undefined) this.failures = options.failures;
  }

  /**
   * The message with its place in front: `data/a.xlsx, sheet "Q1", row 7: …`, and the hint
   * after it. `withFile: false` leaves the file out, for lists already grouped by file.
   */
  describe(options: { withFile?: boolean } = {}): string {
    const where: string[] = [];
    if (this.file !== undefined && options.withFile !== false) where.push(this.file);
    if (this.sheet !== undefined) where.push(`sheet "${this.sheet}"`);
    if (this.row !== undefined) where.push(`row ${this.row}`);
    if (this.column !== undefined) where.push(`column ${this.column}`);
    const head = where.length > 0 ? `${where.join(', ')}: ` : '';
    if (this.hint === undefined) return `${head}${this.message}`;
    // A message that ends in a question ("did you mean …?") needs no full stop before the hint.
    return `${head}${this.message}${/[.?!]$/.test(this.message) ? '' : '.'} ${this.hint}`;
  }

  /**
   * This error with the places it does not name yet taken from `where` (its own win), every
   * other field kept: a lower layer's error told with the file and sheet it happened in.
   */
  withContext(where: ErrorContext): XlmergeError {
    const { code: _code, message: _message, stack, ...own } = this.toJSON();
    const copy = new XlmergeError(this.code, this.message, {
      ...where,
      ...own,
      ...(this.cause === undefined ? {} : { cause: this.cause }),
      ...(this.failures === undefined ? {} : { failures: this.failures }),
    });
    if (stack !== undefined) copy.stack = stack;
    return copy;
  }

  /** A plain object that survives structured cloning (worker → main). */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.sheet === undefined ? {} : { sheet: this.sheet }),
      ...(this.row === undefined ? {} : { row: this.row }),
      ...(this.column === undefined ? {} : { column: this.column }),
      ...(this.part === undefined ? {} : { part: this.part }),
      ...(this.missing === undefined ? {} : { missing: this.missing }),
      ...(this.available === undefined ? {} : { available: this.available }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.stack === undefined ? {} : { stack: this.stack }),
    };
  }

  /** Rebuilds an error that crossed the worker boundary as a plain object. */
  static fromJSON(data: SerializedError): XlmergeError {
    const { code, message, stack, ...context } = data;
    const error = new XlmergeError(isErrorCode(code) ? code : ErrorCode.Internal, message, context);
    if (stack !== undefined) error.stack = stack;
    return error;
  }
}

export interface SerializedError extends ErrorContext {
  code: string;
  message: string;
  hint?: string;
  stack?: string;
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/** Ends a run that was cancelled through `signal`: `ABORTED`, the abort reason as its cause. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new XlmergeError(ErrorCode.Aborted, 'The merge was cancelled', { cause: signal.reason });
  }
}
