import { ErrorCode, XlmergeError } from '../errors.js';
import { decodeXmlText } from './text-escapes.js';
import { MAX_XML_DEPTH, type XmlSource } from './xml-lexer.js';

export type { XmlSource } from './xml-lexer.js';

/** One start or end tag of a small XML part. */
export interface XmlTag {
  /** The element's local name: `x:sheet` → `sheet`. */
  readonly name: string;
  /** `</sheet>` */
  readonly closing: boolean;
  /** `<sheet/>`: a start tag that is also its own end. */
  readonly selfClosing: boolean;
  /** Attribute values (entities decoded) by local name: `r:id` → `id`. No `xmlns` ones. */
  readonly attributes: ReadonlyMap<string, string>;
}

/**
 * The tags of a small part (workbook, relationships, content types, styles) held whole in
 * memory. Namespace prefixes are dropped, because writers may prefix every element
 * (`<x:workbook>`) and the parts xlmerge reads never mix two vocabularies under one local
 * name. Text content is skipped: these parts keep what matters in attributes.
 */
export function* scanXmlTags(xml: string, source: XmlSource): Generator<XmlTag> {
  let i = 0;
  const length = xml.length;
  // Callers keep a stack of open elements: cap it as the streaming lexer does.
  let depth = 0;
  while (i < length) {
    const open = xml.indexOf('<', i);
    if (open === -1) return;
    const next = xml.charCodeAt(open + 1);
    if (next === BANG) {
      i = skipMarkup(xml, open, source);
      continue;
    }
    if (next === QUESTION) {
      i = endOf(xml, '?>', open, source);
      continue;
    }
    const closing = next === SLASH;
    let at = closing ? open + 2 : open + 1;
    const nameStart = at;
    while (at < length && !isNameEnd(xml.charCodeAt(at))) at += 1;
    if (at === nameStart) throw malformed(source, `a "<" not followed by a tag name`, open);
    const name = localName(xml.slice(nameStart, at));
    const attributes = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      at = skipSpace(xml, at);
      if (at >= length) throw malformed(source, `the tag <${name}> never ends`, open);
      const char = xml.charCodeAt(at);
      if (char === GREATER) {
        at += 1;
        break;
      }
      if (char === SLASH && xml.charCodeAt(at + 1) === GREATER) {
        selfClosing = true;
        at += 2;
        break;
      }
      const attributeStart = at;
      while (at < length && !isAttributeNameEnd(xml.charCodeAt(at))) at += 1;
      const qualified = xml.slice(attributeStart, at);
      at = skipSpace(xml, at);
      if (qualified === '' || xml.charCodeAt(at) !== EQUALS) {
        throw malformed(source, `the tag <${name}> has a malformed attribute`, open);
      }
      at = skipSpace(xml, at + 1);
      const quote = xml.charCodeAt(at);
      if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) {
        throw malformed(source, `the attribute ${qualified} of <${name}> is not quoted`, open);
      }
      const valueEnd = xml.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", at + 1);
      if (valueEnd === -1) {
        throw malformed(source, `the attribute ${qualified} of <${name}> never ends`, open);
      }
      const raw = xml.slice(at + 1, valueEnd);
      at = valueEnd + 1;
      if (qualified === 'xmlns' || qualified.startsWith('xmlns:')) continue;
      const local = localName(qualified);
      // An unprefixed attribute and a prefixed one with the same local name do not occur in
      // the parts read here; keep the first rather than guess.
      if (!attributes.has(local)) {
        attributes.set(local, raw.includes('&') ? decodeAttribute(raw, source) : raw);
      }
    }
    i = at;
    if (closing) depth -= 1;
    else if (!selfClosing && ++depth > MAX_XML_DEPTH) {
      throw malformed(source, `elements nested more than ${MAX_XML_DEPTH} deep`, open);
    }
    yield { name, closing, selfClosing, attributes };
  }
}

/** The local name of the first element (the root), or `null` when there is none. */
export function rootElementName(xml: string, source: XmlSource): string | null {
  for (const tag of scanXmlTags(xml, source)) {
    if (!tag.closing) return tag.name;
  }
  return null;
}

const BANG = 0x21;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const GREATER = 0x3e;
const QUESTION = 0x3f;

function decodeAttribute(raw: string, source: XmlSource): string {
  try {
    return decodeXmlText(raw);
  } catch (error) {
    if (!(error instanceof XlmergeError)) throw error;
    throw new XlmergeError(error.code, `${error.message} (in ${source.part})`, {
      file: source.file,
      part: source.part,
      cause: error,
    });
  }
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

function isSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d;
}

function isNameEnd(char: number): boolean {
  return isSpace(char) || char === SLASH || char === GREATER;
}

function isAttributeNameEnd(char: number): boolean {
  return isSpace(char) || char === EQUALS || char === SLASH || char === GREATER;
}

function skipSpace(xml: string, at: number): number {
  let i = at;
  while (i < xml.length && isSpace(xml.charCodeAt(i))) i += 1;
  return i;
}

/** Past a comment or CDATA section; a DOCTYPE is refused (entity expansion attacks). */
function skipMarkup(xml: string, open: number, source: XmlSource): number {
  if (xml.startsWith('<!--', open)) return endOf(xml, '-->', open, source);
  if (xml.startsWith('<![CDATA[', open)) return endOf(xml, ']]>', open, source);
  throw new XlmergeError(
    ErrorCode.UnsafeXml,
    `The part ${source.part} has a DOCTYPE or entity declaration, which workbooks never need`,
    {
      file: source.file,
      part: source.part,
      hint: 'The file may have been crafted to attack XML readers; open it in Excel and save it again if you trust it',
    },
  );
}

function endOf(xml: string, terminator: string, open: number, source: XmlSource): number {
  const end = xml.indexOf(terminator, open + 2);
  if (end === -1) throw malformed(source, `markup that never ends`, open);
  return end + terminator.length;
}

function malformed(source: XmlSource, what: string, offset: number): XlmergeError {
  return new XlmergeError(
    ErrorCode.MalformedXml,
    `The part ${source.part} is not well-formed XML: ${what} (at character ${offset})`,
    {
      file: source.file,
      part: source.part,
      hint: 'The file is damaged; open it in Excel and save it again',
    },
  );
}
