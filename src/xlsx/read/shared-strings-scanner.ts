import { ErrorCode } from '../../errors.js';
import { ElementKind, RichTextReader, XmlLexer, XmlToken } from './xml-text.js';

/** What the shared-strings scanner needs to know besides the XML. */
export interface SharedStringsScanContext {
  /** Longest unfinished string item (or tag) held in memory, in characters. */
  readonly maxElementChars: number;
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
  private readonly strings: string[] = [];
  private inItem = false;
  private itemStart = 0;

  constructor(context: SharedStringsScanContext) {
    this.lexer = new XmlLexer({ file: context.file, part: context.part }, context.maxElementChars);
    this.rich = new RichTextReader(this.lexer);
    this.maxElementChars = context.maxElementChars;
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
  end(): string[] {
    this.scan();
    this.lexer.finish();
    return this.strings;
  }

  private scan(): void {
    const lexer = this.lexer;
    const rich = this.rich;
    for (;;) {
      const token = lexer.next();
      if (token === XmlToken.NeedMore) return;
      if (this.inItem) {
        if (token === XmlToken.Start) rich.onStart();
        else if (token === XmlToken.Text) rich.onText();
        else if (rich.onEnd()) {
          this.strings.push(rich.value);
          this.inItem = false;
        }
      } else if (
        token === XmlToken.Start &&
        lexer.kind === ElementKind.StringItem &&
        lexer.depth === 2
      ) {
        rich.begin();
        if (lexer.selfClosing) {
          this.strings.push('');
        } else {
          this.inItem = true;
          this.itemStart = lexer.base + lexer.tokenStart;
        }
      }
    }
  }
}
