import type { KeyOptions } from '../../core/key.js';
import type { SheetSource } from '../../xlsx/read/open-workbook.js';
import type { ReadStats, SheetRow } from '../../xlsx/read/types.js';
import { PartTextDecoder } from '../../xlsx/read/zip-archive.js';
import { type EngineRows, type RowEngine, ScanStatus } from './row-engine.js';

/** What the row engine's reading needs of the worker's sheet parser. */
export interface EngineSheet {
  /** Takes a row read by the JavaScript scanner (or the header row the engine read). */
  add(row: SheetRow): void;
  /** The columns to read with once the header is known; null when the engine cannot. */
  engineColumns(): { named: boolean[]; keyColumns: number[] } | null;
  /** Takes data rows the engine read. */
  addEngineRows(rows: EngineRows): void;
  blankRows: number;
}

/** Cuts a chunk of the sheet's bytes into pieces (tests: every chunk boundary). */
export type ChunkCutter = (chunk: Buffer) => Buffer[];

/** Rows the engine has read in this thread, for the tests to see that it did. */
let engineRows = 0;
export function rowsReadByEngine(): number {
  return engineRows;
}

const SHEET_DATA = Buffer.from('<sheetData>');
/**
 * The start of a worksheet the engine reads: the main namespace as the default one, as Excel,
 * LibreOffice, openpyxl and xlmerge write it. Other prefixes or namespaces are the scanner's.
 */
const WORKSHEET_START =
  /^\uFEFF?(?:<\?xml[^>]*\?>\s*)?<worksheet xmlns="http:\/\/schemas\.openxmlformats\.org\/spreadsheetml\/2006\/main"[\s>]/;
/**
 * The elements a worksheet may have before `<sheetData>` (in the schema's order). A prefix with
 * anything else (an extension, a comment, CDATA) could hide a `<sheetData>` that is not the
 * sheet's, so such a sheet is the scanner's alone.
 */
const PREFIX_ELEMENTS = new Set([
  'worksheet',
  'sheetPr',
  'tabColor',
  'outlinePr',
  'pageSetUpPr',
  'dimension',
  'sheetViews',
  'sheetView',
  'pane',
  'selection',
  'pivotSelection',
  'sheetFormatPr',
  'cols',
  'col',
  'sheetData',
]);

/** Whether the XML up to `<sheetData>` is what the engine may start after. */
function isPlainPrefix(head: string): boolean {
  if (!WORKSHEET_START.test(head) || head.includes('<!')) return false;
  for (const match of head.matchAll(/<\/?([^\s/>?!]+)/g)) {
    if (!PREFIX_ELEMENTS.has(match[1] as string)) return false;
  }
  return true;
}

/**
 * Rows the engine leaves go to the scanner one at a time, and the engine goes on after them;
 * once more than this many in a sheet, and more than one in MAX_LEFT_SHARE of the rows, the
 * scanner reads the rest of the sheet (handing over row by row would cost more than it saves).
 */
const MAX_LEFT_ROWS = 32;
const MAX_LEFT_SHARE = 4;
/** A row of more XML than this (16 MiB) is the scanner's. */
const MAX_ENGINE_ROW_BYTES = 16 * 1024 * 1024;
/** Past this many bytes without `<sheetData>`, the sheet is the scanner's. */
const MAX_PREFIX_BYTES = 1024 * 1024;

/**
 * Reads one sheet with the row engine, and with the JavaScript scanner where the engine stops:
 * the scanner reads everything up to `<sheetData>` (so the XML is checked as always), the engine
 * reads rows, a row it does not handle (a formula, say) goes to the scanner and the engine goes
 * on after it, and the scanner reads from `</sheetData>` on. When the engine leaves many rows,
 * or cannot find where such a row ends, the scanner reads the rest of the sheet. The rows reach
 * `sheet` in order either way, and the output is the same as the scanner's alone.
 */
export async function readSheetWithEngine(
  engine: RowEngine,
  source: SheetSource,
  sheet: EngineSheet,
  stats: ReadStats,
  columnOffset: number,
  keyOptions: KeyOptions,
  cut: ChunkCutter | null = null,
): Promise<void> {
  const { scanner } = source;
  const decoder = new PartTextDecoder();
  // An object, so that TypeScript does not narrow it across the closures that change it.
  const state: { mode: 'prefix' | 'engine' | 'scanner' } = { mode: 'prefix' };
  let prefix: Buffer = Buffer.alloc(0);

  const addRows = (rows: SheetRow[]): void => {
    for (const row of rows) sheet.add(row);
  };
  let haveHeader = false;
  let engineRowsInSheet = 0;
  let leftRows = 0;
  const toScanner = (bytes: Uint8Array): void => {
    state.mode = 'scanner';
    scan(bytes);
  };
  const scan = (bytes: Uint8Array): void => {
    pushText(decoder.write(bytes));
  };
  const pushText = (text: string): void => {
    for (let rows = scanner.push(text); rows.length > 0; rows = scanner.drain()) addRows(rows);
  };
  /** The engine stops: what it counted goes to the sheet, the rest of the XML to the scanner. */
  const handOver = (): void => {
    sheet.blankRows += engine.blankRows;
    scanner.resumeAfterRow(engine.lastRow);
    toScanner(engine.takeInput());
  };
  /** A row the engine left, not all held yet: it goes to the scanner once it is. */
  let leftRowWaiting = false;
  /** Reads what the engine holds; false once it has handed over. */
  const runEngine = (): boolean => {
    if (leftRowWaiting) {
      leftRowWaiting = false;
      if (!leftRowToScanner()) {
        if (leftRowWaiting && engine.pending <= MAX_ENGINE_ROW_BYTES) return true;
        handOver();
        return false;
      }
    }
    for (;;) {
      const status = engine.scan();
      const rows = engine.rows();
      engineRows += rows.count;
      engineRowsInSheet += rows.count;
      sheet.addEngineRows(rows);
      if (status === ScanStatus.Full) continue;
      if (status === ScanStatus.Bail) {
        if (leftRowToScanner()) continue;
        if (leftRowWaiting) return true;
      }
      if (status === ScanStatus.NeedMore) {
        // A row longer than the limit: the scanner reports it. A very long row is the
        // scanner's too, so the engine's memory (which never shrinks) stays small.
        if (engine.pending <= Math.min(source.maxElementChars, MAX_ENGINE_ROW_BYTES)) return true;
      } else if (status === ScanStatus.Header) {
        sheet.add(engine.headerRow());
        const columns = sheet.engineColumns();
        if (
          columns !== null &&
          engine.setColumns(columns.named, columns.keyColumns, columnOffset)
        ) {
          haveHeader = true;
          continue;
        }
      }
      handOver();
      return false;
    }
  };
  /** After a Bail: the row the engine left goes to the scanner; false to hand over instead. */
  const leftRowToScanner = (): boolean => {
    if (leftRows >= MAX_LEFT_ROWS && leftRows * MAX_LEFT_SHARE > engineRowsInSheet) return false;
    const row = engine.takeRow();
    if (row === 'wait') {
      leftRowWaiting = true;
      return false;
    }
    if (row === null) return false;
    leftRows += 1;
    scanner.resumeAfterRow(engine.lastRow);
    scan(row);
    // The row may have been the header (with a number in it, say), or named a new column.
    const columns = sheet.engineColumns();
    if (columns !== null) {
      if (!engine.setColumns(columns.named, columns.keyColumns, columnOffset)) {
        engine.resume(haveHeader, scanner.lastRowNumber);
        return false;
      }
      haveHeader = true;
    }
    engine.resume(haveHeader, scanner.lastRowNumber);
    return true;
  };

  try {
    for await (const whole of source.bytes) {
      for (const chunk of cut === null ? [whole] : cut(whole)) takeChunk(chunk);
    }
    if (state.mode === 'prefix') toScanner(prefix);
    else if (state.mode === 'engine') handOver(); // no </sheetData>: the scanner says what is wrong
    const rest = decoder.end();
    if (rest.length > 0) pushText(rest);
    addRows(scanner.end());
    stats.formulasWithoutValue = scanner.formulasWithoutValue;
  } catch (error) {
    throw await source.fail(error);
  }

  function takeChunk(chunk: Buffer): void {
    if (state.mode === 'scanner') {
      toScanner(chunk);
      return;
    }
    if (state.mode === 'engine') {
      engine.append(chunk);
      runEngine();
      return;
    }
    prefix = prefix.length === 0 ? chunk : Buffer.concat([prefix, chunk]);
    const at = prefix.indexOf(SHEET_DATA);
    if (at < 0) {
      if (prefix.length > MAX_PREFIX_BYTES) toScanner(prefix);
      return;
    }
    const end = at + SHEET_DATA.length;
    const head = prefix.toString('utf8', 0, end);
    if (!isPlainPrefix(head)) {
      toScanner(prefix);
      return;
    }
    toScanner(prefix.subarray(0, end));
    state.mode = 'engine';
    engine.loadFile(source.sharedStrings, source.dateStyles, keyOptions);
    engine.startSheet();
    engine.append(prefix.subarray(end));
    prefix = Buffer.alloc(0);
    runEngine();
  }
}
