/**
 * Passing over the tables of content.xml in its bytes (table-byte-skipper.ts): the text left is
 * the part's with each table's content taken out, however the bytes are cut (at every offset,
 * and a byte at a time), markers in comments, CDATA sections and processing instructions count
 * for nothing, nested tables are counted, a character cut by a chunk survives, bad bytes in a
 * table fail as the decoder fails, and the outline read from that text is the outline read from
 * the whole text.
 */
import { describe, expect, it } from 'vitest';
import { XlmergeError } from '../../../src/errors.js';
import { ContentOutlineReader } from '../../../src/ods/read/content-outline.js';
import { TableByteSkipper } from '../../../src/ods/read/table-byte-skipper.js';
import { XmlPartDecoder } from '../../../src/xml/xml-decoder.js';

const SOURCE = { file: 'f.ods', part: 'content.xml' };
const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"';

function document(body: string, head = '<?xml version="1.0" encoding="UTF-8"?>\n'): string {
  return `${head}<office:document-content ${NS}><office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet>${body}</office:spreadsheet></office:body></office:document-content>`;
}

/** The text the skipper gives for `bytes` cut into `pieces`, or the error's code and message. */
function skip(bytes: Buffer, cuts: readonly number[]) {
  const skipper = new TableByteSkipper(new XmlPartDecoder(SOURCE));
  let text = '';
  try {
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      text += skipper.write(bytes.subarray(from, cut));
      from = cut;
    }
    return text + skipper.end();
  } catch (error) {
    if (!(error instanceof XlmergeError)) throw error;
    return { code: error.code, message: error.message };
  }
}

/** The same result whole, a byte at a time and cut in two at every offset. */
function skipEveryWay(bytes: Buffer) {
  const whole = skip(bytes, []);
  expect(
    skip(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i + 1),
    ),
  ).toEqual(whole);
  for (let cut = 1; cut < bytes.length; cut++) expect(skip(bytes, [cut])).toEqual(whole);
  return whole;
}

/** The outline of the text, read as the reader read it before: the sheets and their states. */
function outlineOf(text: string) {
  const reader = new ContentOutlineReader(SOURCE, 1 << 20);
  reader.push(text);
  return reader.end().tables;
}

const ROWS =
  '<table:table-column table:number-columns-repeated="3"/><table:table-row><table:table-cell office:value-type="string"><text:p>Zoë 東京 👩‍👩‍👧 &lt;table:table x="1"&gt;</text:p></table:table-cell></table:table-row>';

describe('TableByteSkipper', () => {
  it('takes out the content of each table, however the bytes are cut', () => {
    const body =
      `<table:table table:name="A &amp; B&#x4E00;" table:style-name="ta2">${ROWS}</table:table>` +
      // A '>' and quotes in a value, whitespace after the name, an end tag with whitespace.
      `<table:table\ttable:name="x&gt;y" table:print='false "quoted"'>${ROWS}</table:table >` +
      '<table:table table:name="empty"/>' +
      `<table:table table:name="Ünïcode 😀">${ROWS}</table:table>` +
      '<table:named-expressions/>';
    const text = skipEveryWay(Buffer.from(document(body)));
    expect(text).toBe(
      document(
        '<table:table table:name="A &amp; B&#x4E00;" table:style-name="ta2"></table:table>' +
          `<table:table\ttable:name="x&gt;y" table:print='false "quoted"'></table:table >` +
          '<table:table table:name="empty"/>' +
          '<table:table table:name="Ünïcode 😀"></table:table><table:named-expressions/>',
      ),
    );
    expect(outlineOf(text as string)).toEqual([
      { name: 'A & B一', hidden: true },
      { name: 'x>y', hidden: false },
      { name: 'empty', hidden: false },
      { name: 'Ünïcode 😀', hidden: false },
    ]);
    expect(outlineOf(text as string)).toEqual(outlineOf(document(body)));
  });

  it('counts no marker inside comments, CDATA sections and processing instructions', () => {
    const tricky =
      '<!-- <table:table table:name="in a comment"> </table:table> -->' +
      '<?pi <table:table table:name="in a PI"> </table:table> ?>';
    const inTable =
      '<table:table-row><table:table-cell><text:p><![CDATA[</table:table> <table:table x="1">]]></text:p></table:table-cell></table:table-row>' +
      '<!-- </table:table> --><?pi </table:table>?>';
    const body = `${tricky}<table:table table:name="Real">${inTable}</table:table>${tricky}`;
    const text = skipEveryWay(Buffer.from(document(body, `<?xml version="1.0"?>${tricky}\n`)));
    expect(text).toBe(
      document(
        `${tricky}<table:table table:name="Real"></table:table>${tricky}`,
        `<?xml version="1.0"?>${tricky}\n`,
      ),
    );
    expect(outlineOf(text as string)).toEqual([{ name: 'Real', hidden: false }]);
  });

  it('counts tables nested in cells, and passes over their end tags', () => {
    const nested =
      '<table:table-row><table:table-cell><draw:frame><table:table table:name="inner"><table:table-row/></table:table><table:table/></draw:frame></table:table-cell></table:table-row>';
    const body = `<table:table table:name="Outer">${nested}${nested}</table:table><table:table table:name="Next">${nested}</table:table>`;
    const text = skipEveryWay(Buffer.from(document(body)));
    expect(text).toBe(
      document(
        '<table:table table:name="Outer"></table:table><table:table table:name="Next"></table:table>',
      ),
    );
  });

  it('fails on a byte that is not UTF-8 inside a table as the decoder does, at its offset', () => {
    const xml = Buffer.from(document(`<table:table table:name="T">${ROWS}</table:table>`));
    const at = xml.indexOf('Zoë') + 2;
    const bad = Buffer.concat([xml.subarray(0, at), Buffer.from([0xff]), xml.subarray(at + 1)]);
    const decoded = (() => {
      try {
        new XmlPartDecoder(SOURCE).write(bad);
        return undefined;
      } catch (error) {
        return { code: (error as XlmergeError).code, message: (error as XlmergeError).message };
      }
    })();
    expect(decoded?.message).toContain(`at byte offset ${at}`);
    expect(skipEveryWay(bad)).toEqual(decoded);
  });

  it('passes a part in UTF-16, and one in windows-1252, as the decoder reads them', () => {
    const utf16 = `\ufeff${document(`<table:table table:name="T">${ROWS}</table:table>`, '<?xml version="1.0" encoding="UTF-16"?>')}`;
    const bytes = Buffer.from(utf16, 'utf16le');
    expect(skip(bytes, [1001])).toBe(utf16.slice(1));
    const latin = document(
      '<table:table table:name="Café">€<table:table-row/></table:table>',
      '<?xml version="1.0" encoding="windows-1252"?>',
    );
    const windows1252 = Buffer.from(latin.replace('€', '\x80'), 'latin1');
    expect(skipEveryWay(windows1252)).toBe(latin.replace('€<table:table-row/>', ''));
  });
});
