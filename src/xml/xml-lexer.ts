/**
 * A pull lexer over XML that arrives as decoded text in pieces cut anywhere, for the sheet and
 * shared-strings scanners (and the styles reader).
 *
 * It is specialised rather than a general SAX parser: it works with `indexOf` and `charCodeAt` on
 * the decoded string, never allocates per token on the hot path (tag names are interned), and
 * keeps only the unfinished tag as carry-over, so a 50 MB cell fed in 64 KiB pieces stays linear
 * (a tag longer than LONG_TAG waits in a {@link LongTag}). A start tag's attributes are read
 * through {@link TagAttributes}.
 */
import { ErrorCode, XlmergeError } from '../errors.js';
import { ensureHeapRoom, stringBytes } from '../heap-room.js';
import { ElementKind, ElementNames } from './element-kinds.js';
import { LongTag } from './long-tag.js';
import { TagAttributes } from './tag-attributes.js';
import * as xmlChars from './xml-chars.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { CharCode, isNameChar, isNameStart, isXmlSpace, quoteSnippet } = xmlChars;
const { BANG, QUOT, APOS, SLASH, LT, EQUALS, GT, QUESTION, BOM } = CharCode;
const { UPPER_A, UPPER_Z, LOWER_A, LOWER_Z } = CharCode;

/** What {@link XmlLexer.next} found. */
export const XmlToken = {
  /** The buffered input is used up: feed more, or finish. */
  NeedMore: 0,
  /** A start tag (possibly self-closing): `name`, `kind`, `depth`, attributes. */
  Start: 1,
  /** An end tag, already checked against its start tag: `name`, `kind`, `depth`. */
  End: 2,
  /** A piece of character data between `textStart` and `textEnd` (raw, or `literal` for CDATA). */
  Text: 3,
} as const;

export type XmlToken = (typeof XmlToken)[keyof typeof XmlToken];

/** Where the XML being read comes from, for error messages. */
export interface XmlSource {
  readonly file: string;
  readonly part: string;
  readonly sheet?: string;
}

const Mode = { Markup: 0, Comment: 1, ProcessingInstruction: 2, CData: 3, LongTag: 4 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * Deepest element nesting accepted. Workbook parts nest a dozen levels at most; without a cap,
 * a sheet of `<a><a><a>…` (3 characters each, streamed, so no element limit applies) grows the
 * stack of open elements until V8 aborts the whole process (arrays past ~112 million elements,
 * "Fatal JavaScript invalid size error"), from a zip of a few hundred KB.
 */
export const MAX_XML_DEPTH = 1000;

/** Unfinished tags longer than this are scanned incrementally instead of parsed again. */
const LONG_TAG = 4096;
/**
 * A pull lexer over XML that arrives in pieces. Call {@link feed} with each piece, then
 * {@link next} until it returns {@link XmlToken.NeedMore}; after the last piece call
 * {@link finish}. It checks well-formedness as it goes (every end tag matches its start tag, one
 * root element, no text outside it), skips comments and processing instructions, and refuses
 * DTDs. Token data is exposed as fields, valid until the next call to `next`.
 */
export class XmlLexer {
  /** The buffered text; token positions index into it. */
  buf = '';
  /** Absolute offset (in UTF-16 units since the start of the part) of `buf[0]`. */
  base = 0;
  /** The row number put into error messages, when the caller knows it. */
  row: number | undefined = undefined;

  /** Start, End: the element's qualified name as written. */
  name = '';
  /** Start, End: the element's {@link ElementKind}. */
  kind: ElementKind = ElementKind.Other;
  /** Start, End: the element's depth (the root is 1). */
  depth = 0;
  /** Start: the tag ended with `/>`. */
  selfClosing = false;
  /** Start, End: position of the tag's `<` in `buf`. */
  tokenStart = 0;
  /** Text: the piece is `buf[textStart, textEnd)`. */
  textStart = 0;
  textEnd = 0;
  /** Text: the piece comes from a CDATA section, so it holds no entities. */
  literal = false;

  private pos = 0;
  private mode: Mode = Mode.Markup;
  /** In Mode.LongTag: the tag the buffer ended inside of, held in pieces. */
  private readonly longTag = new LongTag(this);
  private readonly openNames: string[] = [];
  private readonly openKinds: ElementKind[] = [];
  private open = 0;
  private rootSeen = false;
  private rootClosed = false;
  /** The first '<' after the last start tag, when known (-1 otherwise). */
  private nextLt = -1;
  /** Tag names interned, so tags allocate no strings. */
  private readonly names = new ElementNames();

  /** Start: the tag's attributes. */
  readonly attributes = new TagAttributes(this);

  constructor(
    private readonly source: XmlSource,
    /** The longest unfinished tag or element text held in memory. */
    readonly maxElementChars: number,
  ) {}

  /** Absolute offset of the next unread character. */
  get position(): number {
    return this.base + this.pos;
  }

  /** How many elements are open (the depth of the next start tag's parent). */
  get openElements(): number {
    return this.open;
  }

  /** Position in `buf` of the next unread character. */
  get cursor(): number {
    return this.pos;
  }

  /**
   * True between tokens in plain markup, not inside a comment, processing instruction, CDATA
   * section or a long unfinished tag: only then may a caller read `buf` from {@link cursor}.
   */
  get atMarkup(): boolean {
    return this.mode === Mode.Markup;
  }

  /**
   * Moves past `buf[cursor, to)`, which the caller has read and checked itself: the elements it
   * opened or closed there it reports with {@link enterElement} and {@link leaveElement}. This is
   * how a scanner reads its most common elements without a token per tag.
   */
  skipTo(to: number): void {
    this.pos = to;
    this.nextLt = -1;
  }

  /**
   * The caller has read a start tag itself (see {@link skipTo}). `name` must be the name exactly
   * as written, which its end tag is checked against; it cannot be the root element.
   */
  enterElement(name: string, kind: ElementKind): void {
    this.openNames[this.open] = name;
    this.openKinds[this.open] = kind;
    this.open++;
    this.depth = this.open;
  }

  /** The caller has read the end tag of the innermost open element itself (see {@link skipTo}). */
  leaveElement(): void {
    this.depth = this.open;
    this.open--;
  }

  /** Adds the next piece of decoded text after whatever is left unfinished. */
  feed(text: string): void {
    if (this.mode === Mode.LongTag) {
      const tag = this.longTag.add(text);
      if (tag !== undefined) {
        // The tag is whole at last: it is parsed again from its start, like a short one.
        this.buf = tag;
        this.pos = 0;
        this.nextLt = -1;
        this.mode = Mode.Markup;
      }
      return;
    }
    const rest = this.buf.length - this.pos;
    this.base += this.pos;
    ensureHeapRoom(stringBytes(rest + text.length));
    // join() builds one flat string, where `+` would make a rope: every charCodeAt on a rope
    // goes through an indirection, which costs the hot loops a third of their speed.
    this.buf = rest === 0 ? text : [this.buf.slice(this.pos), text].join('');
    this.pos = 0;
    this.nextLt = -1;
  }

  /** Reads the next token from the buffered text. */
  next(): XmlToken {
    for (;;) {
      if (this.mode !== Mode.Markup) {
        const token = this.continueSection();
        if (token === XmlToken.Text || token === XmlToken.NeedMore) return token;
        continue;
      }
      const buf = this.buf;
      const pos = this.pos;
      if (pos >= buf.length) return XmlToken.NeedMore;
      if (buf.charCodeAt(pos) !== LT) {
        const known = this.nextLt;
        const lt = known > pos ? known : buf.indexOf('<', pos);
        const end = lt < 0 ? buf.length : lt;
        this.pos = end;
        if (this.open === 0) {
          this.checkProlog(pos, end);
          continue;
        }
        this.textStart = pos;
        this.textEnd = end;
        this.literal = false;
        return XmlToken.Text;
      }
      if (pos + 1 >= buf.length) return this.needMore();
      const second = buf.charCodeAt(pos + 1);
      if (second === BANG) {
        if (this.startDeclaration()) continue;
        return this.needMore();
      }
      if (second === QUESTION) {
        this.pos = pos + 2;
        this.mode = Mode.ProcessingInstruction;
        continue;
      }
      const gt = second === SLASH ? this.readEndTag(pos) : this.readStartTag(pos);
      if (gt < 0) return this.needMore();
      this.tokenStart = pos;
      this.pos = gt + 1;
      return second === SLASH ? XmlToken.End : XmlToken.Start;
    }
  }

  /**
   * Call right after a Start token of an element that is not self-closing. When the element
   * holds only plain text (or nothing) and its end tag is already buffered, consumes text and end
   * tag at once, sets `textStart`/`textEnd` to the text, and returns true: the element is closed.
   * Otherwise consumes nothing and returns false. This is the hot path for `<v>` and `<t>`.
   */
  readSimpleContent(): boolean {
    const buf = this.buf;
    const pos = this.pos;
    const known = this.nextLt;
    const lt = known >= pos ? known : buf.indexOf('<', pos);
    if (lt < 0 || buf.charCodeAt(lt + 1) !== SLASH) return false;
    const expected = this.openNames[this.open - 1] ?? '';
    const nameStart = lt + 2;
    const length = expected.length;
    for (let k = 0; k < length; k++) {
      if (buf.charCodeAt(nameStart + k) !== expected.charCodeAt(k)) return false;
    }
    if (buf.charCodeAt(nameStart + length) !== GT) return false;
    this.textStart = pos;
    this.textEnd = lt;
    this.literal = false;
    this.tokenStart = lt;
    this.pos = nameStart + length + 1;
    this.depth = this.open;
    this.open--;
    if (this.open === 0) this.rootClosed = true;
    return true;
  }

  /** The input is complete: throws if it ended inside markup or before the root element closed. */
  finish(): void {
    if (this.mode === Mode.LongTag) {
      throw this.malformed(
        `expected '>' closing the tag ${quoteSnippet(this.longTag.first, 0)}, found the end of the data`,
      );
    }
    if (this.mode !== Mode.Markup) {
      const what =
        this.mode === Mode.Comment
          ? "'-->' closing a comment"
          : this.mode === Mode.CData
            ? "']]>' closing a CDATA section"
            : "'?>' closing a processing instruction";
      throw this.malformed(`expected ${what}, found the end of the data`);
    }
    if (this.pos < this.buf.length) {
      throw this.malformed(
        `expected '>' closing the tag ${quoteSnippet(this.buf, this.pos)}, found the end of the data`,
      );
    }
    if (!this.rootSeen) throw this.malformed('expected an XML element, found the end of the data');
    if (this.open > 0) {
      throw this.malformed(
        `expected </${this.openNames[this.open - 1]}>, found the end of the data`,
      );
    }
  }

  /** An error about this part, carrying file, sheet, part and the current row. */
  fail(code: ErrorCode, message: string, cause?: unknown, hint?: string): XlmergeError {
    const { file, part, sheet } = this.source;
    return new XlmergeError(code, `${message} (in ${part})`, {
      file,
      part,
      ...(sheet === undefined ? {} : { sheet }),
      ...(this.row === undefined ? {} : { row: this.row }),
      ...(cause === undefined ? {} : { cause }),
      ...(hint === undefined ? {} : { hint }),
    });
  }

  malformed(message: string): XlmergeError {
    return this.fail(ErrorCode.MalformedXml, message);
  }

  private needMore(): XmlToken {
    if (this.buf.length - this.pos > this.maxElementChars) {
      throw this.fail(
        ErrorCode.SizeLimit,
        `A single XML tag is longer than ${this.maxElementChars} characters`,
      );
    }
    return XmlToken.NeedMore;
  }

  /**
   * The tag at `lt` is cut off by the end of the buffer. Short tags are simply parsed again when
   * more text arrives; a long one is held in pieces until its end arrives (see {@link LongTag}),
   * so a giant tag stays linear.
   */
  private unfinishedTag(lt: number): number {
    const buf = this.buf;
    if (buf.length - lt > LONG_TAG && this.longTag.hold(buf, lt)) {
      this.base += lt;
      this.buf = '';
      this.pos = 0;
      this.mode = Mode.LongTag;
    }
    return -1;
  }

  /** Parses the start tag at `lt` in one pass; returns the index of its `>`, or -1 if cut off. */
  private readStartTag(lt: number): number {
    const buf = this.buf;
    const length = buf.length;
    const nameStart = lt + 1;
    let ch = buf.charCodeAt(nameStart);
    if (!isNameStart(ch)) {
      throw this.malformed(`expected a tag name after '<', found ${quoteSnippet(buf, lt)}`);
    }
    let i = nameStart + 1;
    ch = buf.charCodeAt(i);
    while (isNameChar(ch)) ch = buf.charCodeAt(++i);
    const nameEnd = i;
    const attributes = this.attributes;
    let count = 0;
    let gt: number;
    for (;;) {
      if (ch === GT) {
        gt = i;
        break;
      }
      if (ch === SLASH) {
        if (buf.charCodeAt(i + 1) === GT) {
          gt = i + 1;
          break;
        }
        if (i + 1 >= length) return this.unfinishedTag(lt);
        throw this.malformed(`expected '>' after '/', found ${quoteSnippet(buf, lt)}`);
      }
      if (!isXmlSpace(ch)) {
        if (i >= length) return this.unfinishedTag(lt);
        const stray = buf.indexOf('<', nameStart);
        if (stray >= 0 && stray < i) {
          // A quote left open swallowed the next tags.
          throw this.malformed(`expected '>' closing the tag ${quoteSnippet(buf, lt)}, found '<'`);
        }
        throw this.malformed(
          `expected whitespace, '/>' or '>' after the tag name or an attribute, found ${quoteSnippet(buf, lt)}`,
        );
      }
      do ch = buf.charCodeAt(++i);
      while (isXmlSpace(ch));
      if (ch === GT || ch === SLASH) continue;
      if (!isNameStart(ch)) {
        if (i >= length) return this.unfinishedTag(lt);
        throw this.badAttribute(lt);
      }
      const attrStart = i;
      do ch = buf.charCodeAt(++i);
      while (isNameChar(ch));
      const attrNameEnd = i;
      while (isXmlSpace(ch)) ch = buf.charCodeAt(++i);
      if (ch !== EQUALS) {
        if (i >= length) return this.unfinishedTag(lt);
        throw this.badAttribute(lt);
      }
      do ch = buf.charCodeAt(++i);
      while (isXmlSpace(ch));
      if (ch !== QUOT && ch !== APOS) {
        if (i >= length) return this.unfinishedTag(lt);
        throw this.badAttribute(lt);
      }
      const close = buf.indexOf(ch === QUOT ? '"' : "'", i + 1);
      if (close < 0) return this.unfinishedTag(lt);
      attributes.record(count, attrStart, attrNameEnd, i + 1, close);
      count++;
      i = close + 1;
      ch = buf.charCodeAt(i);
    }
    if (count > 0) {
      // '<' may not appear in attribute values: finding one means garbage or a cut-off quote.
      // The search is not wasted: it is where the text after this tag ends.
      const nextLt = buf.indexOf('<', nameEnd);
      if (nextLt >= 0 && nextLt < gt) {
        throw this.malformed(`expected '>' closing the tag ${quoteSnippet(buf, lt)}, found '<'`);
      }
      this.nextLt = nextLt;
    }
    if (this.rootClosed) {
      throw this.malformed(
        `expected the end of the data after the root element, found ${quoteSnippet(buf, lt)}`,
      );
    }
    this.name = this.names.intern(buf, nameStart, nameEnd);
    this.kind = this.names.kind;
    const selfClosing = buf.charCodeAt(gt - 1) === SLASH;
    this.rootSeen = true;
    this.selfClosing = selfClosing;
    attributes.reset(count);
    if (selfClosing) {
      this.depth = this.open + 1;
      if (this.open === 0) this.rootClosed = true;
    } else {
      if (this.open >= MAX_XML_DEPTH) {
        throw this.malformed(
          `expected elements nested at most ${MAX_XML_DEPTH} deep, found ${quoteSnippet(buf, lt)} deeper`,
        );
      }
      this.openNames[this.open] = this.name;
      this.openKinds[this.open] = this.kind;
      this.open++;
      this.depth = this.open;
    }
    return gt;
  }

  /** Checks the end tag at `lt` against the open element; returns the index of its `>`, or -1. */
  private readEndTag(lt: number): number {
    const buf = this.buf;
    if (this.open === 0) {
      throw this.malformed(`found the end tag ${quoteSnippet(buf, lt)} with no element open`);
    }
    const expected = this.openNames[this.open - 1] ?? '';
    const nameStart = lt + 2;
    const length = expected.length;
    let k = 0;
    while (k < length && buf.charCodeAt(nameStart + k) === expected.charCodeAt(k)) k++;
    let i = nameStart + k;
    let ch = buf.charCodeAt(i);
    if (k === length) {
      while (isXmlSpace(ch)) ch = buf.charCodeAt(++i);
      if (ch === GT) {
        this.name = expected;
        this.kind = this.openKinds[this.open - 1] ?? ElementKind.Other;
        this.depth = this.open;
        this.open--;
        if (this.open === 0) this.rootClosed = true;
        return i;
      }
    }
    if (i >= buf.length) return this.unfinishedTag(lt);
    const gt = buf.indexOf('>', lt);
    const found = buf.slice(lt, gt < 0 || gt - lt > 40 ? lt + 40 : gt + 1);
    throw this.malformed(`expected </${expected}>, found ${JSON.stringify(found)}`);
  }

  /** Handles `<!…`: returns false when more input is needed to tell what it is. */
  private startDeclaration(): boolean {
    const buf = this.buf;
    const pos = this.pos;
    if (buf.startsWith('<!--', pos)) {
      this.pos = pos + 4;
      this.mode = Mode.Comment;
      return true;
    }
    if (buf.startsWith('<![CDATA[', pos)) {
      if (this.open === 0) throw this.malformed('found a CDATA section outside the root element');
      this.pos = pos + 9;
      this.mode = Mode.CData;
      return true;
    }
    const rest = buf.slice(pos, pos + 9);
    if (rest.length < 9 && ('<![CDATA['.startsWith(rest) || '<!--'.startsWith(rest))) return false;
    const third = buf.charCodeAt(pos + 2);
    if ((third >= UPPER_A && third <= UPPER_Z) || (third >= LOWER_A && third <= LOWER_Z)) {
      // <!DOCTYPE and <!ENTITY are how billion-laughs and external-entity attacks start;
      // workbooks never need them, so refuse rather than try to expand them safely.
      throw this.fail(
        ErrorCode.UnsafeXml,
        `The XML contains a document type or entity declaration (${quoteSnippet(buf, pos)}), which workbooks never need`,
        undefined,
        // The same hint as the small parts' reader (xml-tags.ts) gives.
        'The file may have been crafted to attack XML readers; open it in Excel and save it again if you trust it',
      );
    }
    throw this.malformed(`expected a comment or CDATA section, found ${quoteSnippet(buf, pos)}`);
  }

  /** Continues a comment, processing instruction or CDATA section. */
  private continueSection(): XmlToken | -1 {
    if (this.mode === Mode.LongTag) return XmlToken.NeedMore;
    const buf = this.buf;
    const pos = this.pos;
    const terminator = this.mode === Mode.Comment ? '-->' : this.mode === Mode.CData ? ']]>' : '?>';
    const found = buf.indexOf(terminator, pos);
    // Keep the last characters back: they may be the start of a terminator split by the piece.
    const stop = found < 0 ? Math.max(pos, buf.length - (terminator.length - 1)) : found;
    const isCData = this.mode === Mode.CData;
    if (found >= 0) {
      this.pos = found + terminator.length;
      this.mode = Mode.Markup;
    } else {
      this.pos = stop;
    }
    if (isCData && stop > pos) {
      this.textStart = pos;
      this.textEnd = stop;
      this.literal = true;
      return XmlToken.Text;
    }
    return found < 0 ? XmlToken.NeedMore : -1;
  }

  /** Outside the root element only whitespace (and a byte order mark) may appear. */
  private checkProlog(start: number, end: number): void {
    const buf = this.buf;
    for (let i = start; i < end; i++) {
      const ch = buf.charCodeAt(i);
      if (!isXmlSpace(ch) && ch !== BOM) {
        const where = this.rootClosed ? 'after the root element' : 'before the root element';
        throw this.malformed(`expected '<' ${where}, found text ${quoteSnippet(buf, i)}`);
      }
    }
  }

  private badAttribute(lt: number): XlmergeError {
    return this.malformed(
      `expected attributes of the form name="value" in ${quoteSnippet(this.buf, lt)}`,
    );
  }
}
