/**
 * Passing over a table of content.xml that is not being read, fast: from just after its
 * `<table:table>` start tag to just before its `</table:table>` end tag, looking only at what
 * starts with `<` (comments, CDATA sections and processing instructions passed whole, tables
 * nested in cells counted), without a token per tag. Listing the sheets when a file opens, and
 * reaching the sheet asked for, cost a search through the text rather than a parse of every
 * cell before it. What is passed over is checked when its own sheet is read.
 */
import { ErrorCode } from '../../errors.js';
import type { XmlLexer } from '../../xml/xml-lexer.js';

const TABLE_START = '<table:table';
const TABLE_END = '</table:table';
/** The longest marker looked for: what may not be cut by the end of the buffer. */
const LONGEST_MARKER = 16;

export class TableSkipper {
  /** Tables open inside the one being passed over. */
  private nested = 0;
  /** The terminator of a comment, CDATA section or processing instruction being passed over. */
  private terminator = '';

  constructor(private readonly lexer: XmlLexer) {}

  /** Starts passing over the table whose start tag the lexer has just read. */
  begin(): void {
    this.nested = 0;
    this.terminator = '';
  }

  /**
   * Moves the lexer on through its buffer; true when it stands before the table's end tag
   * (the lexer then reads it as usual), false when the buffer ran out first (feed more and
   * call again).
   */
  advance(): boolean {
    const lexer = this.lexer;
    if (!lexer.atMarkup) return false;
    const buf = lexer.buf;
    let at = lexer.cursor;
    for (;;) {
      if (this.terminator !== '') {
        const end = buf.indexOf(this.terminator, at);
        if (end < 0) {
          // Keep what may be the start of the terminator, cut by the end of the buffer.
          lexer.skipTo(Math.max(at, buf.length - this.terminator.length + 1));
          return false;
        }
        at = end + this.terminator.length;
        this.terminator = '';
      }
      const lt = buf.indexOf('<', at);
      if (lt < 0 || buf.length - lt < LONGEST_MARKER) {
        lexer.skipTo(lt < 0 ? buf.length : lt);
        return false;
      }
      const next = buf.charCodeAt(lt + 1);
      if (next === 0x21 /* ! */) {
        if (buf.startsWith('<!--', lt)) {
          this.terminator = '-->';
          at = lt + 4;
          continue;
        }
        if (buf.startsWith('<![CDATA[', lt)) {
          this.terminator = ']]>';
          at = lt + 9;
          continue;
        }
      } else if (next === 0x3f /* ? */) {
        this.terminator = '?>';
        at = lt + 2;
        continue;
      } else if (next === 0x2f /* / */ && isTag(buf, lt, TABLE_END)) {
        if (this.nested === 0) {
          lexer.skipTo(lt);
          return true;
        }
        this.nested--;
      } else if (isTag(buf, lt, TABLE_START)) {
        const end = tagEnd(buf, lt);
        if (end < 0) {
          if (buf.length - lt > lexer.maxElementChars) {
            throw lexer.fail(
              ErrorCode.SizeLimit,
              `A single XML tag is longer than ${lexer.maxElementChars} characters`,
            );
          }
          lexer.skipTo(lt);
          return false;
        }
        if (buf.charCodeAt(end - 1) !== 0x2f /* / */) this.nested++;
        at = end + 1;
        continue;
      }
      at = lt + 1;
    }
  }
}

/** Whether the tag at `lt` is named `name` exactly (followed by `>`, `/` or whitespace). */
function isTag(buf: string, lt: number, name: string): boolean {
  if (!buf.startsWith(name, lt)) return false;
  const after = buf.charCodeAt(lt + name.length);
  return (
    after === 0x3e ||
    after === 0x2f ||
    after === 0x20 ||
    after === 0x09 ||
    after === 0x0a ||
    after === 0x0d
  );
}

/** The `>` ending the start tag at `lt` (quotes respected), or -1 when it is cut off. */
function tagEnd(buf: string, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < buf.length; i++) {
    const ch = buf.charCodeAt(i);
    if (quote !== 0) {
      if (ch === quote) quote = 0;
    } else if (ch === 0x22 || ch === 0x27) {
      quote = ch;
    } else if (ch === 0x3e) {
      return i;
    }
  }
  return -1;
}
