import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { rootElementName, scanXmlTags } from '../../src/xml/xml-tags.js';
import { errorOf } from '../helpers/errors.js';

const source = { file: 'in.xlsx', part: 'xl/workbook.xml' };

function tags(xml: string) {
  return [...scanXmlTags(xml, source)].map((tag) => ({
    name: tag.name,
    closing: tag.closing,
    selfClosing: tag.selfClosing,
    attributes: Object.fromEntries(tag.attributes),
  }));
}

describe('scanXmlTags', () => {
  it('drops namespace prefixes and xmlns attributes, and decodes values', () => {
    const xml =
      '<?xml version="1.0"?>\n<!-- a <comment> --><x:sheets xmlns:x="urn:x" xmlns="urn:y">' +
      '<x:sheet name="A &amp; B &gt; C" r:id=\'rId1\' state = "hidden" />' +
      '<![CDATA[<not a tag>]]></x:sheets>';
    expect(tags(xml)).toEqual([
      { name: 'sheets', closing: false, selfClosing: false, attributes: {} },
      {
        name: 'sheet',
        closing: false,
        selfClosing: true,
        attributes: { name: 'A & B > C', id: 'rId1', state: 'hidden' },
      },
      { name: 'sheets', closing: true, selfClosing: false, attributes: {} },
    ]);
  });

  it('keeps ">" and "/" inside attribute values', () => {
    expect(tags('<a b="x>y/" c=\'/>\'/>')).toEqual([
      { name: 'a', closing: false, selfClosing: true, attributes: { b: 'x>y/', c: '/>' } },
    ]);
  });

  it('refuses a DOCTYPE', () => {
    const error = errorOf(() => tags('<!DOCTYPE x [<!ENTITY a "b">]><x/>'));
    expect(error.code).toBe(ErrorCode.UnsafeXml);
    expect(error.part).toBe('xl/workbook.xml');
    expect(error.file).toBe('in.xlsx');
  });

  it.each([
    [
      '<a b="1"',
      'The part xl/workbook.xml is not well-formed XML: the tag <a> never ends (at character 0)',
    ],
    [
      '<a b=1/>',
      'The part xl/workbook.xml is not well-formed XML: the attribute b of <a> is not quoted (at character 0)',
    ],
    [
      '<a b="1/>',
      'The part xl/workbook.xml is not well-formed XML: the attribute b of <a> never ends (at character 0)',
    ],
    [
      'x < y',
      'The part xl/workbook.xml is not well-formed XML: a "<" not followed by a tag name (at character 2)',
    ],
    [
      '<a><!-- x',
      'The part xl/workbook.xml is not well-formed XML: markup that never ends (at character 3)',
    ],
  ])('reports %j as malformed', (xml, message) => {
    const error = errorOf(() => tags(xml));
    expect(error.code).toBe(ErrorCode.MalformedXml);
    expect(error.message).toBe(message);
  });

  it('reports a bad entity with the part', () => {
    const error = errorOf(() => tags('<a b="&bogus;"/>'));
    expect(error.code).toBe(ErrorCode.MalformedXml);
    expect(error.part).toBe('xl/workbook.xml');
  });
});

describe('rootElementName', () => {
  it('is the first element, prefix dropped', () => {
    expect(rootElementName('<?xml version="1.0"?><x:workbook/>', source)).toBe('workbook');
    expect(rootElementName('  ', source)).toBe(null);
  });
});

describe('scanXmlTags: nesting', () => {
  // Found by the decompression-bomb tests: callers keep a stack of open elements.
  it('accepts 1000 levels and refuses 1001', () => {
    const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
    expect(tags(nested(1000)).length).toBe(2000);
    const error = errorOf(() => tags(nested(1001)));
    expect({ code: error.code, message: error.message }).toEqual({
      code: ErrorCode.MalformedXml,
      message:
        'The part xl/workbook.xml is not well-formed XML: elements nested more than 1000 deep (at character 3000)',
    });
  });

  it('counts self-closing and closed elements out', () => {
    const xml = `<r>${'<a/><b></b>'.repeat(2000)}</r>`;
    expect(tags(xml).length).toBe(6002);
  });
});
