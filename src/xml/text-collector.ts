import { ErrorCode, XlmergeError } from '../errors.js';
import { ensureHeapRoom, stringBytes } from '../heap-room.js';
import * as textEscapes from './text-escapes.js';
import type { XmlLexer } from './xml-lexer.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { decodeXmlText } = textEscapes;

/**
 * The text of one element, gathered from pieces that may end anywhere (even inside an entity),
 * decoded once when the element ends.
 */
export class TextCollector {
  private raw = '';
  private done = '';
  private size = 0;
  /**
   * The first raw piece kept as a range of the lexer's buffer rather than a string, so a value
   * like `<v>1234</v>` can be read in place; `-1` when there is none.
   */
  rangeStart = 0;
  rangeEnd = -1;

  constructor(private readonly lexer: XmlLexer) {}

  /** Adds the lexer's current Text token. */
  add(): void {
    const lexer = this.lexer;
    const length = lexer.textEnd - lexer.textStart;
    if (this.size === 0 && !lexer.literal) {
      this.rangeStart = lexer.textStart;
      this.rangeEnd = lexer.textEnd;
    } else {
      this.detach();
      const piece = lexer.buf.slice(lexer.textStart, lexer.textEnd);
      if (lexer.literal) {
        this.done += this.raw === '' ? piece : decodeOrFail(lexer, this.raw) + piece;
        this.raw = '';
      } else {
        this.raw += piece;
      }
    }
    this.size += length;
    if (this.size > lexer.maxElementChars) {
      throw lexer.fail(
        ErrorCode.SizeLimit,
        `A cell or string is longer than ${lexer.maxElementChars} characters`,
      );
    }
  }

  /** Copies a pending range out of the lexer's buffer: call before the buffer changes. */
  detach(): void {
    if (this.rangeEnd < 0) return;
    this.raw = this.lexer.buf.slice(this.rangeStart, this.rangeEnd) + this.raw;
    this.rangeEnd = -1;
  }

  /** True when all the text so far is the single raw range `rangeStart`–`rangeEnd`. */
  get isRange(): boolean {
    return this.rangeEnd >= 0 && this.raw === '' && this.done === '';
  }

  /** Forgets the text gathered so far. */
  clear(): void {
    this.raw = '';
    this.done = '';
    this.size = 0;
    this.rangeEnd = -1;
  }

  /** The decoded text gathered since the last call, and starts over. */
  take(): string {
    ensureHeapRoom(stringBytes(this.size));
    this.detach();
    const raw = this.raw;
    const done = this.done;
    this.clear();
    if (done === '') return decodeOrFail(this.lexer, raw);
    // CDATA is taken literally, but its line ends are still normalised like all XML input.
    return normalizeLineEnds(done) + decodeOrFail(this.lexer, raw);
  }
}

function decodeOrFail(lexer: XmlLexer, raw: string): string {
  try {
    return decodeXmlText(raw);
  } catch (error) {
    if (error instanceof XlmergeError) throw lexer.fail(error.code, error.message, error);
    throw error;
  }
}

function normalizeLineEnds(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r\n?/g, '\n');
}
