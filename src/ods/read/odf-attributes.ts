/**
 * Attributes of the start tag the lexer read last, by qualified name (`table:name`), decoded.
 * OpenDocument files are read by the prefixes every writer uses (`table:`, `office:`, `text:`,
 * `style:`, `number:`), as calamine and odfpy read them, not by namespace URI.
 */
import { XlmergeError } from '../../errors.js';
import { decodeXmlText } from '../../xml/text-escapes.js';
import type { XmlLexer } from '../../xml/xml-lexer.js';

/** All the attributes of the current start tag by qualified name, decoded (the first of a name). */
export function attributeMap(lexer: XmlLexer): Map<string, string> {
  const attributes = lexer.attributes;
  const map = new Map<string, string>();
  while (attributes.next()) {
    const name = lexer.buf.slice(attributes.nameStart, attributes.nameEnd);
    if (!map.has(name)) map.set(name, decodeAttribute(lexer, attributes.value()));
  }
  return map;
}

/** An attribute's raw value decoded, or the lexer's error (with its file and part) for a bad entity. */
export function decodeAttribute(lexer: XmlLexer, raw: string): string {
  try {
    return decodeXmlText(raw);
  } catch (error) {
    if (error instanceof XlmergeError) throw lexer.fail(error.code, error.message, error);
    throw error;
  }
}
