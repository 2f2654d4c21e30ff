/**
 * The reader of one sheet (`table:table`) of an OpenDocument spreadsheet's content.xml as it
 * streams in: rows (`table:table-row`, also inside header rows and row groups), cells
 * (`table:table-cell`; `table:covered-table-cell`, hidden under a merged cell, reads empty),
 * typed values, the text of paragraphs, and the repeats, which cost nothing while empty
 * (LibreOffice ends a sheet with an empty row repeated to row 1,048,576).
 *
 * The rules a cell is read by:
 * - `office:value-type` decides the value, never the number format: float, percentage and
 *   currency are numbers (`office:value`), date a date (`office:date-value`), time a time
 *   (`office:time-value`, elapsed when its format is `[h]`-style or it is 24 hours or more),
 *   boolean a boolean, string the text. A cell with no type is text when it has paragraphs (as
 *   LibreOffice reads it), else empty; `void` is empty.
 * - Text: `office:string-value` when given, else the paragraphs (`text:p`, `text:h`) joined by
 *   "\n", with `text:s` (`text:c` spaces), `text:tab` and `text:line-break`, and the text of
 *   spans, links and fields kept. Whitespace is kept as written, as LibreOffice Calc reads it.
 *   Annotations, notes and drawings in a cell are not its text.
 * - A formula (`table:formula`) gives its cached value by the rules above, or none (counted as
 *   a formula without a value). LibreOffice writes an error result as text with
 *   `calcext:value-type="error"`: one of Excel's error values (`#DIV/0!`, `#N/A`) reads as that
 *   error; its own codes (`Err:502`), which Excel has none of, read as their text. Without
 *   `calcext:value-type`, a formula's text that is one of Excel's error values reads as the
 *   error; a text cell without a formula is always text.
 */
import { type CellValue, EXCEL_ERROR_VALUES } from '../../core/cell.js';
import { lettersOfColumn } from '../../core/column-letters.js';
import { MAX_COLUMNS, MAX_ROWS } from '../../core/excel-limits.js';
import { quoteVisibly } from '../../core/number-text.js';
import { ErrorCode } from '../../errors.js';
import { ensureHeapRoom, stringBytes } from '../../heap-room.js';
import type { SheetRow } from '../../reader/workbook-reader.js';
import { STYLE_REFUSED } from '../../render/cell-styles.js';
import { ElementKind } from '../../xml/element-kinds.js';
import { TextCollector } from '../../xml/text-collector.js';
import * as xmlChars from '../../xml/xml-chars.js';
import { XmlLexer, XmlToken } from '../../xml/xml-lexer.js';
import type { CellStyleTable } from './cell-style-table.js';
import { TABLE_DEPTH } from './content-outline.js';
import { decodeAttribute } from './odf-attributes.js';
import { TableFastPath } from './table-fast-path.js';
import { TableSkipper } from './table-skipper.js';
import { parseOdfBoolean, parseOdfDate, parseOdfDuration, parseOdfNumber } from './typed-values.js';

// Module-local copies of what the hot code uses (see xml-chars.ts).
const { isTextAt } = xmlChars;

/** What the table scanner needs besides the XML. */
export interface TableScanContext {
  /** The table's position among the spreadsheet's tables (0-based). */
  readonly tableIndex: number;
  readonly styles: CellStyleTable;
  /** The output style of each cell style index, when rows carry their cells' styles. */
  readonly outputStyles: Uint32Array | null;
  readonly maxElementChars: number;
  readonly file: string;
  readonly sheet: string;
  readonly part: string;
}

/**
 * Most cells (counting the empty ones before a row's last cell) one batch of rows holds, as
 * the .xlsx reader cuts them (see its row-batch.ts).
 */
export const MAX_BATCH_CELLS = 1_048_576;

/**
 * Most cells one sheet may make by repeating rows (`table:number-rows-repeated` on a row with
 * values, counting the empty cells before each copy's last): 2^24, a million rows of 16
 * columns. A row of one cell at column XFD repeated a million times is 17 billion cells from a
 * file of a few hundred bytes, which no size limit of the zip would catch.
 */
export const MAX_REPEATED_CELLS = 16_777_216;

const State = {
  /** Before the sheet's table, or after it. */
  Outside: 0,
  Table: 1,
  Row: 2,
  Cell: 3,
  Paragraph: 4,
  /** Inside an element that holds nothing of the sheet's values, until it ends. */
  Skip: 5,
} as const;
type State = (typeof State)[keyof typeof State];

/** Value types, from `office:value-type`. */
const ValueType = {
  None: 0,
  Number: 1,
  Date: 2,
  Time: 3,
  Boolean: 4,
  String: 5,
  Void: 6,
} as const;
type ValueType = (typeof ValueType)[keyof typeof ValueType];

const VALUE_TYPES: ReadonlyMap<string, ValueType> = new Map([
  ['float', ValueType.Number],
  ['percentage', ValueType.Number],
  ['currency', ValueType.Number],
  ['date', ValueType.Date],
  ['time', ValueType.Time],
  ['boolean', ValueType.Boolean],
  ['string', ValueType.String],
  ['void', ValueType.Void],
]);

/** The names of {@link VALUE_TYPES}, to match in place. */
const VALUE_TYPE_NAMES: readonly string[] = [...VALUE_TYPES.keys()];

/** The attribute holding each type's value, by {@link ValueType}. */
const VALUE_ATTRIBUTE_NAMES: readonly string[] = [
  '',
  'office:value',
  'office:date-value',
  'office:time-value',
  'office:boolean-value',
];

/** The attributes of a cell that the scanner reads. */
const CellAttribute = {
  Other: 0,
  ValueType: 1,
  Value: 2,
  DateValue: 3,
  TimeValue: 4,
  BooleanValue: 5,
  StringValue: 6,
  StyleName: 7,
  ColumnsRepeated: 8,
  Formula: 9,
  CalcValueType: 10,
} as const;
type CellAttribute = (typeof CellAttribute)[keyof typeof CellAttribute];

/**
 * The names of {@link CellAttribute} followed by `=` (the lexer has checked that the name ends
 * there). One sticky expression tells a known name faster than comparing the names one by one.
 */
const CELL_ATTRIBUTE_NAMES =
  /(?:office:(?:value-type|value|date-value|time-value|boolean-value|string-value)|table:(?:style-name|number-columns-repeated|formula)|calcext:value-type)[ \t\r\n]*=/y;

/**
 * Which attribute the name `buf[start, end)` is. The expression matched a known name that ends
 * where the name ends (names hold no `=`): its length, and for three of them one letter, tell
 * which.
 */
function cellAttributeAt(buf: string, start: number, end: number): CellAttribute {
  CELL_ATTRIBUTE_NAMES.lastIndex = start;
  if (!CELL_ATTRIBUTE_NAMES.test(buf)) return CellAttribute.Other;
  switch (end - start) {
    case 12:
      return CellAttribute.Value;
    case 13:
      return CellAttribute.Formula;
    case 16:
      return CellAttribute.StyleName;
    case 17: {
      const letter = buf.charCodeAt(start + 7);
      return letter === 0x76 /* v */
        ? CellAttribute.ValueType
        : letter === 0x64 /* d */
          ? CellAttribute.DateValue
          : CellAttribute.TimeValue;
    }
    case 18:
      return CellAttribute.CalcValueType;
    case 19:
      return CellAttribute.StringValue;
    case 20:
      return CellAttribute.BooleanValue;
    case 29:
      return CellAttribute.ColumnsRepeated;
    default:
      return CellAttribute.Other;
  }
}

/** What each type's value attribute should hold, for messages. */
const EXPECTED_VALUES: readonly string[] = [
  '',
  'a number',
  'an ISO 8601 date',
  'an ISO 8601 duration such as PT10H30M00S',
  'true or false',
];

/** Elements between a table and its rows or columns, which hold rows or columns. */
const ROW_CONTAINERS = new Set([
  'table:table-rows',
  'table:table-header-rows',
  'table:table-row-group',
  'table:table-columns',
  'table:table-header-columns',
  'table:table-column-group',
]);

/** A cell's element name, as the lexer holds it for an element it has entered. */
const CELL_ELEMENT = 'table:table-cell';

/** Elements in a paragraph whose text is not the cell's. */
const NOT_TEXT = new Set(['text:note', 'office:annotation', 'text:ruby-text']);

/** Whether the attribute name of `length` characters at `start` in `buf` is `name`. */
/**
 * How LibreOffice shows TRUE and FALSE in the languages it is most used in (English, German,
 * French, Spanish, Italian, Portuguese, Dutch, Polish, Swedish, Danish, Norwegian, Finnish,
 * Czech, Russian): a formula's 1 or 0 shown as one of them is a logical result.
 */
const TRUE_WORDS: ReadonlySet<string> = new Set(
  'TRUE WAHR VRAI VERDADERO VERO VERDADEIRO WAAR PRAWDA SANT SAND SANN TOSI PRAVDA ИСТИНА'.split(
    ' ',
  ),
);
const FALSE_WORDS: ReadonlySet<string> = new Set(
  'FALSE FALSCH FAUX FALSO ONWAAR FAŁSZ FALSKT FALSK USANN EPÄTOSI NEPRAVDA ЛОЖЬ'.split(' '),
);

/** Whether the formula at `buf[start, end)` is `of:=TRUE()` or `of:=FALSE()` (any case). */
function isLogicalFormula(buf: string, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 10 && length !== 11) return false;
  const formula = buf.slice(start, end).toUpperCase();
  return formula === 'OF:=TRUE()' || formula === 'OF:=FALSE()';
}

function isNamed(buf: string, start: number, length: number, name: string): boolean {
  return length === name.length && isTextAt(buf, start, name);
}

/** A repeat count: 1 when absent; counts past 2^31 are clamped (no sheet has that many). */
function parseRepeat(lexer: XmlLexer, start: number, end: number): number {
  const buf = lexer.buf;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = buf.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      throw lexer.malformed(
        `expected a repeat count, found ${quoteVisibly(buf.slice(start, end))}`,
      );
    }
    value = value * 10 + digit;
    if (value > 2 ** 31) value = 2 ** 31;
  }
  if (start === end || value === 0) {
    throw lexer.malformed(`expected a repeat count of 1 or more, found "${buf.slice(start, end)}"`);
  }
  return value;
}

/**
 * Reads the rows of one table of content.xml as it streams in. Each `push` returns the rows it
 * completed (a batch; when full, call {@link drain} until it returns none); {@link done} tells
 * when the table has ended, so the caller may stop reading; `end` checks the XML.
 */
export class TableScanner {
  private readonly lexer: XmlLexer;
  private readonly text: TextCollector;
  private readonly skipper: TableSkipper;
  private readonly fastPath: TableFastPath;
  /** Passing over a table before the one asked for. */
  private skipping = false;
  private readonly context: TableScanContext;
  private readonly styles: CellStyleTable;
  private readonly outputStyles: Uint32Array | null;

  private state: State = State.Outside;
  private skipDepth = 0;
  private skipReturn: State = State.Outside;
  private tablesSeen = 0;
  private inSpreadsheet = false;
  private tableDepth = 0;
  /** The table has been read to its end tag. */
  done = false;
  private full = false;

  /** Formula cells with no cached value. */
  formulasWithoutValue = 0;
  /** Cells whose format the output could not keep (`STYLE_REFUSED`). */
  cellsWithoutFormat = 0;

  /** Column default styles: runs of columns, each up to (not including) `columnEnds[i]`. */
  private readonly columnEnds: number[] = [];
  private readonly columnStyles: number[] = [];
  private columnCount = 0;

  private rows: SheetRow[] = [];
  private batchCells = 0;
  /** The 1-based number of the last row read (or skipped as empty). */
  private rowNumber = 0;
  private rowRepeat = 1;
  private rowStyle = -1;
  private column = 0;
  private cells: CellValue[] = [];
  private rowStyles: number[] | null = null;
  private repeatedCells = 0;
  /** A row with values still to be repeated, when a batch filled up between its copies. */
  private pending: { cells: CellValue[]; styles: number[] | null; left: number } | null = null;
  /** Column runs: where the run lookup stands in this row. */
  private runIndex = 0;

  // The current cell.
  private cellRepeat = 1;
  private cellStyle = 0;
  private cellType: ValueType = ValueType.None;
  private cellValue: CellValue = null;
  private cellFormula = false;
  /** A formula's number 1 or 0 that its shown text may say is TRUE or FALSE (see endCell). */
  private cellMaybeLogical = false;
  private cellCalcError = false;
  private cellCalcString = false;
  private cellStringValue: string | undefined = undefined;
  private paragraphs = 0;
  private paragraphDepth = 0;
  private pieces: string[] = [];
  private textLength = 0;
  /** Where each value attribute of the current cell's tag is (start, end by ValueType), or -1. */
  private readonly valueAttributes = new Int32Array(10);
  /** The raw `table:style-name` last seen and its index, as most cells repeat their neighbour's. */
  private lastStyleName = '';
  private lastStyleIndex = 0;

  constructor(context: TableScanContext) {
    this.context = context;
    this.styles = context.styles;
    this.outputStyles = context.outputStyles;
    this.lexer = new XmlLexer(
      { file: context.file, part: context.part, sheet: context.sheet },
      context.maxElementChars,
    );
    this.text = new TextCollector(this.lexer);
    this.skipper = new TableSkipper(this.lexer);
    this.fastPath = new TableFastPath(this.lexer);
  }

  push(text: string): SheetRow[] {
    this.text.detach();
    this.lexer.feed(text);
    return this.scanBatch();
  }

  drain(): SheetRow[] {
    return this.full ? this.scanBatch() : [];
  }

  /** No more input: the last rows; throws if the XML ended early or the table was not found. */
  end(): SheetRow[] {
    this.full = false;
    const limit = Number.POSITIVE_INFINITY;
    this.scan(limit);
    if (!this.done) {
      this.lexer.finish();
      throw this.lexer.malformed(
        `expected table ${this.context.tableIndex + 1} (${JSON.stringify(this.context.sheet)}) in the spreadsheet, found ${this.tablesSeen} tables`,
      );
    }
    return this.take();
  }

  private scanBatch(): SheetRow[] {
    this.scan(MAX_BATCH_CELLS);
    return this.take();
  }

  private take(): SheetRow[] {
    const rows = this.rows;
    this.rows = [];
    this.batchCells = 0;
    return rows;
  }

  private scan(limit: number): void {
    const lexer = this.lexer;
    this.full = false;
    for (;;) {
      if (this.pending !== null) this.emitPending(limit);
      if (this.batchCells >= limit) {
        this.full = true;
        return;
      }
      if (this.done) return;
      if (this.skipping) {
        if (!this.skipper.advance()) return;
        this.skipping = false;
      }
      if (this.state === State.Row) this.readPlainCells();
      const token = lexer.next();
      if (token === XmlToken.NeedMore) return;
      if (token === XmlToken.Start) this.onStart();
      else if (token === XmlToken.End) this.onEnd();
      else this.onText();
    }
  }

  private onStart(): void {
    const lexer = this.lexer;
    const name = lexer.name;
    switch (this.state) {
      case State.Outside:
        if (lexer.depth === 3 && name === 'office:spreadsheet') {
          this.inSpreadsheet = !lexer.selfClosing;
        } else if (lexer.depth === TABLE_DEPTH && this.inSpreadsheet && name === 'table:table') {
          if (this.tablesSeen++ === this.context.tableIndex) {
            if (lexer.selfClosing) this.done = true;
            else {
              this.state = State.Table;
              this.tableDepth = lexer.depth;
            }
          } else if (!lexer.selfClosing) {
            this.skipper.begin();
            this.skipping = true;
          }
        }
        return;
      case State.Table:
        if (name === 'table:table-row') this.startRow();
        else if (name === 'table:table-column') this.addColumns();
        else if (!ROW_CONTAINERS.has(name)) this.skip();
        return;
      case State.Row:
        if (name === 'table:table-cell') this.startCell(false, lexer.selfClosing);
        else if (name === 'table:covered-table-cell') this.startCell(true, lexer.selfClosing);
        else this.skip();
        return;
      case State.Cell:
        // The paragraphs of a typed cell are its value as shown: only text cells need them.
        if ((name === 'text:p' || name === 'text:h') && this.needsText()) this.startParagraph();
        else this.skip();
        return;
      case State.Paragraph:
        this.onParagraphStart(name);
        return;
      default:
        return;
    }
  }

  private onEnd(): void {
    const lexer = this.lexer;
    switch (this.state) {
      case State.Outside:
        if (lexer.depth === 3 && lexer.name === 'office:spreadsheet') this.inSpreadsheet = false;
        return;
      case State.Table:
        if (lexer.depth === this.tableDepth) {
          this.state = State.Outside;
          this.done = true;
        }
        return;
      case State.Row:
        this.endRow();
        return;
      case State.Cell:
        this.endCell();
        return;
      case State.Paragraph:
        if (lexer.depth === this.paragraphDepth) {
          this.flushText();
          this.state = State.Cell;
        }
        return;
      case State.Skip:
        if (lexer.depth === this.skipDepth) this.state = this.skipReturn;
        return;
      default:
        return;
    }
  }

  private onText(): void {
    // Text between rows, cells or paragraphs holds no value, and is skipped as LibreOffice does.
    if (this.state !== State.Paragraph) return;
    const lexer = this.lexer;
    this.text.add();
    this.checkTextLength(lexer.textEnd - lexer.textStart);
  }

  /** Ignores the element just started and everything in it. */
  private skip(): void {
    if (this.lexer.selfClosing) return;
    this.skipDepth = this.lexer.depth;
    this.skipReturn = this.state;
    this.state = State.Skip;
  }

  private addColumns(): void {
    const lexer = this.lexer;
    const attributes = lexer.attributes;
    const buf = lexer.buf;
    let repeat = 1;
    let style = 0;
    while (attributes.next()) {
      const nameStart = attributes.nameStart;
      const length = attributes.nameEnd - nameStart;
      if (isNamed(buf, nameStart, length, 'table:number-columns-repeated')) {
        repeat = parseRepeat(lexer, attributes.valueStart, attributes.valueEnd);
      } else if (isNamed(buf, nameStart, length, 'table:default-cell-style-name')) {
        style = this.styles.indexOf(decodeAttribute(lexer, attributes.value()));
      }
    }
    if (lexer.selfClosing === false) this.skip();
    // Columns past the last Excel has hold no data: their styles are not kept.
    if (this.columnCount >= MAX_COLUMNS) return;
    this.columnCount = Math.min(this.columnCount + repeat, MAX_COLUMNS);
    this.columnEnds.push(this.columnCount);
    this.columnStyles.push(style);
  }

  private startRow(): void {
    const lexer = this.lexer;
    const attributes = lexer.attributes;
    const buf = lexer.buf;
    let repeat = 1;
    let style = -1;
    while (attributes.next()) {
      const nameStart = attributes.nameStart;
      const length = attributes.nameEnd - nameStart;
      if (isNamed(buf, nameStart, length, 'table:number-rows-repeated')) {
        repeat = parseRepeat(lexer, attributes.valueStart, attributes.valueEnd);
      } else if (isNamed(buf, nameStart, length, 'table:default-cell-style-name')) {
        style = this.styles.indexOf(decodeAttribute(lexer, attributes.value()));
      }
    }
    this.rowRepeat = repeat;
    this.rowStyle = style;
    this.column = 0;
    this.runIndex = 0;
    this.cells = [];
    this.rowStyles = null;
    lexer.row = this.rowNumber + 1;
    if (lexer.selfClosing) this.endRow();
    else this.state = State.Row;
  }

  private endRow(): void {
    const cells = this.cells;
    const repeat = this.rowRepeat;
    this.state = State.Table;
    this.lexer.row = undefined;
    if (cells.length === 0) {
      // Empty rows, however many times repeated, are only counted.
      this.rowNumber += repeat;
      return;
    }
    const last = this.rowNumber + repeat;
    if (last > MAX_ROWS) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `Row ${Math.max(this.rowNumber + 1, MAX_ROWS + 1)} holds values, past the last row an Excel sheet has (${MAX_ROWS})`,
        undefined,
        'Excel and LibreOffice sheets end at row 1,048,576: the file was not saved by either; open it in LibreOffice and save it again',
      );
    }
    if (repeat > 1) {
      this.repeatedCells += cells.length * (repeat - 1);
      if (this.repeatedCells > MAX_REPEATED_CELLS) {
        throw this.lexer.fail(
          ErrorCode.SizeLimit,
          `Row ${this.rowNumber + 1} is repeated ${repeat} times: the sheet's repeated rows make more than ${MAX_REPEATED_CELLS} cells`,
          undefined,
          'A file this small cannot hold that many different rows: it was made to exhaust readers; remove it from the inputs',
        );
      }
    }
    this.pushRow(cells, this.rowStyles);
    if (repeat > 1) this.pending = { cells, styles: this.rowStyles, left: repeat - 1 };
  }

  private pushRow(cells: CellValue[], styles: number[] | null): void {
    this.rowNumber++;
    this.rows.push(
      this.outputStyles === null
        ? { number: this.rowNumber, cells }
        : { number: this.rowNumber, cells, styles },
    );
    this.batchCells += cells.length;
  }

  /** Copies of a repeated row, as many as the batch takes. */
  private emitPending(limit: number): void {
    const pending = this.pending as { cells: CellValue[]; styles: number[] | null; left: number };
    while (pending.left > 0 && this.batchCells < limit) {
      pending.left--;
      this.pushRow(pending.cells.slice(), pending.styles === null ? null : pending.styles.slice());
    }
    if (pending.left === 0) this.pending = null;
  }

  /**
   * Reads the plain cells that follow in the buffer with the fast path (see table-fast-path.ts):
   * their attributes by {@link startCell}, their paragraphs' text, placed by {@link endCell}, as
   * for cells the lexer reads. Stops at the first cell it cannot read whole (which the lexer then
   * reads, from its start tag or, when that was read, from its content) and at the row's end.
   */
  private readPlainCells(): void {
    const lexer = this.lexer;
    if (!lexer.atMarkup) return;
    const buf = lexer.buf;
    const fastPath = this.fastPath;
    let pos = lexer.cursor;
    for (;;) {
      const tagEnd = fastPath.readCellTag(buf, pos);
      if (tagEnd < 0) return;
      lexer.skipTo(tagEnd);
      pos = tagEnd;
      const selfClosing = fastPath.selfClosing;
      this.startCell(false, selfClosing);
      if (selfClosing) continue;
      const keepText = this.needsText();
      const end = fastPath.readContent(buf, pos, keepText);
      if (end < 0) {
        // The lexer reads the rest of the cell, as if it had read its start tag.
        lexer.enterElement(CELL_ELEMENT, ElementKind.Other);
        return;
      }
      if (keepText) {
        this.paragraphs = fastPath.paragraphs;
        if (fastPath.paragraphs > 0) this.pieces.push(fastPath.text);
      }
      lexer.skipTo(end);
      pos = end;
      this.endCell();
    }
  }

  private startCell(covered: boolean, selfClosing: boolean): void {
    const lexer = this.lexer;
    const attributes = lexer.attributes;
    const buf = lexer.buf;
    let repeat = 1;
    let type: ValueType = ValueType.None;
    let styleIndex = -1;
    const values = this.valueAttributes;
    values.fill(-1);
    let formula = false;
    let logicalFormula = false;
    let calcError = false;
    let calcString = false;
    let stringValue: string | undefined;
    while (attributes.next()) {
      switch (cellAttributeAt(buf, attributes.nameStart, attributes.nameEnd)) {
        case CellAttribute.ValueType:
          type = this.valueTypeAt(attributes.valueStart, attributes.valueEnd);
          break;
        // Which of these counts depends on the type, which may come after them.
        case CellAttribute.Value:
          values[ValueType.Number * 2] = attributes.valueStart;
          values[ValueType.Number * 2 + 1] = attributes.valueEnd;
          break;
        case CellAttribute.DateValue:
          values[ValueType.Date * 2] = attributes.valueStart;
          values[ValueType.Date * 2 + 1] = attributes.valueEnd;
          break;
        case CellAttribute.TimeValue:
          values[ValueType.Time * 2] = attributes.valueStart;
          values[ValueType.Time * 2 + 1] = attributes.valueEnd;
          break;
        case CellAttribute.BooleanValue:
          values[ValueType.Boolean * 2] = attributes.valueStart;
          values[ValueType.Boolean * 2 + 1] = attributes.valueEnd;
          break;
        case CellAttribute.StringValue:
          stringValue = decodeAttribute(lexer, attributes.value());
          break;
        case CellAttribute.StyleName:
          styleIndex = this.styleIndexOf(attributes.valueStart, attributes.valueEnd);
          break;
        case CellAttribute.ColumnsRepeated:
          repeat = parseRepeat(lexer, attributes.valueStart, attributes.valueEnd);
          break;
        case CellAttribute.Formula:
          formula = true;
          logicalFormula = isLogicalFormula(buf, attributes.valueStart, attributes.valueEnd);
          break;
        case CellAttribute.CalcValueType: {
          const valueStart = attributes.valueStart;
          const valueLength = attributes.valueEnd - valueStart;
          calcError = isNamed(buf, valueStart, valueLength, 'error');
          calcString = isNamed(buf, valueStart, valueLength, 'string');
          break;
        }
        default:
          break;
      }
    }
    this.cellRepeat = repeat;
    this.cellFormula = formula;
    this.cellCalcError = calcError;
    this.cellCalcString = calcString;
    this.cellStringValue = stringValue;
    this.cellType = covered ? ValueType.Void : type;
    this.cellStyle = styleIndex >= 0 ? styleIndex : this.defaultStyle();
    this.paragraphs = 0;
    this.pieces = [];
    this.textLength = 0;
    this.cellValue = null;
    this.cellMaybeLogical = false;
    if (
      !covered &&
      type !== ValueType.None &&
      type !== ValueType.String &&
      type !== ValueType.Void
    ) {
      this.cellValue = this.typedValue(type, values[type * 2] ?? -1, values[type * 2 + 1] ?? -1);
      // LibreOffice has no boolean cells: it keeps TRUE and FALSE as 1 and 0 in a boolean
      // format, and writes an .xlsx's boolean cells to .ods as the formulas =TRUE() and
      // =FALSE() of type float. It writes both back to .xlsx as booleans, and so they are read.
      // A formula whose result is logical (=A2>3) it writes as a float too, with no mark but
      // the text it shows, which endCell reads.
      const value = this.cellValue;
      if (type === ValueType.Number && (value === 0 || value === 1)) {
        if (logicalFormula || this.styles.isBoolean(this.cellStyle)) this.cellValue = value === 1;
        else this.cellMaybeLogical = formula;
      }
    }
    if (selfClosing) this.endCell();
    else this.state = State.Cell;
  }

  /** The `office:value-type` written at `buf[start, end)`, read in place. */
  private valueTypeAt(start: number, end: number): ValueType {
    const buf = this.lexer.buf;
    const length = end - start;
    for (let i = 0; i < VALUE_TYPE_NAMES.length; i++) {
      const name = VALUE_TYPE_NAMES[i] as string;
      if (isNamed(buf, start, length, name)) return VALUE_TYPES.get(name) as ValueType;
    }
    return this.parseValueType(buf.slice(start, end));
  }

  private parseValueType(value: string): ValueType {
    const type = VALUE_TYPES.get(value);
    if (type === undefined) {
      throw this.lexer.malformed(
        `expected office:value-type float, percentage, currency, date, time, boolean, string or void in cell ${this.cellName()}, found ${quoteVisibly(value)}`,
      );
    }
    return type;
  }

  /** The value of a typed cell from its value attribute. */
  private typedValue(type: ValueType, start: number, end: number): CellValue {
    const lexer = this.lexer;
    const attribute = VALUE_ATTRIBUTE_NAMES[type] as string;
    if (start < 0) {
      // A formula whose value was not written: empty, and counted as such (see endCell).
      if (this.cellFormula) return null;
      throw lexer.malformed(
        `expected ${attribute} in the ${typeName(type)} cell ${this.cellName()}, found none`,
      );
    }
    const text = decodeAttribute(lexer, lexer.buf.slice(start, end));
    let value: CellValue = null;
    switch (type) {
      case ValueType.Number: {
        const number = parseOdfNumber(text);
        if (!Number.isNaN(number)) value = number;
        break;
      }
      case ValueType.Date: {
        const serial = parseOdfDate(text);
        if (!Number.isNaN(serial)) value = { kind: 'date', serial };
        break;
      }
      case ValueType.Time: {
        const serial = parseOdfDuration(text);
        if (!Number.isNaN(serial)) {
          const elapsed = serial >= 1 || serial < 0 || this.styles.isElapsed(this.cellStyle);
          value = elapsed ? { kind: 'date', serial, elapsed: true } : { kind: 'date', serial };
        }
        break;
      }
      default: {
        const boolean = parseOdfBoolean(text);
        if (boolean !== undefined) value = boolean;
      }
    }
    if (value === null) {
      throw lexer.malformed(
        `expected ${EXPECTED_VALUES[type]} in ${attribute} of cell ${this.cellName()}, found ${quoteVisibly(text)}`,
      );
    }
    return value;
  }

  /** Whether the current cell's value is its paragraphs' text (or may be, for a formula). */
  private needsText(): boolean {
    const type = this.cellType;
    if (type === ValueType.String) return this.cellStringValue === undefined || this.cellFormula;
    return type === ValueType.None || this.cellMaybeLogical;
  }

  private startParagraph(): void {
    const lexer = this.lexer;
    if (this.paragraphs > 0) this.addLiteral('\n');
    this.paragraphs++;
    if (lexer.selfClosing) return;
    this.text.clear();
    this.paragraphDepth = lexer.depth;
    this.state = State.Paragraph;
  }

  private onParagraphStart(name: string): void {
    const lexer = this.lexer;
    if (name === 'text:s') {
      let spaces = 1;
      const attributes = lexer.attributes;
      while (attributes.next()) {
        if (
          attributes.nameEnd - attributes.nameStart === 6 &&
          lexer.buf.startsWith('text:c', attributes.nameStart)
        ) {
          spaces = parseRepeat(lexer, attributes.valueStart, attributes.valueEnd);
        }
      }
      this.checkTextLength(spaces);
      ensureHeapRoom(stringBytes(spaces));
      this.flushText();
      this.pieces.push(' '.repeat(spaces));
      this.skip();
    } else if (name === 'text:tab') {
      this.addLiteral('\t');
      this.skip();
    } else if (name === 'text:line-break') {
      this.addLiteral('\n');
      this.skip();
    } else if (NOT_TEXT.has(name) || name.startsWith('draw:')) {
      this.skip();
    }
    // Spans, links, fields: their text is the paragraph's.
  }

  /** Text that is not in the XML's character data (spaces, tabs, breaks, paragraph ends). */
  private addLiteral(text: string): void {
    this.checkTextLength(text.length);
    this.flushText();
    this.pieces.push(text);
  }

  private flushText(): void {
    const text = this.text.take();
    if (text !== '') this.pieces.push(text);
  }

  private checkTextLength(added: number): void {
    this.textLength += added;
    const max = this.context.maxElementChars;
    if (this.textLength > max) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `The text of cell ${this.cellName()} is longer than ${max} characters`,
      );
    }
  }

  private endCell(): void {
    this.state = State.Row;
    let value = this.cellValue;
    const type = this.cellType;
    if (type === ValueType.String || (type === ValueType.None && this.paragraphs > 0)) {
      value = this.textValue();
    } else if (this.cellMaybeLogical) {
      const text = this.pieces.join('');
      this.pieces = [];
      if ((value === 1 ? TRUE_WORDS : FALSE_WORDS).has(text)) value = value === 1;
    } else if (value === null && this.cellFormula && type !== ValueType.Void) {
      this.formulasWithoutValue += this.cellRepeat;
    }
    this.place(value);
  }

  /** The value of a text cell (or of a formula's error). */
  private textValue(): CellValue {
    const text = this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
    this.pieces = [];
    if (this.cellFormula && !this.cellCalcString && EXCEL_ERROR_VALUES.has(text)) {
      return { kind: 'error', code: text };
    }
    // LibreOffice's own error codes (Err:502) have no Excel error: their text, as shown.
    if (this.cellCalcError) return text;
    return this.cellStringValue ?? text;
  }

  /** Puts the cell (repeated) at the current column, and moves past it. */
  private place(value: CellValue): void {
    const repeat = this.cellRepeat;
    const column = this.column;
    this.column = column + repeat;
    if (value === null) return;
    if (this.column > MAX_COLUMNS) {
      this.lexer.row = this.rowNumber + 1;
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `Cell ${repeat > 1 ? `${this.cellName()} repeated ${repeat} times reaches` : 'in'} column ${this.column}, past the last column an Excel sheet has (${MAX_COLUMNS}, XFD)`,
        undefined,
        'Excel and LibreOffice sheets end at column XFD: the file was not saved by either; open it in LibreOffice and save it again',
      );
    }
    const cells = this.cells;
    while (cells.length < column) cells.push(null);
    for (let i = 0; i < repeat; i++) cells.push(value);
    const table = this.outputStyles;
    if (table === null) return;
    const style = this.cellStyle;
    let kept = style < table.length ? (table[style] ?? 0) : 0;
    if (kept >= STYLE_REFUSED) {
      this.cellsWithoutFormat += repeat;
      kept = 0;
    }
    if (kept === 0) return;
    let styles = this.rowStyles;
    if (styles === null) styles = this.rowStyles = [];
    while (styles.length < column) styles.push(0);
    for (let i = 0; i < repeat; i++) styles.push(kept);
  }

  /** The style of a cell that names none: its row's default, else its column's. */
  private defaultStyle(): number {
    if (this.rowStyle >= 0) return this.rowStyle;
    const column = this.column;
    const ends = this.columnEnds;
    let run = this.runIndex;
    while (run < ends.length && (ends[run] as number) <= column) run++;
    this.runIndex = run;
    return run < ends.length ? (this.columnStyles[run] as number) : 0;
  }

  private styleIndexOf(start: number, end: number): number {
    const buf = this.lexer.buf;
    const last = this.lastStyleName;
    if (end - start === last.length && isTextAt(buf, start, last)) return this.lastStyleIndex;
    const raw = buf.slice(start, end);
    const index = this.styles.indexOf(raw.includes('&') ? decodeAttribute(this.lexer, raw) : raw);
    this.lastStyleName = raw;
    this.lastStyleIndex = index;
    return index;
  }

  private cellName(): string {
    return `${lettersOfColumn(Math.min(this.column, MAX_COLUMNS - 1))}${this.rowNumber + 1}`;
  }
}

function typeName(type: ValueType): string {
  switch (type) {
    case ValueType.Date:
      return 'date';
    case ValueType.Time:
      return 'time';
    case ValueType.Boolean:
      return 'boolean';
    default:
      return 'number';
  }
}
