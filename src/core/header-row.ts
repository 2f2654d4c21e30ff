/**
 * Which row of a sheet is its header, decided as the rows stream past. Pure: the worker's sheet
 * parser and `inspect` both find the header through {@link HeaderFinder}, so they always agree.
 */
import { type CellValue, isEmptyCell } from './cell.js';

/** A row as the readers give it: its 1-based number and its cells by column. */
export interface NumberedRow {
  readonly number: number;
  readonly cells: readonly CellValue[];
}

/** Why the header is where it is. */
export type HeaderChoice =
  /** The row the `headerRow` option named. */
  | 'option'
  /** The first row with anything in it. */
  | 'first'
  /** The first wide all-text row, below title lines (see {@link HeaderFinder}). */
  | 'below-title';

/** The header, once found, and what to do with the rows held while looking for it. */
export interface FoundHeader {
  /** The header row; with the `headerRow` option, an empty row when the sheet has none there. */
  readonly header: NumberedRow;
  readonly choice: HeaderChoice;
  /** Rows above the header taken for title lines (`below-title`), by number. */
  readonly titleLines: readonly number[];
  /** Rows after the header that were held while deciding: data, in order (none blank). */
  readonly rows: readonly NumberedRow[];
}

/** A title line has at most this many cells with something in them. */
export const TITLE_MAX_CELLS = 2;
/**
 * A header below title lines has at least this many times as many cells as each of them, and
 * at least {@link TITLE_MIN_HEADER_CELLS}.
 */
export const TITLE_WIDTH_FACTOR = 2;
/** The fewest cells of a header below title lines. */
export const TITLE_MIN_HEADER_CELLS = 3;
/** Rows with something in them looked at before the first is taken for the header anyway. */
export const TITLE_LOOKAHEAD_ROWS = 10;

/**
 * Finds a sheet's header row.
 *
 * - With `headerRow`, that row is the header; rows above it are passed over. A sheet with no
 *   such row (nothing in it) has an empty header there.
 * - Otherwise the header is the first row with anything in it, unless that row looks like a
 *   title line above the table. Exports often start with one ("Monthly report generated
 *   2026-11-02" in A1, a blank row, then the real header). The rule: the first non-empty row
 *   has at most {@link TITLE_MAX_CELLS} non-empty cells, and among the next rows (at most
 *   {@link TITLE_LOOKAHEAD_ROWS} non-empty ones, all of them as narrow until then) comes a
 *   row whose non-empty cells are all text and number at least {@link TITLE_WIDTH_FACTOR}
 *   times those of every narrow row above it, and at least {@link TITLE_MIN_HEADER_CELLS}
 *   (so one cell above three, two above four). That row is the
 *   header; the narrow rows above it are title lines and are not read. A first row with more
 *   cells than a title line is the header at once, so ordinary sheets are decided on their
 *   first row.
 *
 * Blank rows before the header are passed over, and so are blank rows among the rows looked at
 * to decide on a title line (at most the first {@link TITLE_LOOKAHEAD_ROWS} non-empty rows of a
 * sheet whose first row is narrow); blank rows after that are data (counted).
 */
export class HeaderFinder {
  readonly #headerRow: number | null;
  /** Rows held while the first non-empty row may be a title line: it first. Never blank. */
  readonly #held: NumberedRow[] = [];
  /** Non-empty cells of the widest held row. */
  #heldWidest = 0;

  constructor(headerRow: number | null) {
    this.#headerRow = headerRow;
  }

  /** True while rows are held to decide whether the first is a title line. */
  get deciding(): boolean {
    return this.#held.length > 0;
  }

  /** Takes the next row; the header once it is known, else `null` (the row is held or passed over). */
  add(row: NumberedRow): FoundHeader | null {
    const wanted = this.#headerRow;
    if (wanted !== null) {
      if (row.number < wanted) return null;
      if (row.number === wanted) return { header: row, choice: 'option', titleLines: [], rows: [] };
      // The header row is missing from the sheet (nothing in it): it still is the header.
      return {
        header: { number: wanted, cells: [] },
        choice: 'option',
        titleLines: [],
        rows: [row],
      };
    }
    const blank = row.cells.every(isEmptyCell);
    const width = filledCells(row.cells);
    const held = this.#held;
    if (held.length === 0) {
      if (blank) return null;
      if (width > TITLE_MAX_CELLS)
        return { header: row, choice: 'first', titleLines: [], rows: [] };
      held.push(row);
      this.#heldWidest = width;
      return null;
    }
    // Blank rows among those looked at are passed over, as before a header: whether the first
    // row is the header is not known while they pass (the row engine passes over them too).
    if (blank) return null;
    const wide = Math.max(TITLE_MIN_HEADER_CELLS, TITLE_WIDTH_FACTOR * this.#heldWidest);
    if (width >= wide && isAllText(row.cells)) {
      const titleLines = held.map((line) => line.number);
      held.length = 0;
      return { header: row, choice: 'below-title', titleLines, rows: [] };
    }
    if (width <= TITLE_MAX_CELLS && held.length < TITLE_LOOKAHEAD_ROWS) {
      held.push(row);
      this.#heldWidest = Math.max(this.#heldWidest, width);
      return null;
    }
    held.push(row);
    return this.#firstIsHeader();
  }

  /** The sheet has ended: the header if rows are still held (the first of them), else `null`. */
  end(): FoundHeader | null {
    return this.#held.length === 0 ? null : this.#firstIsHeader();
  }

  #firstIsHeader(): FoundHeader {
    const [header, ...rows] = this.#held.splice(0);
    return { header: header as NumberedRow, choice: 'first', titleLines: [], rows };
  }
}

/** A cell with something in it: not empty, and not only spaces (which name no column). */
function isFilled(cell: CellValue | undefined): boolean {
  return !isEmptyCell(cell) && !(typeof cell === 'string' && cell.trim() === '');
}

function filledCells(cells: readonly CellValue[]): number {
  let count = 0;
  for (const cell of cells) if (isFilled(cell)) count += 1;
  return count;
}

/** Every cell with something in it is text: what a header row holds. */
function isAllText(cells: readonly CellValue[]): boolean {
  return cells.every((cell) => !isFilled(cell) || typeof cell === 'string');
}
