/**
 * The rows of a worksheet part (`xl/worksheets/sheetN.bin`) from its records, one at a time:
 * inside BrtBeginSheetData … BrtEndSheetData, a BrtRowHdr starts each row (its number, 0-based)
 * and the cell records after it are its cells. Values become what the .xlsx reader makes of
 * the same cell: numbers (dates by the cell's style), strings, booleans, errors, and a
 * formula's cached result. The rows gather in a {@link RowBatch}, as the .xlsx scanner's do.
 */
import { type CellValue, EXCEL_ERROR_BY_BYTE } from '../../core/cell.js';
import { DATE_1904_OFFSET } from '../../core/excel-dates.js';
import { MAX_COLUMNS, MAX_ROWS } from '../../core/excel-limits.js';
import type { XlmergeError } from '../../errors.js';
import { RowBatch } from '../../reader/row-batch.js';
import type { SharedStringList } from '../../reader/string-list.js';
import type { SheetRow } from '../../reader/workbook-reader.js';
import { RecordFields } from './record-fields.js';
import type { RecordReader } from './record-reader.js';
import { RecordType } from './record-types.js';

/** What the sheet reader needs besides the sheet's records. */
export interface SheetRecordsContext {
  /** The workbook's shared strings, for BrtCellIsst. */
  readonly sharedStrings: SharedStringList;
  /** Per cell style: 0 = not a date, 1 = date/time format, 2 = elapsed time (see styles-part.ts). */
  readonly dateStyles: Uint8Array;
  /** The workbook counts dates from 1904: date serials are shifted to the 1900 system. */
  readonly date1904: boolean;
  /** The output style of each cell style, when rows carry their cells' styles. */
  readonly outputStyles: Uint32Array | null;
}

/** Every cell record starts with a `Cell` (2.5.9): the column (4 bytes), the style (3) and flags (1). */
const CELL_BYTES = 8;

/** The fewest payload bytes of each cell record: the Cell, then its value. */
const MIN_CELL_RECORD_BYTES: ReadonlyMap<number, number> = new Map([
  [RecordType.CellBlank, CELL_BYTES],
  [RecordType.CellRk, CELL_BYTES + 4],
  [RecordType.CellError, CELL_BYTES + 1],
  [RecordType.CellBool, CELL_BYTES + 1],
  [RecordType.CellReal, CELL_BYTES + 8],
  [RecordType.CellString, CELL_BYTES + 4],
  [RecordType.CellSharedString, CELL_BYTES + 4],
  [RecordType.FormulaString, CELL_BYTES + 4],
  [RecordType.FormulaNumber, CELL_BYTES + 8],
  [RecordType.FormulaBool, CELL_BYTES + 1],
  [RecordType.FormulaError, CELL_BYTES + 1],
  [RecordType.CellRichString, CELL_BYTES + 5],
]);

const RECORD_NAMES: ReadonlyMap<number, string> = new Map([
  [RecordType.RowHeader, 'BrtRowHdr'],
  [RecordType.CellBlank, 'BrtCellBlank'],
  [RecordType.CellRk, 'BrtCellRk'],
  [RecordType.CellError, 'BrtCellError'],
  [RecordType.CellBool, 'BrtCellBool'],
  [RecordType.CellReal, 'BrtCellReal'],
  [RecordType.CellString, 'BrtCellSt'],
  [RecordType.CellSharedString, 'BrtCellIsst'],
  [RecordType.FormulaString, 'BrtFmlaString'],
  [RecordType.FormulaNumber, 'BrtFmlaNum'],
  [RecordType.FormulaBool, 'BrtFmlaBool'],
  [RecordType.FormulaError, 'BrtFmlaError'],
  [RecordType.CellRichString, 'BrtCellRString'],
]);

/**
 * Reads a worksheet part's records into rows. {@link read} takes each record in turn; the rows
 * finished so far are in {@link rows} (take them when it is full); {@link end} gives the last.
 */
export class SheetRecordReader {
  readonly rows: RowBatch;
  readonly #strings: SharedStringList;
  readonly #dateStyles: Uint8Array;
  readonly #dateOffset: number;
  #inSheetData = false;
  #sheetDataDone = false;
  /** A row header has been read since the sheet data began. */
  #hasRow = false;

  constructor(context: SheetRecordsContext) {
    this.rows = new RowBatch(context.outputStyles);
    this.#strings = context.sharedStrings;
    this.#dateStyles = context.dateStyles;
    this.#dateOffset = context.date1904 ? DATE_1904_OFFSET : 0;
  }

  /** Reads the current record of `reader`. */
  read(reader: RecordReader): void {
    const type = reader.type;
    if (type <= RecordType.FormulaError || type === RecordType.CellRichString) {
      // Cell records mean nothing outside the sheet data, where Excel never writes them.
      if (!this.#inSheetData) return;
      if (type === RecordType.RowHeader) this.#startRow(reader);
      else this.#readCell(reader, type);
    } else if (type === RecordType.BeginSheetData) {
      // Readers would disagree on which of two counts: refuse rather than pick one.
      if (this.#sheetDataDone || this.#inSheetData) {
        throw reader.fail(
          `expected one BrtBeginSheetData, found a second at byte ${reader.recordOffset}`,
        );
      }
      this.#inSheetData = true;
    } else if (type === RecordType.EndSheetData && this.#inSheetData) {
      if (this.rows.inRow) this.rows.end();
      this.#inSheetData = false;
      this.#sheetDataDone = true;
    }
  }

  /** The part has ended: the last rows; throws when it never held the whole sheet data. */
  end(reader: RecordReader): SheetRow[] {
    if (!this.#sheetDataDone) {
      throw reader.fail(
        this.#inSheetData
          ? 'expected BrtEndSheetData at the end of the sheet data, found the part ends first'
          : 'expected the sheet data (BrtBeginSheetData) in the worksheet, found none',
      );
    }
    return this.rows.take();
  }

  #startRow(reader: RecordReader): void {
    const rows = this.rows;
    if (rows.inRow) rows.end();
    // BrtRowHdr (2.4.726): rw, the 0-based row, comes first; the rest is formatting.
    const fields = new RecordFields(reader, 'the row record BrtRowHdr');
    const row = fields.u32();
    if (row >= MAX_ROWS) {
      throw fields.fail(`expected a row from 1 to ${MAX_ROWS}, found row ${row + 1}`);
    }
    const number = row + 1;
    if (number <= rows.number) {
      // As the .xlsx reader: the header is the first non-empty row by number and the output
      // keeps the file's order, so rows out of order are refused rather than sorted.
      throw fields.fail(
        `expected row numbers in ascending order, found row ${number} after row ${rows.number}`,
      );
    }
    rows.number = number;
    rows.begin(0);
    this.#hasRow = true;
  }

  #readCell(reader: RecordReader, type: number): void {
    const bytes = reader.bytes;
    const start = reader.start;
    const rows = this.rows;
    if (reader.end - start < (MIN_CELL_RECORD_BYTES.get(type) ?? CELL_BYTES)) {
      throw this.#fail(reader, type, `expected a whole cell, found ${reader.end - start} bytes`);
    }
    if (!rows.inRow) {
      throw this.#fail(
        reader,
        type,
        this.#hasRow
          ? `expected a BrtRowHdr before the cell, found it after the end of row ${rows.number}`
          : 'expected a BrtRowHdr before the first cell, found none',
      );
    }
    const column = bytes.readUInt32LE(start);
    if (column >= MAX_COLUMNS) {
      throw this.#fail(
        reader,
        type,
        `expected a column from 1 to ${MAX_COLUMNS} in row ${rows.number}, found column ${column + 1}`,
      );
    }
    // iStyleRef: 24 bits, then a byte of flags.
    const style = bytes.readUIntLE(start + 4, 3);
    rows.column = column;
    const at = start + CELL_BYTES;
    let value: CellValue;
    switch (type) {
      case RecordType.CellBlank:
        value = null;
        break;
      case RecordType.CellRk:
        value = this.#styleNumber(decodeRk(bytes.readInt32LE(at)), style);
        break;
      case RecordType.CellReal:
      case RecordType.FormulaNumber:
        value = this.#styleNumber(bytes.readDoubleLE(at), style);
        break;
      case RecordType.CellBool:
      case RecordType.FormulaBool:
        value = this.#readBoolean(reader, type, bytes[at] as number);
        break;
      case RecordType.CellError:
      case RecordType.FormulaError:
        value = this.#readError(reader, type, bytes[at] as number);
        break;
      case RecordType.CellSharedString:
        value = this.#sharedString(reader, type, bytes.readUInt32LE(at));
        break;
      default:
        value = this.#readString(reader, type);
    }
    rows.markCell();
    rows.place(value, style);
  }

  /** A number, or a date when the cell's style is a date format (as the .xlsx reader does). */
  #styleNumber(number: number, style: number): CellValue {
    const flag = style < this.#dateStyles.length ? this.#dateStyles[style] : 0;
    if (flag === 0) return number;
    // An elapsed time ([h]:mm) is a duration, not a point in time: the date system does not move it.
    if (flag === 2) return { kind: 'date', serial: number, elapsed: true };
    return { kind: 'date', serial: number + this.#dateOffset };
  }

  #readBoolean(reader: RecordReader, type: number, byte: number): boolean {
    if (byte === 0 || byte === 1) return byte === 1;
    throw this.#fail(
      reader,
      type,
      `expected 0 or 1 in the boolean cell ${this.rows.cellName()}, found ${byte}`,
    );
  }

  #readError(reader: RecordReader, type: number, byte: number): CellValue {
    const code = EXCEL_ERROR_BY_BYTE.get(byte);
    if (code !== undefined) return { kind: 'error', code };
    throw this.#fail(
      reader,
      type,
      `expected an Excel error value such as #N/A or #DIV/0! in the error cell ${this.rows.cellName()}, found the code 0x${byte.toString(16).padStart(2, '0')}`,
    );
  }

  #sharedString(reader: RecordReader, type: number, index: number): string {
    const value = this.#strings.at(index);
    if (value !== undefined) return value;
    throw this.#fail(
      reader,
      type,
      `expected a shared string index below ${this.#strings.length} in cell ${this.rows.cellName()}, found ${index}`,
    );
  }

  /** The text of BrtCellSt, BrtFmlaString or BrtCellRString, each a string after the Cell. */
  #readString(reader: RecordReader, type: number): CellValue {
    const fields = new RecordFields(reader, `the cell record ${recordName(type)}`);
    fields.skip(CELL_BYTES);
    // BrtCellRString holds a RichStr (2.5.125): a flags byte, then the string.
    if (type === RecordType.CellRichString) fields.skip(1);
    const text = fields.wideString();
    // A formula whose result is "" is an empty cell, as in an .xlsx (`<v></v>`).
    if (type === RecordType.FormulaString && text === '') return null;
    return text;
  }

  #fail(reader: RecordReader, type: number, message: string): XlmergeError {
    return reader.fail(`${message} (${recordName(type)} at byte ${reader.recordOffset})`);
  }
}

function recordName(type: number): string {
  return RECORD_NAMES.get(type) ?? `record ${type}`;
}

/**
 * The number an `RkNumber` (MS-XLSB 2.5.122) holds: bit 0 says it was multiplied by 100, bit 1
 * that the other 30 bits are a signed integer, else the high 30 bits of a double whose low 34
 * bits are 0.
 */
export function decodeRk(rk: number): number {
  let value: number;
  if ((rk & 2) !== 0) {
    value = rk >> 2;
  } else {
    // The double's little-endian bytes: 4 zero bytes, then rk's with its 2 flag bits cleared.
    RK_BUFFER.setUint32(0, 0, true);
    RK_BUFFER.setInt32(4, rk & ~3, true);
    value = RK_BUFFER.getFloat64(0, true);
  }
  return (rk & 1) !== 0 ? value / 100 : value;
}

const RK_BUFFER = new DataView(new ArrayBuffer(8));
