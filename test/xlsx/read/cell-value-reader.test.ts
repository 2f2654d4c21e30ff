/**
 * Cell values as the sheet scanner reads them, through CellValueReader: by both of the scanner's
 * paths, the fast one reading the plain cells.
 */
import { describe, expect, test } from 'vitest';
import { EXCEL_ERROR_VALUES } from '../../../src/core/cell.js';
import { columnLetters } from '../../../src/core/column-letters.js';
import { ErrorCode } from '../../../src/errors.js';
import { errorOf } from '../../helpers/errors.js';
import { cellsOf, IN_PART, scan, scanError, sheet, WHERE } from '../../helpers/sheet-scan.js';
import { escapeXml } from '../../helpers/xlsx-builder.js';

describe('CellValueReader: cell types', () => {
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

describe('CellValueReader: text', () => {
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
