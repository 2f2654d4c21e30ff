/**
 * The .ods reader on hand-built packages (zipped with yazl, as the .xlsx builder does): values,
 * text, repeats, styles and formats, and every hostile input of issue 16 as a clean error with
 * its code, quickly.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { DEFAULT_READ_LIMITS } from '../../../src/reader/read-limits.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeZip, type ZipPart } from '../../helpers/xlsx-builder.js';
import { openFile, readRowsOf, readSheets } from './ods-fixtures.js';

const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"';

function contentXml(tables: string, styles = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${NS}><office:automatic-styles>${styles}</office:automatic-styles><office:body><office:spreadsheet>${tables}</office:spreadsheet></office:body></office:document-content>`;
}

function table(name: string, rows: string, style = ''): string {
  return `<table:table table:name="${name}"${style === '' ? '' : ` table:style-name="${style}"`}>${rows}</table:table>`;
}

async function writeOds(
  content: string,
  options: { mimetype?: string; extra?: ZipPart[] } = {},
): Promise<string> {
  const dir = await makeTempDir();
  const parts: ZipPart[] = [
    {
      name: 'mimetype',
      content: options.mimetype ?? 'application/vnd.oasis.opendocument.spreadsheet',
      compress: false,
    },
    { name: 'content.xml', content },
    ...(options.extra ?? []),
  ];
  return writeZip(path.join(dir, 'book.ods'), parts);
}

/** Opens and reads every sheet: an error at either step rejects. */
async function readFile(file: string, limits = DEFAULT_READ_LIMITS) {
  return readSheets(await openFile(file, limits));
}

const text = (value: string) =>
  `<table:table-cell office:value-type="string"><text:p>${value}</text:p></table:table-cell>`;
const float = (value: string, extra = '') =>
  `<table:table-cell office:value-type="float" office:value="${value}"${extra}/>`;

describe('openOds', () => {
  it('reads typed values, text and formula results', async () => {
    const file = await writeOds(
      contentXml(
        table(
          'Data',
          `<table:table-row>${text('a')}${float('1.5')}<table:table-cell office:value-type="percentage" office:value="0.125"/><table:table-cell office:value-type="currency" office:currency="EUR" office:value="-3"/><table:table-cell office:value-type="boolean" office:boolean-value="true"/><table:table-cell office:value-type="date" office:date-value="2024-03-01T10:30:00"/><table:table-cell office:value-type="time" office:time-value="PT10H30M00S"/><table:table-cell office:value-type="time" office:time-value="PT36H30M00S"/><table:table-cell office:value-type="void"/><table:table-cell office:value-type="date" office:date-value="1900-01-01"/></table:table-row>` +
            `<table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="2"/>two <text:span>spans</text:span><text:s/></text:p><text:p>line<text:tab/>tab<text:line-break/>break <text:a>link</text:a></text:p><office:annotation><text:p>not this</text:p></office:annotation></table:table-cell>` +
            '<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>' +
            '<table:table-cell table:formula="of:=SQRT(-1)" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>Err:502</text:p></table:table-cell>' +
            '<table:table-cell table:formula="of:=NA()" office:value-type="string"><text:p>#N/A</text:p></table:table-cell>' +
            '<table:table-cell table:formula="of:=&quot;#N/A&quot;" office:value-type="string" calcext:value-type="string"><text:p>#N/A</text:p></table:table-cell>' +
            `${text('#REF!')}<table:table-cell table:formula="of:=A1"/><table:table-cell><text:p>untyped</text:p></table:table-cell>` +
            '<table:table-cell office:value-type="string" office:string-value="from attribute"><text:p>shown</text:p></table:table-cell></table:table-row>',
        ),
      ),
    );
    const reader = await openFile(file);
    expect(reader.format).toBe('ods');
    expect(reader.date1904).toBe(false);
    expect(reader.sheets).toEqual([
      { name: 'Data', index: 0, part: 'content.xml', state: 'visible' },
    ]);
    const stats = { formulasWithoutValue: 0, cellsWithoutFormat: 0 };
    const rows = [];
    for await (const batch of reader.readRows(reader.sheets[0] as never, { stats }))
      rows.push(...batch);
    await reader.close();
    expect(rows).toEqual([
      {
        number: 1,
        cells: [
          'a',
          1.5,
          0.125,
          -3,
          true,
          { kind: 'date', serial: 45352.4375 },
          { kind: 'date', serial: 0.4375 },
          { kind: 'date', serial: 1.5208333333333333, elapsed: true },
          null,
          { kind: 'date', serial: 1 },
        ],
      },
      {
        number: 2,
        cells: [
          '  two spans \nline\ttab\nbreak link',
          { kind: 'error', code: '#DIV/0!' },
          'Err:502',
          { kind: 'error', code: '#N/A' },
          '#N/A',
          '#REF!',
          null,
          'untyped',
          'from attribute',
        ],
      },
    ]);
    expect(stats).toEqual({ formulasWithoutValue: 1, cellsWithoutFormat: 0 });
  });

  it('repeats non-empty cells and rows, and skips empty repeats at no cost', async () => {
    const file = await writeOds(
      contentXml(
        table(
          'Repeats',
          '<table:table-column table:number-columns-repeated="16384"/>' +
            `<table:table-row>${float('7', ' table:number-columns-repeated="3"')}<table:table-cell table:number-columns-repeated="16381"/></table:table-row>` +
            `<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/>${text('x')}<table:table-cell table:number-columns-repeated="16381"/></table:table-row>` +
            '<table:table-header-rows><table:table-row><table:covered-table-cell office:value-type="string"><text:p>hidden</text:p></table:covered-table-cell>' +
            `${text('in header rows')}</table:table-row></table:table-header-rows>` +
            '<table:table-row table:number-rows-repeated="1048560"><table:table-cell table:number-columns-repeated="1000000000"/></table:table-row>' +
            `<table:table-row-group><table:table-row>${text('last row')}</table:table-row></table:table-row-group>`,
        ),
      ),
    );
    const started = performance.now();
    const rows = await readRowsOf(await openFile(file));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rows).toEqual([
      { number: 1, cells: [7, 7, 7] },
      { number: 2, cells: [null, null, 'x'] },
      { number: 3, cells: [null, null, 'x'] },
      { number: 4, cells: [null, null, 'x'] },
      { number: 5, cells: [null, 'in header rows'] },
      { number: 1_048_566, cells: ['last row'] },
    ]);
    // Copies of a repeated row are arrays of their own.
    expect(rows[1]?.cells).not.toBe(rows[2]?.cells);
  });

  it('reads hidden sheets from their table style, in order', async () => {
    const styles =
      '<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>' +
      '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>';
    const file = await writeOds(
      contentXml(
        table('Shown', `<table:table-row>${text('one')}</table:table-row>`, 'ta1') +
          table('Hidden &amp; kept', `<table:table-row>${text('two')}</table:table-row>`, 'ta2') +
          table('Third', `<table:table-row>${text('three')}</table:table-row>`),
        styles,
      ),
    );
    const sheets = await readSheets(await openFile(file));
    expect(sheets.map((sheet) => [sheet.name, sheet.state, [...sheet.rows]])).toEqual([
      ['Shown', 'visible', [[1, ['one']]]],
      ['Hidden & kept', 'hidden', [[1, ['two']]]],
      ['Third', 'visible', [[1, ['three']]]],
    ]);
  });

  it('passes over earlier tables: comments, CDATA and tables nested in cells included', async () => {
    const tricky =
      `<table:table-row><!-- </table:table> --><table:table-cell office:value-type="string"><text:p><![CDATA[</table:table>]]></text:p>` +
      `<table:table table:name="nested"><table:table-row>${text('inner')}</table:table-row></table:table></table:table-cell></table:table-row>`;
    const file = await writeOds(
      contentXml(
        table('First', tricky) +
          '<table:table table:name="Empty"/>' +
          table('Last', `<table:table-row>${text('last')}</table:table-row>`),
      ),
    );
    const sheets = await readSheets(await openFile(file));
    expect(sheets.map((sheet) => [sheet.name, [...sheet.rows]])).toEqual([
      ['First', [[1, ['</table:table>']]]],
      ['Empty', []],
      ['Last', [[1, ['last']]]],
    ]);
  });

  it('reads a number in a boolean format as the boolean it shows, as LibreOffice writes it to .xlsx', async () => {
    const styles =
      '<number:boolean-style style:name="N1"><number:boolean/></number:boolean-style>' +
      '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>';
    const booleanStyled = (value: string) =>
      `<table:table-cell table:style-name="ce1" office:value-type="float" office:value="${value}"/>`;
    const file = await writeOds(
      contentXml(
        table(
          'Flags',
          `<table:table-row>${booleanStyled('1')}${booleanStyled('0')}${booleanStyled('2')}${float('1')}</table:table-row>`,
        ),
        styles,
      ),
    );
    const [sheet] = await readFile(file);
    expect([...(sheet?.rows ?? [])]).toEqual([[1, [true, false, 2, 1]]]);
  });

  it('gives each cell style its number format, through row and column defaults', async () => {
    const styles =
      '<number:date-style style:name="N1"><number:day number:style="long"/><number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/></number:date-style>' +
      '<number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>' +
      '<number:number-style style:name="N3"><number:number number:decimal-places="2" number:decimal-replacement="-" number:min-integer-digits="1"/></number:number-style>' +
      '<number:time-style style:name="N4" number:truncate-on-overflow="false"><number:hours/><number:text>:</number:text><number:minutes number:style="long"/></number:time-style>' +
      '<number:date-style style:name="N5"><number:quarter/><number:text> </number:text><number:year number:style="long"/></number:date-style>' +
      '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>' +
      '<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N2"/>' +
      '<style:style style:name="ce3" style:family="table-cell" style:data-style-name="N3"/>' +
      '<style:style style:name="ce4" style:family="table-cell" style:data-style-name="N4"/>' +
      '<style:style style:name="ce5" style:family="table-cell" style:data-style-name="N5"/>' +
      '<style:style style:name="ce6" style:family="table-cell" style:parent-style-name="Money"/>';
    const stylesXml = `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles ${NS}><office:styles><number:currency-style style:name="N9"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text><number:currency-symbol number:language="de" number:country="DE">€</number:currency-symbol></number:currency-style><style:style style:name="Money" style:family="table-cell" style:data-style-name="N9"/></office:styles></office:document-styles>`;
    const file = await writeOds(
      contentXml(
        table(
          'Formats',
          '<table:table-column table:default-cell-style-name="ce2"/><table:table-column table:number-columns-repeated="2"/>' +
            `<table:table-row>${float('1')}<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2024-03-01"/><table:table-cell table:style-name="ce3" office:value-type="float" office:value="2"/></table:table-row>` +
            `<table:table-row table:default-cell-style-name="ce6">${float('3')}<table:table-cell table:style-name="ce4" office:value-type="time" office:time-value="PT1H"/><table:table-cell table:style-name="ce5" office:value-type="date" office:date-value="2024-03-01"/></table:table-row>`,
        ),
        styles,
      ),
      { extra: [{ name: 'styles.xml', content: stylesXml }] },
    );
    const reader = await openFile(file);
    const formats = await reader.readFormatIds();
    // Indexes: 0 none, ce1..ce6 from content.xml, then Money from styles.xml.
    expect(formats?.ids).toEqual(new Uint32Array([0, 164, 165, 0, 166, 0, 167, 167]));
    expect(formats?.codes).toEqual([
      [164, 'dd\\.mm\\.yyyy'],
      [165, '#,##0.00'],
      [166, '[h]:mm'],
      [167, '#,##0.00\\ [$€-407]'],
    ]);
    const identity = new Uint32Array(8).map((_, index) => index);
    const rows = await readRowsOf(reader, 0, identity);
    expect(rows).toEqual([
      { number: 1, cells: [1, { kind: 'date', serial: 45352 }, 2], styles: [2, 1, 3] },
      {
        number: 2,
        cells: [
          3,
          { kind: 'date', serial: 1 / 24, elapsed: true },
          { kind: 'date', serial: 45352 },
        ],
        styles: [6, 4, 5],
      },
    ]);
  });

  it('counts cells whose style the output refuses, as the .xlsx reader does', async () => {
    const file = await writeOds(
      contentXml(
        table(
          'S',
          `<table:table-row>${float('1', ' table:style-name="ce1" table:number-columns-repeated="2"')}</table:table-row>`,
        ),
        '<style:style style:name="ce1" style:family="table-cell"/>',
      ),
    );
    const reader = await openFile(file);
    const stats = { formulasWithoutValue: 0, cellsWithoutFormat: 0 };
    const rows = [];
    const refused = new Uint32Array([0, 0x8000_0000]);
    for await (const batch of reader.readRows(reader.sheets[0] as never, {
      outputStyles: refused,
      stats,
    })) {
      rows.push(...batch);
    }
    await reader.close();
    expect(rows).toEqual([{ number: 1, cells: [1, 1], styles: null }]);
    expect(stats.cellsWithoutFormat).toBe(2);
  });
});

describe('openOds refuses', () => {
  it.each([
    ['application/vnd.oasis.opendocument.text', 'an OpenDocument text document (.odt)'],
    ['application/vnd.oasis.opendocument.presentation', 'an OpenDocument presentation (.odp)'],
    [
      'application/vnd.oasis.opendocument.spreadsheet-template',
      'an OpenDocument spreadsheet template (.ots)',
    ],
  ])('%s as NOT_WORKBOOK, saying what it is', async (mimetype, what) => {
    const file = await writeOds(contentXml(table('A', '')), { mimetype });
    const error = await rejectionOf(openFile(file));
    expect(error.code).toBe(ErrorCode.NotWorkbook);
    expect(error.message).toBe(`The file is a zip archive but not a spreadsheet: it is ${what}`);
  });

  it('a package without content.xml (NOT_WORKBOOK)', async () => {
    const dir = await makeTempDir();
    const file = await writeZip(path.join(dir, 'x.ods'), [
      { name: 'mimetype', content: 'application/vnd.oasis.opendocument.spreadsheet' },
      { name: 'styles.xml', content: '<x/>' },
    ]);
    const error = await rejectionOf(openFile(file));
    expect(error.code).toBe(ErrorCode.NotWorkbook);
    expect(error.part).toBe('content.xml');
  });

  it('a spreadsheet without tables (NO_SHEETS)', async () => {
    const error = await rejectionOf(openFile(await writeOds(contentXml(''))));
    expect(error.code).toBe(ErrorCode.NoSheets);
  });

  it.each([
    ['truncated XML', contentXml(table('A', `<table:table-row>${text('a')}`)).slice(0, -40)],
    ['a mismatched end tag', contentXml(table('A', '<table:table-row></table:table-cell>'))],
    ['another root', '<office:document-styles/>'],
    [
      'elements nested too deep',
      contentXml(
        table(
          'A',
          `<table:table-row><table:table-cell office:value-type="string"><text:p>${'<text:span>'.repeat(2000)}`,
        ),
      ),
    ],
    ['a bad number', contentXml(table('A', `<table:table-row>${float('1,5')}</table:table-row>`))],
    [
      'a bad date',
      contentXml(
        table(
          'A',
          '<table:table-row><table:table-cell office:value-type="date" office:date-value="2024-13-01"/></table:table-row>',
        ),
      ),
    ],
    [
      'a bad duration',
      contentXml(
        table(
          'A',
          '<table:table-row><table:table-cell office:value-type="time" office:time-value="10:30"/></table:table-row>',
        ),
      ),
    ],
    [
      'an unknown value type',
      contentXml(
        table(
          'A',
          '<table:table-row><table:table-cell office:value-type="money" office:value="1"/></table:table-row>',
        ),
      ),
    ],
    [
      'a bad repeat count',
      contentXml(table('A', '<table:table-row table:number-rows-repeated="x"/>')),
    ],
  ])('%s as MALFORMED_XML', async (_name, content) => {
    const error = await rejectionOf(readFile(await writeOds(content)));
    expect(error.code).toBe(ErrorCode.MalformedXml);
    expect(error.part).toBe('content.xml');
  });

  it('a non-empty cell repeated a billion columns (SIZE_LIMIT), at once', async () => {
    const file = await writeOds(
      contentXml(
        table(
          'Bomb',
          `<table:table-row>${float('1', ' table:number-columns-repeated="1000000000"')}</table:table-row>`,
        ),
      ),
    );
    const started = performance.now();
    const error = await rejectionOf(readFile(file));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error).toMatchObject({ sheet: 'Bomb', part: 'content.xml', row: 1 });
    expect(error.message).toContain('past the last column an Excel sheet has (16384, XFD)');
  });

  it('a non-empty row repeated past row 1,048,576 (SIZE_LIMIT)', async () => {
    const file = await writeOds(
      contentXml(
        table(
          'Rows',
          `<table:table-row table:number-rows-repeated="2000000">${text('x')}</table:table-row>`,
        ),
      ),
    );
    const error = await rejectionOf(readFile(file));
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toContain('past the last row an Excel sheet has (1048576)');
  });

  it('repeated rows that make more than 2^24 cells (SIZE_LIMIT), before making them', async () => {
    const file = await writeOds(
      contentXml(
        table(
          'Wide',
          `<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16000"/>${text('x')}</table:table-row>`,
        ),
      ),
    );
    const started = performance.now();
    const error = await rejectionOf(readFile(file));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toContain('more than 16777216 cells');
  });

  it('text past maxElementChars, also from text:s (SIZE_LIMIT)', async () => {
    const limits = { ...DEFAULT_READ_LIMITS, maxElementChars: 1000 };
    for (const paragraph of ['<text:s text:c="100000000"/>', 'y'.repeat(1001)]) {
      const file = await writeOds(
        contentXml(
          table(
            'T',
            `<table:table-row><table:table-cell office:value-type="string"><text:p>${paragraph}</text:p></table:table-cell></table:table-row>`,
          ),
        ),
      );
      const error = await rejectionOf(readFile(file, limits));
      expect(error.code).toBe(ErrorCode.SizeLimit);
    }
  });

  it('a content.xml that inflates past maxEntryBytes (SIZE_LIMIT)', async () => {
    const rows = `<table:table-row>${text('z'.repeat(1000))}</table:table-row>`.repeat(2000);
    const file = await writeOds(contentXml(table('Z', rows)));
    const limits = { ...DEFAULT_READ_LIMITS, maxEntryBytes: 1024 * 1024 };
    const error = await rejectionOf(openFile(file, limits));
    expect(error.code).toBe(ErrorCode.SizeLimit);
  });

  it('a DOCTYPE (UNSAFE_XML)', async () => {
    const content = contentXml(table('A', '')).replace(
      '?>\n',
      '?>\n<!DOCTYPE x [<!ENTITY a "b">]>',
    );
    const error = await rejectionOf(openFile(await writeOds(content)));
    expect(error.code).toBe(ErrorCode.UnsafeXml);
  });
});
