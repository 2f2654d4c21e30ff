import { ErrorCode } from '../errors.js';
import { ensureHeapRoom, stringBytes } from '../heap-room.js';
import { CharCode, quoteSnippet } from './xml-chars.js';
import type { XmlLexer } from './xml-lexer.js';

const { QUOT, APOS, LT, GT } = CharCode;

/**
 * A tag so long that the lexer's buffer ends inside it (longer than LONG_TAG), held in the pieces
 * it arrives in until its `>` comes. Appending each piece to one string would copy the whole carry
 * on every piece; the pieces are kept in a list instead and only each new one is scanned for the
 * end of the tag, so a giant tag stays linear.
 */
export class LongTag {
  private pieces: string[] = [];
  private length = 0;
  /** The quote character open at the end of the pieces so far, or 0. */
  private quote = 0;

  constructor(private readonly lexer: XmlLexer) {}

  /** The start of the tag, for messages. */
  get first(): string {
    return this.pieces[0] ?? '';
  }

  /**
   * Scans the tag that starts at `lt` and is cut off by the end of `buf` for its end (skipping
   * quoted attribute values), and holds it from there; returns false, holding nothing, when its
   * `>` is there after all.
   */
  hold(buf: string, lt: number): boolean {
    const length = buf.length;
    let quote = 0;
    for (let i = lt + 1; i < length; i++) {
      const ch = buf.charCodeAt(i);
      if (ch === LT) {
        throw this.lexer.malformed(
          `expected '>' closing the tag ${quoteSnippet(buf, lt)}, found '<'`,
        );
      }
      if (quote !== 0) {
        if (ch === quote) quote = 0;
      } else if (ch === GT) {
        return false;
      } else if (ch === QUOT || ch === APOS) {
        quote = ch;
      }
    }
    this.pieces = [buf.slice(lt)];
    this.length = length - lt;
    this.quote = quote;
    this.checkLength();
    return true;
  }

  /**
   * Adds the next piece, scanning only it for the end of the tag. Returns the whole tag and the
   * rest of the piece once the tag's `>` is in, else undefined.
   */
  add(text: string): string | undefined {
    const parts = this.pieces;
    let quote = this.quote;
    let end = -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === LT) {
        throw this.lexer.malformed(
          `expected '>' closing the tag ${quoteSnippet(parts[0] ?? '', 0)}, found '<'`,
        );
      }
      if (quote !== 0) {
        if (ch === quote) quote = 0;
      } else if (ch === GT) {
        end = i;
        break;
      } else if (ch === QUOT || ch === APOS) {
        quote = ch;
      }
    }
    this.quote = quote;
    this.length += text.length;
    if (end < 0) {
      parts.push(text);
      this.checkLength();
      return undefined;
    }
    parts.push(text);
    ensureHeapRoom(stringBytes(this.length));
    const whole = parts.join('');
    this.pieces = [];
    return whole;
  }

  private checkLength(): void {
    const lexer = this.lexer;
    if (this.length > lexer.maxElementChars) {
      throw lexer.fail(
        ErrorCode.SizeLimit,
        `A single XML tag is longer than ${lexer.maxElementChars} characters`,
      );
    }
  }
}
