/**
 * A file's shared strings in the row engine's memory, the JavaScript side of engine-strings.c:
 * each string rendered, keyed and measured once per file, so the engine only copies. engine.c
 * reads a part's plain items from its bytes (strings_walk); JavaScript renders the items and
 * keys it leaves, or the whole table when engine.c does not read the part.
 */
import type { KeyOptions } from '../../../core/key.js';
import type { SharedStringList } from '../../../reader/string-list.js';
import { CELL_FRAGMENTS } from '../../../render/cell-xml.js';
import type { SharedStringsSource } from '../open-workbook.js';
import {
  Config,
  KeyOption,
  Result,
  STRING_RECORD_WORDS,
  StringFlag,
  StringRecord,
} from './engine-layout.js';
import { align, type EngineMemory } from './engine-memory.js';
import { StringRenderer } from './string-renderer.js';

/**
 * The most of the engine's memory a table of strings read by JavaScript may take (about 90
 * bytes a string, so about 1.4 million strings): such a table is held by JavaScript already,
 * and the engine's rendering of it would more than double it. Past it, the scanner reads the
 * sheet (5.5 million two-run rich strings from a 630 KB zip took 900 MB with the engine).
 */
export const MAX_JS_TABLE_BYTES = 128 * 1024 * 1024;
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

/** engine.c's strings_walk (see engine-strings.c). */
export type StringsWalk = (input: number, length: number, start: number, write: number) => number;

/** The limits a file's shared strings are read within (the scanner's). */
export interface StringLimits {
  readonly maxElementChars: number;
  readonly maxSharedStrings: number;
}

/** The shared strings of the file the engine reads, laid out in its memory. */
export class EngineStrings {
  readonly #memory: EngineMemory;
  readonly #walk: StringsWalk;
  /** The strings, when JavaScript read the whole table. */
  #strings: SharedStringList | null = null;
  /** Else the strings of the items JavaScript read, by index (engine.c rendered the others). */
  readonly #itemStrings = new Map<number, string>();

  constructor(memory: EngineMemory, walk: StringsWalk) {
    this.#memory = memory;
    this.#walk = walk;
  }

  /**
   * Lays `table` out from `at` and points engine.c at it: from the part's bytes where engine.c
   * reads them, else as JavaScript reads the table. Returns where it ends. Throws what the
   * JavaScript scanner throws for a damaged table, and a RangeError when the memory cannot hold
   * it.
   */
  load(
    at: number,
    table: SharedStringsSource,
    keyOptions: KeyOptions,
    limits: StringLimits,
  ): number {
    this.#strings = null;
    this.#itemStrings.clear();
    const bytes = table.bytes;
    const end = bytes === null ? -1 : this.#loadBytes(at, bytes, table, keyOptions, limits);
    if (end >= 0) return end;
    const strings = table.strings();
    const stringsEnd = this.#loadStrings(at, strings, keyOptions);
    this.#strings = strings;
    return stringsEnd;
  }

  /**
   * Shared string `index` (one the engine read in a header: not empty, not too long): given,
   * read by JavaScript, or else decoded from the body engine.c rendered.
   */
  at(index: number): string {
    if (this.#strings !== null) return this.#strings.at(index) as string;
    const known = this.#itemStrings.get(index);
    if (known !== undefined) return known;
    const memory = this.#memory;
    const words = memory.words;
    const record = memory.config(Config.bodyStart) / 4 + index * STRING_RECORD_WORDS;
    const start =
      memory.config(Config.stringBytes) + (words[record + StringRecord.bodyStart] as number);
    const end = start + (words[record + StringRecord.bodyLength] as number);
    const body = memory.bytes.toString('utf8', start, end);
    const opening = body.startsWith(CELL_FRAGMENTS.textPreserve)
      ? CELL_FRAGMENTS.textPreserve
      : CELL_FRAGMENTS.text;
    // engine.c escapes only these three
    return body
      .slice(opening.length, body.length - CELL_FRAGMENTS.textEnd.length)
      .replace(NAMED_ENTITY, decodeEntity);
  }

  /**
   * The table of strings rendered, keyed and measured by JavaScript, from `at`: the path for
   * tables engine.c does not read. Returns where it ends.
   */
  #loadStrings(at: number, strings: SharedStringList, keyOptions: KeyOptions): number {
    const memory = this.#memory;
    const count = strings.length;
    // Checked as it goes, before the memory is asked for: rendering a table too large for it
    // would cost as much again, outside the engine, before the engine could refuse it.
    const room =
      Math.min(memory.maxBytes - at, MAX_JS_TABLE_BYTES) - count * STRING_RECORD_WORDS * 4;
    if (room < 0) throw tooLarge();
    const renderer = new StringRenderer(keyOptions, 0, Math.min(count * 64, room));
    const records = new Uint32Array(count * STRING_RECORD_WORDS);
    for (let i = 0; i < count; i++) {
      renderer.render(strings.at(i) as string);
      renderer.fill(records, i * STRING_RECORD_WORDS);
      if (renderer.length > room) throw tooLarge();
    }
    const tableAt = memory.place(renderer.bytes(), at);
    const end = memory.place(records, tableAt);
    this.#setTable(at, tableAt, count);
    return end;
  }

  /**
   * The table of strings from the part's bytes, from `at`: engine.c renders, keys and measures
   * the plain items, JavaScript the others (which it reads one by one). Returns where it ends,
   * or -1 when the part is not one engine.c reads (the caller reads it all in JavaScript).
   */
  #loadBytes(
    at: number,
    source: Buffer,
    table: SharedStringsSource,
    keyOptions: KeyOptions,
    limits: StringLimits,
  ): number {
    const start = SST_START.exec(source.toString('latin1', 0, Math.min(source.length, 1024)));
    if (start === null) return -1;
    const memory = this.#memory;
    const rawAt = at;
    const renderedAt = memory.place(source, rawAt);
    memory.setConfig(Config.maxItemBytes, limits.maxElementChars);
    memory.setConfig(Config.maxStrings, limits.maxSharedStrings);
    memory.setConfig(
      Config.keyOptions,
      (keyOptions.ignoreCase ? KeyOption.IgnoreCase : 0) | (keyOptions.trim ? KeyOption.Trim : 0),
    );
    const walk = (write: number): boolean =>
      this.#walk(rawAt, source.length, start[0].length, write) === 1;
    if (!walk(0)) return -1;
    const count = memory.result(Result.stringItems);
    const rendered = memory.result(Result.stringRendered) + memory.result(Result.stringKeys);
    const tableAt = align(renderedAt + rendered);
    const tableEnd = align(tableAt + count * STRING_RECORD_WORDS * 4);
    memory.ensure(tableEnd);
    this.#setTable(renderedAt, tableAt, count);
    walk(1);
    const leftCount = memory.result(Result.stringLeft);
    if (leftCount === 0) return tableEnd;
    if (leftCount > MAX_LEFT_ITEMS && leftCount * LEFT_SHARE > count) return -1;
    // The items and keys engine.c left (their XML's or raw text's range in the input, in the
    // records): read, rendered and keyed here, and placed after the table.
    const renderer = new StringRenderer(keyOptions, tableEnd - renderedAt, 0);
    const left = new Uint32Array(leftCount);
    const records = new Uint32Array(leftCount * STRING_RECORD_WORDS);
    const field = (index: number, which: number): number =>
      memory.words[tableAt / 4 + index * STRING_RECORD_WORDS + which] as number;
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
            memory.bytes.toString('utf8', from, from + field(i, StringRecord.bodyLength)),
          );
        } catch {
          return -1; // the JavaScript reading of the whole table reports it, in its context
        }
        this.#itemStrings.set(i, text);
        renderer.render(text);
      } else {
        // engine.c rendered and measured the text; its key needs Unicode's rules
        const from = rawAt + field(i, StringRecord.keyStart);
        const raw = memory.bytes.toString('utf8', from, from + field(i, StringRecord.keyLength));
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
    const end = memory.place(renderer.bytes(), tableEnd);
    left.forEach((index, n) => {
      const record = records.subarray(n * STRING_RECORD_WORDS, (n + 1) * STRING_RECORD_WORDS);
      memory.words.set(record, tableAt / 4 + index * STRING_RECORD_WORDS);
    });
    return end;
  }

  /**
   * Points engine.c at a table of strings: bodies and key parts from `renderedAt`, a record of
   * STRING_RECORD_WORDS per string from `tableAt` (each config pointer is its field's first).
   */
  #setTable(renderedAt: number, tableAt: number, count: number): void {
    const memory = this.#memory;
    memory.setConfig(Config.stringBytes, renderedAt);
    for (const [config, field] of STRING_CONFIG) memory.setConfig(config, tableAt + field * 4);
    memory.setConfig(Config.stringCount, count);
  }
}

/** A table the engine's memory cannot hold (a RangeError, as when the memory cannot grow). */
function tooLarge(): RangeError {
  return new RangeError("The shared strings table does not fit in the row engine's memory");
}
