import type { CellValue } from '../../core/cell.js';
import { ErrorCode, XlmergeError } from '../../errors.js';
import { readSepLine } from './sep-line.js';

/** One CSV record: a row of the table. */
export interface CsvRecord {
  /** 1-based record number: the row Excel shows it on (a record may span several lines). */
  readonly number: number;
  /** Every field of the record, in order; an empty field (quoted or not) is `null`. */
  readonly cells: CellValue[];
}

/** Options of {@link CsvParser}. */
export interface CsvParserOptions {
  /** The field separator: one character, not `"`, CR or LF; a `sep=` line (`sepLine`) wins. */
  readonly delimiter: string;
  /**
   * Honour Excel's `sep=` directive on the first line (see `readSepLine`): its delimiter
   * replaces `delimiter`, and the line is not a record (records are numbered from 1 after it)
   * but is counted as line 1. @default false
   */
  readonly sepLine?: boolean;
  /** Longest record (in characters, quotes and separators included) held in memory. */
  readonly maxRecordChars: number;
  /** Turns a non-empty field into a cell; `null` keeps the text. @default null */
  readonly convert?: ((text: string) => CellValue) | null;
  /** The file named in errors. */
  readonly file?: string;
  /** Leave out each record's empty fields at its end (a sheet row ends at its last cell). @default false */
  readonly trimTrailingEmpty?: boolean;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** At the first character of a field (the record's first field too). */
const FIELD_START = 0;
/** In an unquoted field, or in the text after a quoted field's closing quote. */
const UNQUOTED = 1;
/** Inside quotes. */
const QUOTED = 2;
/** Just after a quote inside quotes: a doubled quote, or the closing one. */
const QUOTE_IN_QUOTED = 3;
type State = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof QUOTE_IN_QUOTED;

/**
 * The pure core of the CSV reader: decoded text in, records out, in chunks of any size (the
 * records do not depend on where the chunks are cut). RFC 4180: fields separated by the
 * delimiter, records by CRLF, LF or CR; a field in double quotes may hold delimiters, line
 * breaks and doubled quotes (`""` for `"`). Lenient where Excel is: a quote inside an unquoted
 * field is kept as text (`5"` reads as `5"`), and text after a closing quote is kept too
 * (`"ab"c` reads as `abc`). The last record needs no line break.
 *
 * With `sepLine`, a first line `sep=;` names the delimiter and is skipped, as Excel does.
 *
 * Memory holds the unfinished record only, capped by `maxRecordChars`.
 */
export class CsvParser {
  #delimiter: number;
  #delimiterText: string;
  readonly #maxRecordChars: number;
  readonly #convert: ((text: string) => CellValue) | null;
  readonly #file: string | undefined;
  readonly #trim: boolean;
  #state: State = FIELD_START;
  /** The unfinished field's text from earlier chunks (quotes already undone). */
  #field = '';
  /** The unfinished record's finished fields. */
  #cells: CellValue[] = [];
  /** Characters of the unfinished record in earlier chunks. */
  #recordChars = 0;
  #record = 1;
  #line = 1;
  /** Where the open quoted field began, for the error when it is never closed. */
  #quoteLine = 0;
  /** The last chunk ended with the CR of a CRLF that ended a record. */
  #pendingLf = false;
  /** The last chunk ended inside quotes just after a CR (a CRLF there is one line break). */
  #quotedCr = false;
  /** Whether the text starts with a `sep=` line is not known yet (`sepLine` option). */
  #sepPending: boolean;
  /** The text held while {@link #sepPending}: a few characters that may be a `sep=` line. */
  #head = '';

  constructor(options: CsvParserOptions) {
    const { delimiter } = options;
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
      throw new XlmergeError(ErrorCode.Internal, `Bad CSV delimiter ${JSON.stringify(delimiter)}`);
    }
    this.#delimiter = delimiter.charCodeAt(0);
    this.#delimiterText = delimiter;
    this.#sepPending = options.sepLine ?? false;
    this.#maxRecordChars = options.maxRecordChars;
    this.#convert = options.convert ?? null;
    this.#file = options.file;
    this.#trim = options.trimTrailingEmpty ?? false;
  }

  /** The field separator: the one given, or the one a `sep=` line named once it was read. */
  get delimiter(): string {
    return this.#delimiterText;
  }

  /** 1-based line the parser has reached (where the next character is). */
  get line(): number {
    return this.#line;
  }

  /** 1-based number of the record the parser is in (or the next one). */
  get record(): number {
    return this.#record;
  }

  /** The records that `chunk` completes. */
  push(chunk: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    const text = this.#sepPending ? this.#takeSepLine(chunk, false) : chunk;
    const n = text.length;
    if (n === 0) return records;
    const delimiter = this.#delimiter;
    const convert = this.#convert;
    let i = 0;
    if (this.#pendingLf) {
      this.#pendingLf = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    let recordStart = i;
    let nextDelimiter = -1;
    let nextLf = -1;
    let nextCr = -1;
    let state: State = this.#state;
    let field = this.#field;
    let cells = this.#cells;
    while (i < n) {
      if (state === FIELD_START) {
        if (text.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          this.#quoteLine = this.#line;
          i += 1;
          continue;
        }
        state = UNQUOTED;
      }
      if (state === UNQUOTED) {
        // The next delimiter, LF and CR, each found by indexOf (native, fast) and kept until
        // passed, so each is searched for once however many fields lie between them.
        if (nextDelimiter < i) nextDelimiter = indexOrEnd(text, this.#delimiterText, i);
        if (nextLf < i) nextLf = indexOrEnd(text, '\n', i);
        if (nextCr < i) nextCr = indexOrEnd(text, '\r', i);
        const j = Math.min(nextDelimiter, nextLf, nextCr);
        if (j === n) {
          field += text.slice(i);
          i = n;
          break;
        }
        const c = text.charCodeAt(j);
        const value = field === '' ? text.slice(i, j) : field + text.slice(i, j);
        field = '';
        state = FIELD_START;
        cells.push(value === '' ? null : convert === null ? value : convert(value));
        i = j + 1;
        if (c === delimiter) continue;
        if (this.#recordChars + (j - recordStart) > this.#maxRecordChars) {
          throw this.#tooLong();
        }
        if (this.#trim && cells[cells.length - 1] === null) trimEnd(cells);
        records.push({ number: this.#record, cells });
        cells = [];
        this.#record += 1;
        this.#line += 1;
        this.#recordChars = 0;
        if (c === CR) {
          if (i === n) this.#pendingLf = true;
          else if (text.charCodeAt(i) === LF) i += 1;
        }
        recordStart = i;
        continue;
      }
      if (state === QUOTED) {
        const quote = text.indexOf('"', i);
        const end = quote < 0 ? n : quote;
        if (end > i) {
          const piece = text.slice(i, end);
          this.#countLineBreaks(piece);
          field += piece;
        }
        if (quote < 0) {
          i = n;
          break;
        }
        this.#quotedCr = false;
        i = quote + 1;
        state = QUOTE_IN_QUOTED;
        if (i === n) break;
      }
      // QUOTE_IN_QUOTED, with a character to look at.
      if (text.charCodeAt(i) === QUOTE) {
        field += '"';
        i += 1;
        state = QUOTED;
      } else {
        state = UNQUOTED;
      }
    }
    this.#state = state;
    this.#field = field;
    this.#cells = cells;
    this.#recordChars += n - recordStart;
    if (this.#recordChars > this.#maxRecordChars) throw this.#tooLong();
    return records;
  }

  /** The last record, if the text did not end with a line break; fails inside open quotes. */
  end(): CsvRecord[] {
    const records = this.#sepPending ? this.push(this.#takeSepLine('', true)) : [];
    const state = this.#state;
    if (state === QUOTED) {
      throw new XlmergeError(
        ErrorCode.CsvMalformed,
        `The quoted field that starts on line ${this.#quoteLine} is never closed: the file ends inside it`,
        {
          ...(this.#file === undefined ? {} : { file: this.#file }),
          row: this.#record,
          hint: 'Add the missing closing quote ("); a quote that is part of the text must be doubled ("")',
        },
      );
    }
    if (state === FIELD_START && this.#cells.length === 0) return records;
    const value = this.#field;
    const convert = this.#convert;
    this.#cells.push(value === '' ? null : convert === null ? value : convert(value));
    if (this.#trim) trimEnd(this.#cells);
    const record = { number: this.#record, cells: this.#cells };
    this.#cells = [];
    this.#field = '';
    this.#state = FIELD_START;
    this.#record += 1;
    records.push(record);
    return records;
  }

  /**
   * Holds the start of the text until it is known whether it is a `sep=` line; then takes the
   * line's delimiter, skips the line (an LF after its CR with the next push, as for records)
   * and gives back the text after it. Gives back `''` while it cannot tell yet.
   */
  #takeSepLine(chunk: string, final: boolean): string {
    const head = this.#head + chunk;
    const sepLine = readSepLine(head, final);
    if (sepLine === undefined) {
      this.#head = head;
      return '';
    }
    this.#sepPending = false;
    this.#head = '';
    if (sepLine === null) return head;
    this.#delimiter = sepLine.delimiter.charCodeAt(0);
    this.#delimiterText = sepLine.delimiter;
    const lineEnd = head.charCodeAt(sepLine.length - 1);
    if (lineEnd === CR || lineEnd === LF) this.#line += 1;
    this.#pendingLf = lineEnd === CR;
    return head.slice(sepLine.length);
  }

  /** Counts CR, LF and CRLF inside quotes, for the line numbers of later errors. */
  #countLineBreaks(piece: string): void {
    if (piece.indexOf('\n') < 0 && piece.indexOf('\r') < 0) {
      this.#quotedCr = false;
      return;
    }
    let previous = this.#quotedCr ? CR : 0;
    let breaks = 0;
    for (let k = 0; k < piece.length; k += 1) {
      const c = piece.charCodeAt(k);
      if (c === CR || (c === LF && previous !== CR)) breaks += 1;
      previous = c;
    }
    this.#line += breaks;
    this.#quotedCr = previous === CR;
  }

  #tooLong(): XlmergeError {
    const quoted =
      this.#state === QUOTED
        ? ` It has been inside a quoted field since line ${this.#quoteLine}: is a closing quote missing?`
        : '';
    return new XlmergeError(
      ErrorCode.SizeLimit,
      `A record is longer than ${this.#maxRecordChars} characters.${quoted}`,
      {
        ...(this.#file === undefined ? {} : { file: this.#file }),
        row: this.#record,
        hint: 'If the file is genuine, raise the limit with the limits.maxElementChars option',
      },
    );
  }
}

/** Where `search` next occurs in `text` from `from`, or the text's length. */
function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

function trimEnd(cells: CellValue[]): void {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === null) end -= 1;
  cells.length = end;
}
