/**
 * The rows of one worksheet of a BIFF8 workbook stream: its cell records (NUMBER, RK, MULRK,
 * LABELSST, LABEL, RSTRING, BOOLERR, BLANK, MULBLANK, FORMULA with its cached result and the
 * STRING record after a text result) turned into {@link SheetRow}s, in row order.
 *
 * Excel writes cells row block by row block, in row order; other writers need not, and a row's
 * cells may be anywhere in the sheet's records. So the records are first indexed by row (a
 * stable counting sort of their offsets, 4 bytes a record, skipped when they already are in
 * order), then read row by row into a {@link RowBatch}, which gathers rows and their output
 * styles as the .xlsx reader's does.
 */
import { type CellValue, EXCEL_ERROR_BY_BYTE } from '../../core/cell.js';
import { NumberFormatKind } from '../../core/date-format.js';
import { DATE_1904_OFFSET } from '../../core/excel-dates.js';
import type { XlmergeError } from '../../errors.js';
import { RowBatch } from '../../reader/row-batch.js';
import type { ReadStats, SheetRow } from '../../reader/workbook-reader.js';
import {
  corruptRecord,
  hex,
  RECORD_HEADER_BYTES,
  type RecordStream,
  RecordType,
  recordLength,
} from './biff-records.js';
import { ContinuedData, DataEnded, readRecordString } from './biff-strings.js';
import { continuedPieces, type SheetEntry, type WorkbookGlobals } from './workbook-globals.js';

/** Columns of a BIFF8 sheet: A to IV. */
export const BIFF8_COLUMNS = 256;

/** What reading a sheet needs. */
export interface SheetReadContext {
  readonly stream: RecordStream;
  readonly sheet: SheetEntry;
  readonly globals: WorkbookGlobals;
  /** What each XF's number format shows (a {@link NumberFormatKind}), by XF index. */
  readonly formatKinds: Uint8Array;
  /** The output style of each XF, when rows carry their cells' styles. */
  readonly outputStyles: Uint32Array | null;
}

/** The least data of each cell record: row, column and XF index (6 bytes), and its value. */
const MIN_CELL_BYTES_BY_TYPE: ReadonlyMap<number, number> = new Map<number, number>([
  [RecordType.Number, 14],
  [RecordType.Rk, 10],
  [RecordType.MulRk, 12],
  [RecordType.LabelSst, 10],
  [RecordType.Label, 9],
  [RecordType.RString, 9],
  [RecordType.BoolErr, 8],
  [RecordType.Blank, 6],
  [RecordType.MulBlank, 8],
  [RecordType.Formula, 20],
]);

/**
 * {@link MIN_CELL_BYTES_BY_TYPE} as a table by record type (0: not a cell record), which every
 * record of a sheet is looked up in: cell record types are all below 0x300.
 */
const MIN_CELL_BYTES = new Uint8Array(0x300);
for (const [type, bytes] of MIN_CELL_BYTES_BY_TYPE) MIN_CELL_BYTES[type] = bytes;

/**
 * Most cells (counting the empty ones before a row's last cell) a batch of rows holds: about
 * the rows of one inflated chunk of an .xlsx. The whole stream is in memory, so batches could
 * be any size, but rows held for a whole sheet outlive the young generation and cost the
 * garbage collector far more than rows handed on as they are read.
 */
export const XLS_BATCH_CELLS = 65_536;

/**
 * The rows of the sheet, in batches cut as the .xlsx reader cuts them (about a million cells);
 * the counts of `stats` are filled in at the end.
 */
export function* readSheetRows(
  context: SheetReadContext,
  stats?: ReadStats,
): Generator<SheetRow[]> {
  const reader = new SheetCells(context);
  const offsets = reader.indexCells();
  const rows = new RowBatch(context.outputStyles);
  rows.limit = XLS_BATCH_CELLS;
  const { bytes } = context.stream;
  let at = 0;
  while (at < offsets.length) {
    const row = bytes.readUInt16LE((offsets[at] as number) + RECORD_HEADER_BYTES);
    rows.number = row + 1;
    rows.begin(0);
    for (; at < offsets.length; at++) {
      const offset = offsets[at] as number;
      if (bytes.readUInt16LE(offset + RECORD_HEADER_BYTES) !== row) break;
      reader.placeCells(offset, rows);
    }
    rows.end();
    if (rows.full) yield rows.take();
  }
  const last = rows.take();
  if (last.length > 0) yield last;
  if (stats !== undefined) {
    stats.formulasWithoutValue = rows.formulasWithoutValue;
    stats.cellsWithoutFormat = rows.cellsWithoutFormat;
  }
}

/** The cell records of one sheet and what their values are. */
class SheetCells {
  readonly #context: SheetReadContext;
  readonly #bytes: Buffer;
  readonly #dateOffset: number;
  /** The workbook's shared strings, decoded for the first sheet read. */
  readonly #strings: readonly string[];

  constructor(context: SheetReadContext) {
    this.#context = context;
    this.#bytes = context.stream.bytes;
    this.#strings = context.globals.sharedStrings;
    this.#dateOffset = context.globals.date1904 ? DATE_1904_OFFSET : 0;
  }

  /**
   * The offsets of the sheet's cell records, ordered by row (in record order within a row):
   * every record of the sheet is checked to lie inside the stream and every cell record to be
   * long enough and in a column Excel 97 has.
   */
  indexCells(): Uint32Array {
    const { stream, sheet } = this.#context;
    const bytes = this.#bytes;
    let offsets = new Uint32Array(1024);
    let count = 0;
    const perRow = new Uint32Array(0x10000);
    let sorted = true;
    let lastRow = 0;
    // Embedded charts have their own BOF ... EOF inside the sheet's.
    let depth = 0;
    let offset = sheet.offset + RECORD_HEADER_BYTES + recordLength(stream, sheet.offset);
    for (;;) {
      if (offset >= bytes.length) {
        throw this.#corrupt(
          offset,
          'expected the EOF record that ends the sheet, found the end of the stream',
        );
      }
      const length = recordLength(stream, offset);
      const type = bytes.readUInt16LE(offset);
      if (type === RecordType.Bof) depth++;
      else if (type === RecordType.Eof) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0) {
        const least = type < MIN_CELL_BYTES.length ? (MIN_CELL_BYTES[type] as number) : 0;
        if (least !== 0) {
          if (length < least) {
            throw this.#corrupt(
              offset,
              `expected a cell record (type ${hex(type)}) of at least ${least} bytes, found ${length}`,
            );
          }
          const row = bytes.readUInt16LE(offset + RECORD_HEADER_BYTES);
          const column = bytes.readUInt16LE(offset + RECORD_HEADER_BYTES + 2);
          if (column >= BIFF8_COLUMNS) {
            throw this.#corrupt(
              offset,
              `expected a column below ${BIFF8_COLUMNS} (A to IV, as in every Excel 97-2003 sheet), found column ${column + 1} in row ${row + 1}`,
            );
          }
          if (row < lastRow) sorted = false;
          lastRow = row;
          perRow[row] = (perRow[row] as number) + 1;
          if (count === offsets.length) {
            const grown = new Uint32Array(offsets.length * 2);
            grown.set(offsets);
            offsets = grown;
          }
          offsets[count++] = offset;
        }
      }
      offset += RECORD_HEADER_BYTES + length;
    }
    const found = offsets.subarray(0, count);
    return sorted ? found : sortByRow(found, perRow, bytes);
  }

  /** Places the cells of the record at `offset` in the row of `rows`. */
  placeCells(offset: number, rows: RowBatch): void {
    const bytes = this.#bytes;
    const type = bytes.readUInt16LE(offset);
    const data = offset + RECORD_HEADER_BYTES;
    const end = data + bytes.readUInt16LE(offset + 2);
    const column = bytes.readUInt16LE(data + 2);
    const style = bytes.readUInt16LE(data + 4);
    switch (type) {
      case RecordType.MulRk:
      case RecordType.MulBlank: {
        const itemBytes = type === RecordType.MulRk ? 6 : 2;
        const items = (end - data - 6) / itemBytes;
        const last = bytes.readUInt16LE(end - 2);
        if (!Number.isInteger(items) || last !== column + items - 1) {
          throw this.#corrupt(
            offset,
            `expected a ${type === RecordType.MulRk ? 'MULRK' : 'MULBLANK'} record of columns ${column + 1} to ${last + 1} in row ${rows.number} to hold ${last - column + 1} cells, found ${end - data} bytes`,
          );
        }
        if (last >= BIFF8_COLUMNS) {
          throw this.#corrupt(
            offset,
            `expected a column below ${BIFF8_COLUMNS}, found column ${last + 1} in row ${rows.number}`,
          );
        }
        for (let i = 0; i < items; i++) {
          const at = data + 4 + i * itemBytes;
          const itemStyle = bytes.readUInt16LE(at);
          rows.column = column + i;
          rows.markCell();
          rows.place(
            type === RecordType.MulRk
              ? this.#number(decodeRk(bytes.readUInt32LE(at + 2)), itemStyle)
              : null,
            itemStyle,
          );
        }
        return;
      }
      default:
        rows.column = column;
        rows.markCell();
        rows.place(this.#value(type, offset, data, end, rows), style);
    }
  }

  /** The value of a one-cell record. */
  #value(type: number, offset: number, data: number, end: number, rows: RowBatch): CellValue {
    const bytes = this.#bytes;
    const style = bytes.readUInt16LE(data + 4);
    switch (type) {
      case RecordType.Number:
        return this.#number(this.#finite(bytes.readDoubleLE(data + 6), offset, rows), style);
      case RecordType.Rk:
        return this.#number(decodeRk(bytes.readUInt32LE(data + 6)), style);
      case RecordType.LabelSst: {
        const strings = this.#strings;
        const index = bytes.readUInt32LE(data + 6);
        const text = strings[index];
        if (text === undefined) {
          throw this.#corrupt(
            offset,
            `cell ${rows.cellName()} names shared string ${index}, but the shared strings table (SST) has ${strings.length}`,
          );
        }
        return text;
      }
      case RecordType.Label:
      case RecordType.RString: {
        const read = readRecordString(bytes, data + 6, end, 2, this.#context.globals.decode);
        if (read === null)
          throw this.#corrupt(offset, `the text of cell ${rows.cellName()} runs past its record`);
        return read.text;
      }
      case RecordType.BoolErr:
        return bytes.readUInt8(data + 7) === 0
          ? bytes.readUInt8(data + 6) !== 0
          : this.#error(bytes.readUInt8(data + 6), offset, rows);
      case RecordType.Formula:
        return this.#formulaResult(offset, data, rows);
      default:
        // BLANK: a cell with a style and no value.
        return null;
    }
  }

  /**
   * A formula's cached result ([MS-XLS] 2.5.133 FormulaValue): a number, or (marked by 0xFFFF
   * in its last two bytes) text in the STRING record that follows, a boolean, an error or the
   * empty string.
   */
  #formulaResult(offset: number, data: number, rows: RowBatch): CellValue {
    const bytes = this.#bytes;
    const style = bytes.readUInt16LE(data + 4);
    if (bytes.readUInt16LE(data + 12) !== 0xffff) {
      return this.#number(this.#finite(bytes.readDoubleLE(data + 6), offset, rows), style);
    }
    switch (bytes.readUInt8(data + 6)) {
      case 0: {
        const text = this.#formulaString(offset, rows);
        if (text === null) rows.formulasWithoutValue++;
        // Empty text reads as an empty cell, as the .xlsx reader reads `<v></v>`.
        return text === '' ? null : text;
      }
      case 1:
        return bytes.readUInt8(data + 8) !== 0;
      case 2:
        return this.#error(bytes.readUInt8(data + 8), offset, rows);
      case 3:
        // Empty text (a type of its own, with no STRING record): an empty cell, as above.
        return null;
      default:
        throw this.#corrupt(
          offset,
          `expected a number, text, a boolean, an error or empty text as the result of the formula in cell ${rows.cellName()}, found result type ${bytes.readUInt8(data + 6)}`,
        );
    }
  }

  /**
   * The text of the STRING record after the formula at `offset` (past any shared formula,
   * array or table record); null when there is none.
   */
  #formulaString(offset: number, rows: RowBatch): string | null {
    const { stream, globals } = this.#context;
    const bytes = this.#bytes;
    let at = offset + RECORD_HEADER_BYTES + recordLength(stream, offset);
    while (at + RECORD_HEADER_BYTES <= bytes.length) {
      const type = bytes.readUInt16LE(at);
      if (type === RecordType.String) {
        const data = new ContinuedData(bytes, continuedPieces(stream, at));
        try {
          return data.string(globals.decode);
        } catch (error) {
          if (!(error instanceof DataEnded)) throw error;
          throw this.#corrupt(
            at,
            `the text result of the formula in cell ${rows.cellName()} runs past its records`,
          );
        }
      }
      if (
        type !== RecordType.SharedFormula &&
        type !== RecordType.Array &&
        type !== RecordType.Table
      )
        return null;
      at += RECORD_HEADER_BYTES + recordLength(stream, at);
    }
    return null;
  }

  #error(code: number, offset: number, rows: RowBatch): CellValue {
    const value = EXCEL_ERROR_BY_BYTE.get(code);
    if (value === undefined) {
      throw this.#corrupt(
        offset,
        `expected an Excel error code such as 0x2A (#N/A) in cell ${rows.cellName()}, found 0x${code.toString(16).toUpperCase()}`,
      );
    }
    return { kind: 'error', code: value };
  }

  /** A number, or a date when the cell's number format is a date or time format. */
  #number(value: number, style: number): CellValue {
    const kinds = this.#context.formatKinds;
    const kind = style < kinds.length ? kinds[style] : NumberFormatKind.Number;
    if (kind === NumberFormatKind.Number) return value;
    // An elapsed time ([h]:mm) is a duration, not a point in time: the date system does not move it.
    if (kind === NumberFormatKind.Elapsed) return { kind: 'date', serial: value, elapsed: true };
    return { kind: 'date', serial: value + this.#dateOffset };
  }

  #finite(value: number, offset: number, rows: RowBatch): number {
    if (Number.isFinite(value)) return value;
    throw this.#corrupt(
      offset,
      `expected a number in cell ${rows.cellName()}, found ${value} (Excel has no such number)`,
    );
  }

  #corrupt(offset: number, message: string): XlmergeError {
    return corruptRecord(this.#context.stream, offset, message, this.#context.sheet.name);
  }
}

/**
 * An RK number ([MS-XLS] 2.5.217): a 30-bit integer or the top 30 bits of a double, either
 * divided by 100 when its lowest bit says so.
 */
export function decodeRk(rk: number): number {
  const value = (rk & 0x02) !== 0 ? rk >> 2 : doubleOfHighBits(rk & 0xfffffffc);
  return (rk & 0x01) !== 0 ? value / 100 : value;
}

const rkDouble = new DataView(new ArrayBuffer(8));

function doubleOfHighBits(high: number): number {
  rkDouble.setUint32(0, high >>> 0);
  rkDouble.setUint32(4, 0);
  return rkDouble.getFloat64(0);
}

/** The offsets in row order, stable within a row (a counting sort by the rows counted). */
function sortByRow(offsets: Uint32Array, perRow: Uint32Array, bytes: Buffer): Uint32Array {
  const next = new Uint32Array(perRow.length);
  let total = 0;
  for (let row = 0; row < perRow.length; row++) {
    next[row] = total;
    total += perRow[row] as number;
  }
  const sorted = new Uint32Array(offsets.length);
  for (const offset of offsets) {
    const row = bytes.readUInt16LE(offset + RECORD_HEADER_BYTES);
    sorted[next[row] as number] = offset;
    next[row] = (next[row] as number) + 1;
  }
  return sorted;
}
