import { type CellValue, isDateCell, isEmptyCell } from '../core/cell.js';
import { dedupeKeys, splitIndexes } from '../core/dedupe.js';
import { nameColumns, type SourceColumn } from '../core/header.js';
import { allColumnsKeyOf, keyOf, type NamedColumn } from '../core/key.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { SheetSelector } from '../options.js';
import { openWorkbook, type WorkbookReader } from '../xlsx/read/open-workbook.js';
import type { SheetInfo, SheetRow } from '../xlsx/read/types.js';
import { columnLetters, renderRowCells } from '../xlsx/write/cell-xml.js';
import type { FileResult, ParseTask, SheetResult } from './protocol.js';
import { encodeRows, type RenderedRows } from './rendered-rows.js';

/** One sheet as read, before the in-file dedupe. */
interface ReadSheet {
  readonly info: SheetInfo;
  readonly headerRow: number;
  readonly columns: SourceColumn[];
  readonly rows: CellValue[][];
  readonly rowNumbers: number[];
  readonly keys: (string | null)[];
}

/**
 * Reads one workbook and drops the duplicates inside it. Runs in a worker thread, but is a
 * plain async function so tests can call it directly.
 */
export async function parseFile(task: ParseTask, signal?: AbortSignal): Promise<FileResult> {
  const reader = await openWorkbook(task.file, { displayPath: task.display, limits: task.limits });
  try {
    const sheets: ReadSheet[] = [];
    let blankRows = 0;
    let formulasWithoutValue = 0;
    for (const info of selectSheets(reader, task.sheet, task.display)) {
      const stats = { formulasWithoutValue: 0 };
      const read = await readSheet(reader, info, task, stats, signal);
      formulasWithoutValue += stats.formulasWithoutValue;
      if (read === null) {
        if (task.sheet.kind !== 'all') {
          throw new XlmergeError(ErrorCode.EmptySheet, 'The sheet is empty: it has no header row', {
            file: task.display,
            sheet: info.name,
            hint: 'Choose another sheet with --sheet, or remove the file from the inputs',
          });
        }
        continue;
      }
      blankRows += read.blank;
      sheets.push(read.sheet);
    }
    return finishFile(sheets, task, blankRows, formulasWithoutValue);
  } finally {
    await reader.close();
  }
}

function selectSheets(reader: WorkbookReader, selector: SheetSelector, file: string): SheetInfo[] {
  const { sheets } = reader;
  if (selector.kind === 'all') return [...sheets];
  if (selector.kind === 'first') return sheets.slice(0, 1);
  if (selector.kind === 'name') {
    const exact = sheets.find((sheet) => sheet.name === selector.name);
    const folded = selector.name.toLowerCase();
    const found = exact ?? sheets.find((sheet) => sheet.name.toLowerCase() === folded);
    if (found !== undefined) return [found];
    if (/^[1-9]\d*$/.test(selector.name)) {
      const byPosition = sheets[Number(selector.name) - 1];
      if (byPosition !== undefined) return [byPosition];
    }
  } else {
    const byPosition = sheets[selector.position - 1];
    if (byPosition !== undefined) return [byPosition];
  }
  const wanted = selector.kind === 'name' ? `"${selector.name}"` : `number ${selector.position}`;
  throw new XlmergeError(ErrorCode.SheetNotFound, `There is no sheet ${wanted}`, {
    file,
    hint: `The workbook has ${sheets.length} sheet(s): ${sheets.map((sheet) => `"${sheet.name}"`).join(', ')}`,
  });
}

async function readSheet(
  reader: WorkbookReader,
  info: SheetInfo,
  task: ParseTask,
  stats: { formulasWithoutValue: number },
  signal: AbortSignal | undefined,
): Promise<{ sheet: ReadSheet; blank: number } | null> {
  let header: CellValue[] | null = null;
  let headerRow = 0;
  const rows: CellValue[][] = [];
  const rowNumbers: number[] = [];
  const usedColumns = new Set<number>();
  let blank = 0;
  const readOptions = signal === undefined ? { stats } : { stats, signal };

  for await (const batch of reader.readRows(info, readOptions)) {
    for (const row of batch) {
      if (header === null) {
        if (task.headerRow !== null) {
          if (row.number < task.headerRow) continue;
          headerRow = task.headerRow;
          header = row.number === task.headerRow ? row.cells : [];
          markColumns(header, usedColumns);
          if (row.number === task.headerRow) continue;
        } else {
          if (isBlankRow(row)) continue;
          header = row.cells;
          headerRow = row.number;
          markColumns(header, usedColumns);
          continue;
        }
      }
      if (isBlankRow(row)) {
        blank += 1;
        continue;
      }
      markColumns(row.cells, usedColumns);
      rows.push(row.cells);
      rowNumbers.push(row.number);
    }
  }
  if (header === null) {
    if (task.headerRow === null) return null;
    header = [];
    headerRow = task.headerRow;
  }
  const columns = nameColumns(header, usedColumns);
  const keys = keysOf(rows, columns, task, info);
  return { sheet: { info, headerRow, columns, rows, rowNumbers, keys }, blank };
}

function isBlankRow(row: SheetRow): boolean {
  return row.cells.every(isEmptyCell);
}

function markColumns(cells: readonly CellValue[], used: Set<number>): void {
  cells.forEach((cell, index) => {
    if (!isEmptyCell(cell)) used.add(index);
  });
}

function keysOf(
  rows: readonly CellValue[][],
  columns: readonly SourceColumn[],
  task: ParseTask,
  info: SheetInfo,
): (string | null)[] {
  if (task.keyColumns === null) return rows.map(() => null);
  if (task.keyColumns === 'all') {
    const named: NamedColumn[] = [...columns].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    return rows.map((cells) => allColumnsKeyOf(cells, named, task.key));
  }
  const byName = new Map(columns.map((column) => [column.name, column.source]));
  const keyColumns = task.keyColumns.map((name) => {
    const source = byName.get(name);
    if (source === undefined) {
      throw new XlmergeError(ErrorCode.MissingKeyColumn, `The key column "${name}" is missing`, {
        file: task.display,
        sheet: info.name,
        column: name,
        hint: `The sheet's columns are: ${columns.map((column) => `"${column.name}"`).join(', ') || '(none)'}`,
      });
    }
    return source;
  });
  return rows.map((cells) => keyOf(cells, keyColumns, task.key));
}

function finishFile(
  sheets: readonly ReadSheet[],
  task: ParseTask,
  blankRows: number,
  formulasWithoutValue: number,
): FileResult {
  const allKeys = sheets.flatMap((sheet) => sheet.keys);
  const dedupe = dedupeKeys(allKeys, task.keep);
  const keptPerSheet = splitIndexes(
    dedupe.kept,
    sheets.map((sheet) => sheet.rows.length),
  );
  const results = sheets.map((sheet, i) => renderSheet(sheet, keptPerSheet[i] ?? [], task));
  return {
    sheets: results,
    rowsRead: allKeys.length,
    blankRows,
    duplicatesInFile: dedupe.dropped,
    repeatedKeys: dedupe.repeatedKeys,
    formulasWithoutValue,
  };
}

function renderSheet(sheet: ReadSheet, kept: readonly number[], task: ParseTask): SheetResult {
  const widths = sheet.columns.map((column) => column.name.length);
  const widthSlot = new Map(sheet.columns.map((column, slot) => [column.source, slot]));
  const rows = kept.map((index) => sheet.rows[index] as CellValue[]);
  for (const cells of rows) {
    cells.forEach((cell, source) => {
      const slot = widthSlot.get(source);
      if (slot !== undefined) widths[slot] = Math.max(widths[slot] ?? 0, displayWidth(cell));
    });
  }
  let xml: RenderedRows | null = null;
  if (task.render === 'xlsx') {
    const last = sheet.columns.at(-1)?.source ?? -1;
    const letters = Array.from({ length: last + 1 }, (_, source) =>
      columnLetters(source + task.columnOffset),
    );
    xml = encodeRows(rows.map((cells) => renderRowCells(cells, letters)));
  }
  return {
    name: sheet.info.name,
    index: sheet.info.index,
    headerRow: sheet.headerRow,
    columns: sheet.columns,
    rowsRead: sheet.rows.length,
    keys: kept.map((index) => sheet.keys[index] ?? null),
    rowNumbers: kept.map((index) => sheet.rowNumbers[index] ?? 0),
    xml,
    values: task.render === 'values' ? rows : null,
    widths,
  };
}

/** Roughly how many characters a cell shows, for column widths. */
function displayWidth(cell: CellValue): number {
  if (cell === null) return 0;
  if (typeof cell === 'string') {
    const newline = cell.indexOf('\n');
    return newline === -1 ? cell.length : newline;
  }
  if (typeof cell === 'number') return Math.min(String(cell).length, 15);
  if (typeof cell === 'boolean') return 5;
  if (isDateCell(cell)) return Number.isInteger(cell.serial) ? 10 : 19;
  return cell.code.length;
}
