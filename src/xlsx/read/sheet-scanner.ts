/**
 * The reader of a worksheet's XML as it streams in, and its general path: it reads every token
 * the lexer gives, keeps track of the element it is in, and reports every error. Whenever it
 * stands between rows or cells it first lets its fast path (sheet-fast-path.ts) read the plain
 * ones that follow. Cell attributes are read by cell-attributes.ts, values by
 * cell-value-reader.ts, and both paths gather their rows in a RowBatch (row-batch.ts).
 */
import type { CellValue } from '../../core/cell.js';
import { MAX_ROWS } from '../../core/excel-limits.js';
import { ErrorCode, type XlmergeError } from '../../errors.js';
import { RowBatch } from '../../reader/row-batch.js';
import type { SheetRow } from '../../reader/workbook-reader.js';
import { ElementKind, unknownElement } from '../../xml/element-kinds.js';
import { TextCollector } from '../../xml/text-collector.js';
import { isBlank, quoteSnippet } from '../../xml/xml-chars.js';
import { XmlLexer, XmlToken } from '../../xml/xml-lexer.js';
import * as cellAttributes from './cell-attributes.js';
import { CellValueReader } from './cell-value-reader.js';
import { RichTextReader } from './rich-text-reader.js';
import { SheetFastPath } from './sheet-fast-path.js';
import type { SharedStringList } from './string-list.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { CellType, attributeCaseError, parseCellColumn, parseCellType, parseRowNumber, parseStyle } =
  cellAttributes;
type CellType = cellAttributes.CellType;

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
  /**
   * The output style of each cell style, when cells keep their number format (rows then carry
   * `styles`); absent or null when they do not.
   */
  readonly outputStyles?: Uint32Array | null;
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

/**
 * Reads the rows of one worksheet's XML as it streams in. Only `<sheetData>` matters; any
 * namespace prefix works. Each `push` returns the rows it completed; `end` checks that the XML
 * was complete. The same XML cut into any pieces gives the same rows.
 */
export class SheetScanner {
  private readonly lexer: XmlLexer;
  private readonly text: TextCollector;
  private readonly rich: RichTextReader;
  private readonly rows: RowBatch;
  private readonly values: CellValueReader;
  private readonly fastPath: SheetFastPath;
  private readonly maxElementChars: number;

  private state: State = State.Outside;
  private skipDepth = 0;
  private skipReturn: State = State.Outside;
  private sheetDataDone = false;
  /** The scan stopped at a full batch, before the end of the text pushed so far. */
  private full = false;

  private cellStyle = 0;
  private cellType: CellType = CellType.Number;
  private cellHasValue = false;
  private cellHasFormula = false;
  private cellHasInline = false;
  private cellValue: CellValue = null;

  constructor(context: SheetScanContext) {
    this.rows = new RowBatch(context.outputStyles ?? null);
    this.lexer = new XmlLexer(
      { file: context.file, part: context.part, sheet: context.sheet },
      context.maxElementChars,
    );
    this.text = new TextCollector(this.lexer);
    this.rich = new RichTextReader(
      this.lexer,
      () => `the inline string of cell ${this.rows.cellName()}`,
    );
    this.values = new CellValueReader(context, this.lexer, this.rows);
    this.fastPath = new SheetFastPath(this.lexer, this.rows, this.values, context.maxElementChars);
    this.maxElementChars = context.maxElementChars;
  }

  /** Formula cells with no cached value seen so far (they read as null). */
  get formulasWithoutValue(): number {
    return this.rows.formulasWithoutValue;
  }

  /** Cells whose number format the output could not keep, so far (see `STYLE_REFUSED`). */
  get cellsWithoutFormat(): number {
    return this.rows.cellsWithoutFormat;
  }

  /**
   * Feeds the next piece of decoded sheet XML; returns the rows completed by it (possibly none).
   * A batch holds at most about MAX_BATCH_CELLS cells (see row-batch.ts): when it is full, the
   * rest of the text waits for {@link drain}, which the caller should call until it returns no
   * rows.
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
    this.rows.number = number;
  }

  /** The number of the last row started (what a row without `r` counts on from). */
  get lastRowNumber(): number {
    return this.rows.number;
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
    this.rows.limit = Number.POSITIVE_INFINITY;
    this.scan();
    this.lexer.finish();
    if (!this.sheetDataDone) {
      throw this.lexer.malformed('expected a <sheetData> element in the worksheet, found none');
    }
    return this.rows.take();
  }

  private scanBatch(): SheetRow[] {
    this.scan();
    const rows = this.rows;
    if (rows.inRow && this.lexer.base + this.lexer.buf.length - rows.start > this.maxElementChars) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `Row ${rows.number} is longer than ${this.maxElementChars} characters of XML`,
      );
    }
    return rows.take();
  }

  private scan(): void {
    const lexer = this.lexer;
    const rows = this.rows;
    this.full = false;
    for (;;) {
      if (this.state === State.Row || this.state === State.SheetData) {
        this.fastPath.readPlainRows();
        // The fast path enters and leaves rows itself: it may have stopped in a row or between.
        this.state = rows.inRow ? State.Row : State.SheetData;
      }
      if (rows.full) {
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
          const number = this.rows.number;
          const after = number === 0 ? 'before the first row' : `after row ${number}`;
          throw unknownElement(lexer, `<row> in <sheetData> ${after}`);
        }
        return;
      case State.Row:
        if (kind === ElementKind.Cell) this.startCell();
        else if (kind === ElementKind.ExtensionList) this.skip();
        else throw unknownElement(lexer, `<c> or <extLst> in row ${this.rows.number}`);
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
            this.cellValue = this.values.readValue(this.text, this.cellType, this.cellStyle);
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
          throw unknownElement(lexer, `<f>, <v>, <is> or <extLst> in cell ${this.rows.cellName()}`);
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
        this.cellValue = this.values.readValue(this.text, this.cellType, this.cellStyle);
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

  /** A second `<v>` or `<is>` in a cell: which one is the value, readers would disagree. */
  private secondElement(name: string): XlmergeError {
    return this.lexer.malformed(
      `expected one ${name} in cell ${this.rows.cellName()}, found a second`,
    );
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
    const rows = this.rows;
    const attributes = lexer.attributes;
    let number = rows.number + 1;
    while (attributes.next()) {
      if (attributes.nameEnd - attributes.nameStart !== 1) continue;
      const name = lexer.buf.charCodeAt(attributes.nameStart);
      if (name === 114)
        number = parseRowNumber(lexer); // r
      else if (name === 82) throw attributeCaseError(lexer, name, 'a row', rows.number); // R
    }
    if (number > MAX_ROWS) {
      throw lexer.malformed(`expected at most ${MAX_ROWS} rows, found row ${number}`);
    }
    if (number <= rows.number) {
      // The header is the first non-empty row by number, and the output keeps the file's
      // order: rows out of order would change both. No writer makes them (ECMA-376 requires
      // ascending rows), so they are refused rather than sorted.
      lexer.row = number;
      throw lexer.fail(
        ErrorCode.MalformedXml,
        `expected row numbers in ascending order, found row ${number} after row ${rows.number}`,
        undefined,
        'Excel writes each row once, in ascending order: the file was made by another program; open it in Excel and save it again',
      );
    }
    rows.number = number;
    lexer.row = number;
    this.fastPath.useRowName(lexer.name);
    if (lexer.selfClosing) {
      // A formatting-only row (height, style) without cells: not data.
      lexer.row = undefined;
      return;
    }
    rows.begin(lexer.base + lexer.tokenStart);
    this.state = State.Row;
  }

  private endRow(): void {
    this.rows.end();
    this.lexer.row = undefined;
    this.state = State.SheetData;
  }

  private startCell(): void {
    const lexer = this.lexer;
    const buf = lexer.buf;
    const rows = this.rows;
    let column = rows.column + 1;
    let style = 0;
    let type: CellType = CellType.Number;
    const attributes = lexer.attributes;
    while (attributes.next()) {
      if (attributes.nameEnd - attributes.nameStart !== 1) continue;
      const name = buf.charCodeAt(attributes.nameStart);
      if (name === 114)
        column = parseCellColumn(lexer); // r
      else if (name === 115)
        style = parseStyle(lexer); // s
      else if (name === 116)
        type = parseCellType(lexer); // t
      else if (name === 82 || name === 83 || name === 84) {
        throw attributeCaseError(lexer, name, 'a cell', rows.number);
      }
    }
    rows.column = column;
    this.cellStyle = style;
    this.cellType = type;
    this.cellHasValue = false;
    this.cellHasFormula = false;
    this.cellHasInline = false;
    this.cellValue = null;
    rows.markCell();
    if (lexer.selfClosing) rows.place(null, 0);
    else this.state = State.Cell;
  }

  private endCell(): void {
    let value: CellValue = null;
    if (this.cellHasInline) value = this.rich.value;
    else if (this.cellHasValue) value = this.cellValue;
    else if (this.cellHasFormula) this.rows.formulasWithoutValue++;
    this.rows.place(value, this.cellStyle);
    this.state = State.Row;
  }
}
