import { type CellValue, EXCEL_ERROR_VALUES } from '../../core/cell.js';
import { DATE_1904_OFFSET, parseIsoDateTime } from '../../core/excel-dates.js';
import { ErrorCode } from '../../errors.js';
import type { RowBatch } from '../../reader/row-batch.js';
import type { TextCollector } from '../../xml/text-collector.js';
import * as textEscapes from '../../xml/text-escapes.js';
import { CharCode } from '../../xml/xml-chars.js';
import type { XmlLexer } from '../../xml/xml-lexer.js';
import * as cellAttributes from './cell-attributes.js';
import { parseNumberText, quoteVisibly } from './number-text.js';
import type { SheetScanContext } from './sheet-scanner.js';
import type { SharedStringList } from './string-list.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { CellType, MAX_SAFE_INDEX, readIndex } = cellAttributes;
type CellType = cellAttributes.CellType;
const { decodeExcelEscapes } = textEscapes;
const { HYPHEN, DOT, DIGIT_0, DIGIT_9 } = CharCode;

/**
 * Turns the text of a cell's `<v>` into the cell's value, by the cell's type (`t`) and style
 * (`s`): numbers (dates when the style is a date format), shared strings, booleans, errors,
 * strings and ISO dates. Short numbers, string indexes and booleans are read in place, without
 * making a string. Its errors name the current cell of the sheet's {@link RowBatch}.
 */
export class CellValueReader {
  private strings: SharedStringList | null = null;
  private loadStrings: (() => SharedStringList) | null = null;
  private readonly dateStyles: Uint8Array;
  private readonly dateOffset: number;

  constructor(
    context: SheetScanContext,
    private readonly lexer: XmlLexer,
    private readonly rows: RowBatch,
  ) {
    const strings = context.sharedStrings;
    if (typeof strings === 'function') this.loadStrings = strings;
    else this.strings = strings;
    this.dateStyles = context.dateStyles;
    this.dateOffset = context.date1904 ? DATE_1904_OFFSET : 0;
  }

  /** The shared strings, read on first use when the context gave a function. */
  private get sharedStrings(): SharedStringList {
    if (this.strings === null) this.strings = (this.loadStrings as () => SharedStringList)();
    return this.strings;
  }

  /**
   * The value of the `<v>` whose text `text` has gathered, in a cell of type `type` and style
   * `style`.
   */
  readValue(text: TextCollector, type: CellType, style: number): CellValue {
    if (text.isRange) {
      // The common case, read in place without making a string: a number or a string index.
      const buf = this.lexer.buf;
      const start = text.rangeStart;
      const end = text.rangeEnd;
      if (type === CellType.Number) {
        const number = readSimpleDecimal(buf, start, end);
        if (!Number.isNaN(number)) {
          text.clear();
          return this.styleNumber(number, style);
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
    return this.convert(text.take(), type, style);
  }

  /**
   * The value of a cell whose `<v>` text is `buf[start, end)` when it can be read without
   * making a string: empty, a short decimal number, a shared string index, a boolean. Otherwise
   * undefined.
   */
  readInPlace(
    buf: string,
    start: number,
    end: number,
    type: CellType,
    style: number,
  ): CellValue | undefined {
    if (start === end) return null;
    switch (type) {
      case CellType.Number: {
        const number = readSimpleDecimal(buf, start, end);
        return Number.isNaN(number) ? undefined : this.styleNumber(number, style);
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

  /** A number, or a date when the cell's style is a date format. */
  private styleNumber(number: number, style: number): CellValue {
    const flag = style < this.dateStyles.length ? this.dateStyles[style] : 0;
    if (flag === 0) return number;
    // An elapsed time ([h]:mm) is a duration, not a point in time: the date system does not move it.
    if (flag === 2) return { kind: 'date', serial: number, elapsed: true };
    return { kind: 'date', serial: number + this.dateOffset };
  }

  /** Turns the text of `<v>` into a value according to the cell's type and style. */
  convert(text: string, type: CellType, style: number): CellValue {
    if (text === '') return null;
    switch (type) {
      case CellType.Number:
        return this.styleNumber(this.parseNumber(text), style);
      case CellType.SharedString:
        return this.lookUpSharedString(text);
      case CellType.FormulaString:
      case CellType.InlineString:
        return decodeExcelEscapes(text);
      case CellType.Boolean:
        if (text === '1' || text === 'true') return true;
        if (text === '0' || text === 'false') return false;
        throw this.lexer.malformed(
          `expected 0 or 1 in the boolean cell ${this.rows.cellName()}, found ${JSON.stringify(text)}`,
        );
      case CellType.Error:
        if (EXCEL_ERROR_VALUES.has(text)) return { kind: 'error', code: text };
        throw this.lexer.fail(
          ErrorCode.MalformedXml,
          `expected an Excel error value such as #N/A or #DIV/0! in the error cell ${this.rows.cellName()}, found ${JSON.stringify(text)}`,
          undefined,
          'Excel knows no such error value, so the file was made by another program; open it in Excel and save it again',
        );
      default: {
        const date = parseIsoDateTime(text);
        if ('expected' in date) {
          throw this.lexer.malformed(
            `expected ${date.expected} in the date cell ${this.rows.cellName()}, found ${quoteVisibly(text)}`,
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
      `expected a number in cell ${this.rows.cellName()}, found ${quoteVisibly(text)}`,
    );
  }

  private lookUpSharedString(text: string): string {
    let index = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch < DIGIT_0 || ch > DIGIT_9 || index > MAX_SAFE_INDEX) {
        throw this.lexer.malformed(
          `expected a shared string index in cell ${this.rows.cellName()}, found ${JSON.stringify(text)}`,
        );
      }
      index = index * 10 + (ch - DIGIT_0);
    }
    const value = this.sharedStrings.at(index);
    if (value === undefined) {
      throw this.lexer.malformed(
        `expected a shared string index below ${this.sharedStrings.length} in cell ${this.rows.cellName()}, found ${index}`,
      );
    }
    return value;
  }
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
