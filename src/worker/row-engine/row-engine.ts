/**
 * The row engine (engine.c, compiled to WebAssembly): a worker's per-cell loop for the common
 * case, about five times faster than the same work in JavaScript. It reads a sheet's rows from
 * bytes and writes each row's cell XML and key bytes exactly as `renderRowCellsInto` and
 * `writeKey` would; whatever it does not handle, it hands back at the start of a row, and the
 * JavaScript scanner reads the rest of the sheet (see `readSheetWithEngine`).
 *
 * What JavaScript decides, it decides once: each shared string is rendered, measured and keyed
 * by the JavaScript functions themselves, and the cell markup comes from `CELL_FRAGMENTS`, so
 * the engine copies bytes the JavaScript path would have written.
 */
import type { CellValue } from '../../core/cell.js';
import { serialToEpochMs } from '../../core/cell.js';
import { type KeyOptions, type KeySink, writeKey } from '../../core/key.js';
import { writeWtf8 } from '../../core/packed-keys.js';
import { isNonDecimalLiteral } from '../../xlsx/read/sheet-scanner.js';
import {
  CELL_FRAGMENTS,
  CELL_MARKUP_BYTES,
  columnLetters,
  MAX_CELL_TEXT,
  putTextCellRest,
  XmlBytes,
} from '../../xlsx/write/cell-xml.js';
import { ENGINE_WASM_BASE64 } from './engine-wasm.js';

/** What {@link RowEngine.scan} stopped at (engine.c's enum). */
export const ScanStatus = {
  /** The rest of the input is an incomplete row: give it again with more bytes after it. */
  NeedMore: 0,
  /** At `</sheetData>`. */
  End: 1,
  /** The header row was read: set the columns up, then go on. */
  Header: 2,
  /** A row the engine does not handle starts here: the JavaScript scanner reads on. */
  Bail: 3,
  /** The output buffers are full: take the rows, then go on. */
  Full: 4,
} as const;
export type ScanStatus = (typeof ScanStatus)[keyof typeof ScanStatus];

/** Fields of engine.c's `config` struct, in order (each 4 bytes). */
const Config = {
  stringBytes: 0,
  bodyStart: 1,
  bodyLength: 2,
  keyStart: 3,
  keyLength: 4,
  stringWidth: 5,
  stringFlags: 6,
  stringCount: 7,
  dateStyles: 8,
  styleCount: 9,
  fragmentBytes: 10,
  fragments: 11,
  letters: 12,
  named: 13,
  columnCount: 14,
  keyColumns: 15,
  keyColumnCount: 16,
  out: 17,
  outCapacity: 18,
  records: 19,
  recordCapacity: 20,
  cellWidths: 21,
  cellWidthCapacity: 22,
  keys: 23,
  keyCapacity: 24,
  header: 25,
  headerCapacity: 26,
} as const;

/** Fields of engine.c's `result` struct, in order (each 4 bytes). */
const Result = {
  consumed: 0,
  outUsed: 1,
  recordCount: 2,
  keyUsed: 3,
  widthUsed: 4,
  blankRows: 5,
  lastRow: 6,
  headerCells: 7,
  headerRow: 8,
} as const;

const ROW_END = Buffer.from('</row>');
const MARKUP_DECLARATION = Buffer.from('<!');
const PROCESSING_INSTRUCTION = Buffer.from('<?');
const SHEET_DATA_END = Buffer.from('</sheetData');

/** u32s per row record: row number, out end, key end, present, cell widths end. */
export const RECORD = 5;
/**
 * The output areas: a scan stops when one is full (the rows are taken and it goes on), so they
 * bound the engine's memory, not the size of a sheet. About a thousand typical rows.
 */
const OUT_BYTES = 1024 * 1024;
const RECORDS = 4 * 1024;
const CELL_WIDTHS = 64 * 1024;
const KEY_BYTES = 256 * 1024;
const HEADER_CELLS = 16 * 1024;
const MAX_COLUMNS = 16 * 1024;
const MAX_KEY_COLUMNS = 64;
const PAGE = 64 * 1024;
/** String flags (engine.c): the empty string, and text the engine leaves to JavaScript. */
const EMPTY_STRING = 1;
const UNUSABLE_STRING = 2;

interface EngineExports {
  scan(input: number, length: number): number;
  reset(headerKnown: number, lastRow: number): void;
  resume(headerKnown: number, lastRow: number): void;
  config_address(): number;
  result_address(): number;
  __heap_base: WebAssembly.Global;
}

/**
 * The part of the WebAssembly API used here: Node has it built in, but this project's type
 * libraries (ES2023 and @types/node) do not declare it.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Global {
    value: unknown;
  }
}

let compiled: WebAssembly.Module | null = null;

/** A row read by the engine, as {@link RowEngine.rows} lists them. */
export interface EngineRows {
  readonly count: number;
  /** RECORD u32s per row: row number, out end, key end, present (0/1), cell widths end. */
  readonly records: Uint32Array;
  /** Rows' cell XML, one after another (ends in the records). */
  readonly out: Buffer;
  readonly keys: Buffer;
  /** Per non-empty cell: column << 16 | width. */
  readonly cellWidths: Uint32Array;
}

/** One worker's engine: its WebAssembly instance and memory, reused for every sheet. */
export class RowEngine {
  readonly #memory: WebAssembly.Memory;
  readonly #exports: EngineExports;
  readonly #config: number;
  readonly #result: number;
  #bytes: Buffer;
  #words: Uint32Array;
  /** Where the fixed areas end, where the file's areas end (the input starts there). */
  readonly #fixedEnd: number;
  #fileEnd: number;
  #strings: readonly string[] | null = null;
  #styles: Uint8Array | null = null;
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

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(ENGINE_WASM_BASE64, 'base64'));
    this.#memory = new WebAssembly.Memory({ initial: 128 });
    const instance = new WebAssembly.Instance(compiled, {
      env: {
        memory: this.#memory,
        js_format: (text: number, length: number, out: number, dateKey: number) =>
          this.#format(text, length, out, dateKey),
        js_format_double: (value: number, out: number) =>
          this.#write(String(value === 0 ? 0 : value), out),
      },
    });
    this.#exports = instance.exports as unknown as EngineExports;
    this.#config = this.#exports.config_address();
    this.#result = this.#exports.result_address();
    this.#bytes = Buffer.from(this.#memory.buffer);
    this.#words = new Uint32Array(this.#memory.buffer);
    let at = align(this.#exports.__heap_base.value as number);
    const take = (bytes: number): number => {
      const start = at;
      at = align(at + bytes);
      return start;
    };
    const fragments = Object.values(CELL_FRAGMENTS).map((text) => Buffer.from(text, 'latin1'));
    const fragmentTable = take(fragments.length * 8);
    const fragmentBytes = take(fragments.reduce((sum, bytes) => sum + bytes.length, 0));
    this.#areas = {
      out: take(OUT_BYTES),
      records: take(RECORDS * RECORD * 4),
      cellWidths: take(CELL_WIDTHS * 4),
      keys: take(KEY_BYTES),
      header: take(HEADER_CELLS * 8),
      letters: take(MAX_COLUMNS * 4),
      named: take(MAX_COLUMNS),
      keyColumns: take(MAX_KEY_COLUMNS * 4),
    };
    this.#fixedEnd = at;
    this.#fileEnd = at;
    this.#ensure(at + PAGE);
    let offset = 0;
    fragments.forEach((bytes, index) => {
      bytes.copy(this.#bytes, fragmentBytes + offset);
      this.#words[fragmentTable / 4 + 2 * index] = offset;
      this.#words[fragmentTable / 4 + 2 * index + 1] = bytes.length;
      offset += bytes.length;
    });
    this.#set(Config.fragmentBytes, fragmentBytes);
    this.#set(Config.fragments, fragmentTable);
    this.#set(Config.out, this.#areas.out);
    this.#set(Config.outCapacity, OUT_BYTES);
    this.#set(Config.records, this.#areas.records);
    this.#set(Config.recordCapacity, RECORDS);
    this.#set(Config.cellWidths, this.#areas.cellWidths);
    this.#set(Config.cellWidthCapacity, CELL_WIDTHS);
    this.#set(Config.keys, this.#areas.keys);
    this.#set(Config.keyCapacity, KEY_BYTES);
    this.#set(Config.header, this.#areas.header);
    this.#set(Config.headerCapacity, HEADER_CELLS);
    this.#set(Config.letters, this.#areas.letters);
    this.#set(Config.named, this.#areas.named);
    this.#set(Config.keyColumns, this.#areas.keyColumns);
  }

  /**
   * Loads a file's shared strings and date styles (once per file: a second call with the same
   * arrays and options does nothing). Each string is rendered, measured and keyed here (as
   * `keyOptions` compare text), by the JavaScript functions, so the engine only copies.
   * `keyOptions.keysAsText` must be false: the engine keys numbers as numbers.
   */
  loadFile(strings: readonly string[], dateStyles: Uint8Array, keyOptions: KeyOptions): void {
    if (
      strings === this.#strings &&
      dateStyles === this.#styles &&
      keyOptions === this.#keyOptions
    ) {
      return;
    }
    this.#strings = strings;
    this.#styles = dateStyles;
    this.#keyOptions = keyOptions;
    this.#inputOffset = 0;
    this.#inputLength = 0;
    const count = strings.length;
    // At least 64 KiB: a smaller Buffer comes from the shared pool and cannot be detached.
    const xml = new XmlBytes(Math.max(64 * 1024, count * 64));
    const keys = new ByteSink();
    const bodyStart = new Uint32Array(count);
    const bodyLength = new Uint32Array(count);
    const keyStart = new Uint32Array(count);
    const keyLength = new Uint32Array(count);
    const widths = new Uint32Array(count);
    const flags = new Uint8Array(count);
    const one: CellValue[] = [null];
    const first = [0];
    for (let i = 0; i < count; i++) {
      const text = strings[i] as string;
      if (text === '') {
        flags[i] = EMPTY_STRING;
        continue;
      }
      // Too long for a cell: the JavaScript path reports it, with the row and column.
      if (text.length > MAX_CELL_TEXT) {
        flags[i] = UNUSABLE_STRING;
        continue;
      }
      // The cell after `<c r="A\0`, as renderRowCellsInto writes it (the engine writes the rest).
      const start = xml.length;
      xml.reserve(CELL_MARKUP_BYTES);
      widths[i] = putTextCellRest(xml, text);
      bodyStart[i] = start;
      bodyLength[i] = xml.length - start;
      one[0] = text;
      keyStart[i] = keys.length;
      // A string that keys as empty (all spaces, with --trim) has no part: the engine writes
      // `_` for it, as for an empty cell, and it does not make the key present.
      if (!writeKey(keys, one, first, keyOptions)) keys.truncate(keyStart[i] as number);
      keyLength[i] = keys.length - (keyStart[i] as number);
    }
    const rendered = xml.detach();
    const keyBytes = keys.bytes();
    let at = this.#fixedEnd;
    const place = (bytes: number): number => {
      const start = at;
      at = align(at + bytes);
      return start;
    };
    const renderedAt = place(rendered.length);
    const keysAt = place(keyBytes.length);
    const tables = place(count * 4 * 5);
    const flagsAt = place(count);
    const stylesAt = place(dateStyles.length);
    this.#fileEnd = at;
    this.#ensure(at + PAGE);
    const bytes = this.#bytes;
    bytes.set(rendered, renderedAt);
    bytes.set(keyBytes, keysAt);
    // Key parts are addressed from the rendered bytes' start, like the bodies.
    for (let i = 0; i < count; i++) keyStart[i] = (keyStart[i] as number) + keysAt - renderedAt;
    const words = this.#words;
    const table = (index: number, values: Uint32Array): number => {
      const address = tables + index * count * 4;
      words.set(values, address / 4);
      return address;
    };
    this.#set(Config.stringBytes, renderedAt);
    this.#set(Config.bodyStart, table(0, bodyStart));
    this.#set(Config.bodyLength, table(1, bodyLength));
    this.#set(Config.keyStart, table(2, keyStart));
    this.#set(Config.keyLength, table(3, keyLength));
    this.#set(Config.stringWidth, table(4, widths));
    bytes.set(flags, flagsAt);
    this.#set(Config.stringFlags, flagsAt);
    this.#set(Config.stringCount, count);
    bytes.set(dateStyles, stylesAt);
    this.#set(Config.dateStyles, stylesAt);
    this.#set(Config.styleCount, dateStyles.length);
  }

  /** Starts a sheet: no header yet, no input held. */
  startSheet(): void {
    this.#exports.reset(0, 0);
    this.#set(Config.columnCount, 0);
    this.#set(Config.keyColumnCount, 0);
    this.#inputOffset = 0;
    this.#inputLength = 0;
  }

  /**
   * The header row's cells (read by the last scan that stopped at {@link ScanStatus.Header}):
   * its shared strings by column, with nulls between.
   */
  headerRow(): { number: number; cells: CellValue[] } {
    const strings = this.#strings ?? [];
    const count = this.#get(Result.headerCells);
    const cells: CellValue[] = [];
    const base = this.#areas.header / 4;
    for (let i = 0; i < count; i++) {
      const column = this.#words[base + 2 * i] as number;
      while (cells.length < column) cells.push(null);
      cells.push(strings[this.#words[base + 2 * i + 1] as number] ?? null);
    }
    return { number: this.#get(Result.headerRow), cells };
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
    const bytes = this.#bytes;
    named.forEach((isNamed, column) => {
      const letters = columnLetters(column + columnOffset);
      const at = this.#areas.letters + 4 * column;
      bytes[at] = letters.length;
      for (let i = 0; i < letters.length; i++) bytes[at + 1 + i] = letters.charCodeAt(i);
      bytes[this.#areas.named + column] = isNamed ? 1 : 0;
    });
    this.#words.set(keyColumns, this.#areas.keyColumns / 4);
    this.#set(Config.columnCount, named.length);
    this.#set(Config.keyColumnCount, keyColumns.length);
    return true;
  }

  /** Appends bytes to the input held for the next scan. */
  append(chunk: Uint8Array): void {
    const start = this.#fileEnd;
    if (this.#inputOffset > 0) {
      const from = start + this.#inputOffset;
      this.#bytes.copyWithin(start, from, from + this.#inputLength);
      this.#inputOffset = 0;
    }
    this.#ensure(start + this.#inputLength + chunk.length);
    this.#bytes.set(chunk, start + this.#inputLength);
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
    const consumed = this.#get(Result.consumed);
    this.#inputOffset += consumed;
    this.#inputLength -= consumed;
    return status;
  }

  /** The input not consumed (after End or Bail, the rest of the sheet XML so far), copied out. */
  takeInput(): Buffer {
    const start = this.#fileEnd + this.#inputOffset;
    const rest = Buffer.from(this.#bytes.subarray(start, start + this.#inputLength));
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
    const held = this.#bytes.subarray(start, start + this.#inputLength);
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
    const memory = this.#memory.buffer;
    const count = this.#get(Result.recordCount);
    return {
      count,
      records: new Uint32Array(memory, this.#areas.records, count * RECORD),
      out: this.#bytes.subarray(this.#areas.out, this.#areas.out + this.#get(Result.outUsed)),
      keys: this.#bytes.subarray(this.#areas.keys, this.#areas.keys + this.#get(Result.keyUsed)),
      cellWidths: new Uint32Array(memory, this.#areas.cellWidths, this.#get(Result.widthUsed)),
    };
  }

  /** Blank rows (after the header) since the sheet started. */
  get blankRows(): number {
    return this.#get(Result.blankRows);
  }

  /** The number of the last row read (what a row without `r` counts on from). */
  get lastRow(): number {
    return this.#get(Result.lastRow);
  }

  /** js_format (see engine.c): a number's String() text, or a date's key part. */
  #format(text: number, length: number, out: number, dateKey: number): number {
    // As the JavaScript reader reads a number (SheetScanner.parseNumber); else it reports it.
    const source = this.#bytes.toString('latin1', text, text + length);
    const number = Number(source);
    if (!Number.isFinite(number) || isNonDecimalLiteral(source)) return -1;
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
    const bytes = this.#bytes;
    for (let i = 0; i < text.length; i++) bytes[out + i] = text.charCodeAt(i);
    return text.length;
  }

  #get(field: number): number {
    return this.#words[this.#result / 4 + field] as number;
  }

  #set(field: number, value: number): void {
    this.#words[this.#config / 4 + field] = value;
  }

  /** Grows the memory to hold `end` bytes, and renews the views of it. */
  #ensure(end: number): void {
    const have = this.#memory.buffer.byteLength;
    if (end > have) this.#memory.grow(Math.ceil((end - have) / PAGE));
    if (this.#bytes.buffer !== this.#memory.buffer) {
      this.#bytes = Buffer.from(this.#memory.buffer);
      this.#words = new Uint32Array(this.#memory.buffer);
    }
  }
}

/** Where writeKey writes a shared string's key part: a growable byte buffer. */
class ByteSink implements KeySink {
  #bytes = new Uint8Array(64 * 1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  truncate(length: number): void {
    this.#length = length;
  }

  text(text: string): void {
    this.#room(text.length * 3);
    this.#length = writeWtf8(text, this.#bytes, this.#length);
  }

  digits(value: number): void {
    const digits = String(value);
    this.#room(digits.length);
    for (let i = 0; i < digits.length; i++) this.#bytes[this.#length++] = digits.charCodeAt(i);
  }

  byte(code: number): void {
    this.#room(1);
    this.#bytes[this.#length++] = code;
  }

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#length + bytes, this.#bytes.length * 2));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}

function align(at: number): number {
  return (at + 7) & ~7;
}
