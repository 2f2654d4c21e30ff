/**
 * The row engine (engine.c, compiled to WebAssembly): a worker's per-cell loop for the common
 * case, about five times faster than the same work in JavaScript. It reads a sheet's rows from
 * bytes and writes each row's cell XML and key bytes exactly as `renderRowCellsInto` and
 * `writeKey` would; whatever it does not handle, it hands back at the start of a row, and the
 * JavaScript scanner reads the rest of the sheet (see `readSheetWithEngine`).
 *
 * Each shared string is rendered, measured and keyed once per file: by engine.c from the part's
 * bytes when the item is plain text, else by the JavaScript functions themselves; the cell
 * markup comes from `CELL_FRAGMENTS`, so the engine writes the bytes the JavaScript path would
 * have written.
 */
import type { CellValue } from '../../../core/cell.js';
import { columnLetters } from '../../../core/column-letters.js';
import { serialToEpochMs } from '../../../core/excel-dates.js';
import { MAX_CELL_TEXT, MAX_COLUMNS } from '../../../core/excel-limits.js';
import { type KeyOptions, type KeySink, writeKey } from '../../../core/key.js';
import { writeWtf8 } from '../../../core/packed-keys.js';
import { CELL_FRAGMENTS, CELL_MARKUP_BYTES, putTextCellRest } from '../../../render/cell-xml.js';
import { RenderBuffer } from '../../../render/render-buffer.js';
import {
  compileModule,
  instantiate,
  newMemory,
  WASM_PAGE,
  type WasmGlobal,
  type WasmMemory,
  type WasmModule,
} from '../../../wasm/wasm.js';
import { parseNumberText } from '../number-text.js';
import type { SharedStringsSource } from '../open-workbook.js';
import type { SharedStringList } from '../string-list.js';
import {
  COLUMN_LETTERS_BYTES,
  Config,
  FRAGMENT_SPAN_WORDS,
  Fragment,
  FragmentSpan,
  HEADER_CELL_WORDS,
  HeaderCell,
  KeyOption,
  MAX_KEY_COLUMNS,
  Result,
  ROW_RECORD_WORDS,
  type ScanStatus,
  STRING_RECORD_WORDS,
  StringFlag,
  StringRecord,
} from './engine-layout.js';
import { ENGINE_WASM_BASE64 } from './engine-wasm.js';

/**
 * Each engine.c config pointer into the shared strings' records, and the record field it
 * points at (in the first record).
 */
const STRING_CONFIG: readonly (readonly [config: number, field: number])[] = [
  [Config.bodyStart, StringRecord.bodyStart],
  [Config.bodyLength, StringRecord.bodyLength],
  [Config.keyStart, StringRecord.keyStart],
  [Config.keyLength, StringRecord.keyLength],
  [Config.stringWidth, StringRecord.width],
  [Config.stringFlags, StringRecord.flags],
];

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
 * of `<si/>`), one that JavaScript read at most MAX_JS_TABLE_BYTES, a sheet's input 16 MiB and
 * a chunk. Past it, the scanner reads the sheet.
 */
export const DEFAULT_ENGINE_PAGES = (512 * 1024 * 1024) / WASM_PAGE;
/**
 * The most of the engine's memory a table of strings read by JavaScript may take (about 90
 * bytes a string, so about 1.4 million strings): such a table is held by JavaScript already,
 * and the engine's rendering of it would more than double it. Past it, the scanner reads the
 * sheet (5.5 million two-run rich strings from a 630 KB zip took 900 MB with the engine).
 */
const MAX_JS_TABLE_BYTES = 128 * 1024 * 1024;
/**
 * Items engine.c leaves are read one by one by JavaScript, each with a scanner of its own. Past
 * MAX_LEFT_ITEMS, when they are more than one item in LEFT_SHARE, the whole table is read by
 * JavaScript instead, which is faster (5.5 million two-run rich strings, read one by one, took
 * 28 s and 2.1 GiB; as one table, 6 s and 0.4 GiB). So is a table with an item of more XML than
 * MAX_LEFT_ITEM_BYTES: read alone, its XML would be decoded into one string, where the
 * scanner reading the table holds only the item's text.
 */
const MAX_LEFT_ITEMS = 4096;
const LEFT_SHARE = 8;
const MAX_LEFT_ITEM_BYTES = 1024 * 1024;

/**
 * The start of a shared-strings part engine.c reads after: an optional XML declaration, then
 * `<sst>` with the main namespace as the default one and counts, as Excel, LibreOffice and
 * openpyxl write it. Anything else is read by JavaScript alone.
 */
const SST_START =
  /^(?:\xEF\xBB\xBF)?(?:<\?xml [^<>]*\?>[ \t\r\n]*)?<sst xmlns="http:\/\/schemas\.openxmlformats\.org\/spreadsheetml\/2006\/main"(?: (?:count|uniqueCount)="\d+")*>/;
const NAMED_ENTITY = /&(amp|lt|gt|quot|apos);/g;
const ENTITY_CHARACTERS: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};
function decodeEntity(_match: string, name: string): string {
  return ENTITY_CHARACTERS[name] as string;
}

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
  readonly #memory: WasmMemory;
  /** The most bytes the memory may hold. */
  readonly #maxBytes: number;
  readonly #exports: EngineExports;
  readonly #config: number;
  readonly #result: number;
  #bytes: Buffer;
  #words: Uint32Array;
  /** Where the fixed areas end, where the file's areas end (the input starts there). */
  readonly #fixedEnd: number;
  #fileEnd: number;
  #table: SharedStringsSource | null = null;
  /** The strings, when JavaScript read the whole table. */
  #strings: SharedStringList | null = null;
  /** Else the strings of the items JavaScript read, by index (engine.c rendered the others). */
  readonly #itemStrings = new Map<number, string>();
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

  constructor(options: RowEngineOptions = {}) {
    compiled ??= compileModule(ENGINE_WASM_BASE64);
    const pages = options.maxMemoryPages ?? DEFAULT_ENGINE_PAGES;
    this.#memory = newMemory(128, pages);
    this.#maxBytes = pages * WASM_PAGE;
    this.#exports = instantiate(compiled, this.#memory, {
      js_format: (text: number, length: number, out: number, dateKey: number) =>
        this.#format(text, length, out, dateKey),
      js_format_double: (value: number, out: number) =>
        this.#write(String(value === 0 ? 0 : value), out),
    }) as unknown as EngineExports;
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
    this.#ensure(at + WASM_PAGE);
    let offset = 0;
    fragments.forEach((bytes, index) => {
      bytes.copy(this.#bytes, fragmentBytes + offset);
      const span = fragmentTable / 4 + FRAGMENT_SPAN_WORDS * index;
      this.#words[span + FragmentSpan.offset] = offset;
      this.#words[span + FragmentSpan.length] = bytes.length;
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
   * table, styles and options does nothing). Each string is rendered, measured and keyed (as
   * `keyOptions` compare text) once, so the engine only copies: by engine.c from the part's
   * bytes where the strings are plain, else by the JavaScript functions themselves.
   * `keyOptions.keysAsText` must be false: the engine keys numbers as numbers. Throws what the
   * JavaScript scanner throws for a damaged table.
   */
  loadFile(
    table: SharedStringsSource,
    dateStyles: Uint8Array,
    keyOptions: KeyOptions,
    limits: { readonly maxElementChars: number; readonly maxSharedStrings: number },
  ): void {
    if (table === this.#table && dateStyles === this.#styles && keyOptions === this.#keyOptions) {
      return;
    }
    this.#table = null;
    this.#strings = null;
    this.#itemStrings.clear();
    this.#inputOffset = 0;
    this.#inputLength = 0;
    const at = this.#fixedEnd;
    const bytes = table.bytes;
    let end = bytes === null ? -1 : this.#loadStringBytes(at, bytes, table, keyOptions, limits);
    if (end < 0) {
      const strings = table.strings();
      end = this.#loadStrings(at, strings, keyOptions);
      this.#strings = strings;
    }
    const stylesAt = end;
    this.#fileEnd = align(stylesAt + dateStyles.length);
    this.#ensure(this.#fileEnd + WASM_PAGE);
    this.#bytes.set(dateStyles, stylesAt);
    this.#set(Config.dateStyles, stylesAt);
    this.#set(Config.styleCount, dateStyles.length);
    this.#table = table;
    this.#styles = dateStyles;
    this.#keyOptions = keyOptions;
  }

  /**
   * The table of strings rendered, keyed and measured by JavaScript, from `at`: the path for
   * tables engine.c does not read. Returns where it ends.
   */
  #loadStrings(at: number, strings: SharedStringList, keyOptions: KeyOptions): number {
    const count = strings.length;
    // Checked as it goes, before the memory is asked for: rendering a table too large for it
    // would cost as much again, outside the engine, before the engine could refuse it.
    const room =
      Math.min(this.#maxBytes - at, MAX_JS_TABLE_BYTES) - count * STRING_RECORD_WORDS * 4;
    if (room < 0) throw tooLarge();
    const renderer = new StringRenderer(keyOptions, 0, Math.min(count * 64, room));
    const records = new Uint32Array(count * STRING_RECORD_WORDS);
    for (let i = 0; i < count; i++) {
      renderer.render(strings.at(i) as string);
      renderer.fill(records, i * STRING_RECORD_WORDS);
      if (renderer.length > room) throw tooLarge();
    }
    const tableAt = this.#place(renderer.bytes(), at);
    const end = this.#place(records, tableAt);
    this.#setStringTable(at, tableAt, count);
    return end;
  }

  /**
   * The table of strings from the part's bytes, from `at`: engine.c renders, keys and measures
   * the plain items, JavaScript the others (which it reads one by one). Returns where it ends,
   * or -1 when the part is not one engine.c reads (the caller reads it all in JavaScript).
   */
  #loadStringBytes(
    at: number,
    source: Buffer,
    table: SharedStringsSource,
    keyOptions: KeyOptions,
    limits: { readonly maxElementChars: number; readonly maxSharedStrings: number },
  ): number {
    const start = SST_START.exec(source.toString('latin1', 0, Math.min(source.length, 1024)));
    if (start === null) return -1;
    const rawAt = at;
    const renderedAt = this.#place(source, rawAt);
    this.#set(Config.maxItemBytes, limits.maxElementChars);
    this.#set(Config.maxStrings, limits.maxSharedStrings);
    this.#set(
      Config.keyOptions,
      (keyOptions.ignoreCase ? KeyOption.IgnoreCase : 0) | (keyOptions.trim ? KeyOption.Trim : 0),
    );
    const walk = (write: number): boolean =>
      this.#exports.strings_walk(rawAt, source.length, start[0].length, write) === 1;
    if (!walk(0)) return -1;
    const count = this.#get(Result.stringItems);
    const rendered = this.#get(Result.stringRendered) + this.#get(Result.stringKeys);
    const tableAt = align(renderedAt + rendered);
    const tableEnd = align(tableAt + count * STRING_RECORD_WORDS * 4);
    this.#ensure(tableEnd);
    this.#setStringTable(renderedAt, tableAt, count);
    walk(1);
    const leftCount = this.#get(Result.stringLeft);
    if (leftCount === 0) return tableEnd;
    if (leftCount > MAX_LEFT_ITEMS && leftCount * LEFT_SHARE > count) return -1;
    // The items and keys engine.c left (their XML's or raw text's range in the input, in the
    // records): read, rendered and keyed here, and placed after the table.
    const renderer = new StringRenderer(keyOptions, tableEnd - renderedAt, 0);
    const left = new Uint32Array(leftCount);
    const records = new Uint32Array(leftCount * STRING_RECORD_WORDS);
    const field = (index: number, which: number): number =>
      this.#words[tableAt / 4 + index * STRING_RECORD_WORDS + which] as number;
    let k = 0;
    for (let i = 0; i < count; i++) {
      const flag = field(i, StringRecord.flags);
      if ((flag & (StringFlag.ItemByJs | StringFlag.KeyByJs)) === 0) continue;
      if (flag & StringFlag.ItemByJs) {
        if (field(i, StringRecord.bodyLength) > MAX_LEFT_ITEM_BYTES) return -1;
        const from = rawAt + field(i, StringRecord.bodyStart);
        let text: string;
        try {
          text = table.item(
            this.#bytes.toString('utf8', from, from + field(i, StringRecord.bodyLength)),
          );
        } catch {
          return -1; // the JavaScript reading of the whole table reports it, in its context
        }
        this.#itemStrings.set(i, text);
        renderer.render(text);
      } else {
        // engine.c rendered and measured the text; its key needs Unicode's rules
        const from = rawAt + field(i, StringRecord.keyStart);
        const raw = this.#bytes.toString('utf8', from, from + field(i, StringRecord.keyLength));
        renderer.keyOnly(
          raw.replace(NAMED_ENTITY, decodeEntity),
          field(i, StringRecord.bodyStart),
          field(i, StringRecord.bodyLength),
          field(i, StringRecord.width),
        );
      }
      left[k] = i;
      renderer.fill(records, k * STRING_RECORD_WORDS);
      k++;
    }
    const end = this.#place(renderer.bytes(), tableEnd);
    left.forEach((index, n) => {
      const record = records.subarray(n * STRING_RECORD_WORDS, (n + 1) * STRING_RECORD_WORDS);
      this.#words.set(record, tableAt / 4 + index * STRING_RECORD_WORDS);
    });
    return end;
  }

  /** Copies `bytes` into the memory at `at`; returns where the next area may start. */
  #place(bytes: Uint8Array | Uint32Array, at: number): number {
    const end = align(at + bytes.byteLength);
    this.#ensure(end);
    this.#bytes.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), at);
    return end;
  }

  /**
   * Points engine.c at a table of strings: bodies and key parts from `renderedAt`, a record of
   * STRING_RECORD_WORDS per string from `tableAt` (each config pointer is its field's first).
   */
  #setStringTable(renderedAt: number, tableAt: number, count: number): void {
    this.#set(Config.stringBytes, renderedAt);
    for (const [config, field] of STRING_CONFIG) this.#set(config, tableAt + field * 4);
    this.#set(Config.stringCount, count);
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
    const count = this.#get(Result.headerCells);
    const cells: CellValue[] = [];
    const base = this.#areas.header / 4;
    for (let i = 0; i < count; i++) {
      const cell = base + HEADER_CELL_WORDS * i;
      const column = this.#words[cell + HeaderCell.column] as number;
      while (cells.length < column) cells.push(null);
      cells.push(this.#stringAt(this.#words[cell + HeaderCell.string] as number));
    }
    return { number: this.#get(Result.headerRow), cells };
  }

  /**
   * Shared string `index` (one the engine read in a header: not empty, not too long): given,
   * read by JavaScript, or else decoded from the body engine.c rendered.
   */
  #stringAt(index: number): string {
    if (this.#strings !== null) return this.#strings.at(index) as string;
    const known = this.#itemStrings.get(index);
    if (known !== undefined) return known;
    const words = this.#words;
    const config = (field: number): number => words[this.#config / 4 + field] as number;
    const record = config(Config.bodyStart) / 4 + index * STRING_RECORD_WORDS;
    const start = config(Config.stringBytes) + (words[record + StringRecord.bodyStart] as number);
    const end = start + (words[record + StringRecord.bodyLength] as number);
    const body = this.#bytes.toString('utf8', start, end);
    const opening = body.startsWith(CELL_FRAGMENTS.textPreserve)
      ? CELL_FRAGMENTS.textPreserve
      : CELL_FRAGMENTS.text;
    // engine.c escapes only these three
    return body
      .slice(opening.length, body.length - CELL_FRAGMENTS.textEnd.length)
      .replace(NAMED_ENTITY, decodeEntity);
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
      const at = this.#areas.letters + COLUMN_LETTERS_BYTES * column;
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
      records: new Uint32Array(memory, this.#areas.records, count * ROW_RECORD_WORDS),
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
    if (end > have) this.#memory.grow(Math.ceil((end - have) / WASM_PAGE));
    if (this.#bytes.buffer !== this.#memory.buffer) {
      this.#bytes = Buffer.from(this.#memory.buffer);
      this.#words = new Uint32Array(this.#memory.buffer);
    }
  }
}

/**
 * Renders, keys and measures strings with the JavaScript functions (putTextCellRest, writeKey),
 * for the engine's string tables: bodies and key parts in one buffer, their offsets counted from
 * `base`.
 */
class StringRenderer {
  readonly #xml: RenderBuffer;
  readonly #keys = new ByteSink();
  readonly #options: KeyOptions;
  readonly #base: number;
  readonly #one: CellValue[] = [null];
  /** The last string's record (see StringRecord). */
  #bodyStart = 0;
  #bodyLength = 0;
  #keyStart = 0;
  #keyLength = 0;
  #width = 0;
  flag = 0;

  constructor(options: KeyOptions, base: number, sizeHint: number) {
    this.#options = options;
    this.#base = base;
    // At least 64 KiB: a smaller Buffer comes from the shared pool and cannot be detached.
    this.#xml = new RenderBuffer(Math.max(64 * 1024, sizeHint));
  }

  /** Renders, keys and measures `text`. */
  render(text: string): void {
    this.#bodyStart = 0;
    this.#bodyLength = 0;
    this.#keyStart = 0;
    this.#keyLength = 0;
    this.#width = 0;
    this.flag = 0;
    if (text === '') {
      this.flag = StringFlag.Empty;
      return;
    }
    // Too long for a cell: the JavaScript path reports it, with the row and column.
    if (text.length > MAX_CELL_TEXT) {
      this.flag = StringFlag.Unusable;
      return;
    }
    // The cell after `<c r="A\0`, as renderRowCellsInto writes it (the engine writes the rest).
    const xml = this.#xml;
    const start = xml.length;
    xml.reserve(CELL_MARKUP_BYTES);
    this.#width = putTextCellRest(xml, text);
    this.#bodyStart = this.#base + start;
    this.#bodyLength = xml.length - start;
    this.#key(text);
  }

  /** Keys `text`, whose body (start, length) and width are known. */
  keyOnly(text: string, bodyStart: number, bodyLength: number, width: number): void {
    this.flag = 0;
    this.#bodyStart = bodyStart;
    this.#bodyLength = bodyLength;
    this.#width = width;
    this.#key(text);
  }

  /** Puts the last string's record (STRING_RECORD_WORDS numbers) in `records` at `at`. */
  fill(records: { [index: number]: number }, at: number): void {
    records[at + StringRecord.bodyStart] = this.#bodyStart;
    records[at + StringRecord.bodyLength] = this.#bodyLength;
    records[at + StringRecord.keyStart] = this.#keyStart;
    records[at + StringRecord.keyLength] = this.#keyLength;
    records[at + StringRecord.width] = this.#width;
    records[at + StringRecord.flags] = this.flag;
  }

  /** Bytes of bodies and key parts rendered so far. */
  get length(): number {
    return this.#xml.length;
  }

  /** The bodies and key parts rendered (the buffer is given up). */
  bytes(): Uint8Array {
    return this.#xml.detach();
  }

  /**
   * A string that keys as empty (all spaces, with --trim) has no part: the engine writes `_`
   * for it, as for an empty cell, and it does not make the key present.
   */
  #key(text: string): void {
    const keys = this.#keys;
    keys.truncate(0);
    this.#one[0] = text;
    const xml = this.#xml;
    this.#keyStart = this.#base + xml.length;
    this.#keyLength = 0;
    if (writeKey(keys, this.#one, FIRST, this.#options)) {
      const bytes = keys.bytes();
      xml.copyFrom(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length);
      this.#keyLength = bytes.length;
    }
  }
}

const FIRST = [0];

/** A table the engine's memory cannot hold (a RangeError, as when the memory cannot grow). */
function tooLarge(): RangeError {
  return new RangeError("The shared strings table does not fit in the row engine's memory");
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

/**
 * The next multiple of 8 from `at`. Not with bit operators: they work on 32-bit signed
 * integers, and an address past 2 GiB would come out negative (a table past it was then laid
 * out in memory never grown for it, and engine.c wrote out of bounds).
 */
function align(at: number): number {
  return Math.ceil(at / 8) * 8;
}
