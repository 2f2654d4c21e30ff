import { type CellValue, DATE_1904_OFFSET } from '../../core/cell.js';
import { ErrorCode } from '../../errors.js';
import type { SheetRow } from './types.js';
import {
  decodeExcelEscapes,
  ElementKind,
  isBlank,
  quoteSnippet,
  RichTextReader,
  TextCollector,
  XmlLexer,
  XmlToken,
} from './xml-text.js';

/** What the sheet scanner needs to know besides the sheet XML. */
export interface SheetScanContext {
  /** The workbook's shared strings, for cells with `t="s"`. */
  readonly sharedStrings: readonly string[];
  /**
   * Per cell style index (the order of `<cellXfs>`): 0 = not a date, 1 = date/time format,
   * 2 = elapsed-time format like `[h]:mm`. Index past the end = 0.
   */
  readonly dateStyles: Uint8Array;
  /** The workbook uses the 1904 date system: date serials are shifted to the 1900 system. */
  readonly date1904: boolean;
  /** Longest unfinished row (or tag) held in memory, in characters. */
  readonly maxElementChars: number;
  /** For error messages. */
  readonly file: string;
  readonly sheet: string;
  readonly part: string;
}

/** Where the scanner is in the worksheet. */
const State = {
  /** Outside `<sheetData>`: before it, or after it ended. */
  Outside: 0,
  SheetData: 1,
  Row: 2,
  Cell: 3,
  Value: 4,
  Formula: 5,
  InlineString: 6,
  /** Inside an element that holds no cell data (extLst, …), until it ends. */
  Skip: 7,
} as const;
type State = (typeof State)[keyof typeof State];

/** The cell's `t` attribute. */
const CellType = {
  Number: 0,
  SharedString: 1,
  FormulaString: 2,
  InlineString: 3,
  Boolean: 4,
  Error: 5,
  Date: 6,
} as const;
type CellType = (typeof CellType)[keyof typeof CellType];

/** Excel's limits: XFD columns and 1,048,576 rows. */
const MAX_COLUMNS = 16_384;
const MAX_ROWS = 1_048_576;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const UPPER_A = 65;
const UPPER_Z = 90;
const LOWER_A = 97;
const LOWER_Z = 122;

/**
 * Reads the rows of one worksheet's XML as it streams in. Only `<sheetData>` matters; any
 * namespace prefix works. Each `push` returns the rows it completed; `end` checks that the XML
 * was complete. The same XML cut into any pieces gives the same rows.
 */
export class SheetScanner {
  private readonly lexer: XmlLexer;
  private readonly text: TextCollector;
  private readonly rich: RichTextReader;
  private readonly sharedStrings: readonly string[];
  private readonly dateStyles: Uint8Array;
  private readonly dateOffset: number;
  private readonly maxElementChars: number;

  private state: State = State.Outside;
  private skipDepth = 0;
  private skipReturn: State = State.Outside;
  private sheetDataDone = false;
  private rows: SheetRow[] = [];

  private inRow = false;
  private rowNumber = 0;
  private rowStart = 0;
  private cells: CellValue[] = [];
  private rowHasCells = false;

  private column = -1;
  private cellStyle = 0;
  private cellType: CellType = CellType.Number;
  private cellHasValue = false;
  private cellHasFormula = false;
  private cellHasInline = false;
  private cellValue: CellValue = null;

  private withoutValue = 0;

  constructor(context: SheetScanContext) {
    this.lexer = new XmlLexer(
      { file: context.file, part: context.part, sheet: context.sheet },
      context.maxElementChars,
    );
    this.text = new TextCollector(this.lexer);
    this.rich = new RichTextReader(this.lexer);
    this.sharedStrings = context.sharedStrings;
    this.dateStyles = context.dateStyles;
    this.dateOffset = context.date1904 ? DATE_1904_OFFSET : 0;
    this.maxElementChars = context.maxElementChars;
  }

  /** Formula cells with no cached value seen so far (they read as null). */
  get formulasWithoutValue(): number {
    return this.withoutValue;
  }

  /** Feeds the next piece of decoded sheet XML; returns the rows completed by it (possibly none). */
  push(text: string): SheetRow[] {
    this.text.detach();
    this.rich.detach();
    this.lexer.feed(text);
    this.scan();
    if (
      this.inRow &&
      this.lexer.base + this.lexer.buf.length - this.rowStart > this.maxElementChars
    ) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `Row ${this.rowNumber} is longer than ${this.maxElementChars} characters of XML`,
      );
    }
    return this.takeRows();
  }

  /**
   * No more input: returns the last rows; throws XlmergeError(MalformedXml) if the XML ended
   * early (no `</sheetData>` / `</worksheet>`) or is malformed.
   */
  end(): SheetRow[] {
    this.scan();
    this.lexer.finish();
    if (!this.sheetDataDone) {
      throw this.lexer.malformed('expected a <sheetData> element in the worksheet, found none');
    }
    return this.takeRows();
  }

  private takeRows(): SheetRow[] {
    const rows = this.rows;
    if (rows.length > 0) this.rows = [];
    return rows;
  }

  private scan(): void {
    const lexer = this.lexer;
    for (;;) {
      const token = lexer.next();
      if (token === XmlToken.Start) this.onStart();
      else if (token === XmlToken.End) this.onEnd();
      else if (token === XmlToken.Text) this.onText();
      else return;
    }
  }

  private onStart(): void {
    const lexer = this.lexer;
    const kind = lexer.kind;
    switch (this.state) {
      case State.Outside:
        if (kind === ElementKind.SheetData && lexer.depth === 2 && !this.sheetDataDone) {
          if (lexer.selfClosing) this.sheetDataDone = true;
          else this.state = State.SheetData;
        }
        return;
      case State.SheetData:
        if (kind === ElementKind.Row) this.startRow();
        else this.skip();
        return;
      case State.Row:
        if (kind === ElementKind.Cell) this.startCell();
        else this.skip();
        return;
      case State.Cell:
        if (kind === ElementKind.Value) {
          this.cellHasValue = true;
          this.cellValue = null;
          if (lexer.selfClosing) return;
          this.text.clear();
          if (lexer.readSimpleContent()) {
            this.text.add();
            this.cellValue = this.readValue();
          } else {
            this.state = State.Value;
          }
        } else if (kind === ElementKind.Formula) {
          this.cellHasFormula = true;
          if (!lexer.selfClosing && !lexer.readSimpleContent()) this.state = State.Formula;
        } else if (kind === ElementKind.InlineString) {
          this.cellHasInline = true;
          this.rich.begin();
          if (!lexer.selfClosing) this.state = State.InlineString;
        } else {
          this.skip();
        }
        return;
      case State.Value:
      case State.Formula:
        throw lexer.malformed(
          `expected text or the end of the cell's value, found ${quoteSnippet(lexer.buf, lexer.tokenStart)}`,
        );
      case State.InlineString:
        this.rich.onStart();
        return;
      default:
        return;
    }
  }

  private onEnd(): void {
    switch (this.state) {
      case State.SheetData:
        this.sheetDataDone = true;
        this.state = State.Outside;
        return;
      case State.Row:
        this.endRow();
        return;
      case State.Cell:
        this.endCell();
        return;
      case State.Value:
        this.cellValue = this.readValue();
        this.state = State.Cell;
        return;
      case State.Formula:
        this.state = State.Cell;
        return;
      case State.InlineString:
        if (this.rich.onEnd()) this.state = State.Cell;
        return;
      case State.Skip:
        if (this.lexer.depth === this.skipDepth) this.state = this.skipReturn;
        return;
      default:
        return;
    }
  }

  private onText(): void {
    const lexer = this.lexer;
    switch (this.state) {
      case State.Value:
        this.text.add();
        return;
      case State.InlineString:
        this.rich.onText();
        return;
      case State.SheetData:
      case State.Row:
      case State.Cell:
        if (!isBlank(lexer.buf, lexer.textStart, lexer.textEnd)) {
          throw lexer.malformed(
            `expected a tag, found text ${quoteSnippet(lexer.buf, lexer.textStart)}`,
          );
        }
        return;
      default:
        return;
    }
  }

  /** Ignores the element just started and everything in it. */
  private skip(): void {
    if (this.lexer.selfClosing) return;
    this.skipDepth = this.lexer.depth;
    this.skipReturn = this.state;
    this.state = State.Skip;
  }

  private startRow(): void {
    const lexer = this.lexer;
    let number = this.rowNumber + 1;
    while (lexer.nextAttribute()) {
      if (
        lexer.attrNameEnd - lexer.attrNameStart === 1 &&
        lexer.buf.charCodeAt(lexer.attrNameStart) === 114
      ) {
        number = this.parseRowNumber();
      }
    }
    if (number > MAX_ROWS) {
      throw lexer.malformed(`expected at most ${MAX_ROWS} rows, found row ${number}`);
    }
    this.rowNumber = number;
    lexer.row = number;
    if (lexer.selfClosing) {
      // A formatting-only row (height, style) without cells: not data.
      lexer.row = undefined;
      return;
    }
    this.inRow = true;
    this.rowStart = lexer.base + lexer.tokenStart;
    this.cells = [];
    this.rowHasCells = false;
    this.column = -1;
    this.state = State.Row;
  }

  private endRow(): void {
    if (this.rowHasCells) this.rows.push({ number: this.rowNumber, cells: this.cells });
    this.inRow = false;
    this.lexer.row = undefined;
    this.state = State.SheetData;
  }

  private startCell(): void {
    const lexer = this.lexer;
    const buf = lexer.buf;
    let column = this.column + 1;
    let style = 0;
    let type: CellType = CellType.Number;
    while (lexer.nextAttribute()) {
      if (lexer.attrNameEnd - lexer.attrNameStart !== 1) continue;
      const name = buf.charCodeAt(lexer.attrNameStart);
      if (name === 114)
        column = this.parseCellColumn(); // r
      else if (name === 115)
        style = this.parseStyle(); // s
      else if (name === 116) type = this.parseCellType(); // t
    }
    this.column = column;
    this.cellStyle = style;
    this.cellType = type;
    this.cellHasValue = false;
    this.cellHasFormula = false;
    this.cellHasInline = false;
    this.cellValue = null;
    this.rowHasCells = true;
    if (lexer.selfClosing) this.placeCell(null);
    else this.state = State.Cell;
  }

  private endCell(): void {
    let value: CellValue = null;
    if (this.cellHasInline) value = this.rich.value;
    else if (this.cellHasValue) value = this.cellValue;
    else if (this.cellHasFormula) this.withoutValue++;
    this.placeCell(value);
    this.state = State.Row;
  }

  private placeCell(value: CellValue): void {
    const cells = this.cells;
    const column = this.column;
    if (column === cells.length) {
      cells.push(value);
      return;
    }
    if (column < cells.length) {
      cells[column] = value;
      return;
    }
    while (cells.length < column) cells.push(null);
    cells.push(value);
  }

  /** The value of the `<v>` that just ended. */
  private readValue(): CellValue {
    const text = this.text;
    if (text.isRange) {
      // The common case, read in place without making a string: an integer or a string index.
      const buf = this.lexer.buf;
      const start = text.rangeStart;
      const end = text.rangeEnd;
      const type = this.cellType;
      if (type === CellType.Number) {
        const number = readSimpleInteger(buf, start, end);
        if (!Number.isNaN(number)) {
          text.clear();
          return this.styleNumber(number);
        }
      } else if (type === CellType.SharedString) {
        const index = readSimpleInteger(buf, start, end);
        if (index >= 0) {
          const value = this.sharedStrings[index];
          if (value !== undefined) {
            text.clear();
            return value;
          }
        }
      }
    }
    return this.convertValue(text.take());
  }

  /** A number, or a date when the cell's style is a date format. */
  private styleNumber(number: number): CellValue {
    const style = this.cellStyle;
    const flag = style < this.dateStyles.length ? this.dateStyles[style] : 0;
    if (flag === 0) return number;
    // An elapsed time ([h]:mm) is a duration, not a point in time: the date system does not move it.
    if (flag === 2) return { kind: 'date', serial: number, elapsed: true };
    return { kind: 'date', serial: number + this.dateOffset };
  }

  /** Turns the text of `<v>` into a value according to the cell's type and style. */
  private convertValue(text: string): CellValue {
    if (text === '') return null;
    switch (this.cellType) {
      case CellType.Number:
        return this.styleNumber(this.parseNumber(text));
      case CellType.SharedString:
        return this.lookUpSharedString(text);
      case CellType.FormulaString:
      case CellType.InlineString:
        return decodeExcelEscapes(text);
      case CellType.Boolean:
        if (text === '1' || text === 'true') return true;
        if (text === '0' || text === 'false') return false;
        throw this.lexer.malformed(
          `expected 0 or 1 in the boolean cell ${this.cellName()}, found ${JSON.stringify(text)}`,
        );
      case CellType.Error:
        return { kind: 'error', code: text };
      default: {
        const serial = parseIsoDateTime(text);
        if (serial === undefined) {
          throw this.lexer.malformed(
            `expected an ISO 8601 date in the date cell ${this.cellName()}, found ${JSON.stringify(text)}`,
          );
        }
        return { kind: 'date', serial };
      }
    }
  }

  private parseNumber(text: string): number {
    // Number() is the exact decimal-to-double conversion, like parseFloat but refusing trailing
    // junk; its extra forms (hex, Infinity, blank) are not xsd:double, so refuse those too.
    const number = Number(text);
    if (Number.isFinite(number) && !isNonDecimalLiteral(text)) return number;
    throw this.lexer.malformed(
      `expected a number in cell ${this.cellName()}, found ${JSON.stringify(text)}`,
    );
  }

  private lookUpSharedString(text: string): string {
    let index = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch < DIGIT_0 || ch > DIGIT_9 || index > MAX_SAFE_INDEX) {
        throw this.lexer.malformed(
          `expected a shared string index in cell ${this.cellName()}, found ${JSON.stringify(text)}`,
        );
      }
      index = index * 10 + (ch - DIGIT_0);
    }
    const value = this.sharedStrings[index];
    if (value === undefined) {
      throw this.lexer.malformed(
        `expected a shared string index below ${this.sharedStrings.length} in cell ${this.cellName()}, found ${index}`,
      );
    }
    return value;
  }

  private parseRowNumber(): number {
    const lexer = this.lexer;
    const buf = lexer.buf;
    const end = lexer.valueEnd;
    let number = 0;
    for (let i = lexer.valueStart; i < end; i++) {
      const ch = buf.charCodeAt(i);
      if (ch < DIGIT_0 || ch > DIGIT_9 || number > MAX_ROWS) return this.badRowNumber();
      number = number * 10 + (ch - DIGIT_0);
    }
    if (number === 0) return this.badRowNumber();
    return number;
  }

  private badRowNumber(): never {
    throw this.lexer.malformed(
      `expected a row number from 1 to ${MAX_ROWS} in r, found ${JSON.stringify(this.lexer.attributeValue())}`,
    );
  }

  /** The 0-based column of a cell reference such as `BC12` (the row part is not checked against the row). */
  private parseCellColumn(): number {
    const lexer = this.lexer;
    const buf = lexer.buf;
    const end = lexer.valueEnd;
    let i = lexer.valueStart;
    let column = 0;
    for (; i < end; i++) {
      const ch = buf.charCodeAt(i);
      if (ch >= UPPER_A && ch <= UPPER_Z) column = column * 26 + (ch - UPPER_A + 1);
      else if (ch >= LOWER_A && ch <= LOWER_Z) column = column * 26 + (ch - LOWER_A + 1);
      else break;
      if (column > MAX_COLUMNS) break;
    }
    let valid = column > 0 && column <= MAX_COLUMNS;
    for (; valid && i < end; i++) {
      const ch = buf.charCodeAt(i);
      if (ch < DIGIT_0 || ch > DIGIT_9) valid = false;
    }
    if (!valid) {
      throw lexer.malformed(
        `expected a cell reference from A1 to XFD${MAX_ROWS} in r, found ${JSON.stringify(lexer.attributeValue())}`,
      );
    }
    return column - 1;
  }

  private parseStyle(): number {
    const lexer = this.lexer;
    const buf = lexer.buf;
    const end = lexer.valueEnd;
    let style = 0;
    for (let i = lexer.valueStart; i < end; i++) {
      const ch = buf.charCodeAt(i);
      if (ch < DIGIT_0 || ch > DIGIT_9 || style > MAX_SAFE_INDEX) {
        throw lexer.malformed(
          `expected a style index in s, found ${JSON.stringify(lexer.attributeValue())}`,
        );
      }
      style = style * 10 + (ch - DIGIT_0);
    }
    return style;
  }

  private parseCellType(): CellType {
    const lexer = this.lexer;
    const buf = lexer.buf;
    const start = lexer.valueStart;
    const length = lexer.valueEnd - start;
    if (length === 1) {
      switch (buf.charCodeAt(start)) {
        case 110: // n
          return CellType.Number;
        case 115: // s
          return CellType.SharedString;
        case 98: // b
          return CellType.Boolean;
        case 101: // e
          return CellType.Error;
        case 100: // d
          return CellType.Date;
      }
    } else if (length === 3 && buf.startsWith('str', start)) {
      return CellType.FormulaString;
    } else if (length === 9 && buf.startsWith('inlineStr', start)) {
      return CellType.InlineString;
    }
    throw lexer.malformed(
      `expected a cell type (s, str, inlineStr, n, b, e or d) in t, found ${JSON.stringify(lexer.attributeValue())}`,
    );
  }

  private cellName(): string {
    return `${columnName(this.column)}${this.rowNumber}`;
  }
}

const MAX_SAFE_INDEX = 0x7fffffff;

/**
 * The value of an optionally negative decimal integer of at most 15 digits in `buf[start, end)`
 * (exact in a double, so the same as Number() gives), or NaN for anything else.
 */
function readSimpleInteger(buf: string, start: number, end: number): number {
  let i = start;
  const negative = buf.charCodeAt(i) === 45;
  if (negative) i++;
  if (i === end || end - i > 15) return Number.NaN;
  let value = 0;
  for (; i < end; i++) {
    const digit = buf.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/** `0x1A`, `0o7`, `0b1`: forms Number() accepts but a stored cell value never uses. */
function isNonDecimalLiteral(text: string): boolean {
  if (text.length < 3) return false;
  const prefix = text.charCodeAt(1) | 0x20;
  return text.charCodeAt(0) === DIGIT_0 && (prefix === 120 || prefix === 111 || prefix === 98);
}

/** Column letters for a 0-based column index: 0 → A, 27 → AB. */
function columnName(index: number): string {
  let name = '';
  let n = index + 1;
  while (n > 0) {
    const rest = (n - 1) % 26;
    name = String.fromCharCode(UPPER_A + rest) + name;
    n = (n - 1 - rest) / 26;
  }
  return name;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_TIME = /^T?(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
const SECONDS_PER_DAY = 86_400;
/** Excel serial of 1970-01-01 in the 1900 date system. */
const UNIX_EPOCH_SERIAL = 25_569;

/**
 * The 1900-system serial of an ISO 8601 date, date-time or time of a `t="d"` cell, or undefined
 * when the text is not one. The wall-clock time is kept as written: Excel has no time zones, so
 * a zone designator is ignored rather than applied.
 */
function parseIsoDateTime(text: string): number | undefined {
  const date = ISO_DATE_TIME.exec(text);
  if (date !== null) {
    const year = Number(date[1]);
    const month = Number(date[2]);
    const day = Number(date[3]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    const seconds = secondsOfDay(date[4], date[5], date[6]);
    if (seconds === undefined) return undefined;
    const days = daysFromCivil(year, month, day) + UNIX_EPOCH_SERIAL;
    // Excel counts a fictitious 1900-02-29 (serial 60), so earlier dates sit one lower.
    return (days < 61 ? days - 1 : days) + seconds / SECONDS_PER_DAY;
  }
  const time = ISO_TIME.exec(text);
  if (time !== null) {
    const seconds = secondsOfDay(time[1], time[2], time[3]);
    return seconds === undefined ? undefined : seconds / SECONDS_PER_DAY;
  }
  return undefined;
}

function secondsOfDay(
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): number | undefined {
  if (hours === undefined) return 0;
  const h = Number(hours);
  const m = Number(minutes);
  const s = seconds === undefined ? 0 : Number(seconds);
  if (h > 24 || m > 59 || s >= 60 || (h === 24 && (m > 0 || s > 0))) return undefined;
  return h * 3600 + m * 60 + s;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
