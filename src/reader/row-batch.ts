import type { CellValue } from '../core/cell.js';
import { lettersOfColumn } from '../core/column-letters.js';
import { STYLE_REFUSED } from '../render/cell-styles.js';
import type { SheetRow } from './workbook-reader.js';

/**
 * Most cells (counting the empty ones before a row's last cell) one batch of rows holds.
 * `<row><c r="XFD1"/></row>` is 24 characters of XML but 16,384 cells, so a 512 KiB chunk of
 * such rows would make 350 million of them (gigabytes, from a zip of a few KB): batches are cut
 * by cells, not by XML. About 8 MB of array slots.
 */
export const MAX_BATCH_CELLS = 1_048_576;

/**
 * The rows of a worksheet as the sheet scanner reads them, cell by cell, by its general path or
 * its fast path (both place their cells here), and the batch of finished rows they go out in.
 */
export class RowBatch {
  /** The number of the current row, or of the last one started (a row without `r` counts on). */
  number = 0;
  /** The 0-based column of the current cell, or of the last one (-1 before a row's first). */
  column = -1;
  /** Between the start tag of a row and its end tag. */
  inRow = false;
  /** Absolute offset of the current row's start tag, for the size limit of a row. */
  start = 0;
  /** Formula cells with no cached value seen so far (they read as null). */
  formulasWithoutValue = 0;
  /** Cells whose format the output could not keep (`STYLE_REFUSED`), seen so far. */
  cellsWithoutFormat = 0;
  /** The cells a batch may hold: {@link full} past it. */
  limit = MAX_BATCH_CELLS;
  /**
   * The output style of each cell style, when rows carry their cells' styles
   * ({@link SheetRow.styles}); null when they do not.
   */
  readonly styleTable: Uint32Array | null;

  private rows: SheetRow[] = [];
  /** Cells in {@link rows}, against {@link limit}. */
  private batchCells = 0;
  private cells: CellValue[] = [];
  /** The current row's output styles, made at its first styled cell. */
  private styles: number[] | null = null;
  private hasCells = false;

  constructor(styleTable: Uint32Array | null = null) {
    this.styleTable = styleTable;
  }

  /** The batch holds as many cells as it may. */
  get full(): boolean {
    return this.batchCells >= this.limit;
  }

  /** Enters the row {@link number}, whose start tag begins at the absolute offset `start`. */
  begin(start: number): void {
    this.inRow = true;
    this.start = start;
    this.cells = [];
    this.styles = null;
    this.hasCells = false;
    this.column = -1;
  }

  /** The current row has a cell (placed when it ends, or now). */
  markCell(): void {
    this.hasCells = true;
  }

  /**
   * Puts `value`, of cell style `style`, in the current row at {@link column}, after nulls for
   * any columns skipped.
   */
  place(value: CellValue, style: number): void {
    const cells = this.cells;
    const column = this.column;
    if (column === cells.length) cells.push(value);
    else if (column < cells.length) cells[column] = value;
    else {
      while (cells.length < column) cells.push(null);
      cells.push(value);
    }
    const table = this.styleTable;
    if (table !== null && value !== null) {
      let kept = style < table.length ? (table[style] ?? 0) : 0;
      if (kept >= STYLE_REFUSED) {
        this.cellsWithoutFormat += 1;
        kept = 0;
      }
      this.placeStyle(column, kept);
    } else if (table !== null) this.placeStyle(column, 0);
  }

  /** Sets the output style of the cell at `column` (0: none; a later cell there may have had one). */
  private placeStyle(column: number, style: number): void {
    let styles = this.styles;
    if (style === 0) {
      if (styles !== null && column < styles.length) styles[column] = 0;
      return;
    }
    if (styles === null) styles = this.styles = [];
    while (styles.length < column) styles.push(0);
    styles[column] = style;
  }

  /** Leaves the current row: it joins the batch unless it has no cell. */
  end(): void {
    if (this.hasCells) {
      this.rows.push(
        this.styleTable === null
          ? { number: this.number, cells: this.cells }
          : { number: this.number, cells: this.cells, styles: this.styles },
      );
      this.batchCells += this.cells.length;
    }
    this.inRow = false;
  }

  /** The rows finished since the last call; starts a new batch. */
  take(): SheetRow[] {
    const rows = this.rows;
    if (rows.length > 0) this.rows = [];
    this.batchCells = 0;
    return rows;
  }

  /** The current cell's reference, such as `B12`, for messages. */
  cellName(): string {
    return `${lettersOfColumn(this.column)}${this.number}`;
  }
}
