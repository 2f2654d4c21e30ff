import { StringDecoder } from 'node:string_decoder';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { SharedStringsScanner } from '../../../src/xlsx/read/shared-strings-scanner.js';
import { errorOf } from '../../helpers/errors.js';

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const CONTEXT = {
  maxElementChars: 1_000_000,
  maxStrings: 1_000_000,
  file: 'in/a.xlsx',
  part: 'xl/sharedStrings.xml',
};

function read(xml: string, pieces = [xml], context = CONTEXT): string[] {
  const scanner = new SharedStringsScanner(context);
  for (const piece of pieces) scanner.push(piece);
  return [...scanner.end()];
}

const SAMPLE =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${NS}" count="9" uniqueCount="7">` +
  '<si><t>..</t></si>' +
  '<si><r><rPr><b/><sz val="11"/><rFont val="Calibri"/></rPr><t>a</t></r><r><t>b</t></r>' +
  '<rPh sb="0" eb="1"><t>ふりがな</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>' +
  '<si/><si><t/></si>' +
  '<si><t xml:space="preserve">  line1_x000D_\nline2 &amp; &#x1F600; 😀  </t></si>' +
  '<si><t>_x005F_x000D_</t></si>' +
  '<si><t><![CDATA[<raw> & ]]>text</t></si>' +
  '</sst>';
const SAMPLE_STRINGS = [
  '..',
  'ab',
  '',
  '',
  '  line1\r\nline2 & 😀 😀  ',
  '_x000D_',
  '<raw> & text',
];

describe('SharedStringsScanner', () => {
  test('reads plain, rich, empty and escaped strings in order', () => {
    expect(read(SAMPLE)).toEqual(SAMPLE_STRINGS);
  });

  test('handles any namespace prefix', () => {
    const xml =
      `<x:sst xmlns:x="${NS}"><x:si><x:t>one</x:t></x:si><x:si><x:r><x:t>t</x:t></x:r>` +
      '<x:r><x:rPr><x:b/></x:rPr><x:t>wo</x:t></x:r><x:rPh><x:t>no</x:t></x:rPh></x:si></x:sst>';
    expect(read(xml)).toEqual(['one', 'two']);
  });

  test('gives the same strings for every split into two pieces and one-character pieces', () => {
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      expect(read(SAMPLE, [SAMPLE.slice(0, cut), SAMPLE.slice(cut)])).toEqual(SAMPLE_STRINGS);
    }
    expect(read(SAMPLE, [...SAMPLE])).toEqual(SAMPLE_STRINGS);
  });

  test('gives the same strings from UTF-8 bytes cut at every offset', () => {
    const bytes = Buffer.from(SAMPLE, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new StringDecoder('utf8');
      const pieces = [
        decoder.write(bytes.subarray(0, cut)),
        decoder.write(bytes.subarray(cut)),
        decoder.end(),
      ];
      expect(read(SAMPLE, pieces)).toEqual(SAMPLE_STRINGS);
    }
  });

  test('an empty table has no strings', () => {
    expect(read(`<sst xmlns="${NS}" count="0" uniqueCount="0"/>`)).toEqual([]);
  });

  test('truncated XML is malformed', () => {
    const error = errorOf(() => read(SAMPLE.slice(0, SAMPLE.indexOf('<si/>'))));
    expect([error.code, error.message, error.file, error.part]).toEqual([
      ErrorCode.MalformedXml,
      'expected </sst>, found the end of the data (in xl/sharedStrings.xml)',
      'in/a.xlsx',
      'xl/sharedStrings.xml',
    ]);
    const inside = errorOf(() => read(`<sst xmlns="${NS}"><si><t>abc`));
    expect(inside.message).toBe(
      'expected </t>, found the end of the data (in xl/sharedStrings.xml)',
    );
  });

  test.each([
    [
      'a mixed-case <SI>, which would move every later string to another cell',
      `<sst xmlns="${NS}"><si><t>a</t></si><SI><t>b</t></SI><si><t>c</t></si></sst>`,
      'expected <si> or <extLst> in <sst> after 1 shared strings, found <SI>',
    ],
    [
      'a mixed-case <T>',
      `<sst xmlns="${NS}"><si><t>a</t></si><si><T>b</T></si></sst>`,
      'expected <t>, <r>, <rPh> or <phoneticPr> in shared string 1, found <T>',
    ],
    [
      'an unknown element in a run',
      `<sst xmlns="${NS}"><si><r><rPr><b/></rPr><t>b</t><u>c</u></r></si></sst>`,
      'expected <rPr> or <t> in a run <r> of shared string 0, found <u>',
    ],
  ])('%s is malformed', (_, xml, message) => {
    for (const pieces of [[xml], xml.split('')]) {
      const error = errorOf(() => read(xml, pieces));
      expect([error.code, error.message, error.hint]).toEqual([
        ErrorCode.MalformedXml,
        `${message} (in xl/sharedStrings.xml)`,
        `XML names are case-sensitive, and no spreadsheet writer puts ${message.slice(message.lastIndexOf('<'))} there: the file was made or changed by another program; open it in Excel and save it again`,
      ]);
    }
  });

  test('a DOCTYPE is unsafe', () => {
    const error = errorOf(() => read(`<!DOCTYPE sst [<!ENTITY x "y">]><sst xmlns="${NS}"/>`));
    expect(error.code).toBe(ErrorCode.UnsafeXml);
  });

  test('a string or string item longer than maxElementChars is a size-limit error', () => {
    const small = { ...CONTEXT, maxElementChars: 50 };
    const long = `<sst xmlns="${NS}"><si><t>${'a'.repeat(200)}</t></si></sst>`;
    const text = errorOf(() => read(long, [long.slice(0, 100), long.slice(100)], small));
    expect([text.code, text.message]).toEqual([
      ErrorCode.SizeLimit,
      'A cell or string is longer than 50 characters (in xl/sharedStrings.xml)',
    ]);
    const runs = `<sst xmlns="${NS}"><si>${'<r><rPr><b/></rPr><t>a</t></r>'.repeat(10)}</si></sst>`;
    const item = errorOf(() => read(runs, [runs.slice(0, 150), runs.slice(150)], small));
    expect([item.code, item.message]).toEqual([
      ErrorCode.SizeLimit,
      'Shared string 0 is longer than 50 characters of XML (in xl/sharedStrings.xml)',
    ]);
  });

  test('a huge string in small pieces is read in linear time', () => {
    const xml = `<sst xmlns="${NS}"><si><r><t>${'xy'.repeat(500_000)}</t></r><r><t>!</t></r></si></sst>`;
    const pieces: string[] = [];
    for (let i = 0; i < xml.length; i += 64) pieces.push(xml.slice(i, i + 64));
    const strings = read(xml, pieces, { ...CONTEXT, maxElementChars: 10_000_000 });
    expect(strings.length).toBe(1);
    expect(strings[0]).toBe(`${'xy'.repeat(500_000)}!`);
  });
});

describe('SharedStringsScanner: how many strings', () => {
  // Found by the decompression-bomb tests: 113 million `<si/>` (565 MB of XML, 600 KB zipped)
  // made V8 abort the whole process growing the array of strings.
  test('more strings than maxStrings is a size-limit error, on every path', () => {
    const context = { ...CONTEXT, maxStrings: 3 };
    const items = ['<si><t>a</t></si>', '<si/>', '<si><r><t>b</t></r></si>'];
    for (const item of items) {
      const xml = `<sst xmlns="${NS}">${item.repeat(3)}</sst>`;
      expect(read(xml, [xml], context)).toEqual(read(xml));
      const error = errorOf(() =>
        read(`<sst xmlns="${NS}">${item.repeat(4)}</sst>`, undefined, context),
      );
      expect({
        code: error.code,
        message: error.message,
        part: error.part,
        hint: error.hint,
      }).toEqual({
        code: ErrorCode.SizeLimit,
        message:
          'The shared strings table has more than 3 strings, the `limits.maxSharedStrings` limit (in xl/sharedStrings.xml)',
        part: 'xl/sharedStrings.xml',
        hint: 'The file may be a decompression bomb; if it is genuine, raise `limits.maxSharedStrings`',
      });
    }
  });
});

describe('SharedStringsScanner: the fast path for plain items gives what the general path gives', () => {
  test('for attributes, entities, escapes and items it leaves to the general path', () => {
    const xml =
      `<sst xmlns="${NS}"><si><t>a</t></si><si><t xml:space="preserve"> b </t></si>` +
      '<si><t>&lt;c&gt; &amp; &#x41;_x000D_&#13;\r\n</t></si><si><t></t></si><si>\n<t>d</t></si>' +
      '<si><t>e</t><phoneticPr fontId="1"/></si><si><t>f</t>\n</si><si><t/></si>' +
      `<si><t><![CDATA[g]]></t></si><si a="1"><t>h</t></si><extLst><si><t>no</t></si></extLst>` +
      '<si><t>i</t></si></sst>';
    const strings = ['a', ' b ', '<c> & A\r\r\n', '', 'd', 'e', 'f', '', 'g', 'h', 'i'];
    expect(read(xml)).toEqual(strings);
    expect(read(xml, [...xml])).toEqual(strings);
  });

  test('for a bad entity or an oversized item after plain items', () => {
    const bad = `<sst xmlns="${NS}"><si><t>a</t></si><si><t>&nbsp;</t></si></sst>`;
    const error = errorOf(() => read(bad));
    expect([error.code, error.message]).toEqual([
      ErrorCode.MalformedXml,
      'expected an entity such as &amp; &lt; &#10; or &#x1F600;, found "&nbsp;" (in xl/sharedStrings.xml)',
    ]);
    const long = `<sst xmlns="${NS}"><si><t>a</t></si><si><t>${'a'.repeat(200)}</t></si></sst>`;
    const size = errorOf(() => read(long, [long], { ...CONTEXT, maxElementChars: 50 }));
    expect([size.code, size.message]).toEqual([
      ErrorCode.SizeLimit,
      'A cell or string is longer than 50 characters (in xl/sharedStrings.xml)',
    ]);
  });
});
