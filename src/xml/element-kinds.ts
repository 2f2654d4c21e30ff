/**
 * The elements the sheet and shared-strings scanners react to, told apart by local name; the
 * interning of tag names with their kinds; and the error for an element standing where none of
 * them may.
 */
import { ErrorCode, type XlmergeError } from '../errors.js';
import type { XmlLexer } from './xml-lexer.js';

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

/** The kind of the element named `localName` (its name without a namespace prefix). */
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

const NAME_CACHE_SIZE = 256;

/**
 * Tag names interned by length and first/last character, with their kinds: reading a tag whose
 * name was seen before makes no string.
 */
export class ElementNames {
  /** The kind of the name {@link intern} returned last. */
  kind: ElementKind = ElementKind.Other;
  private readonly names: (string | undefined)[] = new Array(NAME_CACHE_SIZE);
  private readonly kinds = new Uint8Array(NAME_CACHE_SIZE);

  /** The name `buf[start, end)` as the same string each time; its kind goes to {@link kind}. */
  intern(buf: string, start: number, end: number): string {
    const length = end - start;
    const slot =
      (length * 31 + buf.charCodeAt(start) * 7 + buf.charCodeAt(end - 1)) & (NAME_CACHE_SIZE - 1);
    const cached = this.names[slot];
    if (cached !== undefined && cached.length === length) {
      let k = 0;
      while (k < length && cached.charCodeAt(k) === buf.charCodeAt(start + k)) k++;
      if (k === length) {
        this.kind = (this.kinds[slot] ?? ElementKind.Other) as ElementKind;
        return cached;
      }
    }
    const name = buf.slice(start, end);
    const colon = name.indexOf(':');
    const kind = classifyElement(colon < 0 ? name : name.slice(colon + 1));
    this.names[slot] = name;
    this.kinds[slot] = kind;
    this.kind = kind;
    return name;
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
