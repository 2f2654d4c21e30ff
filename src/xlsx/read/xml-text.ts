/**
 * Streaming XML text handling shared by the sheet and shared-strings scanners: a pull lexer that
 * takes decoded XML in pieces cut anywhere, the element kinds both scanners care about, the
 * collector of one element's text, the reader of rich strings (`<is>` / `<si>`), and the decoders
 * for XML entities and Excel's `_xHHHH_` escapes.
 *
 * The lexer is specialised rather than a general SAX parser: it works with `indexOf` and
 * `charCodeAt` on the decoded string, never allocates per token on the hot path (tag names are
 * interned), and keeps only the unfinished tag as carry-over, so a 50 MB cell fed in 64 KiB pieces
 * stays linear.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';
import { ensureHeapRoom, stringBytes } from '../../heap-room.js';

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const QUOT = 34;
const HASH = 35;
const AMP = 38;
const APOS = 39;
const HYPHEN = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COLON = 58;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const QUESTION = 63;
const UPPER_A = 65;
const UPPER_F = 70;
const UPPER_Z = 90;
const UNDERSCORE = 95;
const LOWER_A = 97;
const LOWER_F = 102;
const LOWER_G = 103;
const LOWER_L = 108;
const LOWER_T = 116;
const LOWER_X = 120;
const LOWER_Z = 122;
const BOM = 0xfeff;

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

/** The elements the scanners react to, by local name (any namespace prefix). */
export const ElementKind = {
  Other: 0,
  SheetData: 1,
  Row: 2,
  Cell: 3,
  Value: 4,
  Formula: 5,
  InlineString: 6,
  Text: 7,
  Run: 8,
  StringItem: 9,
  /** `extLst`: extensions, which hold no cell data. */
  ExtensionList: 10,
  /** `rPh`: a phonetic guide, not part of the text. */
  PhoneticRun: 11,
  /** `phoneticPr`: phonetic settings. */
  PhoneticProperties: 12,
  /** `rPr`: a rich-text run's formatting. */
  RunProperties: 13,
} as const;

export type ElementKind = (typeof ElementKind)[keyof typeof ElementKind];

function classifyElement(localName: string): ElementKind {
  switch (localName) {
    case 'sheetData':
      return ElementKind.SheetData;
    case 'row':
      return ElementKind.Row;
    case 'c':
      return ElementKind.Cell;
    case 'v':
      return ElementKind.Value;
    case 'f':
      return ElementKind.Formula;
    case 'is':
      return ElementKind.InlineString;
    case 't':
      return ElementKind.Text;
    case 'r':
      return ElementKind.Run;
    case 'si':
      return ElementKind.StringItem;
    case 'extLst':
      return ElementKind.ExtensionList;
    case 'rPh':
      return ElementKind.PhoneticRun;
    case 'phoneticPr':
      return ElementKind.PhoneticProperties;
    case 'rPr':
      return ElementKind.RunProperties;
    default:
      return ElementKind.Other;
  }
}

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

const NAME_CACHE_SIZE = 256;
/** Unfinished tags longer than this are scanned incrementally instead of parsed again. */
const LONG_TAG = 4096;
/**
 * Attributes of a start tag kept in a table as the tag is parsed; the ones after are read from
 * the tag again when asked for. A table that grew with the tag would cost 16 bytes for every 5
 * characters of `<c a="" a="" …>`, and a buffer that grows by doubling while the heap is full
 * is an allocation that can end the whole process (see heap-room.ts).
 */
const TABLED_ATTRIBUTES = 64;

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
  /** The pieces of an unfinished tag longer than LONG_TAG. */
  private longTag: string[] = [];
  private longTagLength = 0;
  /** Where to resume looking for the `>` of an unfinished tag, relative to its `<`. */
  private tagResume = 0;
  /** The quote character open at the resume point of an unfinished tag, or 0. */
  private tagQuote = 0;
  private readonly openNames: string[] = [];
  private readonly openKinds: ElementKind[] = [];
  private open = 0;
  private rootSeen = false;
  private rootClosed = false;
  /**
   * The first TABLED_ATTRIBUTES attributes of the last start tag: name start, name end, value
   * start, value end.
   */
  private readonly attrTable = new Int32Array(TABLED_ATTRIBUTES * 4);
  private attrCount = 0;
  private attrIndex = 0;
  /** Where the attributes past the table start in `buf` (or go on, once one was read). */
  private attrResume = 0;
  /** The first '<' after the last start tag, when known (-1 otherwise). */
  private nextLt = -1;
  /** Tag names interned by length and first/last character, so tags allocate no strings. */
  private readonly cachedNames: (string | undefined)[] = new Array(NAME_CACHE_SIZE);
  private readonly cachedKinds = new Uint8Array(NAME_CACHE_SIZE);

  /** After `nextAttribute()`: the attribute's name is `buf[attrNameStart, attrNameEnd)`. */
  attrNameStart = 0;
  attrNameEnd = 0;
  /** After `nextAttribute()`: the raw value is `buf[valueStart, valueEnd)`. */
  valueStart = 0;
  valueEnd = 0;

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
    return this.mode === Mode.Markup && this.tagResume === 0;
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
      this.feedLongTag(text);
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

  /** Steps through the attributes of the last start tag; false when there are no more. */
  nextAttribute(): boolean {
    const index = this.attrIndex;
    if (index >= this.attrCount) return false;
    this.attrIndex = index + 1;
    if (index >= TABLED_ATTRIBUTES) {
      this.readAttributeAgain();
      return true;
    }
    const table = this.attrTable;
    const at = index * 4;
    this.attrNameStart = table[at] ?? 0;
    this.attrNameEnd = table[at + 1] ?? 0;
    this.valueStart = table[at + 2] ?? 0;
    this.valueEnd = table[at + 3] ?? 0;
    return true;
  }

  /**
   * Reads the next attribute past the table from the tag itself, which {@link readStartTag}
   * has checked: whitespace, a name, `=` (whitespace around it), a quoted value.
   */
  private readAttributeAgain(): void {
    const buf = this.buf;
    let i = this.attrResume;
    while (isXmlSpace(buf.charCodeAt(i))) i++;
    this.attrNameStart = i;
    while (isNameChar(buf.charCodeAt(i))) i++;
    this.attrNameEnd = i;
    while (buf.charCodeAt(i) !== EQUALS) i++;
    i++;
    while (isXmlSpace(buf.charCodeAt(i))) i++;
    const quote = buf.charCodeAt(i) === QUOT ? '"' : "'";
    this.valueStart = i + 1;
    this.valueEnd = buf.indexOf(quote, i + 1);
    this.attrResume = this.valueEnd + 1;
  }

  /** The input is complete: throws if it ended inside markup or before the root element closed. */
  finish(): void {
    if (this.mode === Mode.LongTag) {
      throw this.malformed(
        `expected '>' closing the tag ${quoteSnippet(this.longTag[0] ?? '', 0)}, found the end of the data`,
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

  /** The raw text of the value of the last attribute read. */
  attributeValue(): string {
    return this.buf.slice(this.valueStart, this.valueEnd);
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
   * Finds the `>` closing the tag that starts at `start`, skipping quoted attribute values.
   * When the tag is unfinished it remembers how far it looked, so a huge tag arriving in many
   * pieces is scanned once.
   */
  private findTagEnd(start: number): number {
    const buf = this.buf;
    const length = buf.length;
    let i = this.tagResume === 0 ? start + 1 : start + this.tagResume;
    let quote = this.tagQuote;
    while (i < length) {
      const ch = buf.charCodeAt(i);
      if (ch === LT) {
        throw this.malformed(`expected '>' closing the tag ${quoteSnippet(buf, start)}, found '<'`);
      }
      if (quote !== 0) {
        if (ch === quote) quote = 0;
      } else if (ch === GT) {
        this.tagResume = 0;
        this.tagQuote = 0;
        return i;
      } else if (ch === QUOT || ch === APOS) {
        quote = ch;
      }
      i++;
    }
    this.tagResume = i - start;
    this.tagQuote = quote;
    return -1;
  }

  /**
   * The tag at `lt` is cut off by the end of the buffer. Short tags are simply parsed again when
   * more text arrives; a long one is first scanned for its end with {@link findTagEnd}, which
   * keeps its progress, so a giant tag stays linear.
   */
  private unfinishedTag(lt: number): number {
    const buf = this.buf;
    if (buf.length - lt > LONG_TAG && this.findTagEnd(lt) < 0) {
      // Keep the pieces in a list until the tag ends: appending each to one string would copy
      // the whole carry on every piece.
      this.longTag = [buf.slice(lt)];
      this.longTagLength = buf.length - lt;
      this.base += lt;
      this.buf = '';
      this.pos = 0;
      this.mode = Mode.LongTag;
      this.checkLongTag();
    }
    return -1;
  }

  private checkLongTag(): void {
    if (this.longTagLength > this.maxElementChars) {
      throw this.fail(
        ErrorCode.SizeLimit,
        `A single XML tag is longer than ${this.maxElementChars} characters`,
      );
    }
  }

  /** Adds a piece to an unfinished long tag, scanning only the new piece for its end. */
  private feedLongTag(text: string): void {
    const parts = this.longTag;
    let quote = this.tagQuote;
    let end = -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === LT) {
        throw this.malformed(
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
    this.tagQuote = quote;
    this.longTagLength += text.length;
    if (end < 0) {
      parts.push(text);
      this.checkLongTag();
      return;
    }
    parts.push(text);
    ensureHeapRoom(stringBytes(this.longTagLength));
    this.buf = parts.join('');
    this.longTag = [];
    this.pos = 0;
    this.nextLt = -1;
    this.tagResume = 0;
    this.tagQuote = 0;
    this.mode = Mode.Markup;
  }

  /** Parses the start tag at `lt` in one pass; returns the index of its `>`, or -1 if cut off. */
  private readStartTag(lt: number): number {
    if (this.tagResume !== 0 && this.findTagEnd(lt) < 0) return -1;
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
      if (count < TABLED_ATTRIBUTES) {
        const table = this.attrTable;
        const at = count * 4;
        table[at] = attrStart;
        table[at + 1] = attrNameEnd;
        table[at + 2] = i + 1;
        table[at + 3] = close;
        if (count === TABLED_ATTRIBUTES - 1) this.attrResume = close + 1;
      }
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
    this.internName(nameStart, nameEnd);
    const selfClosing = buf.charCodeAt(gt - 1) === SLASH;
    this.rootSeen = true;
    this.selfClosing = selfClosing;
    this.attrCount = count;
    this.attrIndex = 0;
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
    if (this.tagResume !== 0 && this.findTagEnd(lt) < 0) return -1;
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

  private internName(start: number, end: number): void {
    const buf = this.buf;
    const length = end - start;
    const slot =
      (length * 31 + buf.charCodeAt(start) * 7 + buf.charCodeAt(end - 1)) & (NAME_CACHE_SIZE - 1);
    const cached = this.cachedNames[slot];
    if (cached !== undefined && cached.length === length) {
      let k = 0;
      while (k < length && cached.charCodeAt(k) === buf.charCodeAt(start + k)) k++;
      if (k === length) {
        this.name = cached;
        this.kind = (this.cachedKinds[slot] ?? ElementKind.Other) as ElementKind;
        return;
      }
    }
    const name = buf.slice(start, end);
    const colon = name.indexOf(':');
    const kind = classifyElement(colon < 0 ? name : name.slice(colon + 1));
    this.cachedNames[slot] = name;
    this.cachedKinds[slot] = kind;
    this.name = name;
    this.kind = kind;
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

/** Space, tab, carriage return or line feed: the only whitespace XML knows. */
export function isXmlSpace(ch: number): boolean {
  return ch <= SPACE && (ch === SPACE || ch === LF || ch === CR || ch === TAB);
}

/** True when `buf[start, end)` is only XML whitespace. */
export function isBlank(buf: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (!isXmlSpace(buf.charCodeAt(i))) return false;
  }
  return true;
}

/** Character classes of ASCII, so the name loops make one table load per character. */
const NAME_START = 1;
const NAME_CHAR = 2;
const ASCII_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let ch = 0; ch < 128; ch++) {
    const start =
      (ch >= LOWER_A && ch <= LOWER_Z) ||
      (ch >= UPPER_A && ch <= UPPER_Z) ||
      ch === UNDERSCORE ||
      ch === COLON;
    const other = (ch >= DIGIT_0 && ch <= DIGIT_9) || ch === HYPHEN || ch === DOT;
    table[ch] = start ? NAME_START | NAME_CHAR : other ? NAME_CHAR : 0;
  }
  return table;
})();

/** Can `ch` start an XML name? NaN (past the end of the buffer) cannot. */
function isNameStart(ch: number): boolean {
  return ch < 128 ? ((ASCII_CLASS[ch] ?? 0) & NAME_START) !== 0 : ch >= 128;
}

/** Can `ch` continue an XML name? NaN (past the end of the buffer) cannot. */
function isNameChar(ch: number): boolean {
  return ch < 128 ? ((ASCII_CLASS[ch] ?? 0) & NAME_CHAR) !== 0 : ch >= 128;
}

/*
 * Helpers for the scanners' fast paths, which read plain markup straight from the buffer. They
 * read without bounds checks, returning -1 (or stopping) at anything unexpected; a read past the
 * end gives NaN, which matches nothing. Their callers keep them from reaching the end (V8 makes
 * the code slower once it has seen that NaN).
 */

/** The first position from `i` that is not XML whitespace. */
export function skipSpaces(buf: string, i: number): number {
  let at = i;
  while (isXmlSpace(buf.charCodeAt(at))) at++;
  return at;
}

/** The position of the `>` of a tag's `>` or `/>` at `i`, or -1. */
export function endOfTag(buf: string, i: number): number {
  const ch = buf.charCodeAt(i);
  if (ch === GT) return i;
  return ch === SLASH && buf.charCodeAt(i + 1) === GT ? i + 1 : -1;
}

/**
 * Skips the attribute written `name="value"` or `name='value'` at `start`: returns the position
 * of its closing quote, or -1 when it is written otherwise, cut off, or holds a '<' (which the
 * general path reports).
 */
export function skipAttribute(buf: string, start: number): number {
  if (!isNameStart(buf.charCodeAt(start))) return -1;
  let i = start + 1;
  while (isNameChar(buf.charCodeAt(i))) i++;
  if (buf.charCodeAt(i) !== EQUALS) return -1;
  const quote = buf.charCodeAt(i + 1);
  if (quote !== QUOT && quote !== APOS) return -1;
  const length = buf.length;
  for (i += 2; i < length; i++) {
    const ch = buf.charCodeAt(i);
    if (ch === quote) return i;
    if (ch === LT) return -1;
  }
  return -1;
}

/**
 * The decoded text of a plain `<t>` (no CDATA) written `raw`: entities and then Excel's escapes
 * decoded, as {@link RichTextReader} gives it; undefined when an entity is bad, which the general
 * path then reports with its context.
 */
export function decodePlainText(raw: string): string | undefined {
  try {
    return decodeExcelEscapes(decodeXmlText(raw));
  } catch {
    return undefined;
  }
}

/** A short quoted excerpt of the input for error messages. */
export function quoteSnippet(buf: string, start: number): string {
  const excerpt = buf.slice(start, start + 40);
  return JSON.stringify(buf.length > start + 40 ? `${excerpt}…` : excerpt);
}

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

/**
 * Reads the content of a rich string element (`<is>` in a cell, `<si>` in the shared strings):
 * plain `<t>` text or the `<t>` of every run `<r>`, concatenated; phonetic runs `<rPh>`, run
 * properties `<rPr>` and `<phoneticPr>` are left out. Any other element is an error: XML names
 * are case-sensitive, and text in a `<T>` dropped without a word would change the value. Feed
 * it every token inside the element.
 */
export class RichTextReader {
  private readonly runs = new PiecedText();
  private baseDepth = 0;
  private inRun = false;
  private textDepth = 0;
  private skipDepth = 0;
  private readonly text: TextCollector;

  constructor(
    private readonly lexer: XmlLexer,
    /** What the element is, for messages: `the inline string of cell B2`, `shared string 7`. */
    private readonly where: () => string,
  ) {
    this.text = new TextCollector(lexer);
  }

  /** The text read: all of it once {@link onEnd} has returned true. */
  get value(): string {
    return this.runs.text();
  }

  /** Starts reading: the lexer has just returned the start tag of the rich element. */
  begin(): void {
    this.runs.clear();
    this.baseDepth = this.lexer.depth;
    this.inRun = false;
    this.textDepth = 0;
    this.skipDepth = 0;
  }

  /** Copies pending text out of the lexer's buffer: call before the buffer changes. */
  detach(): void {
    this.text.detach();
  }

  onStart(): void {
    const lexer = this.lexer;
    if (this.skipDepth !== 0) return;
    if (this.textDepth !== 0) {
      throw lexer.malformed(`expected text or </${lexer.name}>, found the tag <${lexer.name}>`);
    }
    const depth = lexer.depth;
    const kind = lexer.kind;
    if (depth === this.baseDepth + 1) {
      if (kind === ElementKind.Text) this.startText();
      else if (kind === ElementKind.Run) this.inRun = !lexer.selfClosing;
      else if (kind === ElementKind.PhoneticRun || kind === ElementKind.PhoneticProperties) {
        this.skipElement();
      } else {
        throw this.unknownElement('<t>, <r>, <rPh> or <phoneticPr>');
      }
    } else if (this.inRun && depth === this.baseDepth + 2) {
      if (kind === ElementKind.Text) this.startText();
      else if (kind === ElementKind.RunProperties) this.skipElement();
      else throw this.unknownElement('<rPr> or <t>', 'a run <r> of ');
    } else {
      this.skipElement();
    }
  }

  private startText(): void {
    const lexer = this.lexer;
    if (lexer.selfClosing) return;
    if (lexer.readSimpleContent()) {
      this.text.add();
      this.runs.add(decodeExcelEscapes(this.text.take()));
    } else {
      this.textDepth = lexer.depth;
    }
  }

  /** rPh (phonetic guide), rPr (run formatting), phoneticPr: no cell text in them. */
  private skipElement(): void {
    if (!this.lexer.selfClosing) this.skipDepth = this.lexer.depth;
  }

  private unknownElement(expected: string, inside = ''): XlmergeError {
    return unknownElement(this.lexer, `${expected} in ${inside}${this.where()}`);
  }

  onText(): void {
    if (this.textDepth !== 0) {
      this.text.add();
    } else if (this.skipDepth === 0) {
      const lexer = this.lexer;
      if (!isBlank(lexer.buf, lexer.textStart, lexer.textEnd)) {
        throw lexer.malformed(
          `expected a <t> or <r> element, found text ${quoteSnippet(lexer.buf, lexer.textStart)}`,
        );
      }
    }
  }

  /** Returns true when the rich element itself has ended. */
  onEnd(): boolean {
    const depth = this.lexer.depth;
    if (this.skipDepth !== 0) {
      if (depth === this.skipDepth) this.skipDepth = 0;
      return false;
    }
    if (depth === this.textDepth) {
      this.textDepth = 0;
      this.runs.add(decodeExcelEscapes(this.text.take()));
      return false;
    }
    if (depth === this.baseDepth + 1) this.inRun = false;
    return depth === this.baseDepth;
  }
}

/**
 * The error for an element the reader does not know where it stands (`<Row>` in `<sheetData>`,
 * a misspelt `<V>` in a cell): XML names are case-sensitive, and skipping it would drop what it
 * holds without a word.
 */
export function unknownElement(lexer: XmlLexer, expected: string): XlmergeError {
  return lexer.fail(
    ErrorCode.MalformedXml,
    `expected ${expected}, found <${lexer.name}>`,
    undefined,
    `XML names are case-sensitive, and no spreadsheet writer puts <${lexer.name}> there: the file was made or changed by another program; open it in Excel and save it again`,
  );
}

/**
 * The text of a rich string, gathered run by run. The first pieces are joined with `+`, which is
 * fastest for the few runs a real string has; a rope costs 32 bytes a piece, though, so a string
 * of ten million one-letter runs would hold 320 MB of them. Past ROPE_PIECES the pieces go to an
 * array and are joined a thousand at a time, and the whole is joined once, when it is asked for.
 */
class PiecedText {
  private first = '';
  private count = 0;
  private pieces: string[] = [];
  private readonly chunks: string[] = [];
  private length = 0;

  clear(): void {
    this.first = '';
    this.count = 0;
    if (this.length > 0) {
      this.pieces = [];
      this.chunks.length = 0;
      this.length = 0;
    }
  }

  add(piece: string): void {
    if (piece === '') return;
    if (this.count < ROPE_PIECES) {
      this.first += piece;
      this.count++;
      return;
    }
    this.pieces.push(piece);
    this.length += piece.length;
    if (this.pieces.length === CHUNK_PIECES) {
      this.chunks.push(this.pieces.join(''));
      this.pieces = [];
    }
  }

  text(): string {
    if (this.length === 0) return this.first;
    ensureHeapRoom(stringBytes(this.first.length + this.length));
    const whole = [this.first, ...this.chunks, ...this.pieces].join('');
    this.first = whole;
    this.pieces = [];
    this.chunks.length = 0;
    this.length = 0;
    return whole;
  }
}

const ROPE_PIECES = 64;
const CHUNK_PIECES = 1024;

/**
 * Decodes XML character data: the five predefined entities and numeric character references
 * (`&#10;`, `&#x1F600;`, the latter becoming a surrogate pair), and normalises line ends the
 * way an XML parser must (`\r\n` and lone `\r` become `\n`; `&#13;` stays `\r`).
 * @throws XlmergeError(MalformedXml) for an unknown entity, a bare `&` or a bad reference.
 */
export function decodeXmlText(raw: string): string {
  if (raw.indexOf('&') < 0 && raw.indexOf('\r') < 0) return raw;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < raw.length) {
    const ch = raw.charCodeAt(i);
    if (ch === AMP) {
      const semi = raw.indexOf(';', i + 1);
      if (semi < 0 || semi - i > 12) throw badEntity(raw, i, semi);
      out += raw.slice(last, i) + decodeEntity(raw, i, semi);
      i = semi + 1;
      last = i;
    } else if (ch === CR) {
      out += `${raw.slice(last, i)}\n`;
      i += raw.charCodeAt(i + 1) === LF ? 2 : 1;
      last = i;
    } else {
      i++;
    }
  }
  return out + raw.slice(last);
}

function decodeEntity(raw: string, amp: number, semi: number): string {
  if (raw.charCodeAt(amp + 1) === HASH) {
    const hex = raw.charCodeAt(amp + 2) === LOWER_X;
    const start = amp + (hex ? 3 : 2);
    if (start === semi) throw badEntity(raw, amp, semi);
    let code = 0;
    for (let i = start; i < semi; i++) {
      const digit = hex ? hexDigit(raw.charCodeAt(i)) : decimalDigit(raw.charCodeAt(i));
      if (digit < 0) throw badEntity(raw, amp, semi);
      code = code * (hex ? 16 : 10) + digit;
    }
    if (code === 0 || code > 0x10ffff) throw badEntity(raw, amp, semi);
    return String.fromCodePoint(code);
  }
  const decoded = decodeNamedEntity(raw, amp + 1, semi - amp - 1);
  if (decoded === undefined) throw badEntity(raw, amp, semi);
  return decoded;
}

/** The character of the predefined entity named `raw[start, start + length)`, compared in place. */
function decodeNamedEntity(raw: string, start: number, length: number): string | undefined {
  const first = raw.charCodeAt(start);
  if (length === 2 && raw.charCodeAt(start + 1) === LOWER_T) {
    if (first === LOWER_L) return '<';
    if (first === LOWER_G) return '>';
  } else if (length === 3 && raw.startsWith('amp', start)) {
    return '&';
  } else if (length === 4) {
    if (raw.startsWith('quot', start)) return '"';
    if (raw.startsWith('apos', start)) return "'";
  }
  return undefined;
}

function badEntity(raw: string, amp: number, semi: number): XlmergeError {
  const found = semi < 0 || semi - amp > 12 ? raw.slice(amp, amp + 12) : raw.slice(amp, semi + 1);
  return new XlmergeError(
    ErrorCode.MalformedXml,
    `expected an entity such as &amp; &lt; &#10; or &#x1F600;, found ${JSON.stringify(found)}`,
  );
}

function decimalDigit(ch: number): number {
  return ch >= DIGIT_0 && ch <= DIGIT_9 ? ch - DIGIT_0 : -1;
}

function hexDigit(ch: number): number {
  if (ch >= DIGIT_0 && ch <= DIGIT_9) return ch - DIGIT_0;
  if (ch >= UPPER_A && ch <= UPPER_F) return ch - UPPER_A + 10;
  if (ch >= LOWER_A && ch <= LOWER_F) return ch - LOWER_A + 10;
  return -1;
}

/**
 * Decodes Excel's `_xHHHH_` escapes (ECMA-376 Part 1, 22.4.2.4 "bstr"): each stands for one
 * UTF-16 code unit, used for characters XML 1.0 cannot carry such as `_x000D_` for "\r". A
 * literal `_xHHHH_` is written with its underscore escaped, so `_x005F_x000D_` reads "_x000D_".
 */
export function decodeExcelEscapes(text: string): string {
  let start = text.indexOf('_x');
  if (start < 0) return text;
  let out = '';
  let last = 0;
  while (start >= 0) {
    const code = start + 6 < text.length ? readEscape(text, start) : -1;
    if (code < 0) {
      start = text.indexOf('_x', start + 1);
      continue;
    }
    out += text.slice(last, start) + String.fromCharCode(code);
    last = start + 7;
    start = text.indexOf('_x', last);
  }
  return out + text.slice(last);
}

/** The code unit of the escape `_xHHHH_` at `start`, or -1 when it is not one. */
function readEscape(text: string, start: number): number {
  if (text.charCodeAt(start + 6) !== UNDERSCORE) return -1;
  let code = 0;
  for (let i = start + 2; i < start + 6; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) return -1;
    code = code * 16 + digit;
  }
  return code;
}
