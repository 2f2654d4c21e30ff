/**
 * The sheet reader's fast path for the common case: reads a sheet's rows with the row engine
 * (`row-engine.ts`, engine.c compiled to WebAssembly), and falls back to the general path,
 * `SheetScanner`, for what the engine does not read. The scanner always reads the XML up to
 * `<sheetData>` and from `</sheetData>` on, and a row the engine leaves (a formula without a
 * cached value, an inline string, …); it reads the whole sheet when the sheet does not start
 * as the engine expects (another namespace or prefix element, a comment, UTF-16, an encoding
 * other than UTF-8), and the rest of it when the engine leaves many rows, a row is longer than
 * the engine takes, its memory cannot hold the file's shared strings or the sheet's columns, or
 * a left row's end cannot be found safely. Whether a file is read with the engine at all (xlsx,
 * the default merge to xlsx, the 1900 date system, WebAssembly available) is the worker's
 * choice (`ParseThread.engineFor`). Either way the rows reach the sheet in the same order and
 * the output is the same as the scanner's alone (test/xlsx/read/row-engine proves it).
 */
import type { KeyOptions } from '../../../core/key.js';
import type { ReadStats, SheetRow } from '../../../reader/workbook-reader.js';
import type { Utf8Validator, XmlPartDecoder } from '../../../xml/xml-decoder.js';
import type { SheetSource } from '../open-workbook.js';
import type { SheetScanner } from '../sheet-scanner.js';
import { ScanStatus } from './engine-layout.js';
import type { EngineRows, RowEngine } from './row-engine.js';

/** What the row engine's reading needs of the worker's sheet parser. */
export interface EngineSheet {
  /** Takes a row read by the JavaScript scanner (or the header row the engine read). */
  add(row: SheetRow): void;
  /** The columns to read with once the header is known; null when the engine cannot. */
  engineColumns(): { named: boolean[]; keyColumns: number[] } | null;
  /**
   * Rows are held to decide whether the first is a title line above the header: the engine goes
   * on looking for a header, and hands each row it finds to {@link add} until the sheet knows.
   */
  readonly decidingHeader: boolean;
  /** Takes data rows the engine read. */
  addEngineRows(rows: EngineRows): void;
  blankRows: number;
}

/** Cuts a chunk of the sheet's bytes into pieces (tests: every chunk boundary). */
export type ChunkCutter = (chunk: Buffer) => Buffer[];

/**
 * Runs `grow`, which may grow the engine's memory; false when it could not (past the engine's
 * maximum, see RowEngineOptions.maxMemoryPages), so the caller hands the sheet to the scanner
 * instead of failing the file.
 */
function memoryGrew(grow: () => void): boolean {
  try {
    grow();
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
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

/** A UTF-16 byte order mark: such a sheet is the scanner's (the engine reads UTF-8). */
function isUtf16(head: Buffer): boolean {
  return (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

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
 * `outputStyles` is the file's output style per source style when cells keep their number
 * format, else null (see `RowEngine.loadFile`).
 */
export async function readSheetWithEngine(
  engine: RowEngine,
  source: SheetSource,
  sheet: EngineSheet,
  stats: ReadStats,
  columnOffset: number,
  keyOptions: KeyOptions,
  outputStyles: Uint32Array | null,
  cut: ChunkCutter | null = null,
): Promise<void> {
  const reader = new EngineSheetReader(
    engine,
    source,
    sheet,
    columnOffset,
    keyOptions,
    outputStyles,
  );
  try {
    for await (const whole of source.bytes) {
      for (const chunk of cut === null ? [whole] : cut(whole)) reader.take(chunk);
    }
    reader.finish();
    stats.formulasWithoutValue = source.scanner.formulasWithoutValue;
  } catch (error) {
    throw await source.fail(error);
  }
}

/** The reading of one sheet by the engine and the scanner together, chunk by chunk. */
class EngineSheetReader {
  readonly #engine: RowEngine;
  readonly #source: SheetSource;
  readonly #scanner: SheetScanner;
  readonly #sheet: EngineSheet;
  readonly #columnOffset: number;
  readonly #keyOptions: KeyOptions;
  /** The output style of each source style, when cells keep their number format. */
  readonly #outputStyles: Uint32Array | null;
  readonly #decoder: XmlPartDecoder;
  /**
   * Checks the bytes after `<sheetData>` as the decoder would, from where the engine starts:
   * the engine reads UTF-8 bytes it never decodes, and the decoder sees only some of them.
   */
  #validator: Utf8Validator | null = null;
  /** Before `<sheetData>`, the engine reading, or the scanner reading the rest. */
  #mode: 'prefix' | 'engine' | 'scanner' = 'prefix';
  /** The bytes before `<sheetData>` so far. */
  #prefix: Buffer = Buffer.alloc(0);
  #haveHeader = false;
  #engineRows = 0;
  /** Rows the engine left to the scanner. */
  #leftRows = 0;
  /** A row the engine left, not all held yet: it goes to the scanner once it is. */
  #leftRowWaiting = false;

  constructor(
    engine: RowEngine,
    source: SheetSource,
    sheet: EngineSheet,
    columnOffset: number,
    keyOptions: KeyOptions,
    outputStyles: Uint32Array | null,
  ) {
    this.#engine = engine;
    this.#source = source;
    this.#scanner = source.scanner;
    this.#decoder = source.decoder;
    this.#sheet = sheet;
    this.#columnOffset = columnOffset;
    this.#keyOptions = keyOptions;
    this.#outputStyles = outputStyles;
  }

  take(chunk: Buffer): void {
    this.#validator?.check(chunk);
    if (this.#mode === 'scanner') this.#scanBytes(chunk);
    else if (this.#mode === 'engine') {
      if (!memoryGrew(() => this.#engine.append(chunk))) {
        // The engine's memory cannot hold more: the scanner reads on from what it held.
        this.#handOver();
        this.#scanBytes(chunk);
        return;
      }
      this.#runEngine();
    } else {
      this.#takePrefix(chunk);
    }
  }

  /** The sheet's bytes have all come: the scanner reads what is left and checks the end. */
  finish(): void {
    this.#validator?.end();
    if (this.#mode === 'prefix') this.#scanBytes(this.#prefix);
    else if (this.#mode === 'engine') this.#handOver(); // no </sheetData>: the scanner says so
    const rest = this.#decoder.end();
    if (rest.length > 0) this.#scanText(rest);
    this.#addRows(this.#scanner.end());
  }

  #takePrefix(chunk: Buffer): void {
    const prefix = this.#prefix.length === 0 ? chunk : Buffer.concat([this.#prefix, chunk]);
    this.#prefix = prefix;
    if (isUtf16(prefix)) {
      this.#toScanner(prefix);
      return;
    }
    const at = prefix.indexOf(SHEET_DATA);
    if (at < 0) {
      if (prefix.length > MAX_PREFIX_BYTES) this.#toScanner(prefix);
      return;
    }
    const end = at + SHEET_DATA.length;
    if (!isPlainPrefix(prefix.toString('utf8', 0, end))) {
      this.#toScanner(prefix);
      return;
    }
    this.#scanBytes(prefix.subarray(0, end));
    if (this.#decoder.encoding !== 'utf-8') {
      // Declared in another encoding: the engine reads UTF-8 only.
      this.#toScanner(prefix.subarray(end));
      return;
    }
    this.#validator = this.#decoder.validatorAt(end);
    this.#validator.check(prefix.subarray(end));
    this.#mode = 'engine';
    this.#prefix = Buffer.alloc(0);
    const engine = this.#engine;
    const loaded = memoryGrew(() =>
      engine.loadFile(
        this.#source.sharedStrings,
        this.#source.dateStyles,
        this.#outputStyles,
        this.#keyOptions,
        this.#source,
      ),
    );
    if (!loaded) {
      // A shared strings table too large for the engine's memory: the scanner reads the sheet.
      this.#toScanner(prefix.subarray(end));
      return;
    }
    engine.startSheet();
    engine.append(prefix.subarray(end));
    this.#runEngine();
  }

  /** Reads what the engine holds, until it needs more bytes or hands over. */
  #runEngine(): void {
    const engine = this.#engine;
    if (this.#leftRowWaiting) {
      this.#leftRowWaiting = false;
      if (!this.#leftRowToScanner()) {
        if (!this.#leftRowWaiting || engine.pending > MAX_ENGINE_ROW_BYTES) this.#handOver();
        return;
      }
    }
    for (;;) {
      const status = engine.scan();
      const rows = engine.rows();
      engine.rowsRead += rows.count;
      this.#engineRows += rows.count;
      this.#sheet.addEngineRows(rows);
      if (status === ScanStatus.Full) continue;
      if (status === ScanStatus.Bail) {
        if (this.#leftRowToScanner()) continue;
        if (this.#leftRowWaiting) return;
      } else if (status === ScanStatus.NeedMore) {
        // A row longer than the limit: the scanner reports it. A very long row is the
        // scanner's too, so the engine's memory (which never shrinks) stays small.
        const limit = Math.min(this.#source.maxElementChars, MAX_ENGINE_ROW_BYTES);
        if (engine.pending <= limit) return;
      } else if (status === ScanStatus.Header) {
        this.#sheet.add(engine.headerRow());
        if (this.#sheet.decidingHeader) {
          // Perhaps a title line: the engine looks on for a header, the sheet decides.
          engine.resume(false, engine.lastRow);
          continue;
        }
        if (this.#setColumns()) continue;
      }
      this.#handOver();
      return;
    }
  }

  /** After a Bail: the row the engine left goes to the scanner; false to hand over instead. */
  #leftRowToScanner(): boolean {
    const engine = this.#engine;
    if (this.#leftRows >= MAX_LEFT_ROWS && this.#leftRows * MAX_LEFT_SHARE > this.#engineRows) {
      return false;
    }
    const row = engine.takeRow();
    if (row === 'wait') {
      this.#leftRowWaiting = true;
      return false;
    }
    if (row === null) return false;
    this.#leftRows += 1;
    this.#scanner.resumeAfterRow(engine.lastRow);
    this.#scanBytes(row);
    // The row may have been the header (with a number in it, say), or named a new column.
    const ready = this.#sheet.engineColumns() === null || this.#setColumns();
    engine.resume(this.#haveHeader, this.#scanner.lastRowNumber);
    return ready;
  }

  /** Gives the engine the sheet's columns as they are now; false when it cannot take them. */
  #setColumns(): boolean {
    const columns = this.#sheet.engineColumns();
    if (columns === null) return false;
    if (!this.#engine.setColumns(columns.named, columns.keyColumns, this.#columnOffset)) {
      return false;
    }
    this.#haveHeader = true;
    return true;
  }

  /** The engine stops: what it counted goes to the sheet, the rest of the XML to the scanner. */
  #handOver(): void {
    this.#sheet.blankRows += this.#engine.blankRows;
    this.#scanner.resumeAfterRow(this.#engine.lastRow);
    this.#toScanner(this.#engine.takeInput());
  }

  #toScanner(bytes: Uint8Array): void {
    this.#mode = 'scanner';
    this.#scanBytes(bytes);
  }

  #scanBytes(bytes: Uint8Array): void {
    this.#scanText(this.#decoder.write(bytes));
  }

  #scanText(text: string): void {
    const scanner = this.#scanner;
    for (let rows = scanner.push(text); rows.length > 0; rows = scanner.drain()) {
      this.#addRows(rows);
    }
  }

  #addRows(rows: readonly SheetRow[]): void {
    for (const row of rows) this.#sheet.add(row);
  }
}
