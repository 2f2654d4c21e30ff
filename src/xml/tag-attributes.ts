import * as xmlChars from './xml-chars.js';
import type { XmlLexer } from './xml-lexer.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { CharCode, isNameChar, isXmlSpace } = xmlChars;
const { QUOT, EQUALS } = CharCode;

/**
 * Attributes of a start tag kept in a table as the tag is parsed; the ones after are read from
 * the tag again when asked for. A table that grew with the tag would cost 16 bytes for every 5
 * characters of `<c a="" a="" …>`, and a buffer that grows by doubling while the heap is full
 * is an allocation that can end the whole process (see heap-room.ts).
 */
const TABLED_ATTRIBUTES = 64;

/**
 * The attributes of the start tag the lexer read last, as positions in its buffer. Step through
 * them with {@link next}; the lexer records them with {@link record} as it parses the tag.
 */
export class TagAttributes {
  /** After {@link next}: the attribute's name is `buf[nameStart, nameEnd)`. */
  nameStart = 0;
  nameEnd = 0;
  /** After {@link next}: the raw value is `buf[valueStart, valueEnd)`. */
  valueStart = 0;
  valueEnd = 0;

  /**
   * The first TABLED_ATTRIBUTES attributes of the tag: name start, name end, value start, value
   * end.
   */
  private readonly table = new Int32Array(TABLED_ATTRIBUTES * 4);
  private count = 0;
  private index = 0;
  /** Where the attributes past the table start in `buf` (or go on, once one was read). */
  private resume = 0;

  constructor(private readonly lexer: XmlLexer) {}

  /**
   * The lexer has parsed attribute number `index` (from 0) of the tag it is reading: its name
   * is `buf[nameStart, nameEnd)`, its value `buf[valueStart, valueEnd)`.
   */
  record(index: number, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number) {
    if (index < TABLED_ATTRIBUTES) {
      const table = this.table;
      const at = index * 4;
      table[at] = nameStart;
      table[at + 1] = nameEnd;
      table[at + 2] = valueStart;
      table[at + 3] = valueEnd;
      if (index === TABLED_ATTRIBUTES - 1) this.resume = valueEnd + 1;
    }
  }

  /** The lexer has read a start tag with `count` attributes: {@link next} starts at the first. */
  reset(count: number): void {
    this.count = count;
    this.index = 0;
  }

  /** Steps to the next attribute; false when there are no more. */
  next(): boolean {
    const index = this.index;
    if (index >= this.count) return false;
    this.index = index + 1;
    if (index >= TABLED_ATTRIBUTES) {
      this.readAgain();
      return true;
    }
    const table = this.table;
    const at = index * 4;
    this.nameStart = table[at] ?? 0;
    this.nameEnd = table[at + 1] ?? 0;
    this.valueStart = table[at + 2] ?? 0;
    this.valueEnd = table[at + 3] ?? 0;
    return true;
  }

  /** The raw text of the value of the attribute stepped to. */
  value(): string {
    return this.lexer.buf.slice(this.valueStart, this.valueEnd);
  }

  /**
   * Reads the next attribute past the table from the tag itself, which the lexer has checked:
   * whitespace, a name, `=` (whitespace around it), a quoted value.
   */
  private readAgain(): void {
    const buf = this.lexer.buf;
    let i = this.resume;
    while (isXmlSpace(buf.charCodeAt(i))) i++;
    this.nameStart = i;
    while (isNameChar(buf.charCodeAt(i))) i++;
    this.nameEnd = i;
    while (buf.charCodeAt(i) !== EQUALS) i++;
    i++;
    while (isXmlSpace(buf.charCodeAt(i))) i++;
    const quote = buf.charCodeAt(i) === QUOT ? '"' : "'";
    this.valueStart = i + 1;
    this.valueEnd = buf.indexOf(quote, i + 1);
    this.resume = this.valueEnd + 1;
  }
}
