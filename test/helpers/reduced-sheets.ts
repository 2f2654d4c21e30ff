/**
 * Parse results, input files and reduced sheets built by hand from a few rows, for tests of the
 * reducer and the output writers without workbooks or workers.
 */
import path from 'node:path';
import type { CellValue } from '../../src/core/cell.js';
import { columnLetters } from '../../src/core/column-letters.js';
import { packKeys } from '../../src/core/packed-keys.js';
import type { Settings } from '../../src/options.js';
import { ColumnUnion } from '../../src/reduce/column-union.js';
import type { MergeState, ReducedSheet } from '../../src/reduce/reduce-files.js';
import { renderRowCells } from '../../src/render/cell-xml.js';
import { renderCsvFieldsInto } from '../../src/render/csv-field.js';
import { RenderBuffer } from '../../src/render/render-buffer.js';
import type { InputFile } from '../../src/scan/scan-inputs.js';
import type { FileResult, SheetResult } from '../../src/worker/protocol.js';

/** A file found in the input folder `in` of `dir`. */
export function inputFile(dir: string, name: string): InputFile {
  return { path: path.join(dir, 'in', name), display: `in/${name}`, source: name, input: 'in' };
}

export interface SheetSpec {
  /** @default 'Sheet1' */
  readonly name?: string;
  /** @default 0 */
  readonly index?: number;
  /** Header names, for source columns 0, 1, … */
  readonly columns: readonly string[];
  /** Data rows, cells by source column. */
  readonly rows: readonly (readonly CellValue[])[];
  /** One key per row (as `keyAt` gives them); @default no keys (every row `null`) */
  readonly keys?: readonly (string | null)[];
  /** Output columns before the sheet's own, as the task's `columnOffset`. @default 0 */
  readonly columnOffset?: number;
  /** Rows dropped inside the sheet, for the duplicates report. @default none */
  readonly dropped?: SheetResult['dropped'];
}

/**
 * A sheet's surviving rows as a worker hands them over with `reportDuplicates`: rendered as
 * cell XML (at `source + columnOffset`) and as CSV fields, with their values. Rows are numbered
 * from 2, below a header on row 1.
 */
export function sheetResult(spec: SheetSpec): SheetResult {
  const offset = spec.columnOffset ?? 0;
  const letters = spec.columns.map((_, source) => columnLetters(source + offset));
  const xml = spec.rows.map((row) => Buffer.from(renderRowCells(row, letters)));
  const csv = spec.rows.map((row) => {
    const out = new RenderBuffer(64);
    renderCsvFieldsInto(out, row, spec.columns.length);
    return Buffer.from(out.toString());
  });
  return {
    name: spec.name ?? 'Sheet1',
    index: spec.index ?? 0,
    headerRow: 1,
    titleLines: [],
    columns: spec.columns.map((name, source) => ({ source, name })),
    otherColumns: [],
    placed: false,
    rowsRead: spec.rows.length,
    keys: packKeys(spec.keys ?? spec.rows.map(() => null)),
    rowNumbers: spec.rows.map((_, i) => i + 2),
    xml: rendered(xml),
    csv: { ...rendered(csv), fields: spec.columns.length },
    values: spec.rows.map((row) => [...row]),
    dropped: spec.dropped ?? { keys: [], rowNumbers: [], values: [] },
    widths: spec.columns.map((name) => name.length),
  };
}

function rendered(rows: readonly Buffer[]): { bytes: Uint8Array; ends: Uint32Array } {
  const ends = new Uint32Array(rows.length);
  let at = 0;
  rows.forEach((row, i) => {
    at += row.length;
    ends[i] = at;
  });
  return { bytes: new Uint8Array(Buffer.concat(rows)), ends };
}

/** A file's result of these sheets; its counts are the sheets' own unless given. */
export function fileResult(
  sheets: readonly SheetResult[],
  counts: Partial<Omit<FileResult, 'sheets'>> = {},
): FileResult {
  return {
    format: 'xlsx',
    sheets,
    hiddenSheets: [],
    renamesUsed: [],
    rowsRead: sheets.reduce((sum, sheet) => sum + sheet.rowsRead, 0),
    blankRows: 0,
    duplicatesInFile: 0,
    repeatedKeys: [],
    formulasWithoutValue: 0,
    cellsWithoutFormat: 0,
    truncatedCells: 0,
    inflatedBytes: 0,
    ...counts,
  };
}

/** An empty merge state, as the merge starts one for `settings`. */
export function newMergeState(settings: Settings): MergeState {
  return {
    union: new ColumnUnion(settings.sourceColumn ? 1 : 0, {
      match: settings.matchHeaders,
      selected: settings.columns,
    }),
    files: [],
    skipped: [],
    renamesUsed: new Set(),
    fromCache: new WeakSet(),
  };
}

/**
 * Sheet `sheet` of `result` as the reducer yields it: its columns added to `state`'s union,
 * the rows `kept` surviving.
 */
export function reducedSheet(
  state: MergeState,
  file: InputFile,
  result: FileResult,
  sheet: number,
  kept: readonly number[],
): ReducedSheet {
  const found = result.sheets[sheet];
  if (found === undefined) throw new Error(`no sheet ${sheet}`);
  return {
    file,
    result,
    sheet: found,
    severalSheets: result.sheets.length > 1,
    outputs: state.union.add(found.columns).outputs,
    kept,
  };
}
