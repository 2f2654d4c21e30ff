/**
 * The sheet scanner's fast path for the common case: rows and cells written the way Excel and
 * most writers write them, read straight from the lexer's buffer with no token per tag. It
 * falls back to the scanner's general path, which reads token by token, at anything else: a
 * cell not complete in the buffer, an entity or carriage return in a value it would have to
 * decode, rich text, comments, unusual quoting or spacing, another namespace prefix, and every
 * error, which the general path then reports. So the rows come out the same wherever the XML is
 * cut and whichever path reads them; the tests run both over the same sheets.
 */
import type { CellValue } from '../../core/cell.js';
import { MAX_COLUMNS, MAX_ROWS } from '../../core/excel-limits.js';
import type { RowBatch } from '../../reader/row-batch.js';
import * as elementKinds from '../../xml/element-kinds.js';
import * as textEscapes from '../../xml/text-escapes.js';
import * as xmlChars from '../../xml/xml-chars.js';
import type { XmlLexer } from '../../xml/xml-lexer.js';
import * as cellAttributes from './cell-attributes.js';
import type { CellValueReader } from './cell-value-reader.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { CellType, MAX_SAFE_INDEX, readCellType } = cellAttributes;
type CellType = cellAttributes.CellType;
const { ElementKind } = elementKinds;
const { decodePlainText } = textEscapes;
const { CharCode, endOfTag, isXmlSpace, skipAttribute, skipSpaces } = xmlChars;
const { CR, SPACE, QUOT, AMP, SLASH, LT, EQUALS, GT, DIGIT_0, DIGIT_9 } = CharCode;
const { UPPER_A, UPPER_R, UPPER_S, UPPER_T, UPPER_Z } = CharCode;
const { LOWER_A, LOWER_C, LOWER_F, LOWER_I, LOWER_O, LOWER_R } = CharCode;
const { LOWER_S, LOWER_T, LOWER_V, LOWER_W, LOWER_Z } = CharCode;

/**
 * Reads plain rows and cells for a `SheetScanner`, placing them in the same
 * {@link RowBatch} as its general path; the scanner calls {@link readPlainRows} whenever its
 * general path stands between rows or cells.
 */
export class SheetFastPath {
  /**
   * The tag name of the rows, as the general path last read one: the fast path starts only when
   * it knows it. Their namespace prefix (with its colon), which their cells share, and the end
   * tag of an inline string written with it.
   */
  private rowName = '';
  private prefix = '';
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

  constructor(
    private readonly lexer: XmlLexer,
    private readonly rows: RowBatch,
    private readonly values: CellValueReader,
    private readonly maxElementChars: number,
  ) {}

  /**
   * The general path has read a row whose tag is named `name`: the fast path reads the rows
   * after it when theirs is the same, and their cells when they have its prefix.
   */
  useRowName(name: string): void {
    if (name === this.rowName) return;
    this.rowName = name;
    this.prefix = name.slice(0, name.length - 3);
    this.inlineStringEnd = `</${this.prefix}is>`;
    this.limitedBuf = '';
  }

  /**
   * The hot path: reads the rows and cells that follow straight from the lexer's buffer, with no
   * token per tag, as long as they are complete and plain (see {@link readPlainCell} and
   * {@link readPlainRowStart}). It stops at anything else, which the lexer then reads token by
   * token: so the result is the same wherever the XML is cut, and every error is reported by the
   * general path. It needs the rows' tag name, so the first row is read by the general path.
   */
  readPlainRows(): void {
    const lexer = this.lexer;
    if (!lexer.atMarkup || this.rowName === '') return;
    const buf = lexer.buf;
    if (buf !== this.limitedBuf) {
      this.limitedBuf = buf;
      this.plainLimit = buf.lastIndexOf(`</${this.prefix}c>`);
    }
    const rows = this.rows;
    const limit = this.plainLimit;
    const start = lexer.cursor;
    let pos = start;
    while (pos < limit) {
      let end: number;
      if (rows.inRow) {
        end = this.readPlainCell(buf, pos);
        if (end < 0) end = this.readPlainRowEnd(buf, pos);
      } else {
        end = this.readPlainRowStart(buf, pos);
      }
      if (end < 0) break;
      pos = end;
      if (rows.full) break;
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
    const rows = this.rows;
    let number = rows.number + 1;
    let i = name + 3;
    let ch = buf.charCodeAt(i);
    while (ch === SPACE) {
      if (buf.charCodeAt(i + 1) === LOWER_R && buf.charCodeAt(i + 2) === EQUALS) {
        if (buf.charCodeAt(i + 3) !== QUOT) return -1;
        number = this.readIndexValue(buf, i + 4);
        // Out of range or of order: the general path reports it.
        if (number <= rows.number || number > MAX_ROWS) return -1;
      } else if (buf.charCodeAt(i + 1) === UPPER_R && buf.charCodeAt(i + 2) === EQUALS) {
        return -1; // `R`: the general path reports it
      } else if (!this.skipAttribute(buf, i + 1)) {
        return -1;
      }
      i = this.attributeEnd + 1;
      ch = buf.charCodeAt(i);
    }
    if (ch !== GT || number > MAX_ROWS) return -1;
    const lexer = this.lexer;
    lexer.enterElement(this.rowName, ElementKind.Row);
    rows.number = number;
    lexer.row = number;
    rows.begin(lexer.base + lt);
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
    this.rows.end();
    this.lexer.row = undefined;
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
    let column = this.rows.column + 1;
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
      value = this.values.readInPlace(buf, start, end, this.plainType, this.plainStyle);
      if (value === undefined) {
        if (!isPlainText(buf, start, end)) return false;
        text = buf.slice(start, end);
      }
    }
    const rows = this.rows;
    rows.column = this.plainColumn;
    rows.markCell();
    // Converted only now: its errors name the cell.
    if (text !== undefined) value = this.values.convert(text, this.plainType, this.plainStyle);
    // As in the scanner's endCell: an inline string wins over <v>, and a formula without either
    // counts.
    const inline = this.plainInline;
    if (inline !== undefined) value = inline;
    else if (!this.plainHasValue && this.plainHasFormula) rows.formulasWithoutValue++;
    rows.place(value ?? null, this.plainStyle);
    return true;
  }
}

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
