import {
  classifyBuiltInFormat,
  classifyFormatCode,
  type NumberFormatKind,
} from '../../core/date-format.js';
import { ErrorCode, XlmergeError } from '../../errors.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { decodeXmlText } from '../../xml/text-escapes.js';
import { XmlLexer, type XmlSource, XmlToken } from '../../xml/xml-lexer.js';

/**
 * For each cell style (`<cellXfs><xf>`, in order, which is what a cell's `s` attribute
 * indexes), whether its number format shows a date (1), an elapsed time (2) or a number (0).
 * Custom formats come from the top-level `<numFmts>` only: `<dxfs>` (conditional formats)
 * has `<numFmt>` elements too, and they never apply to a cell's stored style.
 */
export function parseDateStyles(xml: string, source: XmlSource): Uint8Array {
  const reader = new DateStylesReader(source, Number.MAX_SAFE_INTEGER);
  reader.push(xml);
  return reader.end();
}

/**
 * {@link parseDateStyles} for `xl/styles.xml` as it streams in. It holds one piece of the part,
 * what each custom format shows, and 4 bytes for each cell style, never the part itself (a
 * 840 KB zip of 2.9 million `<xf>` records, 249 MB of XML, took 0.7 GiB read whole). Namespace
 * prefixes are dropped, of elements and attributes alike; text is skipped.
 */
export class DateStylesReader {
  readonly #lexer: XmlLexer;
  /** What the custom formats show, by id. */
  readonly #customKinds = new Map<number, NumberFormatKind>();
  /** The custom format codes, by id. */
  readonly #customCodes = new Map<number, string>();
  /** The number format id of each cell style, in order. */
  readonly #formatIds = new IdList();
  /** Local names of the open elements. */
  readonly #open: string[] = [];

  constructor(source: XmlSource, maxElementChars: number) {
    this.#lexer = new XmlLexer(source, maxElementChars);
  }

  /** Feeds the next piece of decoded XML. */
  push(text: string): void {
    this.#lexer.feed(text);
    this.#scan();
  }

  /** No more input: the kinds. Throws XlmergeError(MalformedXml) when the XML is truncated. */
  end(): Uint8Array {
    this.#scan();
    this.#lexer.finish();
    const kinds = new Uint8Array(this.#formatIds.length);
    this.#formatIds.forEach((id, index) => {
      kinds[index] = this.#customKinds.get(id) ?? classifyBuiltInFormat(id);
    });
    return kinds;
  }

  #scan(): void {
    const lexer = this.#lexer;
    const open = this.#open;
    for (;;) {
      const token = lexer.next();
      if (token === XmlToken.NeedMore) return;
      if (token === XmlToken.End) {
        open.pop();
      } else if (token === XmlToken.Start) {
        const name = localName(lexer.name);
        const parent = open.at(-1);
        if (name === 'numFmt' && parent === 'numFmts') this.#readNumberFormat();
        else if (name === 'xf' && parent === 'cellXfs') {
          this.#formatIds.push(parseId(this.#attributes().numFmtId) ?? 0);
        }
        if (!lexer.selfClosing) open.push(name);
      }
    }
  }

  #readNumberFormat(): void {
    const { numFmtId, formatCode } = this.#attributes();
    const id = parseId(numFmtId);
    if (id === null || formatCode === undefined) return;
    this.#customKinds.set(id, classifyFormatCode(formatCode));
    this.#customCodes.set(id, formatCode);
  }

  /** After {@link end}: each cell style's format id and the custom codes, as {@link CellFormatIds}. */
  formatIds(): CellFormatIds {
    const ids = new Uint32Array(this.#formatIds.length);
    this.#formatIds.forEach((id, index) => {
      ids[index] = id;
    });
    return { ids, codes: [...this.#customCodes] };
  }

  /**
   * The attributes of the start tag just read that matter here, by local name (the first one
   * of a name), the code with its entities decoded.
   */
  #attributes(): { numFmtId?: string; formatCode?: string } {
    const lexer = this.#lexer;
    const found: { numFmtId?: string; formatCode?: string } = {};
    const buf = lexer.buf;
    const attributes = lexer.attributes;
    while (attributes.next()) {
      const start = attributes.nameStart;
      const end = attributes.nameEnd;
      if (buf.startsWith('xmlns', start) && (end === start + 5 || buf[start + 5] === ':')) continue;
      let local = end;
      while (local > start && buf.charCodeAt(local - 1) !== COLON) local--;
      if (isName(buf, local, end, 'numFmtId')) {
        found.numFmtId ??= attributes.value();
      } else if (isName(buf, local, end, 'formatCode') && found.formatCode === undefined) {
        found.formatCode = this.#decode(attributes.value());
      }
    }
    return found;
  }

  #decode(raw: string): string {
    if (!raw.includes('&')) return raw;
    try {
      return decodeXmlText(raw);
    } catch (error) {
      if (!(error instanceof XlmergeError)) throw error;
      throw this.#lexer.fail(ErrorCode.MalformedXml, error.message, error);
    }
  }
}

/** Ids in blocks of 65,536, so that none of them is ever copied to grow. */
class IdList {
  readonly #blocks: Uint32Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(id: number): void {
    const at = this.#length & 0xffff;
    if (at === 0) this.#blocks.push(new Uint32Array(0x10000));
    (this.#blocks.at(-1) as Uint32Array)[at] = id;
    this.#length += 1;
  }

  forEach(each: (id: number, index: number) => void): void {
    for (let index = 0; index < this.#length; index++) {
      each((this.#blocks[index >>> 16] as Uint32Array)[index & 0xffff] as number, index);
    }
  }
}

const COLON = 0x3a;

function isName(buf: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && buf.startsWith(name, start);
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

function parseId(value: string | undefined): number | null {
  if (value === undefined) return null;
  const id = Number(value.trim());
  return Number.isInteger(id) && id >= 0 && id <= 0xffffffff ? id : null;
}
