import { describe, expect, test } from 'vitest';
import { XmlLexer, XmlToken } from '../../src/xml/xml-lexer.js';

describe('TagAttributes, as the lexer reads them', () => {
  /** Every attribute of the root's start tag, as [name, raw value], fed in pieces of `size`. */
  function attributesOf(xml: string, size: number): [string, string][] {
    const lexer = new XmlLexer({ file: 'a.xlsx', part: 'p.xml' }, 1_000_000);
    for (let at = 0; at < xml.length; at += size) {
      lexer.feed(xml.slice(at, at + size));
      if (lexer.next() !== XmlToken.Start) continue;
      const found: [string, string][] = [];
      const attributes = lexer.attributes;
      while (attributes.next()) {
        found.push([lexer.buf.slice(attributes.nameStart, attributes.nameEnd), attributes.value()]);
      }
      return found;
    }
    throw new Error('no start tag');
  }

  test('gives the attributes past the first 64 as the tag has them, in order', () => {
    const attributes = Array.from({ length: 200 }, (_, i): [string, string] => [
      `a${i}`,
      i % 3 === 0 ? '' : `v${i}`,
    ]);
    const spaces = ['  ', '\t', '\r\n', ' '];
    const tag = attributes
      .map(([name, value], i) =>
        i % 2 === 0 ? `${spaces[i % 4]}${name}="${value}"` : `${spaces[i % 4]}${name} = '${value}'`,
      )
      .join('');
    const xml = `<root${tag}/>`;
    // Whole, and in pieces that make it a long tag held in pieces.
    expect(attributesOf(xml, xml.length)).toEqual(attributes);
    expect(attributesOf(xml, 1000)).toEqual(attributes);
  });
});
