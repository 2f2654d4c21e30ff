/**
 * The row engine (engine.c, compiled to WebAssembly): a worker's per-cell loop for the common
 * case, about five times faster than the same work in JavaScript. It reads a sheet's rows from
 * bytes and writes each row's cell XML and key bytes exactly as `renderRowCellsInto` and
 * `writeKey` would; whatever it does not handle, it hands back at the start of a row, and the
 * JavaScript scanner reads the rest of the sheet (see `readSheetWithEngine`).
 *
 * Each shared string is rendered, measured and keyed once per file: by engine.c from the part's
 * bytes when the item is plain text, else by the JavaScript functions themselves
 * (engine-strings.ts); the cell markup comes from `CELL_FRAGMENTS`, so the engine writes the
 * bytes the JavaScript path would have written. The layout of its memory that engine.c and this
 * file share is engine-layout.ts, generated from engine-layout.h.
 */
import type { CellValue } from '../../../core/cell.js';
import { columnLetters } from '../../../core/column-letters.js';
import { serialToEpochMs } from '../../../core/excel-dates.js';
import { MAX_COLUMNS } from '../../../core/excel-limits.js';
import type { KeyOptions } from '../../../core/key.js';
import { parseNumberText } from '../../../core/number-text.js';
import { CELL_FRAGMENTS } from '../../../render/cell-xml.js';
import {
  compileModule,
  instantiate,
  WASM_PAGE,
  type WasmGlobal,
  type WasmModule,
} from '../../../wasm/wasm.js';
import type { SharedStringsSource } from '../open-workbook.js';
import {
  COLUMN_LETTERS_BYTES,
  Config,
  FRAGMENT_SPAN_WORDS,
  Fragment,
  FragmentSpan,
  HEADER_CELL_WORDS,
  HeaderCell,
  MAX_KEY_COLUMNS,
  Result,
  ROW_RECORD_WORDS,
  type ScanStatus,
} from './engine-layout.js';
import { align, EngineMemory } from './engine-memory.js';
import { EngineStrings, type StringLimits } from './engine-strings.js';
import { ENGINE_WASM_BASE64 } from './engine-wasm.js';

/** CELL_FRAGMENTS in engine.c's order (enum fragment): Fragment.TextEnd is CELL_FRAGMENTS.textEnd. */
const FRAGMENTS: readonly string[] = (Object.keys(Fragment) as (keyof typeof Fragment)[])
  .sort((a, b) => Fragment[a] - Fragment[b])
  .map((name) => CELL_FRAGMENTS[uncapitalize(name)]);

function uncapitalize<Name extends string>(name: Name): Uncapitalize<Name> {
  return (name.charAt(0).toLowerCase() + name.slice(1)) as Uncapitalize<Name>;
}

const ROW_END = Buffer.from('</row>');
const MARKUP_DECLARATION = Buffer.from('<!');
const PROCESSING_INSTRUCTION = Buffer.from('<?');
const SHEET_DATA_END = Buffer.from('</sheetData');

/**
 * The output areas: a scan stops when one is full (the rows are taken and it goes on), so they
 * bound the engine's memory, not the size of a sheet. About a thousand typical rows.
 */
const OUT_BYTES = 1024 * 1024;
const RECORDS = 4 * 1024;
const CELL_WIDTHS = 64 * 1024;
const KEY_BYTES = 256 * 1024;
const HEADER_CELLS = 16 * 1024;
/**
 * How far the engine's memory grows by default: 512 MiB. It is not part of the V8 heap, so no
 * heap limit bounds it, and it never shrinks while the worker lives. A shared-strings table the
 * engine renders from the part's bytes (at most MAX_KEPT_STRINGS_BYTES) takes up to about six
 * times the part (a record of 24 bytes a string, the rendered cell and key: 400 MB for 64 MiB
 * of `<si/>`), one that JavaScript read at most MAX_JS_TABLE_BYTES (engine-strings.ts), a
 * sheet's input 16 MiB and a chunk. Past it, the scanner reads the sheet.
 */
export const DEFAULT_ENGINE_PAGES = (512 * 1024 * 1024) / WASM_PAGE;

interface EngineExports {
  scan(input: number, length: number): number;
  reset(headerKnown: number, lastRow: number): void;
  resume(headerKnown: number, lastRow: number): void;
  config_address(): number;
  result_address(): number;
  strings_walk(input: number, length: number, start: number, write: number): number;
  __heap_base: WasmGlobal;
}

let compiled: WasmModule | null = null;

/** A row read by the engine, as {@link RowEngine.rows} lists them. */
export interface EngineRows {
  readonly count: number;
  /** A row record per row (ROW_RECORD_WORDS u32s, fields as RowRecord says). */
  readonly records: Uint32Array;
  /** Rows' cell XML, one after another (ends in the records). */
  readonly out: Buffer;
  readonly keys: Buffer;
  /** Per non-empty cell: column << CELL_WIDTH_BITS | width. */
  readonly cellWidths: Uint32Array;
}

/** How a {@link RowEngine} is made (tests: its limits and layout). */
export interface RowEngineOptions {
  /**
   * How far its memory may grow, in 64 KiB pages (at most WebAssembly's 65,536). Past it a
   * file's tables are left to the scanner. @default DEFAULT_ENGINE_PAGES
   */
  readonly maxMemoryPages?: number;
  /**
   * The address where a file's areas (shared strings, styles, the sheet's input) start, when
   * that is past the fixed areas (tests: tables laid out past 2 GiB with a small input).
   */
  readonly filesAt?: number;
}

/** One worker's engine: its WebAssembly instance and memory, reused for every sheet. */
export class RowEngine {
  /** Data rows this engine has read, over every sheet: how a test sees that it did read. */
  rowsRead = 0;
  readonly #memory: EngineMemory;
  readonly #exports: EngineExports;
  readonly #strings: EngineStrings;
  /** Where the fixed areas end, where the file's areas end (the input starts there). */
  readonly #fixedEnd: number;
  #fileEnd: number;
  #table: SharedStringsSource | null = null;
  #styles: Uint8Array | null = null;
  #outputStyles: Uint32Array | null = null;
  #keyOptions: KeyOptions | null = null;
  /**
   * Input held for the next scan: bytes [#fileEnd + #inputOffset, + #inputLength). What scans
   * consume moves the offset; appending moves the rest to the front, once per chunk.
   */
  #inputOffset = 0;
  #inputLength = 0;
  readonly #areas: {
    out: number;
    records: number;
    cellWidths: number;
    keys: number;
    header: number;
    letters: number;
    named: number;
    keyColumns: number;
  };

  constructor(options: RowEngineOptions = {}) {
    compiled ??= compileModule(ENGINE_WASM_BASE64);
    const memory = new EngineMemory(128, options.maxMemoryPages ?? DEFAULT_ENGINE_PAGES);
    this.#memory = memory;
    this.#exports = instantiate(compiled, memory.wasm, {
      js_format: (text: number, length: number, out: number, dateKey: number) =>
        this.#format(text, length, out, dateKey),
      js_format_double: (value: number, out: number) =>
        this.#write(String(value === 0 ? 0 : value), out),
    }) as unknown as EngineExports;
    memory.locateBlocks(this.#exports.config_address(), this.#exports.result_address());
    this.#strings = new EngineStrings(memory, this.#exports.strings_walk);
    let at = align(this.#exports.__heap_base.value as number);
    const take = (bytes: number): number => {
      const start = at;
      at = align(at + bytes);
      return start;
    };
    const fragments = FRAGMENTS.map((text) => Buffer.from(text, 'latin1'));
    const fragmentTable = take(fragments.length * FRAGMENT_SPAN_WORDS * 4);
    const fragmentBytes = take(fragments.reduce((sum, bytes) => sum + bytes.length, 0));
    this.#areas = {
      out: take(OUT_BYTES),
      records: take(RECORDS * ROW_RECORD_WORDS * 4),
      cellWidths: take(CELL_WIDTHS * 4),
      keys: take(KEY_BYTES),
      header: take(HEADER_CELLS * HEADER_CELL_WORDS * 4),
      letters: take(MAX_COLUMNS * COLUMN_LETTERS_BYTES),
      named: take(MAX_COLUMNS),
      keyColumns: take(MAX_KEY_COLUMNS * 4),
    };
    this.#fixedEnd = Math.max(at, align(options.filesAt ?? 0));
    this.#fileEnd = this.#fixedEnd;
    memory.ensure(at + WASM_PAGE);
    let offset = 0;
    fragments.forEach((bytes, index) => {
      bytes.copy(memory.bytes, fragmentBytes + offset);
      const span = fragmentTable / 4 + FRAGMENT_SPAN_WORDS * index;
      memory.words[span + FragmentSpan.offset] = offset;
      memory.words[span + FragmentSpan.length] = bytes.length;
      offset += bytes.length;
    });
    this.#memory.setConfig(Config.fragmentBytes, fragmentBytes);
    this.#memory.setConfig(Config.fragments, fragmentTable);
    this.#memory.setConfig(Config.out, this.#areas.out);
    this.#memory.setConfig(Config.outCapacity, OUT_BYTES);
    this.#memory.setConfig(Config.records, this.#areas.records);
    this.#memory.setConfig(Config.recordCapacity, RECORDS);
    this.#memory.setConfig(Config.cellWidths, this.#areas.cellWidths);
    this.#memory.setConfig(Config.cellWidthCapacity, CELL_WIDTHS);
    this.#memory.setConfig(Config.keys, this.#areas.keys);
    this.#memory.setConfig(Config.keyCapacity, KEY_BYTES);
    this.#memory.setConfig(Config.header, this.#areas.header);
    this.#memory.setConfig(Config.headerCapacity, HEADER_CELLS);
    this.#memory.setConfig(Config.letters, this.#areas.letters);
    this.#memory.setConfig(Config.named, this.#areas.named);
    this.#memory.setConfig(Config.keyColumns, this.#areas.keyColumns);
  }

  /**
   * Loads a file's shared strings and date styles, and the output style of each of its styles
   * when cells keep their number format (once per file: a second call with the same table,
   * styles and options does nothing). Each string is rendered, measured and keyed (as
   * `keyOptions` compare text) once, so the engine only copies: by engine.c from the part's
   * bytes where the strings are plain, else by the JavaScript functions themselves.
   * `keyOptions.keysAsText` must be false: the engine keys numbers as numbers. Throws what the
   * JavaScript scanner throws for a damaged table.
   *
   * `outputStyles[s]` is the output's style id for a cell of source style `s` (0, or `s` past
   * its end: General, no `s` written), and a date cell with one is written as a number in it;
   * null (or empty): every cell is written as without it, byte for byte.
   */
  loadFile(
    table: SharedStringsSource,
    dateStyles: Uint8Array,
    outputStyles: Uint32Array | null,
    keyOptions: KeyOptions,
    limits: StringLimits,
  ): void {
    if (
      table === this.#table &&
      dateStyles === this.#styles &&
      outputStyles === this.#outputStyles &&
      keyOptions === this.#keyOptions
    ) {
      return;
    }
    this.#table = null;
    this.#inputOffset = 0;
    this.#inputLength = 0;
    const stylesAt = this.#strings.load(this.#fixedEnd, table, keyOptions, limits);
    const outputStylesAt = align(stylesAt + dateStyles.length);
    const kept = outputStyles ?? new Uint32Array(0);
    this.#fileEnd = align(outputStylesAt + kept.byteLength);
    this.#memory.ensure(this.#fileEnd + WASM_PAGE);
    this.#memory.bytes.set(dateStyles, stylesAt);
    this.#memory.words.set(kept, outputStylesAt / 4);
    this.#memory.setConfig(Config.dateStyles, stylesAt);
    this.#memory.setConfig(Config.styleCount, dateStyles.length);
    this.#memory.setConfig(Config.outputStyles, outputStylesAt);
    this.#memory.setConfig(Config.outputStyleCount, kept.length);
    this.#table = table;
    this.#styles = dateStyles;
    this.#outputStyles = outputStyles;
    this.#keyOptions = keyOptions;
  }

  /** Starts a sheet: no header yet, no input held. */
  startSheet(): void {
    this.#exports.reset(0, 0);
    this.#memory.setConfig(Config.columnCount, 0);
    this.#memory.setConfig(Config.keyColumnCount, 0);
    this.#inputOffset = 0;
    this.#inputLength = 0;
  }

  /**
   * The header row's cells (read by the last scan that stopped at {@link ScanStatus.Header}):
   * its shared strings by column, with nulls between.
   */
  headerRow(): { number: number; cells: CellValue[] } {
    const count = this.#memory.result(Result.headerCells);
    const cells: CellValue[] = [];
    const base = this.#areas.header / 4;
    const words = this.#memory.words;
    for (let i = 0; i < count; i++) {
      const cell = base + HEADER_CELL_WORDS * i;
      const column = words[cell + HeaderCell.column] as number;
      while (cells.length < column) cells.push(null);
      cells.push(this.#strings.at(words[cell + HeaderCell.string] as number));
    }
    return { number: this.#memory.result(Result.headerRow), cells };
  }

  /**
   * Sets the sheet's columns once its header is known: `named[i]` says whether source column i
   * has a name (a cell in another column makes the engine hand over, since the JavaScript path
   * would name a new column), `keyColumns` are the key's source columns in key order. Returns
   * false when the engine cannot take these columns.
   */
  setColumns(
    named: readonly boolean[],
    keyColumns: readonly number[],
    columnOffset: number,
  ): boolean {
    if (named.length > MAX_COLUMNS || keyColumns.length > MAX_KEY_COLUMNS) return false;
    if (named.length + columnOffset > MAX_COLUMNS) return false;
    const bytes = this.#memory.bytes;
    named.forEach((isNamed, column) => {
      const letters = columnLetters(column + columnOffset);
      const at = this.#areas.letters + COLUMN_LETTERS_BYTES * column;
      bytes[at] = letters.length;
      for (let i = 0; i < letters.length; i++) bytes[at + 1 + i] = letters.charCodeAt(i);
      bytes[this.#areas.named + column] = isNamed ? 1 : 0;
    });
    this.#memory.words.set(keyColumns, this.#areas.keyColumns / 4);
    this.#memory.setConfig(Config.columnCount, named.length);
    this.#memory.setConfig(Config.keyColumnCount, keyColumns.length);
    return true;
  }

  /** Appends bytes to the input held for the next scan. */
  append(chunk: Uint8Array): void {
    const start = this.#fileEnd;
    const memory = this.#memory;
    if (this.#inputOffset > 0) {
      const from = start + this.#inputOffset;
      memory.bytes.copyWithin(start, from, from + this.#inputLength);
      this.#inputOffset = 0;
    }
    memory.ensure(start + this.#inputLength + chunk.length);
    memory.bytes.set(chunk, start + this.#inputLength);
    this.#inputLength += chunk.length;
  }

  /** Bytes held and not yet consumed. */
  get pending(): number {
    return this.#inputLength;
  }

  /**
   * Reads rows from the input held. The rows read are in {@link rows} until the next scan;
   * the input they came from is dropped, and what is left starts at the row it stopped at.
   */
  scan(): ScanStatus {
    const start = this.#fileEnd + this.#inputOffset;
    const status = this.#exports.scan(start, this.#inputLength) as ScanStatus;
    const consumed = this.#memory.result(Result.consumed);
    this.#inputOffset += consumed;
    this.#inputLength -= consumed;
    return status;
  }

  /** The input not consumed (after End or Bail, the rest of the sheet XML so far), copied out. */
  takeInput(): Buffer {
    const start = this.#fileEnd + this.#inputOffset;
    const rest = Buffer.from(this.#memory.bytes.subarray(start, start + this.#inputLength));
    this.#inputOffset = 0;
    this.#inputLength = 0;
    return rest;
  }

  /**
   * After a Bail: the held input up to the end of the first `</row>` (the row the engine left,
   * and any before it), copied out and dropped, for the JavaScript scanner to read. 'wait' when
   * no `</row>` is held yet; null when a comment, CDATA section or processing instruction (which
   * could hold a `</row>` that ends nothing) or the end of the sheet data comes before it.
   */
  takeRow(): Buffer | 'wait' | null {
    const start = this.#fileEnd + this.#inputOffset;
    const held = this.#memory.bytes.subarray(start, start + this.#inputLength);
    const close = held.indexOf(ROW_END);
    const row = close < 0 ? held : held.subarray(0, close + ROW_END.length);
    if (row.includes(MARKUP_DECLARATION) || row.includes(PROCESSING_INSTRUCTION)) return null;
    if (row.includes(SHEET_DATA_END)) return null;
    if (close < 0) return 'wait';
    this.#inputOffset += row.length;
    this.#inputLength -= row.length;
    return Buffer.from(row);
  }

  /** Goes on after rows the JavaScript scanner read, the last of them numbered `lastRow`. */
  resume(headerKnown: boolean, lastRow: number): void {
    this.#exports.resume(headerKnown ? 1 : 0, lastRow);
  }

  /** The rows the last scan read. Views into the engine's memory: use them before scanning again. */
  rows(): EngineRows {
    const memory = this.#memory;
    const buffer = memory.wasm.buffer;
    const bytes = memory.bytes;
    const count = memory.result(Result.recordCount);
    return {
      count,
      records: new Uint32Array(buffer, this.#areas.records, count * ROW_RECORD_WORDS),
      out: bytes.subarray(this.#areas.out, this.#areas.out + memory.result(Result.outUsed)),
      keys: bytes.subarray(this.#areas.keys, this.#areas.keys + memory.result(Result.keyUsed)),
      cellWidths: new Uint32Array(buffer, this.#areas.cellWidths, memory.result(Result.widthUsed)),
    };
  }

  /** Blank rows (after the header) since the sheet started. */
  get blankRows(): number {
    return this.#memory.result(Result.blankRows);
  }

  /** The number of the last row read (what a row without `r` counts on from). */
  get lastRow(): number {
    return this.#memory.result(Result.lastRow);
  }

  /** js_format (see engine.c): a number's String() text, or a date's key part. */
  #format(text: number, length: number, out: number, dateKey: number): number {
    // As the JavaScript reader reads a number (CellValueReader.parseNumber); else it reports it.
    const source = this.#memory.bytes.toString('latin1', text, text + length);
    const number = parseNumberText(source);
    if (Number.isNaN(number)) return -1;
    let written: string;
    if (dateKey === 1) {
      // writeKey's part for a date cell of this serial (the 1900 date system: no shift).
      const part = `d${serialToEpochMs(number)}`;
      written = `${part.length}:${part}`;
    } else {
      written = String(number === 0 ? 0 : number);
    }
    return this.#write(written, out);
  }

  /** Writes ASCII text at `out` (a short number: a loop beats a native call); returns its length. */
  #write(text: string, out: number): number {
    const bytes = this.#memory.bytes;
    for (let i = 0; i < text.length; i++) bytes[out + i] = text.charCodeAt(i);
    return text.length;
  }
}
