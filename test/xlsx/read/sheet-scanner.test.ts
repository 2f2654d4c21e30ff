import { StringDecoder } from 'node:string_decoder';
import { describe, expect, test } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import { ErrorCode } from '../../../src/errors.js';
import type { SheetRow } from '../../../src/reader/workbook-reader.js';
import { errorOf } from '../../helpers/errors.js';
import {
  cellsOf,
  IN_PART,
  NS,
  rowsOf,
  scan,
  scanError,
  sheet,
  WHERE,
} from '../../helpers/sheet-scan.js';

describe('SheetScanner: what is read', () => {
  test('reads only the rows inside sheetData', () => {
    const xml =
      `<worksheet xmlns="${NS}"><sheetPr><row r="9"><c><v>9</v></c></row></sheetPr>` +
      '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' +
      '<hyperlinks><hyperlink ref="A1" display="a &gt; b"/></hyperlinks>' +
      '<extLst><ext uri="x"><row r="7"><c><v>7</v></c></row></ext></extLst></worksheet>';
    expect(rowsOf(xml)).toEqual([{ number: 1, cells: [1] }]);
  });

  test('handles any namespace prefix, read from the tags themselves', () => {
    const xml =
      `<x:worksheet xmlns:x="${NS}"><x:sheetData><x:row r="1">` +
      '<x:c r="A1" t="s"><x:v>1</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:r><x:t>a</x:t></x:r>' +
      '<x:r><x:t>b</x:t></x:r></x:is></x:c><x:c r="C1"><x:f>A1</x:f><x:v>3</x:v></x:c>' +
      '</x:row></x:sheetData></x:worksheet>';
    expect(rowsOf(xml)).toEqual([{ number: 1, cells: ['one', 'ab', 3] }]);
  });

  test('an empty sheetData gives no rows', () => {
    expect(rowsOf(sheet(''))).toEqual([]);
    expect(rowsOf(`<worksheet xmlns="${NS}"><sheetData/></worksheet>`)).toEqual([]);
  });

  test('skips comments and processing instructions, and reads CDATA literally', () => {
    const cells = cellsOf(
      '<!-- a <c> in a comment --><c r="A1"><?pi <v>9</v>?><v><![CDATA[4]]>2</v></c>' +
        '<c r="B1" t="inlineStr"><is><t><![CDATA[a&amp;<b>]]>&amp;</t></is></c>',
    );
    expect(cells).toEqual([42, 'a&amp;<b>&']);
  });
});

describe('SheetScanner: formulas and empty cells', () => {
  test('a formula reads as its cached value; without one as null, and is counted', () => {
    const result = scan(
      sheet(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f t="shared" ref="B1:B2" si="0">A1*2</f></c>' +
          '<c r="C1" t="str"><f>A1&amp;""</f></c><c r="D1"><f t="shared" si="0"/><v>4</v></c></row>' +
          '<row r="2"><c r="A2"><f>NOW()</f><v></v></c></row>',
      ),
    );
    expect(result.rows).toEqual([
      { number: 1, cells: [2, null, null, 4] },
      { number: 2, cells: [null] },
    ]);
    expect(result.formulasWithoutValue).toBe(2);
  });

  test('<v></v>, <v/> and a cell without a value are null', () => {
    expect(
      cellsOf(
        '<c r="A1"><v></v></c><c r="B1" t="s"><v/></c><c r="C1" s="1"/><c r="D1" t="inlineStr"><is><t/></is></c>',
      ),
    ).toEqual([null, null, null, '']);
  });
});

describe('SheetScanner: row and column numbers', () => {
  test('without r, rows count on from the previous row and cells from the previous cell', () => {
    const rows = rowsOf(
      sheet(
        '<row><c><v>1</v></c><c><v>2</v></c></row><row r="5"><c r="C5"><v>3</v></c><c><v>4</v></c></row>' +
          '<row><c r="B6"><v>5</v></c></row>',
      ),
    );
    expect(rows).toEqual([
      { number: 1, cells: [1, 2] },
      { number: 5, cells: [null, null, 3, 4] },
      { number: 6, cells: [null, 5] },
    ]);
  });

  test.each([
    [
      'out of order',
      '<row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
      2,
      3,
    ],
    [
      'repeated',
      '<row r="3"><c r="A3"><v>3</v></c></row><row r="3"><c r="B3"><v>4</v></c></row>',
      3,
      3,
    ],
    [
      'after a row without cells',
      '<row r="5" ht="20"/><row r="4"><c r="A4"><v>4</v></c></row>',
      4,
      5,
    ],
    [
      'after rows without r',
      '<row r="1"><c><v>1</v></c></row><row><c><v>2</v></c></row><row r="2"/>',
      2,
      2,
    ],
    [
      'after plain rows (the fast path)',
      '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>9</v></c></row>',
      1,
      2,
    ],
  ])('rows %s are malformed, naming both rows', (_, rows, row, after) => {
    const xml = sheet(rows);
    const expected = {
      code: ErrorCode.MalformedXml,
      message: `expected row numbers in ascending order, found row ${row} after row ${after} ${IN_PART}`,
      ...WHERE,
      row,
    };
    expect(scanError(xml)).toEqual(expected);
    expect(scanError(xml, {}, xml.split(''))).toEqual(expected);
    expect(errorOf(() => scan(xml)).hint).toBe(
      'Excel writes each row once, in ascending order: the file was made by another program; open it in Excel and save it again',
    );
  });

  test('reads the last column XFD and the last row 1048576', () => {
    const rows = rowsOf(sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'));
    expect(rows.length).toBe(1);
    expect(rows[0]?.number).toBe(1_048_576);
    expect(rows[0]?.cells.length).toBe(16_384);
    expect(rows[0]?.cells[16_383]).toBe(1);
    expect(rows[0]?.cells.filter((cell) => cell !== null).length).toBe(1);
  });

  test('rows without cells are not returned; gaps are null', () => {
    const rows = rowsOf(
      sheet(
        '<row r="1"><c r="B1"><v>1</v></c><c r="D1" t="s"><v>0</v></c></row><row r="2" ht="20" customHeight="1"/>' +
          '<row r="5" ht="20"></row><row r="7" s="1" customFormat="1"><c r="A7" s="1"/></row>',
      ),
    );
    expect(rows).toEqual([
      { number: 1, cells: [null, 1, null, 'zero'] },
      { number: 7, cells: [null] },
    ]);
  });

  test('a very wide row is read in one pass', () => {
    let xml = '<row r="1">';
    for (let column = 0; column < 16_384; column++) xml += `<c t="s"><v>${column % 3}</v></c>`;
    const rows = rowsOf(sheet(`${xml}</row>`));
    expect(rows[0]?.cells.length).toBe(16_384);
    expect(rows[0]?.cells[16_383]).toBe('zero');
    expect(rows[0]?.cells[16_382]).toBe('two & more');
  });
});

describe('SheetScanner: errors', () => {
  test.each([['<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>'], ['<!ENTITY a "x">']])(
    'refuses %s as unsafe',
    (declaration) => {
      const xml = `<?xml version="1.0"?>${declaration}${sheet('')}`;
      const snippet = JSON.stringify(`${xml.slice(21, 61)}…`);
      expect(scanError(xml)).toEqual({
        code: ErrorCode.UnsafeXml,
        message: `The XML contains a document type or entity declaration (${snippet}), which workbooks never need ${IN_PART}`,
        ...WHERE,
        row: undefined,
      });
    },
  );

  test('a shared string index out of range names the cell', () => {
    expect(scanError(sheet('<row r="4"><c r="C4" t="s"><v>3</v></c></row>'))).toEqual({
      code: ErrorCode.MalformedXml,
      message: `expected a shared string index below 3 in cell C4, found 3 ${IN_PART}`,
      ...WHERE,
      row: 4,
    });
  });

  test('a number that is not one', () => {
    expect(scanError(sheet('<row r="2"><c r="B2"><v>12abc</v></c></row>'))).toEqual({
      code: ErrorCode.MalformedXml,
      message: `expected a number in cell B2, found "12abc" ${IN_PART}`,
      ...WHERE,
      row: 2,
    });
  });

  test.each([
    [
      'inside a row',
      `<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c>`,
      'expected </row>, found the end of the data',
      2,
    ],
    [
      'inside a cell',
      `<worksheet xmlns="${NS}"><sheetData><row r="3"><c r="A3"><v>1</v>`,
      'expected </c>, found the end of the data',
      3,
    ],
    [
      'inside a tag',
      `<worksheet xmlns="${NS}"><sheetData><row r="3"><c r="A3`,
      'expected \'>\' closing the tag "<c r=\\"A3", found the end of the data',
      3,
    ],
    [
      'before </worksheet>',
      `<worksheet xmlns="${NS}"><sheetData></sheetData>`,
      'expected </worksheet>, found the end of the data',
      undefined,
    ],
    ['with nothing', '', 'expected an XML element, found the end of the data', undefined],
  ])('truncated XML %s is malformed', (_, xml, message, row) => {
    expect(scanError(xml)).toEqual({
      code: ErrorCode.MalformedXml,
      message: `${message} ${IN_PART}`,
      ...WHERE,
      row,
    });
  });

  test.each([
    [
      'a mismatched end tag',
      sheet('<row r="1"><c r="A1"><v>1</c></row>'),
      'expected </v>, found "</c>"',
      1,
    ],
    [
      'text where a tag is expected',
      sheet('<row r="2"><c r="A2"><v>1</v></c>garbage</row>'),
      'expected a tag, found text "garbage</row></sheetData><mergeCells cou…"',
      2,
    ],
    [
      'garbage after <',
      sheet('<row r="1"><c r="A1"><v>1</v></c><1></row>'),
      'expected a tag name after \'<\', found "<1></row></sheetData><mergeCells count=\\"…"',
      1,
    ],
    [
      'an unquoted attribute',
      sheet('<row r="1"><c r=A1><v>1</v></c></row>'),
      'expected attributes of the form name="value" in "<c r=A1><v>1</v></c></row></sheetData><m…"',
      1,
    ],
    [
      'a bad cell reference',
      sheet('<row r="1"><c r="1A"><v>1</v></c></row>'),
      'expected a cell reference from A1 to XFD1048576 in r, found "1A"',
      1,
    ],
    [
      'a column past XFD',
      sheet('<row r="1"><c r="XFE1"><v>1</v></c></row>'),
      'expected a cell reference from A1 to XFD1048576 in r, found "XFE1"',
      1,
    ],
    [
      'a row past 1048576',
      sheet('<row r="1048577"><c><v>1</v></c></row>'),
      'expected at most 1048576 rows, found row 1048577',
      undefined,
    ],
    [
      'an unknown cell type',
      sheet('<row r="1"><c r="A1" t="x"><v>1</v></c></row>'),
      'expected a cell type (s, str, inlineStr, n, b, e or d) in t, found "x"',
      1,
    ],
    [
      'a bad boolean',
      sheet('<row r="1"><c r="A1" t="b"><v>yes</v></c></row>'),
      'expected 0 or 1 in the boolean cell A1, found "yes"',
      1,
    ],
    [
      'a bad date',
      sheet('<row r="1"><c r="A1" t="d"><v>2024-02-30</v></c></row>'),
      'expected an ISO 8601 date in the date cell A1, found "2024-02-30"',
      1,
    ],
    [
      'a bad entity',
      sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c></row>'),
      'expected an entity such as &amp; &lt; &#10; or &#x1F600;, found "&nbsp;"',
      1,
    ],
    [
      "a '<' in an attribute value",
      sheet('<row r="1"><c r="A1><v>1</v></c></row>'),
      "expected '>' closing the tag \"<c r=\\\"A1><v>1</v></c></row></sheetData><…\", found '<'",
      1,
    ],
    [
      'a second root element',
      `${sheet('')}<worksheet/>`,
      'expected the end of the data after the root element, found "<worksheet/>"',
      undefined,
    ],
    [
      'no sheetData',
      `<worksheet xmlns="${NS}"><sheetViews/></worksheet>`,
      'expected a <sheetData> element in the worksheet, found none',
      undefined,
    ],
    [
      'a second sheetData',
      `<worksheet xmlns="${NS}"><sheetData/><sheetData><row r="1"><c><v>1</v></c></row></sheetData></worksheet>`,
      'expected one <sheetData>, found a second',
      undefined,
    ],
    [
      'a mixed-case <Row>',
      sheet('<row r="1"><c r="A1"><v>1</v></c></row><Row r="2"><c r="A2"><v>2</v></c></Row>'),
      'expected <row> in <sheetData> after row 1, found <Row>',
      undefined,
    ],
    [
      'an element that is no row, before the first',
      sheet('<foo/><row r="1"><c r="A1"><v>1</v></c></row>'),
      'expected <row> in <sheetData> before the first row, found <foo>',
      undefined,
    ],
    [
      'a mixed-case <C>',
      sheet('<row r="3"><c r="A3"><v>1</v></c><C r="B3"><v>2</v></C></row>'),
      'expected <c> or <extLst> in row 3, found <C>',
      3,
    ],
    [
      'a row inside a row',
      sheet('<row r="3"><row r="4"><c r="A4"><v>1</v></c></row></row>'),
      'expected <c> or <extLst> in row 3, found <row>',
      3,
    ],
    [
      'a mixed-case <V>',
      sheet('<row r="2"><c r="B2"><V>5</V></c></row>'),
      'expected <f>, <v>, <is> or <extLst> in cell B2, found <V>',
      2,
    ],
    [
      'a T for t on a cell (it read the shared string index as a number)',
      sheet('<row r="2"><c r="A2"><v>1</v></c><c r="B2" T="s"><v>0</v></c></row>'),
      'expected the attribute t, found T on a cell in row 2',
      2,
    ],
    [
      'an R for r on a cell',
      sheet('<row r="2"><c R="C2"><v>1</v></c></row>'),
      'expected the attribute r, found R on a cell in row 2',
      2,
    ],
    [
      'an R for r on a row',
      sheet('<row r="2"><c r="A2"><v>1</v></c></row><row R="9"><c r="A9"><v>1</v></c></row>'),
      'expected the attribute r, found R on a row after row 2',
      undefined,
    ],
    [
      'a second <v>',
      sheet('<row r="2"><c r="D2"><v>1</v><v>2</v></c></row>'),
      'expected one <v> in cell D2, found a second',
      2,
    ],
    [
      'a second <is>',
      sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is><is><t>2</t></is></c></row>'),
      'expected one <is> in cell A2, found a second',
      2,
    ],
    [
      'a mixed-case <T> in an inline string',
      sheet('<row r="2"><c r="C2" t="inlineStr"><is><T>lost</T></is></c></row>'),
      'expected <t>, <r>, <rPh> or <phoneticPr> in the inline string of cell C2, found <T>',
      2,
    ],
    [
      'an unknown element in a run of an inline string',
      sheet(
        '<row r="2"><c r="C2" t="inlineStr"><is><r><rPr><b/></rPr><x:t>lost</x:t><tt/></r></is></c></row>',
      ),
      'expected <rPr> or <t> in a run <r> of the inline string of cell C2, found <tt>',
      2,
    ],
  ])('%s is malformed', (_, xml, message, row) => {
    expect(scanError(xml)).toEqual({
      code: ErrorCode.MalformedXml,
      message: `${message} ${IN_PART}`,
      ...WHERE,
      row,
    });
  });

  test('a tag longer than maxElementChars is a size-limit error', () => {
    const xml = sheet(`<row r="1"><c r="A1" x="${'y'.repeat(300)}"><v>1</v></c></row>`);
    const pieces = [xml.slice(0, 200), xml.slice(200, 400), xml.slice(400)];
    expect(scanError(xml, { maxElementChars: 100 }, pieces)).toEqual({
      code: ErrorCode.SizeLimit,
      message: `A single XML tag is longer than 100 characters ${IN_PART}`,
      ...WHERE,
      row: 1,
    });
  });

  test('a row longer than maxElementChars is a size-limit error', () => {
    const cells = '<c><v>12345</v></c>'.repeat(20);
    const xml = sheet(`<row r="3">${cells}</row>`);
    const cut = xml.indexOf('<row') + 150;
    expect(scanError(xml, { maxElementChars: 100 }, [xml.slice(0, cut), xml.slice(cut)])).toEqual({
      code: ErrorCode.SizeLimit,
      message: `Row 3 is longer than 100 characters of XML ${IN_PART}`,
      ...WHERE,
      row: 3,
    });
  });

  test('a cell text longer than maxElementChars is a size-limit error', () => {
    const xml = sheet(`<row r="3"><c t="inlineStr"><is><t>${'z'.repeat(500)}</t></is></c></row>`);
    expect(scanError(xml, { maxElementChars: 100 })).toEqual({
      code: ErrorCode.SizeLimit,
      message: `A cell or string is longer than 100 characters ${IN_PART}`,
      ...WHERE,
      row: 3,
    });
  });
});

describe('SheetScanner: pieces', () => {
  test('a huge cell in small pieces is read in linear time', () => {
    const text = 'ab&amp;'.repeat(300_000);
    const xml = sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${text}</t></is></c></row>`);
    const pieces: string[] = [];
    for (let i = 0; i < xml.length; i += 100) pieces.push(xml.slice(i, i + 100));
    const rows = scan(xml, { maxElementChars: 10_000_000 }, pieces).rows;
    expect(rows[0]?.cells[0]).toBe('ab&'.repeat(300_000));
  });

  test('a huge attribute in small pieces is read in linear time', () => {
    const xml = sheet(`<row r="1"><c r="A1" x="${'>'.repeat(1_000_000)}"><v>5</v></c></row>`);
    const pieces: string[] = [];
    for (let i = 0; i < xml.length; i += 64) pieces.push(xml.slice(i, i + 64));
    expect(scan(xml, { maxElementChars: 10_000_000 }, pieces).rows).toEqual([
      { number: 1, cells: [5] },
    ]);
  });

  test('every one-character split gives the same rows', () => {
    const xml = sheet(
      '<row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1" t="inlineStr"><is><r><t>a&#x1F600;&amp;</t></r>' +
        '<r><t>_x000D_</t></r><rPh><t>x</t></rPh></is></c><!-- c --><c r="C1"><v><![CDATA[1.5]]></v></c>' +
        '<c r=\'D1\' s = \'1\' ><v >2</v ></c><c r="E1"><f>1</f></c></row><row r="3" ht="2"/>' +
        '<row><c t="b"><v>1</v></c></row>',
    );
    const whole = scan(xml);
    expect(whole).toEqual({
      rows: [
        { number: 1, cells: ['two & more', 'a😀&\r', 1.5, { kind: 'date', serial: 2 }, null] },
        { number: 4, cells: [true] },
      ],
      formulasWithoutValue: 1,
    });
    for (let cut = 1; cut < xml.length; cut++) {
      expect(scan(xml, {}, [xml.slice(0, cut), xml.slice(cut)])).toEqual(whole);
    }
    expect(scan(xml, {}, [...xml])).toEqual(whole);
  });
});

/** A small seeded generator (mulberry32), so failures reproduce. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SHARED = ['s0', 'a & b', '😀', '', 'line\nbreak'];
const PIECES_OF_TEXT = [
  'a',
  'Z',
  ' ',
  '&',
  '<',
  '>',
  '"',
  "'",
  'é',
  '😀',
  '東',
  '\n',
  '\t',
  '\r',
  '_x000D_',
  '_',
  ']]>',
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e-7,
  123456.789,
  2 ** 53 + 2,
  1.7976931348623157e308,
  5e-324,
  45306.5,
];

/** Writes text as XML character data, choosing at random between equivalent spellings. */
function escapeText(text: string, random: () => number): string {
  let out = '';
  let i = 0;
  for (const ch of text) {
    const pick = random();
    // A literal _xHHHH_ in the text has its underscore escaped, as Excel does.
    if (ch === '_' && /^_x[0-9A-Fa-f]{4}_/.test(text.slice(i))) out += '_x005F_';
    else if (ch === '&') out += '&amp;';
    else if (ch === '<') out += pick < 0.5 ? '&lt;' : '&#60;';
    else if (ch === '>') out += pick < 0.5 ? '&gt;' : '>';
    else if (ch === '\r') out += pick < 0.5 ? '_x000D_' : '&#13;';
    else if (ch === '_') out += pick < 0.3 ? '_x005F_' : '_';
    else if (ch === '😀' && pick < 0.5) out += pick < 0.25 ? '&#x1F600;' : '&#128512;';
    else if (ch === '\n' && pick < 0.3) out += '&#10;';
    else out += ch;
    i += ch.length;
  }
  return out;
}

interface GeneratedSheet {
  xml: string;
  rows: SheetRow[];
  formulasWithoutValue: number;
}

function generateSheet(random: () => number): GeneratedSheet {
  const prefix = random() < 0.5 ? 'x:' : '';
  const tag = (name: string) => `${prefix}${name}`;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const randomText = () => {
    let text = '';
    const length = Math.floor(random() * 6);
    for (let i = 0; i < length; i++) text += pick(PIECES_OF_TEXT);
    return text;
  };
  const rows: SheetRow[] = [];
  let formulasWithoutValue = 0;
  let xml = `<?xml version="1.0"?>\n<${tag('worksheet')} xmlns${prefix ? ':x' : ''}="${NS}"><${tag('sheetData')}>`;
  let rowNumber = 0;
  const rowCount = Math.floor(random() * 8);
  for (let r = 0; r < rowCount; r++) {
    rowNumber += 1 + Math.floor(random() * 3);
    const writeRowNumber = random() < 0.7 || rowNumber !== (rows.at(-1)?.number ?? 0) + 1;
    const numbered = writeRowNumber ? ` r="${rowNumber}"` : '';
    if (!writeRowNumber) rowNumber = (rows.at(-1)?.number ?? 0) + 1;
    const cellCount = Math.floor(random() * 6);
    if (cellCount === 0) {
      xml += `<${tag('row')}${numbered} ht="15"/>`;
      continue;
    }
    xml += `<${tag('row')}${numbered} spans="1:5">`;
    const cells: CellValue[] = [];
    let column = -1;
    for (let c = 0; c < cellCount; c++) {
      const skipTo = random() < 0.3 ? column + 2 + Math.floor(random() * 3) : column + 1;
      const written = random() < 0.6 || skipTo !== column + 1;
      column = skipTo;
      let ref = '';
      if (written) {
        let n = column + 1;
        let letters = '';
        while (n > 0) {
          letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
          n = Math.floor((n - 1) / 26);
        }
        ref = ` r="${letters}${rowNumber}"`;
      }
      const kind = Math.floor(random() * 9);
      let value: CellValue;
      let body: string;
      let attributes = ref;
      if (kind === 0) {
        const number = pick(NUMBERS);
        value = number;
        body = `<${tag('v')}>${Object.is(number, -0) ? '-0' : random() < 0.5 ? String(number) : number.toExponential()}</${tag('v')}>`;
      } else if (kind === 1) {
        const index = Math.floor(random() * SHARED.length);
        value = SHARED[index] ?? null;
        attributes += ' t="s"';
        body = `<${tag('v')}>${index}</${tag('v')}>`;
      } else if (kind === 2) {
        const parts = [randomText(), randomText()];
        value = parts.join('');
        attributes += ' t="inlineStr"';
        body =
          random() < 0.5
            ? `<${tag('is')}><${tag('t')} xml:space="preserve">${escapeText(value, random)}</${tag('t')}></${tag('is')}>`
            : `<${tag('is')}>${parts.map((part) => `<${tag('r')}><${tag('rPr')}><${tag('b')}/></${tag('rPr')}><${tag('t')}>${escapeText(part, random)}</${tag('t')}></${tag('r')}>`).join('')}<${tag('rPh')}><${tag('t')}>ふ</${tag('t')}></${tag('rPh')}></${tag('is')}>`;
      } else if (kind === 3) {
        value = randomText();
        attributes += ' t="str"';
        body = `<${tag('f')}>A1&amp;"x"</${tag('f')}><${tag('v')}>${escapeText(value, random)}</${tag('v')}>`;
        if (value === '') value = null;
      } else if (kind === 4) {
        value = random() < 0.5;
        attributes += ' t="b"';
        body = `<${tag('v')}>${value ? 1 : 0}</${tag('v')}>`;
      } else if (kind === 5) {
        value = { kind: 'error', code: '#N/A' };
        attributes += ' t="e"';
        body = `<${tag('v')}>#N/A</${tag('v')}>`;
      } else if (kind === 6) {
        const serial = Math.floor(random() * 50_000) + 0.25;
        value = { kind: 'date', serial };
        attributes += ' s="1"';
        body = `<${tag('v')}>${serial}</${tag('v')}>`;
      } else if (kind === 7) {
        value = null;
        formulasWithoutValue++;
        body = `<${tag('f')} t="shared" si="0"/>`;
      } else {
        value = null;
        body = '';
      }
      cells.length = column;
      cells.fill(null, cells.findLastIndex((cell) => cell !== undefined) + 1);
      cells.push(value);
      xml +=
        body === ''
          ? `<${tag('c')}${attributes}/>`
          : `<${tag('c')}${attributes}>${body}</${tag('c')}>`;
      if (random() < 0.1) xml += '<!-- note -->';
    }
    rows.push({ number: rowNumber, cells: Array.from(cells, (cell) => cell ?? null) });
    xml += `</${tag('row')}>`;
  }
  xml += `</${tag('sheetData')}><${tag('pageMargins')} left="0.7"/></${tag('worksheet')}>`;
  return { xml, rows, formulasWithoutValue };
}

function splitRandomly(xml: string, random: () => number, maxPiece: number): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < xml.length) {
    const size = 1 + Math.floor(random() * maxPiece);
    pieces.push(xml.slice(i, i + size));
    i += size;
  }
  return pieces;
}

/** Cuts the UTF-8 bytes anywhere, even inside a character, and decodes them as the reader will. */
function decodeInRandomBytePieces(xml: string, random: () => number, maxPiece: number): string[] {
  const bytes = Buffer.from(xml, 'utf8');
  const decoder = new StringDecoder('utf8');
  const pieces: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const size = 1 + Math.floor(random() * maxPiece);
    pieces.push(decoder.write(bytes.subarray(i, i + size)));
    i += size;
  }
  pieces.push(decoder.end());
  return pieces;
}

describe('SheetScanner: nesting', () => {
  // Found by the decompression-bomb tests: `<a><a><a>…` grew the stack of open elements until V8
  // aborted the process.
  const nested = (depth: number) =>
    `<worksheet xmlns="${NS}">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}<sheetData/></worksheet>`;

  test('accepts elements nested 1000 deep', () => {
    expect(rowsOf(nested(999))).toEqual([]);
  });

  test('refuses elements nested deeper, in pieces too', () => {
    const xml = nested(1000);
    const snippet = JSON.stringify(`<a>${'</a>'.repeat(9)}<…`);
    const expected = {
      code: ErrorCode.MalformedXml,
      message: `expected elements nested at most 1000 deep, found ${snippet} deeper ${IN_PART}`,
      ...WHERE,
      row: undefined,
    };
    expect(scanError(xml)).toEqual(expected);
    // In pieces, the excerpt holds what is buffered.
    expect(scanError(xml, {}, xml.match(/[\s\S]{1,7}/g) ?? [])).toEqual({
      ...expected,
      message: `expected elements nested at most 1000 deep, found "<a></a" deeper ${IN_PART}`,
    });
  });
});

describe('SheetScanner: random sheets', () => {
  test('read the same whole, in random pieces and in random UTF-8 byte pieces', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = randomSource(seed);
      const generated = generateSheet(random);
      const context = { sharedStrings: SHARED };
      const whole = scan(generated.xml, context);
      expect(whole, `seed ${seed}`).toEqual({
        rows: generated.rows,
        formulasWithoutValue: generated.formulasWithoutValue,
      });
      const maxPiece = seed % 3 === 0 ? 3 : seed % 3 === 1 ? 20 : 200;
      expect(scan(generated.xml, context, splitRandomly(generated.xml, random, maxPiece))).toEqual(
        whole,
      );
      expect(
        scan(generated.xml, context, decodeInRandomBytePieces(generated.xml, random, maxPiece)),
      ).toEqual(whole);
    }
  });
});
