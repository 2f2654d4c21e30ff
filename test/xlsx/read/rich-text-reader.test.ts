import { describe, expect, test } from 'vitest';
import { RichTextReader } from '../../../src/xlsx/read/rich-text-reader.js';
import { XmlLexer, XmlToken } from '../../../src/xml/xml-lexer.js';

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
