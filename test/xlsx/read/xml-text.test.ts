import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import {
  decodeExcelEscapes,
  decodeXmlText,
  RichTextReader,
  XmlLexer,
  XmlToken,
} from '../../../src/xlsx/read/xml-text.js';
import { errorOf } from '../../helpers/errors.js';

describe('decodeXmlText', () => {
  test('returns text without entities unchanged', () => {
    expect(decodeXmlText('plain text, 😀 and é')).toBe('plain text, 😀 and é');
  });

  test('decodes the five predefined entities', () => {
    expect(decodeXmlText('&amp;&lt;&gt;&quot;&apos;')).toBe('&<>"\'');
  });

  test('decodes an entity once only', () => {
    expect(decodeXmlText('&amp;lt;')).toBe('&lt;');
  });

  test('decodes decimal and hexadecimal character references, outside the BMP as a surrogate pair', () => {
    expect(decodeXmlText('a&#10;b&#x41;&#x1F600;&#128512;')).toBe('a\nbA😀😀');
    expect(decodeXmlText('&#x1F600;').length).toBe(2);
  });

  test('normalises line ends like an XML parser, but keeps &#13;', () => {
    expect(decodeXmlText('a\r\nb\rc\nd&#13;&#10;')).toBe('a\nb\nc\nd\r\n');
  });

  test.each([
    ['&nbsp;', '"&nbsp;"'],
    ['a & b', '"& b"'],
    ['&#;', '"&#;"'],
    ['&#xZZ;', '"&#xZZ;"'],
    ['&#0;', '"&#0;"'],
    ['&#x110000;', '"&#x110000;"'],
    ['&amp', '"&amp"'],
    ['&am;', '"&am;"'],
    ['&ampx;', '"&ampx;"'],
    ['&AMP;', '"&AMP;"'],
    ['&lt ;', '"&lt ;"'],
    ['&Lt;', '"&Lt;"'],
    ['&et;', '"&et;"'],
    ['&quo;', '"&quo;"'],
    ['&apost;', '"&apost;"'],
    ['&;', '"&;"'],
  ])('refuses the malformed entity in %j', (raw, found) => {
    const error = errorOf(() => decodeXmlText(raw));
    expect(error.code).toBe(ErrorCode.MalformedXml);
    expect(error.message).toBe(
      `expected an entity such as &amp; &lt; &#10; or &#x1F600;, found ${found}`,
    );
  });
});

describe('decodeExcelEscapes', () => {
  test('returns text without escapes unchanged', () => {
    expect(decodeExcelEscapes('a_b_x_y')).toBe('a_b_x_y');
  });

  test('decodes _xHHHH_ to one UTF-16 code unit, either case of hex digits', () => {
    expect(decodeExcelEscapes('line1_x000D_\nline2')).toBe('line1\r\nline2');
    expect(decodeExcelEscapes('_x0008__x00e9__x00E9_')).toBe('\béé');
    expect(decodeExcelEscapes('_xD83D__xDE00_')).toBe('😀');
  });

  test('an escaped underscore keeps a literal escape', () => {
    expect(decodeExcelEscapes('_x005F_x000D_')).toBe('_x000D_');
    expect(decodeExcelEscapes('_x005F_')).toBe('_');
  });

  test('leaves look-alikes that are not exactly _x + 4 hex digits + _', () => {
    expect(decodeExcelEscapes('_xd_ _x00D_ _x000G_ _x000D _x000D')).toBe(
      '_xd_ _x00D_ _x000G_ _x000D _x000D',
    );
  });
});

describe('XmlLexer: attributes', () => {
  /** Every attribute of the root's start tag, as [name, raw value], fed in pieces of `size`. */
  function attributesOf(xml: string, size: number): [string, string][] {
    const lexer = new XmlLexer({ file: 'a.xlsx', part: 'p.xml' }, 1_000_000);
    for (let at = 0; at < xml.length; at += size) {
      lexer.feed(xml.slice(at, at + size));
      if (lexer.next() !== XmlToken.Start) continue;
      const found: [string, string][] = [];
      while (lexer.nextAttribute()) {
        found.push([
          lexer.buf.slice(lexer.attrNameStart, lexer.attrNameEnd),
          lexer.attributeValue(),
        ]);
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

describe('RichTextReader', () => {
  test('joins a million runs into their text', () => {
    const lexer = new XmlLexer({ file: 'a.xlsx', part: 'p.xml' }, 100_000_000);
    const rich = new RichTextReader(lexer, () => 'shared string 0');
    const xml = `<si>${'<r><t>a</t></r><r><t>bc</t></r>'.repeat(500_000)}</si>`;
    lexer.feed(xml);
    expect(lexer.next()).toBe(XmlToken.Start);
    rich.begin();
    for (;;) {
      const token = lexer.next();
      if (token === XmlToken.Start) rich.onStart();
      else if (token === XmlToken.Text) rich.onText();
      else if (token === XmlToken.End && rich.onEnd()) break;
    }
    expect(rich.value).toBe('abc'.repeat(500_000));
  });
});
