import { type CellValue, isEmptyCell } from '../core/cell.js';
import { columnLetters } from '../core/column-letters.js';
import { MAX_CELL_TEXT, MAX_COLUMNS } from '../core/excel-limits.js';
import { ColumnNamer, countNamedCells, type SourceColumn } from '../core/header.js';
import { type FoundHeader, HeaderFinder } from '../core/header-row.js';
import {
  allColumnsKeyOf,
  keyOf,
  type NamedColumn,
  writeAllColumnsKey,
  writeKey,
} from '../core/key.js';
import { keyIdentity, packKeys } from '../core/packed-keys.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { SheetInfo, SheetRow } from '../reader/workbook-reader.js';
import { renderRowCellsInto } from '../render/cell-xml.js';
import { renderCsvFieldsInto } from '../render/csv-field.js';
import type { RenderBuffer } from '../render/render-buffer.js';
import {
  type CsvRows,
  padCsvRows,
  type RenderedRows,
  selectRows,
} from '../render/rendered-rows.js';
import {
  CELL_WIDTH_BITS,
  ROW_RECORD_WORDS,
  RowRecord,
} from '../xlsx/read/row-engine/engine-layout.js';
import type { EngineRows } from '../xlsx/read/row-engine/row-engine.js';
import type { FileRows } from './file-rows.js';
import type { ParseThread } from './parse-thread.js';
import type { DroppedRows, ParseTask, SheetResult } from './protocol.js';

/**
 * One sheet's rows as they are read: finds the header, keys each row, keeps or drops it (with
 * `keep: 'first'`, on sight), and renders the rows it keeps as the task asks.
 */
export class SheetRows {
  readonly info: SheetInfo;
  readonly #task: ParseTask;
  readonly #file: FileRows;
  readonly #thread: ParseThread;
  readonly #finder: HeaderFinder;
  #namer: ColumnNamer | null = null;
  #headerRow = 0;
  /** Rows above the header taken for title lines. */
  #titleLines: readonly number[] = [];
  /** Key columns by index, or (dedupe on all columns) by name, sorted by name. */
  #keyIndexes: number[] = [];
  #keyColumns: NamedColumn[] | null = null;
  /**
   * With `columns`: the source column of each output position (-1: the sheet lacks it), and
   * the row's cells in those positions (one array, refilled per row).
   */
  #slots: number[] | null = null;
  /** With `columns`: each selected name's output position, by its compared form. */
  #positions: ReadonlyMap<string, number> | null = null;
  readonly #slotCells: CellValue[] = [];
  /** The placed row's output styles, like {@link #slotCells}. */
  readonly #slotStyles: number[] = [];
  /**
   * Output letters of each source column (`source + columnOffset`), or with `columns` of each
   * output position (`position + columnOffset`), grown on demand.
   */
  readonly #letters: string[] = [];
  /** Widest text per source column, or with `columns` per output position. */
  readonly #widths: number[] = [];
  /** The rendered rows (cell XML or CSV fields) and the offset where each ends. */
  readonly #xml: RenderBuffer;
  /** The rendered rows, taken out of the render buffer when the sheet ends. */
  #rendered: Uint8Array | null = null;
  readonly #ends: number[] = [];
  /** Render `csv`: fields per row now (see `CsvRows.fields`). */
  #csvWidth = 0;
  /**
   * Render `csv`: each time the width grew under rendered rows, how many rows there were and
   * their width, so `result` can pad them to the final width.
   */
  readonly #csvNarrower: { readonly rows: number; readonly width: number }[] = [];
  readonly #values: CellValue[][] = [];
  /** With keep `first` and `reportDuplicates`: the rows dropped on sight. */
  /** The output styles of the rows in {@link #values}, when the task keeps formats. */
  readonly #valueStyles: (number[] | null)[] = [];
  readonly #dropped: {
    keys: string[];
    rowNumbers: number[];
    values: CellValue[][];
    styles: (number[] | null)[] | null;
  } = {
    keys: [],
    rowNumbers: [],
    values: [],
    styles: null,
  };
  /** With keep `last` or `none`: every row's key, for the file's dedupe at its end. */
  readonly keys: (string | null)[] = [];
  /** With keep `first`: the sheet's keys in the file's packer, from `#firstKey` to `#endKey`. */
  readonly #firstKey: number;
  #endKey = 0;
  readonly #rowNumbers: number[] = [];
  rowsRead = 0;
  blankRows = 0;

  constructor(info: SheetInfo, task: ParseTask, file: FileRows, thread: ParseThread) {
    this.info = info;
    this.#task = task;
    this.#file = file;
    this.#thread = thread;
    this.#xml = thread.newRenderBuffer();
    this.#firstKey = file.packer.count;
    this.#finder = new HeaderFinder(task.headerRow);
  }

  /**
   * Ends the sheet: the rows held while finding the header are read, then it notes where its
   * keys end and takes its rendered rows (the buffer itself).
   */
  endRendering(): void {
    const found = this.#finder.end();
    if (found !== null) this.#startAt(found);
    this.#endKey = this.#file.packer.count;
    if (this.#task.render === 'xlsx' || this.#task.render === 'csv') {
      this.#thread.noteRendered(this.#xml.length);
    }
    this.#rendered = this.#xml.detach();
  }

  get hasHeader(): boolean {
    return this.#namer !== null;
  }

  /** The old names of `rename` that renamed a column of this sheet. */
  renamesUsed(): string[] {
    return this.#namer?.renamesUsed() ?? [];
  }

  /** Rows are held to decide whether the first is a title line (see `HeaderFinder`). */
  get decidingHeader(): boolean {
    return this.#finder.deciding;
  }

  add(row: SheetRow): void {
    if (this.#namer === null) {
      const found = this.#finder.add(row);
      if (found !== null) this.#startAt(found);
      return;
    }
    this.#addData(row);
  }

  /** The header is found: the columns are named, and the rows held meanwhile are read. */
  #startAt(found: FoundHeader): void {
    this.#startColumns(found.header.cells, found.header.number);
    this.#titleLines = found.titleLines;
    for (const row of found.rows) this.#addData(row as SheetRow);
  }

  #addData(row: SheetRow): void {
    let cells = row.cells;
    if (isBlank(cells)) {
      this.blankRows += 1;
      return;
    }
    this.rowsRead += 1;
    const namer = this.#namer as ColumnNamer;
    const added = namer.addCells(cells);
    if (added.length > 0) this.#columnsGrew(namer, added, row.number);
    if (this.#task.keep !== 'first') this.keys.push(this.#keyOf(cells));
    else if (!this.#packKey(cells)) {
      this.#file.duplicates += 1;
      if (this.#task.reportDuplicates) {
        this.#dropped.keys.push(this.#file.packer.refusedIdentity());
        this.#dropped.rowNumbers.push(row.number);
        this.#dropped.values.push(cells);
        if (this.#task.outputStyles !== null) {
          this.#dropped.styles ??= [];
          this.#dropped.styles.push(row.styles ?? null);
        }
      }
      return;
    }
    this.#rowNumbers.push(row.number);
    if (this.#task.truncateLong) cells = this.#truncateLong(cells);
    if (this.#task.render === 'values' || this.#task.reportDuplicates) {
      this.#values.push(cells);
      if (this.#task.outputStyles !== null) this.#valueStyles.push(row.styles ?? null);
    }
    if (this.#task.render === 'none') {
      // A dry run renders nothing but must fail where the real run would.
      if (
        this.#task.sheetLimits &&
        cells.some((cell) => typeof cell === 'string' && cell.length > MAX_CELL_TEXT)
      ) {
        throw this.#withPlace(
          new XlmergeError(ErrorCode.CellTooLong, tooLongMessage(cells)),
          row.number,
          cells,
        );
      }
    } else if (this.#task.render === 'xlsx') {
      const start = this.#xml.length;
      try {
        const slots = this.#slots;
        const styles = row.styles ?? null;
        if (slots === null) {
          renderRowCellsInto(
            this.#xml,
            cells,
            this.#lettersFor(cells.length),
            this.#widths,
            styles,
          );
        } else {
          const placed = this.#placeCells(slots, cells);
          renderRowCellsInto(
            this.#xml,
            placed,
            this.#lettersFor(slots.length),
            this.#widths,
            styles === null ? null : this.#placeStyles(slots, styles),
          );
        }
      } catch (error) {
        this.#xml.truncate(start);
        throw this.#withPlace(error, row.number, cells);
      }
      this.#ends.push(this.#xml.length);
    } else if (this.#task.render === 'csv') {
      const slots = this.#slots;
      if (slots === null) renderCsvFieldsInto(this.#xml, cells, this.#csvWidth);
      else renderCsvFieldsInto(this.#xml, this.#placeCells(slots, cells), slots.length);
      this.#ends.push(this.#xml.length);
    }
  }

  /**
   * The columns the row engine reads with, once the header is known: which source columns are
   * named, and the key's source columns in key order. Null when the engine cannot take them.
   */
  engineColumns(): { named: boolean[]; keyColumns: number[] } | null {
    const namer = this.#namer;
    if (namer === null || this.#keyColumns !== null || this.#slots !== null) return null;
    const named: boolean[] = [];
    for (const column of namer.columns()) {
      while (named.length < column.source) named.push(false);
      named[column.source] = true;
    }
    // A width for every column the engine may write, so that addEngineRows never reads or
    // writes past the array's end (V8 would drop its optimised code each time it did).
    const widths = this.#widths;
    while (widths.length < named.length) widths.push(0);
    return { named, keyColumns: this.#task.keyColumns === null ? [] : [...this.#keyIndexes] };
  }

  /**
   * Takes rows the row engine read (data rows, after the header): each is keyed, and kept or
   * dropped, as {@link add} would; a kept row's cell XML is the engine's, byte for byte what
   * `renderRowCellsInto` writes.
   */
  addEngineRows(rows: EngineRows): void {
    const { count, records, out, keys, cellWidths } = rows;
    const packer = this.#file.packer;
    const xml = this.#xml;
    const widths = this.#widths;
    let outAt = 0;
    let keyAt = 0;
    let widthAt = 0;
    // Kept rows that follow each other are copied in one piece: `base` maps the engine's
    // offsets to the render buffer's for the piece being gathered from `runStart`.
    let runStart = 0;
    let base = xml.length;
    for (let i = 0; i < count; i++) {
      const record = i * ROW_RECORD_WORDS;
      const outEnd = records[record + RowRecord.outEnd] as number;
      const keyEnd = records[record + RowRecord.keyEnd] as number;
      const widthEnd = records[record + RowRecord.widthsEnd] as number;
      this.rowsRead += 1;
      packer.startKey();
      packer.bytes(keys, keyAt, keyEnd);
      if (packer.endKey(records[record + RowRecord.present] === 1)) {
        this.#rowNumbers.push(records[record + RowRecord.number] as number);
        this.#ends.push(base + outEnd);
        for (let w = widthAt; w < widthEnd; w++) {
          const cell = cellWidths[w] as number;
          const column = cell >>> CELL_WIDTH_BITS;
          const width = cell & CELL_WIDTH_MASK;
          if (width > (widths[column] ?? 0)) widths[column] = width;
        }
      } else {
        this.#file.duplicates += 1;
        xml.copyFrom(out, runStart, outAt);
        runStart = outEnd;
        base = xml.length - outEnd;
      }
      outAt = outEnd;
      keyAt = keyEnd;
      widthAt = widthEnd;
    }
    xml.copyFrom(out, runStart, outAt);
  }

  /** The row's cells in the selected columns' order (one array, refilled per row). */
  #placeCells(slots: readonly number[], cells: readonly CellValue[]): CellValue[] {
    const placed = this.#slotCells;
    for (let i = 0; i < slots.length; i += 1) {
      const source = slots[i] as number;
      placed[i] = source < 0 ? null : (cells[source] ?? null);
    }
    return placed;
  }

  /** The row's output styles in the selected columns' order, as {@link #placeCells}. */
  #placeStyles(slots: readonly number[], styles: readonly number[]): number[] {
    const placed = this.#slotStyles;
    for (let i = 0; i < slots.length; i += 1) {
      const source = slots[i] as number;
      placed[i] = source < 0 ? 0 : (styles[source] ?? 0);
    }
    return placed;
  }

  /** Cuts text past Excel's limit, counting the cells cut. */
  #truncateLong(cells: CellValue[]): CellValue[] {
    let result = cells;
    cells.forEach((cell, index) => {
      if (typeof cell !== 'string' || cell.length <= MAX_CELL_TEXT) return;
      if (result === cells) result = [...cells];
      // Never cut a character in half: drop a lone high surrogate at the end.
      const end = isHighSurrogate(cell.charCodeAt(MAX_CELL_TEXT - 1))
        ? MAX_CELL_TEXT - 1
        : MAX_CELL_TEXT;
      result[index] = cell.slice(0, end);
      this.#file.truncatedCells += 1;
    });
    return result;
  }

  /** A render error, told with the file, sheet and row (and for a long text, the column). */
  #withPlace(error: unknown, row: number, cells: readonly CellValue[]): unknown {
    if (!(error instanceof XlmergeError)) return error;
    if (error.code === ErrorCode.TooManyColumns) {
      // A cell past column XFD, with few columns named (the rest of the row empty).
      return error.withContext({
        file: this.#task.display,
        sheet: this.info.name,
        row,
      });
    }
    if (error.code !== ErrorCode.CellTooLong) return error;
    const index = cells.findIndex(
      (cell) => typeof cell === 'string' && cell.length > MAX_CELL_TEXT,
    );
    const name = this.#namer?.columns().find((column) => column.source === index)?.name;
    return new XlmergeError(ErrorCode.CellTooLong, error.message, {
      file: this.#task.display,
      sheet: this.info.name,
      row,
      column: name === undefined ? columnLetters(index) : `${columnLetters(index)} ("${name}")`,
      hint: 'Shorten the text, or use `truncateLong: true` to cut it to 32,767 characters',
      cause: error,
    });
  }

  /** The sheet's surviving rows; `kept` lists them when the file decided at the end. */
  result(kept: readonly number[] | null): SheetResult {
    const namer = this.#namer ?? new ColumnNamer([], this.#task.headers);
    let columns = namer.columns();
    let widths = columns.map((column) =>
      Math.max(column.name.length, this.#widths[column.source] ?? 0),
    );
    let otherColumns: string[] = [];
    const selected = this.#task.columns;
    if (selected !== null) {
      const slots = this.#slots ?? [];
      const chosen = new Set(slots);
      otherColumns = columns.filter((column) => !chosen.has(column.source)).map((c) => c.name);
      columns = [];
      widths = [];
      slots.forEach((source, position) => {
        if (source < 0) return;
        const name = selected[position] as string;
        columns.push({ source, name });
        widths.push(Math.max(name.length, this.#widths[position] ?? 0));
      });
    }
    const pick = <T>(items: readonly T[]): T[] =>
      kept === null ? [...items] : kept.map((index) => items[index] as T);
    let xml: RenderedRows | null = null;
    let csv: CsvRows | null = null;
    if (this.#task.render === 'xlsx' || this.#task.render === 'csv') {
      const bytes = this.#rendered ?? new Uint8Array(0);
      let all: RenderedRows = { bytes, ends: Uint32Array.from(this.#ends) };
      if (this.#task.render === 'xlsx') xml = kept === null ? all : selectRows(all, kept);
      else {
        if (this.#csvNarrower.length > 0) all = padCsvRows(all, this.#csvNarrower, this.#csvWidth);
        const rows = kept === null ? all : selectRows(all, kept);
        csv = { ...rows, fields: this.#csvWidth };
      }
    }
    return {
      name: this.info.name,
      index: this.info.index,
      headerRow: this.#headerRow,
      titleLines: this.#titleLines,
      columns,
      otherColumns,
      placed: selected !== null,
      rowsRead: this.rowsRead,
      keys:
        this.#task.keep === 'first'
          ? this.#file.packer.slice(this.#firstKey, this.#endKey)
          : packKeys(pick(this.keys)),
      rowNumbers: pick(this.#rowNumbers),
      xml,
      csv,
      values:
        this.#task.render === 'values' || this.#task.reportDuplicates ? pick(this.#values) : null,
      valueStyles:
        (this.#task.render === 'values' || this.#task.reportDuplicates) &&
        this.#task.outputStyles !== null
          ? pick(this.#valueStyles)
          : null,
      dropped: this.#task.reportDuplicates ? this.#droppedRows(kept) : null,
      widths,
    };
  }

  /** The rows dropped inside the file: on sight (keep `first`), or all but `kept`. */
  #droppedRows(kept: readonly number[] | null): DroppedRows {
    // Keep `first` collected the dropped rows' keys in their identity form already.
    if (kept === null) return { ...this.#dropped };
    const survives = new Set(kept);
    const styles = this.#task.outputStyles === null ? null : this.#valueStyles;
    const dropped: DroppedRows & {
      keys: string[];
      rowNumbers: number[];
      values: CellValue[][];
      styles: (number[] | null)[] | null;
    } = { keys: [], rowNumbers: [], values: [], styles: styles === null ? null : [] };
    this.keys.forEach((key, index) => {
      if (key === null || survives.has(index)) return;
      dropped.keys.push(keyIdentity(key));
      dropped.rowNumbers.push(this.#rowNumbers[index] as number);
      dropped.values.push(this.#values[index] as CellValue[]);
      if (styles !== null) dropped.styles?.push(styles[index] ?? null);
    });
    return dropped;
  }

  #startColumns(header: readonly CellValue[], row: number): void {
    // Before the names are made unique: a hostile header may have any number of columns.
    if (this.#limitsColumns) this.#checkColumnCount(countNamedCells(header), row, 'header');
    const namer = new ColumnNamer(header, this.#task.headers);
    this.#namer = namer;
    this.#headerRow = row;
    const selected = this.#task.columns;
    if (selected !== null) {
      this.#positions = new Map(selected.map((name, position) => [namer.keyOf(name), position]));
      this.#slots = selected.map(() => -1);
      this.#placeColumns(this.#slots, namer, namer.columns());
    }
    this.#csvWidth = this.#csvWidthOf(namer);
    const wanted = this.#task.keyColumns;
    if (wanted === 'all') this.#keyColumns = this.#addKeyColumns([], namer, namer.columns());
    else if (wanted !== null) {
      const indexes = wanted.map((name) => namer.indexOf(name));
      const missing = wanted.filter((_, i) => indexes[i] === undefined);
      if (missing.length > 0) throw this.#missingKeyColumns(missing, namer);
      this.#keyIndexes = indexes as number[];
    }
  }

  /**
   * Columns first reached by data: they may be key columns or selected ones. Only the new
   * columns are looked at, so that rows reaching one more column each cost in proportion to
   * the row (going over every column each time, a sparse 83 KB sheet whose rows each reach a
   * new column took 24 s to CSV).
   */
  #columnsGrew(namer: ColumnNamer, added: readonly SourceColumn[], row: number): void {
    if (this.#limitsColumns) this.#checkColumnCount(namer.size, row, 'data');
    if (this.#slots !== null) this.#placeColumns(this.#slots, namer, added);
    if (this.#keyColumns !== null) this.#addKeyColumns(this.#keyColumns, namer, added);
    const width = this.#csvWidthOf(namer);
    if (width !== this.#csvWidth && this.#ends.length > 0) {
      this.#csvNarrower.push({ rows: this.#ends.length, width: this.#csvWidth });
    }
    this.#csvWidth = width;
  }

  /**
   * Excel's column limit applies to this sheet's own columns: the output is a workbook, and
   * without `columns` every column of the sheet goes into it (the merged header has them all,
   * which `reduceFiles` checks again across files).
   */
  get #limitsColumns(): boolean {
    return this.#task.sheetLimits && this.#task.columns === null;
  }

  #checkColumnCount(count: number, row: number, reached: 'header' | 'data'): void {
    if (count <= MAX_COLUMNS) return;
    const counted = count.toLocaleString('en-US');
    throw new XlmergeError(
      ErrorCode.TooManyColumns,
      reached === 'header'
        ? `The header has ${counted} columns; an Excel sheet holds ${MAX_COLUMNS.toLocaleString('en-US')}`
        : `With this row the sheet has ${counted} columns; an Excel sheet holds ${MAX_COLUMNS.toLocaleString('en-US')}`,
      {
        file: this.#task.display,
        sheet: this.info.name,
        row,
        hint: TOO_MANY_COLUMNS_HINT,
      },
    );
  }

  /** Fields per CSV row: up to the last named column, or one per selected column. */
  #csvWidthOf(namer: ColumnNamer): number {
    if (this.#task.render !== 'csv') return 0;
    if (this.#slots !== null) return this.#slots.length;
    return namer.width;
  }

  /** Puts each of `columns` that is selected in its output position (`slots`: its source). */
  #placeColumns(slots: number[], namer: ColumnNamer, columns: readonly SourceColumn[]): void {
    const positions = this.#positions as ReadonlyMap<string, number>;
    for (const column of columns) {
      const position = positions.get(namer.keyOf(column.name));
      if (position !== undefined) slots[position] = column.source;
    }
  }

  /**
   * Dedupe on all columns: adds `columns` (with `columns` selected, the selected ones) to the
   * key columns `keyColumns`, by name in its compared form, so loosely equal names in two
   * files key alike, kept sorted by that name (a sheet's compared names are all different).
   */
  #addKeyColumns(
    keyColumns: NamedColumn[],
    namer: ColumnNamer,
    columns: readonly SourceColumn[],
  ): NamedColumn[] {
    const positions = this.#positions;
    for (const column of columns) {
      const name = namer.keyOf(column.name);
      if (positions !== null && !positions.has(name)) continue;
      let low = 0;
      let high = keyColumns.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((keyColumns[middle] as NamedColumn).name < name) low = middle + 1;
        else high = middle;
      }
      keyColumns.splice(low, 0, { source: column.source, name });
    }
    return keyColumns;
  }

  /** Keep `first`: packs the row's key unless the file had it already; true when packed. */
  #packKey(cells: readonly CellValue[]): boolean {
    const packer = this.#file.packer;
    packer.startKey();
    let present = false;
    if (this.#keyColumns !== null) {
      present = writeAllColumnsKey(packer, cells, this.#keyColumns, this.#task.key);
    } else if (this.#task.keyColumns !== null) {
      present = writeKey(packer, cells, this.#keyIndexes, this.#task.key);
    }
    return packer.endKey(present);
  }

  #keyOf(cells: readonly CellValue[]): string | null {
    if (this.#keyColumns !== null) return allColumnsKeyOf(cells, this.#keyColumns, this.#task.key);
    if (this.#task.keyColumns === null) return null;
    return keyOf(cells, this.#keyIndexes, this.#task.key);
  }

  #lettersFor(count: number): string[] {
    const letters = this.#letters;
    for (let source = letters.length; source < count; source += 1) {
      letters.push(columnLetters(source + this.#task.columnOffset));
    }
    return letters;
  }

  /**
   * Every key column the header lacks, at once; the sheet's columns go with them, so that the
   * run can tell a key column that no file has (a typo) from one that some files lack.
   */
  #missingKeyColumns(missing: readonly string[], namer: ColumnNamer): XlmergeError {
    const columns = namer.columns().map((column) => column.name);
    const quoted = missing.map((name) => `"${name}"`).join(', ');
    const message =
      missing.length === 1
        ? `The key column ${quoted} is missing`
        : `The key columns ${quoted} are missing`;
    return new XlmergeError(ErrorCode.MissingKeyColumn, message, {
      file: this.#task.display,
      sheet: this.info.name,
      ...(missing.length === 1 ? { column: missing[0] as string } : {}),
      hint: `The sheet's columns are: ${columns.map((name) => `"${name}"`).join(', ') || '(none)'}`,
      missing,
      available: columns,
    });
  }
}

/** The width in an engine's cell width entry (column << CELL_WIDTH_BITS | width). */
const CELL_WIDTH_MASK = 2 ** CELL_WIDTH_BITS - 1;

/** What to do about a sheet wider than Excel's. */
const TOO_MANY_COLUMNS_HINT =
  'Write the output as CSV (a .csv name), which has no column limit, or keep fewer columns with `columns`';

/** The writer's message for the first text in `cells` longer than a cell holds. */
function tooLongMessage(cells: readonly CellValue[]): string {
  const length = cells.reduce<number>(
    (longest, cell) => (typeof cell === 'string' ? Math.max(longest, cell.length) : longest),
    0,
  );
  return `A text cell has ${length.toLocaleString('en-US')} characters; Excel allows at most ${MAX_CELL_TEXT.toLocaleString('en-US')}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isBlank(cells: readonly CellValue[]): boolean {
  return cells.every(isEmptyCell);
}
