import type { CellValue } from '../core/cell.js';
import { compareCodePoints } from '../core/code-point-order.js';
import type { SourceColumn } from '../core/header.js';
import { unpackKeys } from '../core/packed-keys.js';
import type { ReducedSheet } from './reduce-files.js';

/** Where a row came from. */
interface Place {
  readonly file: string;
  readonly fileIndex: number;
  readonly sheet: string;
  readonly sheetIndex: number;
  readonly row: number;
}

interface DroppedRow {
  readonly key: string;
  readonly place: Place;
  /** Cells by output column index (the merged header's, reserved columns included). */
  readonly cells: CellValue[];
  /** The cells' output styles, likewise (kept number formats); `null`: none. */
  readonly styles: number[] | null;
}

/** One line of the report: its cells, and their output styles (`null`: none). */
export interface ReportRow {
  readonly cells: CellValue[];
  readonly styles: number[] | null;
}

/** The report's columns before the merged header's. */
export const DUPLICATES_COLUMNS = [
  'Group',
  'File',
  'Sheet',
  'Row',
  'Kept file',
  'Kept sheet',
  'Kept row',
] as const;

/**
 * Collects every dropped row and, per key, the row that survived, as the merge goes, for the
 * duplicates report. Rows are listed in merge order (file, sheet, row); a group number ties
 * the rows of one key together, numbered in the order the groups first appear.
 */
export class DuplicatesCollector {
  readonly #survivors = new Map<string, Place>();
  readonly #dropped: DroppedRow[] = [];
  readonly #fileIndexes = new Map<string, number>();

  /** Notes a reduced sheet: its survivors, the rows dropped against other files, and in it. */
  add(reduced: ReducedSheet): void {
    const { sheet } = reduced;
    let fileIndex = this.#fileIndexes.get(reduced.file.path);
    if (fileIndex === undefined) {
      fileIndex = this.#fileIndexes.size;
      this.#fileIndexes.set(reduced.file.path, fileIndex);
    }
    const place = (row: number): Place => ({
      file: reduced.file.display,
      fileIndex: fileIndex as number,
      sheet: sheet.name,
      sheetIndex: sheet.index,
      row,
    });
    const toOutput = (cells: readonly CellValue[]) =>
      outputCells<CellValue>(cells, sheet.columns, reduced.outputs, null);
    const stylesOf = (styles: readonly number[] | null | undefined): number[] | null =>
      styles == null ? null : outputCells(styles, sheet.columns, reduced.outputs, 0);
    const kept = new Set(reduced.kept);
    unpackKeys(sheet.keys).forEach((key, index) => {
      if (key === null) return;
      const at = place(sheet.rowNumbers[index] as number);
      if (kept.has(index)) {
        if (!this.#survivors.has(key)) this.#survivors.set(key, at);
      } else {
        this.#dropped.push({
          key,
          place: at,
          cells: toOutput(sheet.values?.[index] ?? []),
          styles: stylesOf(sheet.valueStyles?.[index]),
        });
      }
    });
    const inFile = sheet.dropped;
    inFile?.keys.forEach((key, index) => {
      const at = place(inFile.rowNumbers[index] as number);
      this.#dropped.push({
        key,
        place: at,
        cells: toOutput(inFile.values[index] ?? []),
        styles: stylesOf(inFile.styles?.[index]),
      });
    });
  }

  /**
   * The report's rows: the provenance columns ({@link DUPLICATES_COLUMNS}), then the row's
   * cells under the merged header from output column `firstDataColumn` on.
   */
  rows(firstDataColumn: number): ReportRow[] {
    const sorted = [...this.#dropped].sort(
      (a, b) =>
        a.place.fileIndex - b.place.fileIndex ||
        a.place.sheetIndex - b.place.sheetIndex ||
        a.place.row - b.place.row ||
        compareCodePoints(a.key, b.key),
    );
    const groups = new Map<string, number>();
    return sorted.map(({ key, place, cells, styles }): ReportRow => {
      let group = groups.get(key);
      if (group === undefined) {
        group = groups.size + 1;
        groups.set(key, group);
      }
      const kept = this.#survivors.get(key);
      const provenance = [
        group,
        place.file,
        place.sheet,
        place.row,
        kept?.file ?? null,
        kept?.sheet ?? null,
        kept?.row ?? null,
      ];
      return {
        cells: [...provenance, ...cells.slice(firstDataColumn)],
        styles:
          styles === null ? null : [...provenance.map(() => 0), ...styles.slice(firstDataColumn)],
      };
    });
  }
}

/** A sheet's row by source column, placed by output column (`empty` in the gaps). */
function outputCells<T>(
  cells: readonly T[],
  columns: readonly SourceColumn[],
  outputs: readonly number[],
  empty: T,
): T[] {
  const row: T[] = [];
  columns.forEach((column, slot) => {
    const output = outputs[slot];
    if (output === undefined) return;
    while (row.length < output) row.push(empty);
    row[output] = cells[column.source] ?? empty;
  });
  return row;
}
