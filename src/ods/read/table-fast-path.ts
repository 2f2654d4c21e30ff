/**
 * The table scanner's fast path for the common case: cells written the way LibreOffice writes
 * them, `<table:table-cell a="…" b="…">` with plain paragraphs `<text:p>text</text:p>`, read
 * straight from the lexer's buffer with no token per tag. It only tokenizes: it records the
 * cell's attributes in the lexer's table, as the lexer would, and the scanner reads them and
 * places the value by the same rules as for a cell the lexer read. It leaves everything else to
 * the lexer (the general path), changing nothing: a cell not complete in the buffer, spacing or
 * quoting other than LibreOffice's, a paragraph with attributes, spans, spaces or a line break,
 * comments, a tag nested too deep, and so every error, which the general path then reports. So
 * the rows come out the same wherever the XML is cut and whichever path reads them; the tests run
 * both over the same tables.
 */

import * as textEscapes from '../../xml/text-escapes.js';
import * as xmlChars from '../../xml/xml-chars.js';
import { MAX_XML_DEPTH, type XmlLexer } from '../../xml/xml-lexer.js';

// Module-local copies of what the hot code uses (see xml-chars.ts).
const { CharCode } = xmlChars;
const { SPACE, SLASH } = CharCode;
const { decodeXmlText } = textEscapes;

const CELL_START = '<table:table-cell';
const CELL_END = '</table:table-cell>';
const PARAGRAPH_START = '<text:p>';
const PARAGRAPH_END = '</text:p>';
/**
 * A cell's start tag as LibreOffice writes it: one space before each attribute, ASCII names,
 * double quotes, no '<' in a value (which the lexer reports). Sticky expressions test the
 * shapes faster than a loop over the characters, and allocate nothing.
 */
const PLAIN_CELL_TAG = /<table:table-cell(?: [A-Za-z_:][-\w:.]*="[^"<]*")*\/?>/y;
/** A cell's content when it is only plain paragraphs, and its end tag. */
const PLAIN_CELL_CONTENT = /(?:<text:p>[^<]*<\/text:p>)*<\/table:table-cell>/y;
/** The attributes the lexer's table holds (see tag-attributes.ts): more go to the lexer. */
const MAX_ATTRIBUTES = 64;
/** Longest paragraph text read here; longer ones go to the lexer, which checks the limits. */
const MAX_PLAIN_TEXT = 4096;

/** Reads plain cells for a `TableScanner` (see the module's comment). */
export class TableFastPath {
  /** After {@link readCellTag}: the tag ended with `/>`. */
  selfClosing = false;
  /** After {@link readContent}: how many paragraphs the cell holds. */
  paragraphs = 0;
  /** After {@link readContent} with text: the paragraphs' text, decoded, joined by "\n". */
  text = '';

  constructor(private readonly lexer: XmlLexer) {}

  /**
   * Reads the start tag of a cell at `at` in the lexer's buffer, recording its attributes in
   * the lexer's table (read them with `lexer.attributes.next()`): the position after its `>`, or
   * -1 having recorded nothing when the tag is not plain or not complete.
   */
  readCellTag(buf: string, at: number): number {
    const lexer = this.lexer;
    if (lexer.openElements >= MAX_XML_DEPTH) return -1;
    PLAIN_CELL_TAG.lastIndex = at;
    if (!PLAIN_CELL_TAG.test(buf)) return -1;
    const end = PLAIN_CELL_TAG.lastIndex;
    // The expression has checked the attributes' form: the quotes delimit them.
    const attributes = lexer.attributes;
    let space = at + CELL_START.length;
    let count = 0;
    while (buf.charCodeAt(space) === SPACE) {
      if (count === MAX_ATTRIBUTES) return -1;
      const equals = buf.indexOf('="', space);
      const close = buf.indexOf('"', equals + 2);
      attributes.record(count, space + 1, equals, equals + 2, close);
      count++;
      space = close + 1;
    }
    attributes.reset(count);
    this.selfClosing = buf.charCodeAt(end - 2) === SLASH;
    return end;
  }

  /**
   * Reads the content of the cell whose start tag ends at `at`, through its end tag: only plain
   * paragraphs, `<text:p>text</text:p>` with no markup in the text. Their text is gathered when
   * `keepText`, each paragraph decoded alone as the general path does. The position after the end
   * tag, or -1 when the content is anything else, not complete in the buffer, longer than the
   * limit, or holds a bad entity.
   */
  readContent(buf: string, at: number, keepText: boolean): number {
    PLAIN_CELL_CONTENT.lastIndex = at;
    if (!PLAIN_CELL_CONTENT.test(buf)) return -1;
    const end = PLAIN_CELL_CONTENT.lastIndex;
    const contentEnd = end - CELL_END.length;
    if (contentEnd === at) {
      this.paragraphs = 0;
      this.text = '';
      return end;
    }
    // The paragraphs are one level below the cell, which the lexer has not entered.
    if (this.lexer.openElements + 1 >= MAX_XML_DEPTH) return -1;
    if (!keepText) return end;
    const maxText = Math.min(MAX_PLAIN_TEXT, this.lexer.maxElementChars);
    // Counted as the general path counts: raw characters, and a line feed between paragraphs.
    let length = 0;
    let paragraphs = 0;
    let text = '';
    let i = at;
    while (i < contentEnd) {
      const textStart = i + PARAGRAPH_START.length;
      const lt = buf.indexOf('<', textStart);
      length += lt - textStart + (paragraphs === 0 ? 0 : 1);
      if (length > maxText) return -1;
      const piece = decodePlain(buf.slice(textStart, lt));
      if (piece === undefined) return -1;
      text = paragraphs === 0 ? piece : `${text}\n${piece}`;
      paragraphs++;
      i = lt + PARAGRAPH_END.length;
    }
    this.paragraphs = paragraphs;
    this.text = text;
    return end;
  }
}

/** Raw text decoded, or undefined when it holds a bad entity (which the general path reports). */
function decodePlain(raw: string): string | undefined {
  if (raw.indexOf('&') < 0 && raw.indexOf('\r') < 0) return raw;
  try {
    return decodeXmlText(raw);
  } catch {
    return undefined;
  }
}
