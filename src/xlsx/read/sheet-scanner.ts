import { type CellValue, EXCEL_ERROR_VALUES } from '../../core/cell.js';
import { DATE_1904_OFFSET, parseIsoDateTime } from '../../core/excel-dates.js';
import { MAX_COLUMNS, MAX_ROWS } from '../../core/excel-limits.js';
import { ErrorCode, type XlmergeError } from '../../errors.js';
import type { SheetRow } from '../../reader/workbook-reader.js';
import { ElementKind, unknownElement } from './element-kinds.js';
import { parseNumberText, quoteVisibly } from './number-text.js';
import { RichTextReader } from './rich-text-reader.js';
import type { SharedStringList } from './string-list.js';
import { TextCollector } from './text-collector.js';
import { decodeExcelEscapes, decodePlainText } from './text-escapes.js';
import {
  CharCode,
  endOfTag,
  isBlank,
  isXmlSpace,
  quoteSnippet,
  skipAttribute,
  skipSpaces,
} from './xml-chars.js';
import { XmlLexer, XmlToken } from './xml-lexer.js';

/** What the sheet scanner needs to know besides the sheet XML. */
export interface SheetScanContext {
  /**
   * The workbook's shared strings, for cells with `t="s"`; or a function giving them, called
   * when a cell first needs them.
   */
  readonly sharedStrings: SharedStringList | (() => SharedStringList);
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

/**
 * Most cells (counting the empty ones before a row's last cell) one batch of rows holds.
 * `<row><c r="XFD1"/></row>` is 24 characters of XML but 16,384 cells, so a 512 KiB chunk of
 * such rows would make 350 million of them (gigabytes, from a zip of a few KB): batches are cut
 * by cells, not by XML. About 8 MB of array slots.
 */
export const MAX_BATCH_CELLS = 1_048_576;

// Module-local copies: V8 folds these into the code it compiles, but loads and checks an
// imported binding at every use (see xml-chars.ts).
const { CR, SPACE, QUOT, AMP, HYPHEN, DOT, SLASH, LT, EQUALS, GT, DIGIT_0, DIGIT_9 } = CharCode;
const { UPPER_A, UPPER_R, UPPER_S, UPPER_T, UPPER_Z } = CharCode;
const { LOWER_A, LOWER_C, LOWER_F, LOWER_I, LOWER_O, LOWER_R } = CharCode;
const { LOWER_S, LOWER_T, LOWER_V, LOWER_W, LOWER_Z } = CharCode;

/**
 * Reads the rows of one worksheet's XML as it streams in. Only `<sheetData>` matters; any
 * namespace prefix works. Each `push` returns the rows it completed; `end` checks that the XML
 * was complete. The same XML cut into any pieces gives the same rows.
 */
export class SheetScanner {
  private readonly lexer: XmlLexer;
  private readonly text: TextCollector;
  private readonly rich: RichTextReader;
  private strings: SharedStringList | null = null;
  private loadStrings: (() => SharedStringList) | null = null;
  private readonly dateStyles: Uint8Array;
  private readonly dateOffset: number;
  private readonly maxElementChars: number;

  private state: State = State.Outside;
  private skipDepth = 0;
  private skipReturn: State = State.Outside;
  private sheetDataDone = false;
  private rows: SheetRow[] = [];
  /** Cells in {@link rows}, against {@link MAX_BATCH_CELLS}. */
  private batchCells = 0;
  private batchLimit = MAX_BATCH_CELLS;
  /** The scan stopped at a full batch, before the end of the text pushed so far. */
  private full = false;

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

  /** The namespace prefix (with its colon) of the current row's tag, which its cells share. */
  private prefix = '';
  private rowName = '';
  private inlineStringEnd = '';

  /** The cell {@link readPlainCell} is reading, kept apart until it is known to be plain. */
  private plainColumn = 0;
  private plainStyle = 0;
  private plainType: CellType = CellType.Number;
  private plainSelfClosing = false;
  private plainHasValue = false;
  private plainHasFormula = false;
  /** The decoded text of the cell's plain `<is><t>…</t></is>`, if it has one. */
  private plainInline: string | undefined = undefined;
  private plainValueStart = 0;
  private plainValueEnd = 0;
  /** Where the attribute value just read ends (its closing quote). */
  private attributeEnd = 0;
  /**
   * The fast path only starts rows and cells before the last `</c>` of the buffer `limitedBuf`.
   * It reads without bounds checks, and stops at the first `<` it does not expect, within the
   * tag that `<` starts, so it never reads past that `</c>`, nor past the end of the buffer. That
   * matters: a single read past the end gives NaN, after which V8 runs the hot loops a third
   * slower.
   */
  private plainLimit = -1;
  private limitedBuf = '';

  constructor(context: SheetScanContext) {
    this.lexer = new XmlLexer(
      { file: context.file, part: context.part, sheet: context.sheet },
      context.maxElementChars,
    );
    this.text = new TextCollector(this.lexer);
    this.rich = new RichTextReader(
      this.lexer,
      () => `the inline string of cell ${this.cellName()}`,
    );
    const strings = context.sharedStrings;
    if (typeof strings === 'function') this.loadStrings = strings;
    else this.strings = strings;
    this.dateStyles = context.dateStyles;
    this.dateOffset = context.date1904 ? DATE_1904_OFFSET : 0;
    this.maxElementChars = context.maxElementChars;
  }

  /** The shared strings, read on first use when the context gave a function. */
  private get sharedStrings(): SharedStringList {
    if (this.strings === null) this.strings = (this.loadStrings as () => SharedStringList)();
    return this.strings;
  }

  /** Formula cells with no cached value seen so far (they read as null). */
  get formulasWithoutValue(): number {
    return this.withoutValue;
  }

  /**
   * Feeds the next piece of decoded sheet XML; returns the rows completed by it (possibly none).
   * A batch holds at most about {@link MAX_BATCH_CELLS} cells: when it is full, the rest of the
   * text waits for {@link drain}, which the caller should call until it returns no rows.
   */
  push(text: string): SheetRow[] {
    this.text.detach();
    this.rich.detach();
    this.lexer.feed(text);
    return this.scanBatch();
  }

  /**
   * Continues after row `number`, read by someone else (the row engine): the text pushed next
   * starts with the row after it, and a row without `r` counts on from `number`.
   */
  resumeAfterRow(number: number): void {
    this.rowNumber = number;
  }

  /** The number of the last row started (what a row without `r` counts on from). */
  get lastRowNumber(): number {
    return this.rowNumber;
  }

  /** The next batch of rows from text already pushed, when the last batch was full; else none. */
  drain(): SheetRow[] {
    return this.full ? this.scanBatch() : [];
  }

  /**
   * No more input: returns the last rows; throws XlmergeError(MalformedXml) if the XML ended
   * early (no `</sheetData>` / `</worksheet>`) or is malformed.
   */
  end(): SheetRow[] {
    // Whatever a caller left undrained comes out here, in one batch.
    this.batchLimit = Number.POSITIVE_INFINITY;
    this.scan();
    this.lexer.finish();
    if (!this.sheetDataDone) {
      throw this.lexer.malformed('expected a <sheetData> element in the worksheet, found none');
    }
    return this.takeRows();
  }

  private scanBatch(): SheetRow[] {
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

  private takeRows(): SheetRow[] {
    const rows = this.rows;
    if (rows.length > 0) this.rows = [];
    this.batchCells = 0;
    return rows;
  }

  private scan(): void {
    const lexer = this.lexer;
    this.full = false;
    for (;;) {
      if (this.state === State.Row || this.state === State.SheetData) this.readPlainRows();
      if (this.batchCells >= this.batchLimit) {
        this.full = true;
        return;
      }
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
        if (kind === ElementKind.SheetData && lexer.depth === 2) {
          // Readers disagree on which of two counts: refuse rather than pick one.
          if (this.sheetDataDone) throw lexer.malformed('expected one <sheetData>, found a second');
          if (lexer.selfClosing) this.sheetDataDone = true;
          else this.state = State.SheetData;
        }
        return;
      case State.SheetData:
        if (kind === ElementKind.Row) this.startRow();
        else {
          const after =
            this.rowNumber === 0 ? 'before the first row' : `after row ${this.rowNumber}`;
          throw unknownElement(lexer, `<row> in <sheetData> ${after}`);
        }
        return;
      case State.Row:
        if (kind === ElementKind.Cell) this.startCell();
        else if (kind === ElementKind.ExtensionList) this.skip();
        else throw unknownElement(lexer, `<c> or <extLst> in row ${this.rowNumber}`);
        return;
      case State.Cell:
        if (kind === ElementKind.Value) {
          if (this.cellHasValue) throw this.secondElement('<v>');
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
          if (this.cellHasInline) throw this.secondElement('<is>');
          this.cellHasInline = true;
          this.rich.begin();
          if (!lexer.selfClosing) this.state = State.InlineString;
        } else if (kind === ElementKind.ExtensionList) {
          this.skip();
        } else {
          throw unknownElement(lexer, `<f>, <v>, <is> or <extLst> in cell ${this.cellName()}`);
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

  /**
   * The hot path: reads the rows and cells that follow straight from the lexer's buffer, with no
   * token per tag, as long as they are complete and plain (see {@link readPlainCell} and
   * {@link readPlainRowStart}). It stops at anything else, which the lexer then reads token by
   * token: so the result is the same wherever the XML is cut, and every error is reported by the
   * general path. It needs the rows' tag name, so the first row is read by the general path.
   */
  private readPlainRows(): void {
    const lexer = this.lexer;
    if (!lexer.atMarkup || this.rowName === '') return;
    const buf = lexer.buf;
    if (buf !== this.limitedBuf) {
      this.limitedBuf = buf;
      this.plainLimit = buf.lastIndexOf(`</${this.prefix}c>`);
    }
    const limit = this.plainLimit;
    const start = lexer.cursor;
    let pos = start;
    while (pos < limit) {
      let end: number;
      if (this.state === State.Row) {
        end = this.readPlainCell(buf, pos);
        if (end < 0) end = this.readPlainRowEnd(buf, pos);
      } else {
        end = this.readPlainRowStart(buf, pos);
      }
      if (end < 0) break;
      pos = end;
      if (this.batchCells >= this.batchLimit) break;
    }
    if (pos !== start) lexer.skipTo(pos);
  }

  /**
   * Reads a row's start tag at `at` (after optional whitespace), written `<row r="12" …>` with
   * the same prefix as the row before; returns the position after it, or -1 having changed
   * nothing. Self-closing rows are left to the general path.
   */
  private readPlainRowStart(buf: string, at: number): number {
    const lt = tagStartAt(buf, at);
    if (lt < 0) return -1;
    const name = this.localNameAt(buf, lt + 1);
    if (
      name < 0 ||
      buf.charCodeAt(name) !== LOWER_R ||
      buf.charCodeAt(name + 1) !== LOWER_O ||
      buf.charCodeAt(name + 2) !== LOWER_W
    ) {
      return -1;
    }
    let number = this.rowNumber + 1;
    let i = name + 3;
    let ch = buf.charCodeAt(i);
    while (ch === SPACE) {
      if (buf.charCodeAt(i + 1) === LOWER_R && buf.charCodeAt(i + 2) === EQUALS) {
        if (buf.charCodeAt(i + 3) !== QUOT) return -1;
        number = this.readIndexValue(buf, i + 4);
        // Out of range or of order: the general path reports it.
        if (number <= this.rowNumber || number > MAX_ROWS) return -1;
      } else if (buf.charCodeAt(i + 1) === UPPER_R && buf.charCodeAt(i + 2) === EQUALS) {
        return -1; // `R`: the general path reports it
      } else if (!this.skipAttribute(buf, i + 1)) {
        return -1;
      }
      i = this.attributeEnd + 1;
      ch = buf.charCodeAt(i);
    }
    if (ch !== GT || number > MAX_ROWS) return -1;
    this.lexer.enterElement(this.rowName, ElementKind.Row);
    this.rowNumber = number;
    this.lexer.row = number;
    this.beginRow(lt);
    return i + 1;
  }

  /** Reads `</row>` at `at` (after optional whitespace): returns the position after it, or -1. */
  private readPlainRowEnd(buf: string, at: number): number {
    const lt = tagStartAt(buf, at);
    if (lt < 0 || buf.charCodeAt(lt + 1) !== SLASH) return -1;
    const name = this.localNameAt(buf, lt + 2);
    if (
      name < 0 ||
      buf.charCodeAt(name) !== LOWER_R ||
      buf.charCodeAt(name + 1) !== LOWER_O ||
      buf.charCodeAt(name + 2) !== LOWER_W ||
      buf.charCodeAt(name + 3) !== GT
    ) {
      return -1;
    }
    this.lexer.leaveElement();
    this.endRow();
    return name + 4;
  }

  /**
   * Reads the cell at `at` (after optional whitespace) when all of it is buffered and it is plain:
   * `<c …/>` or `<c …>` holding only `<f …>…</f>` or `<f …/>`, at most one `<v>…</v>` or `<v/>`
   * and at most one `<is><t …>…</t></is>`, with the row's prefix, attributes written
   * `name="value"` after one space, and no entity or carriage return in a `<v>` it has to decode.
   * Returns the position after the cell, or -1 having changed nothing. Each character is read
   * about once: this is where the time goes.
   */
  private readPlainCell(buf: string, at: number): number {
    const lt = tagStartAt(buf, at);
    if (lt < 0) return -1;
    const name = this.localNameAt(buf, lt + 1);
    if (name < 0 || buf.charCodeAt(name) !== LOWER_C) return -1;
    const gt = this.readCellTag(buf, name + 1);
    if (gt < 0) return -1;
    this.plainHasValue = false;
    this.plainHasFormula = false;
    this.plainInline = undefined;
    const end = this.plainSelfClosing ? gt + 1 : this.readCellContent(buf, gt + 1);
    if (end < 0) return -1;
    // Leave an oversized cell to the general path, which reports the size limit.
    if (end - lt > this.maxElementChars) return -1;
    return this.storePlainCell(buf) ? end : -1;
  }

  /** Where the local name of a tag name starting at `i` begins, when its prefix is the row's; else -1. */
  private localNameAt(buf: string, i: number): number {
    const prefix = this.prefix;
    if (prefix.length === 0) return i;
    return buf.startsWith(prefix, i) ? i + prefix.length : -1;
  }

  /** The position after the end tag `</` + prefix + `local>` at `lt`, or -1. */
  private matchEndTag(buf: string, lt: number, local: number): number {
    if (buf.charCodeAt(lt) !== LT || buf.charCodeAt(lt + 1) !== SLASH) return -1;
    return this.matchEndName(buf, lt + 2, local);
  }

  /** The position after `prefix + local>` at `i` (just after a `</`), or -1. */
  private matchEndName(buf: string, i: number, local: number): number {
    const name = this.localNameAt(buf, i);
    return name >= 0 && buf.charCodeAt(name) === local && buf.charCodeAt(name + 1) === GT
      ? name + 2
      : -1;
  }

  /**
   * Reads the attributes of a `<c` tag from `from` (just after its name) into the plain cell;
   * returns the position of the `>` ending the tag, or -1 when it is cut off, unusual or invalid.
   */
  private readCellTag(buf: string, from: number): number {
    let column = this.column + 1;
    let style = 0;
    let type: number = CellType.Number;
    let i = from;
    let ch = buf.charCodeAt(i);
    while (ch === SPACE) {
      const name = buf.charCodeAt(i + 1);
      if (
        buf.charCodeAt(i + 2) === EQUALS &&
        (name === LOWER_R || name === LOWER_S || name === LOWER_T)
      ) {
        // Only `r="…"`: other quoting is left to the general path rather than skipped.
        if (buf.charCodeAt(i + 3) !== QUOT) return -1;
        if (name === LOWER_R) column = this.readColumnValue(buf, i + 4);
        else if (name === LOWER_S) style = this.readIndexValue(buf, i + 4);
        else type = this.readTypeValue(buf, i + 4);
        if (column < 0 || style < 0 || type < 0) return -1;
      } else if (
        buf.charCodeAt(i + 2) === EQUALS &&
        (name === UPPER_R || name === UPPER_S || name === UPPER_T)
      ) {
        return -1; // `R`, `S`, `T`: the general path reports them
      } else if (!this.skipAttribute(buf, i + 1)) {
        return -1;
      }
      i = this.attributeEnd + 1;
      ch = buf.charCodeAt(i);
    }
    const gt = endOfTag(buf, i);
    if (gt < 0) return -1;
    this.plainSelfClosing = gt !== i;
    this.plainColumn = column;
    this.plainStyle = style;
    this.plainType = type as CellType;
    return gt;
  }

  /** Reads `r="BC12"` from the value at `start`: the 0-based column, or -1. */
  private readColumnValue(buf: string, start: number): number {
    let i = start;
    let column = 0;
    let ch = buf.charCodeAt(i);
    while (ch >= UPPER_A && ch <= UPPER_Z) {
      column = column * 26 + (ch - UPPER_A + 1);
      ch = buf.charCodeAt(++i);
    }
    if (column === 0 || column > MAX_COLUMNS) return -1;
    while (ch >= DIGIT_0 && ch <= DIGIT_9) ch = buf.charCodeAt(++i);
    if (ch !== QUOT) return -1;
    this.attributeEnd = i;
    return column - 1;
  }

  /** Reads a style index `s="12"` from the value at `start`, or -1. */
  private readIndexValue(buf: string, start: number): number {
    let i = start;
    let index = 0;
    let ch = buf.charCodeAt(i);
    while (ch >= DIGIT_0 && ch <= DIGIT_9 && index <= MAX_SAFE_INDEX) {
      index = index * 10 + (ch - DIGIT_0);
      ch = buf.charCodeAt(++i);
    }
    if (ch !== QUOT) return -1;
    this.attributeEnd = i;
    return index;
  }

  /** Reads a cell type `t="s"` from the value at `start`, or -1. */
  private readTypeValue(buf: string, start: number): number {
    let i = start;
    let ch = buf.charCodeAt(i);
    while ((ch >= LOWER_A && ch <= LOWER_Z) || (ch >= UPPER_A && ch <= UPPER_Z)) {
      ch = buf.charCodeAt(++i);
    }
    if (ch !== QUOT) return -1;
    this.attributeEnd = i;
    return readCellType(buf, start, i);
  }

  /** Skips any other attribute `name="value"` at `start`: false when it is not written so. */
  private skipAttribute(buf: string, start: number): boolean {
    const close = skipAttribute(buf, start);
    this.attributeEnd = close;
    return close >= 0;
  }

  /**
   * Reads the content of a plain cell from `from` (just after its start tag) up to its `</c>`;
   * returns the position after that, or -1.
   */
  private readCellContent(buf: string, from: number): number {
    let i = from;
    for (;;) {
      i = tagStartAt(buf, i);
      if (i < 0) return -1;
      if (buf.charCodeAt(i + 1) === SLASH) return this.matchEndName(buf, i + 2, LOWER_C);
      const name = this.localNameAt(buf, i + 1);
      if (name < 0) return -1;
      const local = buf.charCodeAt(name);
      const after = buf.charCodeAt(name + 1);
      // A second <v> is left to the general path, which converts each in turn.
      if (local === LOWER_V && !this.plainHasValue) {
        i = this.readValueElement(buf, name + 1, after);
      } else if (local === LOWER_F && (after === SPACE || after === GT || after === SLASH)) {
        i = this.skipFormulaElement(buf, name + 1);
      } else if (
        local === LOWER_I &&
        after === LOWER_S &&
        buf.charCodeAt(name + 2) === GT &&
        this.plainInline === undefined
      ) {
        i = this.readInlineString(buf, name + 3);
      } else {
        return -1;
      }
      if (i < 0) return -1;
    }
  }

  /**
   * Notes where the text of `<v>` is (its name ends at `nameEnd`, where the character `after`
   * is); returns the position after its end tag, or -1.
   */
  private readValueElement(buf: string, nameEnd: number, after: number): number {
    this.plainHasValue = true;
    if (after === SLASH && buf.charCodeAt(nameEnd + 1) === GT) {
      // <v/>
      this.plainValueStart = 0;
      this.plainValueEnd = 0;
      return nameEnd + 2;
    }
    if (after !== GT) return -1;
    const start = nameEnd + 1;
    const length = buf.length;
    let lt = start;
    while (lt < length && buf.charCodeAt(lt) !== LT) lt++;
    this.plainValueStart = start;
    this.plainValueEnd = lt;
    return this.matchEndTag(buf, lt, LOWER_V);
  }

  /**
   * Reads the plain inline string `<t …>text</t></is>` at `from` (just after `<is>`) into the
   * plain cell; returns the position after it, or -1. Rich text is left to the general path.
   */
  private readInlineString(buf: string, from: number): number {
    if (buf.charCodeAt(from) !== LT) return -1;
    const name = this.localNameAt(buf, from + 1);
    if (name < 0 || buf.charCodeAt(name) !== LOWER_T) return -1;
    let i = name + 1;
    // xml:space="preserve" and the like: the text is kept as written anyway.
    while (buf.charCodeAt(i) === SPACE) {
      const close = skipAttribute(buf, i + 1);
      if (close < 0) return -1;
      i = close + 1;
    }
    if (buf.charCodeAt(i) !== GT) return -1;
    const lt = buf.indexOf('<', i + 1);
    if (lt < 0) return -1;
    const textEnd = this.matchEndTag(buf, lt, LOWER_T);
    if (textEnd < 0 || !buf.startsWith(this.inlineStringEnd, textEnd)) return -1;
    const text = decodePlainText(buf.slice(i + 1, lt));
    if (text === undefined) return -1;
    this.plainInline = text;
    return textEnd + this.inlineStringEnd.length;
  }

  /** Skips `<f …>…</f>` or `<f …/>` from just after its name: only the cached value matters. */
  private skipFormulaElement(buf: string, nameEnd: number): number {
    this.plainHasFormula = true;
    let i = nameEnd;
    while (buf.charCodeAt(i) === SPACE) {
      if (!this.skipAttribute(buf, i + 1)) return -1;
      i = this.attributeEnd + 1;
    }
    const gt = endOfTag(buf, i);
    if (gt < 0) return -1;
    if (gt !== i) return gt + 1;
    // The formula text is not read, so its entities need no decoding.
    const lt = buf.indexOf('<', gt + 1);
    return lt < 0 ? -1 : this.matchEndTag(buf, lt, LOWER_F);
  }

  /**
   * Places the plain cell just read. Returns false, having changed nothing, when its value needs
   * decoding (an entity or a carriage return), which is left to the general path.
   */
  private storePlainCell(buf: string): boolean {
    let value: CellValue | undefined = null;
    let text: string | undefined;
    if (this.plainHasValue) {
      const start = this.plainValueStart;
      const end = this.plainValueEnd;
      value = this.readValueInPlace(buf, start, end);
      if (value === undefined) {
        if (!isPlainText(buf, start, end)) return false;
        text = buf.slice(start, end);
      }
    }
    this.column = this.plainColumn;
    this.cellStyle = this.plainStyle;
    this.cellType = this.plainType;
    this.rowHasCells = true;
    // Converted only now: its errors name the cell.
    if (text !== undefined) value = this.convertValue(text);
    // As in endCell: an inline string wins over <v>, and a formula without either counts.
    const inline = this.plainInline;
    if (inline !== undefined) value = inline;
    else if (!this.plainHasValue && this.plainHasFormula) this.withoutValue++;
    this.placeCell(value ?? null);
    return true;
  }

  /**
   * The value of the plain cell whose `<v>` text is `buf[start, end)` when it can be read without
   * making a string: empty, a short decimal number, a shared string index, a boolean. Otherwise
   * undefined.
   */
  private readValueInPlace(buf: string, start: number, end: number): CellValue | undefined {
    if (start === end) return null;
    switch (this.plainType) {
      case CellType.Number: {
        const number = readSimpleDecimal(buf, start, end);
        return Number.isNaN(number) ? undefined : this.styleNumber(number, this.plainStyle);
      }
      case CellType.SharedString: {
        const index = readIndex(buf, start, end);
        return index < 0 ? undefined : this.sharedStrings.at(index);
      }
      case CellType.Boolean:
        if (end - start === 1) {
          const digit = buf.charCodeAt(start);
          if (digit === DIGIT_0) return false;
          if (digit === DIGIT_0 + 1) return true;
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * `R`, `S` or `T` on a row or cell: XML names are case-sensitive, so it is not `r`, `s` or
   * `t`, and passing over it would read the cell as another type, or at another place.
   */
  private attributeCase(name: number, on: string): XlmergeError {
    const upper = String.fromCharCode(name);
    const lower = upper.toLowerCase();
    const row = on === 'a row' ? `after row ${this.rowNumber}` : `in row ${this.rowNumber}`;
    return this.lexer.fail(
      ErrorCode.MalformedXml,
      `expected the attribute ${lower}, found ${upper} on ${on} ${row}`,
      undefined,
      `XML names are case-sensitive: ${upper} is not ${lower}, and no spreadsheet writer puts it there; open the workbook in Excel and save it again`,
    );
  }

  /** A second `<v>` or `<is>` in a cell: which one is the value, readers would disagree. */
  private secondElement(name: string): XlmergeError {
    return this.lexer.malformed(`expected one ${name} in cell ${this.cellName()}, found a second`);
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
    const attributes = lexer.attributes;
    let number = this.rowNumber + 1;
    while (attributes.next()) {
      if (attributes.nameEnd - attributes.nameStart !== 1) continue;
      const name = lexer.buf.charCodeAt(attributes.nameStart);
      if (name === 114)
        number = this.parseRowNumber(); // r
      else if (name === 82) throw this.attributeCase(name, 'a row'); // R
    }
    if (number > MAX_ROWS) {
      throw lexer.malformed(`expected at most ${MAX_ROWS} rows, found row ${number}`);
    }
    if (number <= this.rowNumber) {
      // The header is the first non-empty row by number, and the output keeps the file's
      // order: rows out of order would change both. No writer makes them (ECMA-376 requires
      // ascending rows), so they are refused rather than sorted.
      lexer.row = number;
      throw lexer.fail(
        ErrorCode.MalformedXml,
        `expected row numbers in ascending order, found row ${number} after row ${this.rowNumber}`,
        undefined,
        'Excel writes each row once, in ascending order: the file was made by another program; open it in Excel and save it again',
      );
    }
    this.rowNumber = number;
    lexer.row = number;
    if (lexer.name !== this.rowName) {
      this.rowName = lexer.name;
      this.prefix = lexer.name.slice(0, lexer.name.length - 3);
      this.inlineStringEnd = `</${this.prefix}is>`;
      this.limitedBuf = '';
    }
    if (lexer.selfClosing) {
      // A formatting-only row (height, style) without cells: not data.
      lexer.row = undefined;
      return;
    }
    this.beginRow(lexer.tokenStart);
  }

  /** Enters the row `rowNumber`, whose start tag begins at `tagStart` in the lexer's buffer. */
  private beginRow(tagStart: number): void {
    this.inRow = true;
    this.rowStart = this.lexer.base + tagStart;
    this.cells = [];
    this.rowHasCells = false;
    this.column = -1;
    this.state = State.Row;
  }

  private endRow(): void {
    if (this.rowHasCells) {
      this.rows.push({ number: this.rowNumber, cells: this.cells });
      this.batchCells += this.cells.length;
    }
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
    const attributes = lexer.attributes;
    while (attributes.next()) {
      if (attributes.nameEnd - attributes.nameStart !== 1) continue;
      const name = buf.charCodeAt(attributes.nameStart);
      if (name === 114)
        column = this.parseCellColumn(); // r
      else if (name === 115)
        style = this.parseStyle(); // s
      else if (name === 116)
        type = this.parseCellType(); // t
      else if (name === 82 || name === 83 || name === 84) throw this.attributeCase(name, 'a cell');
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
      // The common case, read in place without making a string: a number or a string index.
      const buf = this.lexer.buf;
      const start = text.rangeStart;
      const end = text.rangeEnd;
      const type = this.cellType;
      if (type === CellType.Number) {
        const number = readSimpleDecimal(buf, start, end);
        if (!Number.isNaN(number)) {
          text.clear();
          return this.styleNumber(number, this.cellStyle);
        }
      } else if (type === CellType.SharedString) {
        const index = readIndex(buf, start, end);
        if (index >= 0) {
          const value = this.sharedStrings.at(index);
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
  private styleNumber(number: number, style: number): CellValue {
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
        return this.styleNumber(this.parseNumber(text), this.cellStyle);
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
        if (EXCEL_ERROR_VALUES.has(text)) return { kind: 'error', code: text };
        throw this.lexer.fail(
          ErrorCode.MalformedXml,
          `expected an Excel error value such as #N/A or #DIV/0! in the error cell ${this.cellName()}, found ${JSON.stringify(text)}`,
          undefined,
          'Excel knows no such error value, so the file was made by another program; open it in Excel and save it again',
        );
      default: {
        const date = parseIsoDateTime(text);
        if ('expected' in date) {
          throw this.lexer.malformed(
            `expected ${date.expected} in the date cell ${this.cellName()}, found ${quoteVisibly(text)}`,
          );
        }
        return { kind: 'date', serial: date.serial };
      }
    }
  }

  private parseNumber(text: string): number {
    const number = parseNumberText(text);
    if (!Number.isNaN(number)) return number;
    throw this.lexer.malformed(
      `expected a number in cell ${this.cellName()}, found ${quoteVisibly(text)}`,
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
    const value = this.sharedStrings.at(index);
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
    const end = lexer.attributes.valueEnd;
    let number = 0;
    for (let i = lexer.attributes.valueStart; i < end; i++) {
      const ch = buf.charCodeAt(i);
      if (ch < DIGIT_0 || ch > DIGIT_9 || number > MAX_ROWS) return this.badRowNumber();
      number = number * 10 + (ch - DIGIT_0);
    }
    if (number === 0) return this.badRowNumber();
    return number;
  }

  private badRowNumber(): never {
    throw this.lexer.malformed(
      `expected a row number from 1 to ${MAX_ROWS} in r, found ${JSON.stringify(this.lexer.attributes.value())}`,
    );
  }

  /** The 0-based column of a cell reference such as `BC12` (the row part is not checked against the row). */
  private parseCellColumn(): number {
    const lexer = this.lexer;
    const column = readColumn(lexer.buf, lexer.attributes.valueStart, lexer.attributes.valueEnd);
    if (column < 0) {
      throw lexer.malformed(
        `expected a cell reference from A1 to XFD${MAX_ROWS} in r, found ${JSON.stringify(lexer.attributes.value())}`,
      );
    }
    return column;
  }

  private parseStyle(): number {
    const lexer = this.lexer;
    const style = readIndex(lexer.buf, lexer.attributes.valueStart, lexer.attributes.valueEnd);
    if (style < 0) {
      throw lexer.malformed(
        `expected a style index in s, found ${JSON.stringify(lexer.attributes.value())}`,
      );
    }
    return style;
  }

  private parseCellType(): CellType {
    const lexer = this.lexer;
    const type = readCellType(lexer.buf, lexer.attributes.valueStart, lexer.attributes.valueEnd);
    if (type < 0) {
      throw lexer.malformed(
        `expected a cell type (s, str, inlineStr, n, b, e or d) in t, found ${JSON.stringify(lexer.attributes.value())}`,
      );
    }
    return type as CellType;
  }

  private cellName(): string {
    return `${columnName(this.column)}${this.rowNumber}`;
  }
}

const MAX_SAFE_INDEX = 0x7fffffff;

/** The position of the `<` at `at` or after whitespace there, or -1. */
function tagStartAt(buf: string, at: number): number {
  const ch = buf.charCodeAt(at);
  if (ch === LT) return at;
  if (!isXmlSpace(ch)) return -1;
  const lt = skipSpaces(buf, at);
  return buf.charCodeAt(lt) === LT ? lt : -1;
}

/** True when `buf[start, end)` reads the same decoded: no entity, no carriage return. */
function isPlainText(buf: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch === AMP || ch === CR) return false;
  }
  return true;
}

/**
 * The 0-based column of the cell reference `buf[start, end)` such as `BC12` (the row part is only
 * checked to be digits), or -1 when it is not one.
 */
function readColumn(buf: string, start: number, end: number): number {
  let i = start;
  let column = 0;
  for (; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch >= UPPER_A && ch <= UPPER_Z) column = column * 26 + (ch - UPPER_A + 1);
    else if (ch >= LOWER_A && ch <= LOWER_Z) column = column * 26 + (ch - LOWER_A + 1);
    else break;
    if (column > MAX_COLUMNS) return -1;
  }
  if (column === 0) return -1;
  for (; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch < DIGIT_0 || ch > DIGIT_9) return -1;
  }
  return column - 1;
}

/** The unsigned decimal `buf[start, end)` (0 when empty), or -1 when it is not one or too big. */
function readIndex(buf: string, start: number, end: number): number {
  let index = 0;
  for (let i = start; i < end; i++) {
    const ch = buf.charCodeAt(i);
    if (ch < DIGIT_0 || ch > DIGIT_9 || index > MAX_SAFE_INDEX) return -1;
    index = index * 10 + (ch - DIGIT_0);
  }
  return index;
}

/** The {@link CellType} named by the `t` value `buf[start, end)`, or -1. */
function readCellType(buf: string, start: number, end: number): number {
  const length = end - start;
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
  return -1;
}

/** Powers of ten that are exact doubles. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The value of a decimal `-?digits[.digits]` of at most 15 digits in `buf[start, end)`, or NaN
 * for anything else (exponents, more digits), which Number() then reads from a string. The digits
 * make an integer below 2^53 and the scale a power of ten up to 10^22, both exact doubles, so one
 * division rounds once, correctly: the same double Number() gives (Clinger's fast path).
 */
function readSimpleDecimal(buf: string, start: number, end: number): number {
  let i = start;
  const negative = buf.charCodeAt(i) === HYPHEN;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let dot = -1;
  for (; i < end; i++) {
    const ch = buf.charCodeAt(i);
    const digit = ch - DIGIT_0;
    if (digit >= 0 && digit <= 9) {
      mantissa = mantissa * 10 + digit;
      digits++;
    } else if (ch === DOT && dot < 0) {
      dot = i;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const scale = dot < 0 ? 1 : (EXACT_POWERS_OF_TEN[end - dot - 1] ?? 1);
  const value = mantissa / scale;
  return negative ? -value : value;
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
