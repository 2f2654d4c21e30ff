import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { decodeExcelEscapes, decodeXmlText } from '../../src/xml/text-escapes.js';
import { errorOf } from '../helpers/errors.js';

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
