/**
 * The table scanner's fast path (table-fast-path.ts) and its general path read the same rows and
 * fail with the same errors: each table is read whole (the fast path reads its plain cells), one
 * character at a time (no cell is ever complete in the buffer, so the general path reads them
 * all), and cut in two at every offset.
 */
import { describe, expect, it } from 'vitest';
import { XlmergeError } from '../../../src/errors.js';
import { CellStyleTable } from '../../../src/ods/read/cell-style-table.js';
import type { CollectedStyles } from '../../../src/ods/read/style-collector.js';
import { TableScanner } from '../../../src/ods/read/table-scanner.js';
import type { SheetRow } from '../../../src/reader/workbook-reader.js';

const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"';

function content(rows: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${NS}><office:body><office:spreadsheet><table:table table:name="T">${rows}</table:table></office:spreadsheet></office:body></office:document-content>`;
}

const NO_STYLES: CollectedStyles = {
  hiddenTableStyles: new Set(),
  cellStyles: [{ name: 'ce1', parent: undefined, dataStyle: undefined }],
  dataStyles: new Map(),
};

/** The rows of the table read from `pieces`, or the error's code and message. */
function scan(pieces: readonly string[], maxElementChars = 1 << 20) {
  const scanner = new TableScanner({
    tableIndex: 0,
    styles: new CellStyleTable(NO_STYLES, NO_STYLES),
    outputStyles: Uint32Array.from([0, 7]),
    maxElementChars,
    file: 'f.ods',
    sheet: 'T',
    part: 'content.xml',
  });
  const rows: SheetRow[] = [];
  try {
    for (const piece of pieces) {
      for (let batch = scanner.push(piece); batch.length > 0; batch = scanner.drain()) {
        rows.push(...batch);
      }
    }
    rows.push(...scanner.end());
  } catch (error) {
    if (!(error instanceof XlmergeError)) throw error;
    return { code: error.code, message: error.message };
  }
  return {
    rows,
    formulasWithoutValue: scanner.formulasWithoutValue,
    cellsWithoutFormat: scanner.cellsWithoutFormat,
  };
}

/**
 * Reads the XML whole, a character at a time and cut at every offset: all alike (for an error,
 * its code: the lexer quotes as much of a bad tag as it has been given).
 */
function scanEveryWay(xml: string, maxElementChars?: number) {
  const whole = scan([xml], maxElementChars);
  const same = 'code' in whole ? { code: whole.code } : whole;
  expect(scan([...xml], maxElementChars)).toMatchObject(same);
  for (let cut = 1; cut < xml.length; cut++) {
    expect(scan([xml.slice(0, cut), xml.slice(cut)], maxElementChars)).toMatchObject(same);
  }
  return whole;
}

const cell = (attributes: string, paragraphs = '') =>
  paragraphs === ''
    ? `<table:table-cell${attributes}/>`
    : `<table:table-cell${attributes}>${paragraphs}</table:table-cell>`;

describe('TableFastPath', () => {
  it('reads the cells LibreOffice writes as the general path does', () => {
    const xml = content(
      '<table:table-row>' +
        cell(
          ' office:value-type="float" office:value="100001" calcext:value-type="float"',
          '<text:p>100001</text:p>',
        ) +
        cell(
          ' table:style-name="ce1" office:value-type="string" calcext:value-type="string"',
          '<text:p>Zoë &amp; Søren 𝄞</text:p>',
        ) +
        cell(
          ' office:value-type="date" office:date-value="2021-03-27T06:42:00" calcext:value-type="date"',
          '<text:p>2021-03-27 06:42</text:p>',
        ) +
        cell(
          ' table:formula="of:=TRUE()" office:value-type="float" office:value="1" calcext:value-type="float"',
          '<text:p>TRUE</text:p>',
        ) +
        cell(' table:style-name="ce1"') +
        cell(
          ' office:value-type="string" calcext:value-type="string"',
          '<text:p>a</text:p><text:p>b&#13;c</text:p>',
        ) +
        cell(
          ' table:number-columns-repeated="2" office:value-type="percentage" office:value="0.5"',
          '<text:p>50%</text:p>',
        ) +
        cell(
          ' table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"',
          '<text:p>#DIV/0!</text:p>',
        ) +
        cell(' table:formula="of:=A1"') +
        cell('', '<text:p>untyped</text:p>') +
        cell(
          ' office:value-type="string" office:string-value="attribute"',
          '<text:p>shown</text:p>',
        ) +
        cell(' office:value-type="time" office:time-value="PT36H"', '<text:p></text:p>') +
        cell(' table:number-columns-repeated="16372"') +
        '</table:table-row>',
    );
    expect(scanEveryWay(xml)).toEqual({
      rows: [
        {
          number: 1,
          cells: [
            100001,
            'Zoë & Søren 𝄞',
            { kind: 'date', serial: 44282.27916666667 },
            true,
            null,
            'a\nb\rc',
            0.5,
            0.5,
            { kind: 'error', code: '#DIV/0!' },
            null,
            'untyped',
            'attribute',
            { kind: 'date', serial: 1.5, elapsed: true },
          ],
          styles: [0, 7],
        },
      ],
      formulasWithoutValue: 1,
      cellsWithoutFormat: 0,
    });
  });

  it('reads a formula\u2019s 1 or 0 as the boolean LibreOffice shows, and other numbers as numbers', () => {
    const logical = (formula: string, value: string, shown: string) =>
      cell(
        ` table:formula="${formula}" office:value-type="float" office:value="${value}" calcext:value-type="float"`,
        shown === '' ? '' : `<text:p>${shown}</text:p>`,
      );
    const xml = content(
      `<table:table-row>${[
        logical('of:=TRUE()', '1', 'TRUE'),
        logical('of:=false()', '0', ''),
        logical('of:=[.A6]&gt;3', '1', 'TRUE'),
        logical('of:=[.A6]&lt;3', '0', 'FALSCH'),
        logical('of:=[.A6]&gt;3', '1', 'FALSE'),
        logical('of:=[.A6]-3', '1', '1'),
        logical('of:=[.A6]-3', '0', 'TRUE'),
        logical('of:=[.A6]&gt;3', '2', 'TRUE'),
        cell(' office:value-type="float" office:value="1"', '<text:p>TRUE</text:p>'),
      ].join('')}</table:table-row>`,
    );
    expect(scanEveryWay(xml)).toMatchObject({
      rows: [{ number: 1, cells: [true, false, true, false, 1, 1, 0, 2, 1] }],
    });
  });

  it('leaves every other shape to the general path, with the same result', () => {
    const shapes = [
      // Quoting, spacing and names the fast path does not read.
      cell(" office:value-type='float' office:value='2'"),
      cell('  office:value-type="float" office:value="3"'),
      cell(' office:value-type = "float" office:value="4"'),
      cell('\toffice:value-type="float"\noffice:value="5"'),
      cell(' office:value-type="float" office:value="6" x:ünïcode="1"'),
      cell(' office:value-type="float" office:value="7" '),
      // Names that start as the ones read, or that they start as, count for nothing.
      cell(
        ' office:value-types="x" office:value-type="float" office:valuex="1" office:value="10" table:style-names="ce1" office:valu="2"',
      ),
      // Content: attributes, spans, spaces, breaks, empty paragraphs, annotations, comments.
      cell(' office:value-type="string"', '<text:p text:style-name="P1">styled</text:p>'),
      cell(
        ' office:value-type="string"',
        '<text:p>a<text:s text:c="2"/>b<text:span>c</text:span></text:p>',
      ),
      cell(' office:value-type="string"', '<text:p/><text:p>after empty</text:p>'),
      cell(
        ' office:value-type="string"',
        '<text:p>x</text:p ><office:annotation><text:p>note</text:p></office:annotation>',
      ),
      cell(' office:value-type="float" office:value="8"', '<!-- c --><text:p>8</text:p>'),
      cell(' office:value-type="string"', '<text:p><![CDATA[a<b]]></text:p>'),
      cell(' office:value-type="string"', '<text:p>line\r\nend</text:p>'),
      '<table:covered-table-cell office:value-type="float" office:value="9"/>',
      ' ',
    ];
    const xml = content(`<table:table-row>${shapes.join('')}</table:table-row>`);
    expect(scanEveryWay(xml)).toEqual({
      rows: [
        {
          number: 1,
          cells: [
            2,
            3,
            4,
            5,
            6,
            7,
            10,
            'styled',
            'a  bc',
            '\nafter empty',
            'x',
            8,
            'a<b',
            'line\nend',
          ],
          styles: null,
        },
      ],
      formulasWithoutValue: 0,
      cellsWithoutFormat: 0,
    });
  });

  it('leaves errors to the general path, which reports them alike', () => {
    const message =
      'expected office:value-type float, percentage, currency, date, time, boolean, string or void in cell A1, found "number" (in content.xml)';
    expect(
      scanEveryWay(
        content(
          `<table:table-row>${cell(' office:value-type="number" office:value="1"')}</table:table-row>`,
        ),
      ),
    ).toEqual({ code: 'MALFORMED_XML', message });
    const cases: [string, string][] = [
      [cell(' office:value-type="float" office:value="x"'), 'MALFORMED_XML'],
      [cell(' office:value-type="float"'), 'MALFORMED_XML'],
      [cell(' office:value-type="string"', '<text:p>a &bogus; b</text:p>'), 'MALFORMED_XML'],
      [cell(' office:value-type="string" office:string-value="&bad;"'), 'MALFORMED_XML'],
      [cell(' office:value-type="float" office:value="1<"'), 'MALFORMED_XML'],
      [cell(' table:number-columns-repeated="0"'), 'MALFORMED_XML'],
      [
        cell(' office:value-type="string"', '<text:p>x</text:p></table:table-row>'),
        'MALFORMED_XML',
      ],
      [cell(' office:value-type="string"', `<text:p>${'x'.repeat(500)}</text:p>`), 'SIZE_LIMIT'],
    ];
    for (const [shape, code] of cases) {
      // A limit above the longest tag, so one character at a time is read alike.
      const result = scanEveryWay(content(`<table:table-row>${shape}</table:table-row>`), 400);
      expect(result).toMatchObject({ code });
    }
  });
});
