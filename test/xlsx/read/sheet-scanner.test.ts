import { StringDecoder } from 'node:string_decoder';
import { describe, expect, test } from 'vitest';
import { type CellValue, EXCEL_ERROR_VALUES } from '../../../src/core/cell.js';
import { columnLetters } from '../../../src/core/column-letters.js';
import { ErrorCode } from '../../../src/errors.js';
import type { SheetRow } from '../../../src/reader/workbook-reader.js';
import {
  MAX_BATCH_CELLS,
  type SheetScanContext,
  SheetScanner,
} from '../../../src/xlsx/read/sheet-scanner.js';
import { errorOf } from '../../helpers/errors.js';
import { escapeXml } from '../../helpers/xlsx-builder.js';

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

const CONTEXT: SheetScanContext = {
  sharedStrings: ['zero', 'one', 'two & more'],
  dateStyles: Uint8Array.from([0, 1, 2, 0]),
  date1904: false,
  maxElementChars: 1_000_000,
  file: 'in/a.xlsx',
  sheet: 'Data',
  part: 'xl/worksheets/sheet1.xml',
};

/** A worksheet whose sheetData holds `rows`, with some of the parts Excel puts around it. */
function sheet(rows: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}">` +
    '<dimension ref="A1:C3"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>' +
    `<cols><col min="1" max="1" width="10"/></cols><sheetData>${rows}</sheetData>` +
    '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
  );
}

interface Scanned {
  rows: SheetRow[];
  formulasWithoutValue: number;
}

function scan(xml: string, context: Partial<SheetScanContext> = {}, pieces = [xml]): Scanned {
  const scanner = new SheetScanner({ ...CONTEXT, ...context });
  const rows: SheetRow[] = [];
  for (const piece of pieces) rows.push(...scanner.push(piece));
  rows.push(...scanner.end());
  return { rows, formulasWithoutValue: scanner.formulasWithoutValue };
}

function rowsOf(xml: string, context: Partial<SheetScanContext> = {}): SheetRow[] {
  return scan(xml, context).rows;
}

/** The cells of the single row of `<sheetData><row r="1">cells</row></sheetData>`. */
function cellsOf(cells: string, context: Partial<SheetScanContext> = {}): CellValue[] {
  const rows = rowsOf(sheet(`<row r="1">${cells}</row>`), context);
  expect(rows.length).toBe(1);
  return rows[0]?.cells ?? [];
}

function scanError(xml: string, context: Partial<SheetScanContext> = {}, pieces = [xml]) {
  const error = errorOf(() => scan(xml, context, pieces));
  return {
    code: error.code,
    message: error.message,
    file: error.file,
    sheet: error.sheet,
    part: error.part,
    row: error.row,
  };
}

const WHERE = { file: 'in/a.xlsx', sheet: 'Data', part: 'xl/worksheets/sheet1.xml' };
const IN_PART = '(in xl/worksheets/sheet1.xml)';

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

describe('SheetScanner: cell types', () => {
  test('t="s" is an index into the shared strings', () => {
    expect(cellsOf('<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c>')).toEqual([
      'zero',
      'two & more',
    ]);
  });

  test('t="inlineStr" with plain text', () => {
    expect(cellsOf('<c r="A1" t="inlineStr"><is><t>plain &amp; simple</t></is></c>')).toEqual([
      'plain & simple',
    ]);
  });

  test('t="inlineStr" with rich text: all runs, no phonetic runs or properties', () => {
    const cells = cellsOf(
      '<c r="A1" t="inlineStr"><is><r><rPr><b/><t>not text</t></rPr><t>東京</t></r>' +
        '<r><t xml:space="preserve"> is </t></r><r><t>big</t></r>' +
        '<rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></is></c>',
    );
    expect(cells).toEqual(['東京 is big']);
  });

  test('t="str" is a formula string, its entities decoded once', () => {
    expect(cellsOf('<c r="A1" t="str"><f>"&amp;lt;"</f><v>&amp;lt;&lt;</v></c>')).toEqual([
      '&lt;<',
    ]);
  });

  test('t="b" is a boolean, also for a formula', () => {
    expect(
      cellsOf(
        '<c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c>' +
          '<c r="C1" t="b"><f>TRUE()</f><v>1</v></c>',
      ),
    ).toEqual([true, false, true]);
  });

  test('t="e" is an error value', () => {
    expect(
      cellsOf('<c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
    ).toEqual([
      { kind: 'error', code: '#N/A' },
      { kind: 'error', code: '#DIV/0!' },
    ]);
  });

  test('t="e" holds any of Excel\'s error values', () => {
    const values = [...EXCEL_ERROR_VALUES];
    expect(values).toHaveLength(17);
    const xml = values
      .map((code, i) => `<c r="${columnLetters(i)}1" t="e"><v>${escapeXml(code)}</v></c>`)
      .join('');
    expect(cellsOf(xml)).toEqual(values.map((code) => ({ kind: 'error', code })));
  });

  test.each([
    ['#EVIL!', '#EVIL!'],
    ['a formula to run', "=cmd|' /C calc'!A0"],
    ['a known value in lower case', '#n/a'],
    ['a known value with a space', ' #N/A'],
    ['text', 'not an error'],
  ])('t="e" holding anything else is malformed: %s', (_, text) => {
    const xml = sheet(
      `<row r="4"><c r="A4"><v>1</v></c><c r="C4" t="e"><v>${escapeXml(text)}</v></c></row>`,
    );
    const expected = {
      code: ErrorCode.MalformedXml,
      message: `expected an Excel error value such as #N/A or #DIV/0! in the error cell C4, found ${JSON.stringify(text)} ${IN_PART}`,
      ...WHERE,
      row: 4,
    };
    expect(scanError(xml)).toEqual(expected);
    expect(scanError(xml, {}, xml.split(''))).toEqual(expected);
    expect(errorOf(() => scan(xml)).hint).toBe(
      'Excel knows no such error value, so the file was made by another program; open it in Excel and save it again',
    );
  });

  test('t="n" or no t is a number, parsed bit-exactly', () => {
    const texts = [
      '0.1',
      '-0',
      '1234',
      '123456789012345678',
      '1.7976931348623157E+308',
      '4.9406564584124654E-324',
      '2.2250738585072014e-308',
      '0.30000000000000004',
      '9007199254740993',
      '-12.5e-3',
      '007',
    ];
    const xml = texts
      .map(
        (text, i) =>
          `<c r="${String.fromCharCode(65 + i)}1"${i % 2 ? ' t="n"' : ''}><v>${text}</v></c>`,
      )
      .join('');
    const cells = cellsOf(xml);
    expect(cells).toEqual(texts.map((text) => Number(text)));
    expect(Object.is(cells[1], -0)).toBe(true);
    expect(cells[3]).toBe(123456789012345680);
    expect(cells[8]).toBe(9007199254740992);
  });

  test('t="d" is an ISO 8601 date, date-time or time, as a 1900-system serial', () => {
    const cells = cellsOf(
      '<c r="A1" t="d"><v>2024-01-15</v></c><c r="B1" t="d"><v>2024-01-15T12:00:00</v></c>' +
        '<c r="C1" t="d"><v>2024-01-15T06:00:00.000Z</v></c><c r="D1" t="d"><v>1900-01-01</v></c>' +
        '<c r="E1" t="d"><v>1900-03-01</v></c><c r="F1" t="d"><v>18:00:00</v></c>' +
        '<c r="G1" t="d"><v>1904-01-01T00:00:00</v></c>',
      { date1904: true },
    );
    expect(cells).toEqual([
      { kind: 'date', serial: 45306 },
      { kind: 'date', serial: 45306.5 },
      { kind: 'date', serial: 45306.25 },
      { kind: 'date', serial: 1 },
      { kind: 'date', serial: 61 },
      { kind: 'date', serial: 0.75 },
      { kind: 'date', serial: 1462 },
    ]);
  });

  test('t="d" with a zone: UTC as written, other offsets converted to the instant in UTC', () => {
    const values = [
      ['2024-01-15T06:00:00Z', 45306.25],
      ['2024-01-15T06:00:00+00:00', 45306.25],
      ['2024-01-15T11:00:00+05:00', 45306.25],
      ['2024-01-15T01:00:00-05:00', 45306.25],
      ['2024-01-15T11:00:00+0500', 45306.25],
      ['2024-01-15T11:00+05', 45306.25],
      ['2024-01-15T02:00:00+05:00', 45305.875],
      ['2024-01-15T22:00:00-03:00', 45307.041666666664],
      ['2024-01-15T12:00:00.5+05:30', 45306.27083912037],
      ['2024-01-15Z', 45306],
      ['18:00:00Z', 0.75],
      ['1900-03-01T01:00:00+02:00', 59.958333333333336],
    ] as const;
    const xml = values
      .map(([text], i) => `<c r="${columnLetters(i)}1" t="d"><v>${text}</v></c>`)
      .join('');
    expect(cellsOf(xml)).toEqual(values.map(([, serial]) => ({ kind: 'date', serial })));
  });

  test.each([
    ['a date alone with an offset', '2024-01-15+05:00', 'no instant'],
    ['a time alone with an offset', '18:00:00-01:00', 'no instant'],
    ['an offset past 14 hours', '2024-01-15T12:00:00+15:00', 'date'],
    ['minutes past 59 in an offset', '2024-01-15T12:00:00+05:60', 'date'],
  ])('t="d" is refused for %s', (_, text, why) => {
    const expected =
      why === 'date'
        ? 'an ISO 8601 date'
        : 'a date-time, or a date or time without a zone offset (a date or time alone with an offset names no instant)';
    expect(scanError(sheet(`<row r="2"><c r="B2" t="d"><v>${text}</v></c></row>`))).toEqual({
      code: ErrorCode.MalformedXml,
      message: `expected ${expected} in the date cell B2, found ${JSON.stringify(text)} ${IN_PART}`,
      ...WHERE,
      row: 2,
    });
  });

  test.each([
    ['a no-break space', '\u00a05', '\\u00A05'],
    ['a figure space', '5\u2007', '5\\u2007'],
    ['an ideographic space', '\u30005', '\\u30005'],
    ['a byte order mark', '\ufeff5', '\\uFEFF5'],
    ['a line separator', '5\u2028', '5\\u2028'],
    ['a vertical tab', '\u000b5', '\\u000b5'],
    ['a no-break space written as a reference', '&#160;5', '\\u00A05'],
    ['Infinity', 'Infinity', 'Infinity'],
    ['a number too big for a double', '1e400', '1e400'],
  ])('a number cell with %s around the digits is malformed', (_, text, shown) => {
    const xml = sheet(`<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>${text}</v></c></row>`);
    expect(scanError(xml)).toEqual({
      code: ErrorCode.MalformedXml,
      message: `expected a number in cell B2, found "${shown}" ${IN_PART}`,
      ...WHERE,
      row: 2,
    });
  });

  test('XML whitespace around a number is what xsd:double collapses', () => {
    expect(
      cellsOf('<c r="A1"><v> 5 </v></c><c r="B1"><v>\t-2.5e1\n</v></c><c r="C1"><v>+.5</v></c>'),
    ).toEqual([5, -25, 0.5]);
  });

  test('numbers with a date style are dates, with an elapsed-time style elapsed dates', () => {
    const cells = cellsOf(
      '<c r="A1" s="1"><v>45306.5</v></c><c r="B1" s="2"><v>1.25</v></c>' +
        '<c r="C1" s="3"><v>7</v></c><c r="D1" s="99"><v>8</v></c><c r="E1" s="1" t="s"><v>1</v></c>' +
        '<c r="F1" s="1"><f>TODAY()</f><v>45000</v></c>',
    );
    expect(cells).toEqual([
      { kind: 'date', serial: 45306.5 },
      { kind: 'date', serial: 1.25, elapsed: true },
      7,
      8,
      'one',
      { kind: 'date', serial: 45000 },
    ]);
  });

  test('date1904 shifts date serials by 1462 days, not plain numbers or elapsed times', () => {
    const cells = cellsOf(
      '<c r="A1" s="1"><v>0</v></c><c r="B1"><v>0</v></c><c r="C1" s="2"><v>1.5</v></c>',
      { date1904: true },
    );
    expect(cells).toEqual([
      { kind: 'date', serial: 1462 },
      0,
      { kind: 'date', serial: 1.5, elapsed: true },
    ]);
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

describe('SheetScanner: text', () => {
  test('decodes _xHHHH_ escapes in strings but not in numbers', () => {
    const cells = cellsOf(
      '<c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c>' +
        '<c r="B1" t="inlineStr"><is><t>_x005F_x000D_</t></is></c>' +
        '<c r="C1" t="str"><v>x_x0009_y</v></c>',
      { sharedStrings: [] },
    );
    expect(cells).toEqual(['a\rb', '_x000D_', 'x\ty']);
  });

  test('decodes entities, keeps characters outside the BMP and all whitespace', () => {
    const cells = cellsOf(
      '<c r="A1" t="inlineStr"><is><t xml:space="preserve">  a&#10;b&#x1F600; 😀 \t</t></is></c>' +
        '<c r="B1" t="inlineStr"><is><t>  keep  </t></is></c>',
    );
    expect(cells).toEqual(['  a\nb😀 😀 \t', '  keep  ']);
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

describe('SheetScanner: batches are cut by cells', () => {
  // Found by the decompression-bomb tests: 24 characters of XML make 16,384 cells, so one
  // 512 KiB chunk of such rows held gigabytes of nulls before batches were cut by cells.
  const wideRow = (n: number) => `<row r="${n}"><c r="XFD${n}"/></row>`;
  const wideRows = (count: number) =>
    sheet(Array.from({ length: count }, (_, i) => wideRow(i + 1)).join(''));

  test('a full batch leaves the rest of the text to drain()', () => {
    const scanner = new SheetScanner(CONTEXT);
    const sizes = [scanner.push(wideRows(150)).length];
    for (let rows = scanner.drain(); rows.length > 0; rows = scanner.drain()) {
      sizes.push(rows.length);
    }
    expect(MAX_BATCH_CELLS / 16_384).toBe(64);
    expect(sizes).toEqual([64, 64, 22]);
    expect(scanner.end()).toEqual([]);
  });

  test('the rows come out the same, in order, in pieces of any size', () => {
    const scanner = new SheetScanner(CONTEXT);
    const numbers: number[] = [];
    const xml = wideRows(150);
    for (let at = 0; at < xml.length; at += 1000) {
      for (let rows = scanner.push(xml.slice(at, at + 1000)); rows.length > 0; ) {
        numbers.push(...rows.map((row) => row.number));
        expect(rows.length).toBeLessThanOrEqual(64);
        rows = scanner.drain();
      }
    }
    numbers.push(...scanner.end().map((row) => row.number));
    expect(numbers).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });

  test('end() returns whatever a caller left undrained, in one batch', () => {
    const scanner = new SheetScanner(CONTEXT);
    expect(scanner.push(wideRows(100)).length).toBe(64);
    const last = scanner.end();
    expect(last.map((row) => row.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 65));
    expect(last[0]?.cells.length).toBe(16_384);
  });

  test('the general path cuts batches too', () => {
    // Comments between the cells keep the fast path out.
    const rows = Array.from(
      { length: 70 },
      (_, i) => `<row r="${i + 1}"><!-- --><c r="XFD${i + 1}"><v>1</v></c></row>`,
    );
    const scanner = new SheetScanner(CONTEXT);
    expect(scanner.push(sheet(rows.join(''))).length).toBe(64);
    expect(scanner.drain().length).toBe(6);
    expect(scanner.drain()).toEqual([]);
  });

  test('a drain() with no full batch before it returns no rows', () => {
    const scanner = new SheetScanner(CONTEXT);
    expect(scanner.drain()).toEqual([]);
    expect(scanner.push(sheet('<row r="1"><c><v>1</v></c></row>'))).toEqual([
      { number: 1, cells: [1] },
    ]);
    expect(scanner.drain()).toEqual([]);
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

/** Scans `xml` whole, where the fast path reads what it can, and one character at a time, where it never can. */
function scanBothWays(xml: string, context: Partial<SheetScanContext> = {}): Scanned {
  const whole = scan(xml, context);
  expect(scan(xml, context, [...xml])).toEqual(whole);
  return whole;
}

function scanErrorBothWays(xml: string, context: Partial<SheetScanContext> = {}) {
  const whole = scanError(xml, context);
  expect(scanError(xml, context, [...xml])).toEqual(whole);
  return whole;
}

describe('SheetScanner: the fast path for plain rows and cells gives what the general path gives', () => {
  test('for unusual spellings of cells, which it leaves to the general path', () => {
    const xml = sheet(
      '<row r="1"><c r="A1"><v>1</v></c></row>' +
        '<row r="2" spans="1:9" x14ac:dyDescent="0.25"><c r="b2"><v>2</v></c><c\tr="C2"><v>3</v></c>' +
        '<c r=\'D2\'><v>4</v></c><c r = "E2"><v>5</v></c><c r="F2" cm="1" s="1"><v>6</v></c>' +
        '<c r="G2" x=">"><v>7</v></c><c r="H2" s=""><v>8</v></c><c r="I2" t="n"><v>9</v></c></row>' +
        '\n  <row>\n    <c r="A3" >\n      <v>10</v>\n    </c>\n    <c><v >11</v ></c>\n  </row>\n' +
        '<row r="5"><c r="A5" t="str"><f t="shared" ref="A5:A6" si="0">"a&amp;b"</f><v>a&amp;b</v></c>' +
        '<c r="B5"><f>1</f><v/></c><c r="C5"><f/></c><c r="D5"><v>2</v><extLst><ext uri="x"><v>9</v></ext></extLst></c>' +
        '<c r="E5" t="inlineStr"><is><t>x</t></is></c><c r="F5"><v><![CDATA[7]]></v></c>' +
        '<c r="G5"/><c r="H5" s="1"/><c r="I5"><!-- note --><v>5</v></c>' +
        '<c r="J5"><f>A1&gt;0</f><v>1</v></c><c r="K5" t="s"><v>02</v></c><c r="L5" t="b"><v>true</v></c>' +
        '<c r="M5" t="s"><v>1&#48;</v></c>' +
        '<c r="N5" t="inlineStr"><is><t xml:space="preserve"> a&amp;b_x000D_ </t></is></c>' +
        '<c r="O5" t="inlineStr"><is><r><t>r</t></r><r><t>ich</t></r></is></c>' +
        '<c r="P5" t="inlineStr"><is><t>i</t></is><v>1</v></c><c r="Q5"><f>A1</f><is><t>y</t></is></c>' +
        '<c r="R5" t="inlineStr"><is><t>2</t></is></c><extLst><ext uri="y"><c><v>3</v></c></ext></extLst></row>' +
        '<row r="7" spans="1:2" ht="20" customHeight="1"><c r="A7"><v>7</v></c></row>' +
        '<row><c><v>8</v></c></row><row r="9"/><row><c r="B10"><v>10</v></c></row>',
    );
    expect(
      scanBothWays(xml, { sharedStrings: Array.from({ length: 11 }, (_, i) => `s${i}`) }),
    ).toEqual({
      rows: [
        { number: 1, cells: [1] },
        { number: 2, cells: [null, 2, 3, 4, 5, { kind: 'date', serial: 6 }, 7, 8, 9] },
        { number: 3, cells: [10, 11] },
        {
          number: 5,
          cells: [
            ...['a&b', null, null, 2, 'x', 7, null, null, 5, 1, 's2', true, 's10'],
            ...[' a&b\r ', 'rich', 'i', 'y', '2'],
          ],
        },
        { number: 7, cells: [7] },
        { number: 8, cells: [8] },
        { number: 10, cells: [null, 10] },
      ],
      formulasWithoutValue: 1,
    });
  });

  test('for numbers, read in place or by Number()', () => {
    const texts = [
      '1.',
      '.5',
      '-.5',
      '-0',
      '-0.0',
      '1e3',
      ' 12 ',
      '999999999999999',
      '1234567890123456',
      '0.1000000000000000055511151231257827',
      '44803.06527777778',
      '0.000000000000001',
      '12&#13;',
    ];
    const cells = texts.map(
      (text, i) => `<c r="${String.fromCharCode(65 + i)}2"><v>${text}</v></c>`,
    );
    const { rows } = scanBothWays(
      sheet(`<row r="1"><c r="A1"><v>0</v></c></row><row r="2">${cells.join('')}</row>`),
    );
    expect(rows[1]?.cells).toEqual([
      1, 0.5, -0.5, -0, -0, 1000, 12, 999999999999999, 1234567890123456, 0.1, 44803.06527777778,
      1e-15, 12,
    ]);
    expect(Object.is(rows[1]?.cells[3], -0)).toBe(true);
    expect(Object.is(rows[1]?.cells[4], -0)).toBe(true);
  });

  test.each([
    [
      'a shared string index out of range',
      '<c r="B1" t="s"><v>7</v></c>',
      'expected a shared string index below 3 in cell B1, found 7',
      1,
    ],
    [
      'a number that is not one',
      '<c r="B1"><v>1x</v></c>',
      'expected a number in cell B1, found "1x"',
      1,
    ],
    [
      'a hexadecimal number',
      '<c r="B1"><v>0x1A</v></c>',
      'expected a number in cell B1, found "0x1A"',
      1,
    ],
    [
      'a bad boolean',
      '<c r="B1" t="b"><v>2</v></c>',
      'expected 0 or 1 in the boolean cell B1, found "2"',
      1,
    ],
    [
      'a column past XFD',
      '<c r="XFE1"><v>1</v></c>',
      'expected a cell reference from A1 to XFD1048576 in r, found "XFE1"',
      1,
    ],
    ['a bad style', '<c r="B1" s="-1"><v>1</v></c>', 'expected a style index in s, found "-1"', 1],
    [
      'a bad entity',
      '<c r="B1" t="str"><v>&bad;</v></c>',
      'expected an entity such as &amp; &lt; &#10; or &#x1F600;, found "&bad;"',
      1,
    ],
    [
      'a bad entity in an inline string',
      '<c r="B1" t="inlineStr"><is><t>&bad;</t></is></c>',
      'expected an entity such as &amp; &lt; &#10; or &#x1F600;, found "&bad;"',
      1,
    ],
    [
      'a row past 1048576',
      '</row><row r="1048577"><c><v>1</v></c>',
      'expected at most 1048576 rows, found row 1048577',
      undefined,
    ],
    [
      'a row number too big for an index',
      '</row><row r="99999999999"><c><v>1</v></c>',
      'expected a row number from 1 to 1048576 in r, found "99999999999"',
      undefined,
    ],
    [
      'a row number that is not one',
      '</row><row spans="1:1" r="2x"><c><v>1</v></c>',
      'expected a row number from 1 to 1048576 in r, found "2x"',
      undefined,
    ],
    [
      'row 0',
      '</row><row r="0"><c><v>1</v></c>',
      'expected a row number from 1 to 1048576 in r, found "0"',
      undefined,
    ],
  ])('for %s after plain cells', (_, cells, message, row) => {
    const xml = sheet(`<row r="1"><c r="A1"><v>1</v></c>${cells}</row>`);
    expect(scanErrorBothWays(xml)).toEqual({
      code: ErrorCode.MalformedXml,
      message: `${message} ${IN_PART}`,
      ...WHERE,
      row,
    });
  });

  test('for a mismatched end tag after plain cells', () => {
    // Cut into single characters, the general path quotes the tag before its '>' has come.
    expect(scanError(sheet('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>1</c></row>'))).toEqual({
      code: ErrorCode.MalformedXml,
      message: `expected </v>, found "</c>" ${IN_PART}`,
      ...WHERE,
      row: 1,
    });
  });

  test('for a cell longer than maxElementChars after plain cells', () => {
    const xml = sheet(
      `<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="str"><v>${'z'.repeat(500)}</v></c></row>`,
    );
    expect(scanError(xml, { maxElementChars: 100 })).toEqual({
      code: ErrorCode.SizeLimit,
      message: `A cell or string is longer than 100 characters ${IN_PART}`,
      ...WHERE,
      row: 3,
    });
  });

  test('for many plain rows cut into pieces of every size from 1 to 100', () => {
    let rows = '';
    for (let r = 1; r <= 30; r++) {
      rows += `<row r="${r}" spans="1:3"><c r="A${r}" t="s"><v>${r % 3}</v></c><c r="B${r}" s="1"><v>${r}.5</v></c><c r="C${r}"><f>A1</f><v>${-r}</v></c></row>`;
    }
    const xml = sheet(rows);
    const whole = scan(xml);
    expect(whole.rows.length).toBe(30);
    expect(whole.rows[29]).toEqual({
      number: 30,
      cells: ['zero', { kind: 'date', serial: 30.5 }, -30],
    });
    for (let size = 1; size <= 100; size++) {
      const pieces: string[] = [];
      for (let i = 0; i < xml.length; i += size) pieces.push(xml.slice(i, i + size));
      expect(scan(xml, {}, pieces)).toEqual(whole);
    }
  });
});
