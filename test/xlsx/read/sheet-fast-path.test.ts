import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import type { SheetScanContext } from '../../../src/xlsx/read/sheet-scanner.js';
import { IN_PART, type Scanned, scan, scanError, sheet, WHERE } from '../../helpers/sheet-scan.js';

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

describe('SheetFastPath: plain rows and cells read as the general path reads them', () => {
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
