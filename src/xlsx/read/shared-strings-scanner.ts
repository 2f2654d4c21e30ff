import { ErrorCode, XlmergeError } from '../../errors.js';
import { StringList } from '../../reader/string-list.js';
import { ElementKind, unknownElement } from '../../xml/element-kinds.js';
import { decodePlainText } from '../../xml/text-escapes.js';
import { CharCode, skipAttribute, skipSpaces } from '../../xml/xml-chars.js';
import { XmlLexer, XmlToken } from '../../xml/xml-lexer.js';
import { RichTextReader } from './rich-text-reader.js';

const { SPACE, GT } = CharCode;

/** What the shared-strings scanner needs to know besides the XML. */
export interface SharedStringsScanContext {
  /** Longest unfinished string item (or tag) held in memory, in characters. */
  readonly maxElementChars: number;
  /** Most strings the table may have (`limits.maxSharedStrings`). */
  readonly maxStrings: number;
  /** For error messages. */
  readonly file: string;
  readonly part: string;
}

/**
 * Reads `xl/sharedStrings.xml` as it streams in. Every `<si>` of the root `<sst>` is one string,
 * in order (their positions are the indexes cells refer to): plain `<t>` text, or the `<t>` of all
 * rich-text runs concatenated, phonetic runs left out. Any namespace prefix works.
 */
export class SharedStringsScanner {
  private readonly lexer: XmlLexer;
  private readonly rich: RichTextReader;
  private readonly maxElementChars: number;
  private readonly maxStrings: number;
  private readonly strings = new StringList();
  private inItem = false;
  private itemStart = 0;

  /**
   * The tags of a plain item as this file writes them (`<si>`, `<t`, `</t>`, `</si>` with the
   * prefix of the items), learnt from the first item, which the general path reads.
   */
  private itemName = '';
  private itemOpen = '';
  private textOpen = '';
  private textClose = '';
  private itemClose = '';
  /** The fast path only starts items before the last `</si>` of `limitedBuf` (see readPlainItems). */
  private plainLimit = -1;
  private limitedBuf = '';

  constructor(context: SharedStringsScanContext) {
    this.lexer = new XmlLexer({ file: context.file, part: context.part }, context.maxElementChars);
    this.rich = new RichTextReader(this.lexer, () => `shared string ${this.strings.length}`);
    this.maxElementChars = context.maxElementChars;
    this.maxStrings = context.maxStrings;
  }

  /** Feeds the next piece of decoded XML. */
  push(text: string): void {
    this.rich.detach();
    this.lexer.feed(text);
    this.scan();
    if (
      this.inItem &&
      this.lexer.base + this.lexer.buf.length - this.itemStart > this.maxElementChars
    ) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `Shared string ${this.strings.length} is longer than ${this.maxElementChars} characters of XML`,
      );
    }
  }

  /** No more input: returns the strings; throws XlmergeError(MalformedXml) when the XML is truncated or malformed. */
  end(): StringList {
    this.scan();
    this.lexer.finish();
    return this.strings;
  }

  private scan(): void {
    const lexer = this.lexer;
    const rich = this.rich;
    for (;;) {
      if (!this.inItem && this.itemName !== '') this.readPlainItems();
      const token = lexer.next();
      if (token === XmlToken.NeedMore) return;
      if (this.inItem) {
        if (token === XmlToken.Start) rich.onStart();
        else if (token === XmlToken.Text) rich.onText();
        else if (rich.onEnd()) {
          this.addString(rich.value);
          this.inItem = false;
        }
      } else if (token === XmlToken.Start && lexer.depth === 2) {
        // Only items count (their positions are the indexes cells use): an <SI> skipped would
        // move every later string to another cell.
        if (lexer.kind === ElementKind.ExtensionList) continue;
        if (lexer.kind !== ElementKind.StringItem) {
          throw unknownElement(
            lexer,
            `<si> or <extLst> in <sst> after ${this.strings.length} shared strings`,
          );
        }
        rich.begin();
        if (lexer.name !== this.itemName) this.learnItemTags(lexer.name);
        if (lexer.selfClosing) {
          this.addString('');
        } else {
          this.inItem = true;
          this.itemStart = lexer.base + lexer.tokenStart;
        }
      }
    }
  }

  private addString(text: string): void {
    if (this.strings.length >= this.maxStrings) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `The shared strings table has more than ${this.maxStrings.toLocaleString('en-US')} strings, the \`limits.maxSharedStrings\` limit`,
        undefined,
        'The file may be a decompression bomb; if it is genuine, raise `limits.maxSharedStrings`',
      );
    }
    this.strings.push(text);
  }

  private learnItemTags(itemName: string): void {
    const prefix = itemName.slice(0, itemName.length - 2);
    this.itemName = itemName;
    this.itemOpen = `<${itemName}>`;
    this.textOpen = `<${prefix}t`;
    this.textClose = `</${prefix}t>`;
    this.itemClose = `</${itemName}>`;
    this.limitedBuf = '';
  }

  /**
   * The hot path: reads the string items that follow straight from the lexer's buffer, with no
   * token per tag, as long as they are complete and plain (see {@link readPlainItem}). It stops at
   * anything else, which the lexer then reads token by token, so the result is the same wherever
   * the XML is cut and every error is reported by the general path.
   */
  private readPlainItems(): void {
    const lexer = this.lexer;
    // Items count only as children of the root.
    if (!lexer.atMarkup || lexer.openElements !== 1) return;
    const buf = lexer.buf;
    if (buf !== this.limitedBuf) {
      // Reads stop at the first '<' they do not expect, so below the last `</si>` they never run
      // past the end of the buffer (V8 makes the code slower once it has read past an end).
      this.limitedBuf = buf;
      this.plainLimit = buf.lastIndexOf(this.itemClose);
    }
    const limit = this.plainLimit;
    const start = lexer.cursor;
    let pos = start;
    while (pos < limit) {
      const end = this.readPlainItem(buf, pos);
      if (end < 0) break;
      pos = end;
    }
    if (pos !== start) lexer.skipTo(pos);
  }

  /**
   * Reads the item at `at` (after optional whitespace) when all of it is buffered and it is plain:
   * `<si><t …>text</t></si>`, the text with valid entities if any. Returns the position after it,
   * or -1 having changed nothing.
   */
  private readPlainItem(buf: string, at: number): number {
    const lt = skipSpaces(buf, at);
    if (!buf.startsWith(this.itemOpen, lt)) return -1;
    let i = lt + this.itemOpen.length;
    if (!buf.startsWith(this.textOpen, i)) return -1;
    i += this.textOpen.length;
    // xml:space="preserve" and the like: the text is kept as written anyway.
    while (buf.charCodeAt(i) === SPACE) {
      const close = skipAttribute(buf, i + 1);
      if (close < 0) return -1;
      i = close + 1;
    }
    if (buf.charCodeAt(i) !== GT) return -1;
    const textStart = i + 1;
    const textEnd = buf.indexOf('<', textStart);
    if (textEnd < 0 || !buf.startsWith(this.textClose, textEnd)) return -1;
    const itemEnd = textEnd + this.textClose.length;
    if (!buf.startsWith(this.itemClose, itemEnd)) return -1;
    const end = itemEnd + this.itemClose.length;
    // Leave an oversized item to the general path, which reports the size limit.
    if (end - lt > this.maxElementChars) return -1;
    const text = decodePlainText(buf.slice(textStart, textEnd));
    if (text === undefined) return -1;
    this.addString(text);
    return end;
  }
}

/**
 * The string of one `<si>` item's XML (with no namespace prefix), as {@link SharedStringsScanner}
 * reads it in a table. Throws XlmergeError(MalformedXml) as the scanner does.
 */
export function readStringItem(xml: string, context: SharedStringsScanContext): string {
  const scanner = new SharedStringsScanner(context);
  scanner.push(`<sst>${xml}</sst>`);
  const strings = scanner.end();
  if (strings.length !== 1) {
    throw new XlmergeError(
      ErrorCode.Internal,
      `Expected one shared string item, read ${strings.length}`,
      { file: context.file, part: context.part },
    );
  }
  return strings.at(0) as string;
}
