import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import type { SheetInfo, SheetRow, WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  RelType,
  relationshipsXml,
  stylesXml,
  type WorkbookSpec,
  workbookParts,
  worksheetXml,
  writeZip,
  type ZipPart,
} from '../../helpers/xlsx-builder.js';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const STRICT_MAIN_NS = 'http://purl.oclc.org/ooxml/spreadsheetml/main';
const STRICT_REL = 'http://purl.oclc.org/ooxml/officeDocument/relationships';

/** A sheet of two rows: a shared string and a number, then an inline string and a boolean. */
const SIMPLE_SHEET = worksheetXml(
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.5</v></c></row>' +
    '<row r="2"><c r="A2" t="inlineStr"><is><t>inline</t></is></c><c r="B2" t="b"><v>1</v></c></row>',
);
const SIMPLE_ROWS: SheetRow[] = [
  { number: 1, cells: ['shared', 1.5] },
  { number: 2, cells: ['inline', true] },
];

async function writeParts(parts: readonly ZipPart[], compress = true): Promise<string> {
  const dir = await makeTempDir();
  return writeZip(path.join(dir, 'book.xlsx'), parts, { compress });
}

function writeSpec(spec: WorkbookSpec): Promise<string> {
  return writeParts(workbookParts(spec));
}

async function readAll(reader: WorkbookReader, sheet: SheetInfo): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const batch of reader.readRows(sheet)) rows.push(...batch);
  return rows;
}

/** Opens the file and reads every sheet. */
async function readBook(file: string) {
  const reader = await openWorkbook(file, { displayPath: 'book.xlsx' });
  try {
    const rows: SheetRow[][] = [];
    for (const sheet of reader.sheets) rows.push(await readAll(reader, sheet));
    return { sheets: reader.sheets, date1904: reader.date1904, rows };
  } finally {
    await reader.close();
  }
}

function sheetInfo(name: string, index: number, part: string, state = 'visible') {
  return { name, index, part, state };
}

describe('openWorkbook: parts in any order, any place', () => {
  it('reads shared strings stored after the sheet, as Excel stores them', async () => {
    const parts = workbookParts({
      sheets: [{ name: 'Data', xml: SIMPLE_SHEET }],
      sharedStrings: ['shared'],
    });
    expect(parts.map((part) => part.name).slice(-2)).toEqual([
      'xl/worksheets/sheet1.xml',
      'xl/sharedStrings.xml',
    ]);
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([sheetInfo('Data', 0, 'xl/worksheets/sheet1.xml')]);
    expect(book.date1904).toBe(false);
    expect(book.rows).toEqual([SIMPLE_ROWS]);
  });

  it('reads entries stored without compression, in reverse order', async () => {
    const parts = workbookParts({
      sheets: [{ name: 'Data', xml: SIMPLE_SHEET }],
      sharedStrings: ['shared'],
    });
    const book = await readBook(await writeParts([...parts].reverse(), false));
    expect(book.rows).toEqual([SIMPLE_ROWS]);
  });

  it('reads rich text shared strings and inline strings as the runs joined', async () => {
    const sst =
      `<sst xmlns="${MAIN_NS}"><si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain</t></r></si>` +
      '<si><t>A</t><rPh sb="0" eb="1"><t>ei</t></rPh></si></sst>';
    const sheet = worksheetXml(
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>' +
        '<c r="C1" t="inlineStr"><is><r><t>in</t></r><r><rPr><i/></rPr><t>line</t></r></is></c></row>',
    );
    const book = await readBook(
      await writeSpec({ sheets: [{ name: 'S', xml: sheet }], sharedStrings: sst }),
    );
    expect(book.rows).toEqual([[{ number: 1, cells: ['Bold and plain', 'A', 'inline'] }]]);
  });

  it('reads every part with an x: prefix on every element', async () => {
    const ns = `xmlns:x="${MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`;
    const parts = workbookParts({
      sheets: [
        {
          name: 'Prefixed',
          xml:
            `<x:worksheet ${ns}><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c>` +
            '<x:c r="B1" s="1"><x:v>45306</x:v></x:c></x:row></x:sheetData></x:worksheet>',
        },
      ],
      sharedStrings: `<x:sst ${ns}><x:si><x:t>prefixed</x:t></x:si></x:sst>`,
      styles: `<x:styleSheet ${ns}><x:cellXfs count="2"><x:xf numFmtId="0"/><x:xf numFmtId="14"/></x:cellXfs></x:styleSheet>`,
    }).map((part) =>
      part.name === 'xl/workbook.xml'
        ? {
            name: part.name,
            content:
              `<x:workbook ${ns}><x:workbookPr date1904="true"/><x:sheets>` +
              '<x:sheet name="Prefixed" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
          }
        : part,
    );
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([sheetInfo('Prefixed', 0, 'xl/worksheets/sheet1.xml')]);
    expect(book.date1904).toBe(true);
    expect(book.rows).toEqual([
      [{ number: 1, cells: ['prefixed', { kind: 'date', serial: 45306 + 1462 }] }],
    ]);
  });

  it('finds a workbook at /book.xml whose targets are absolute, sheets not named sheetN', async () => {
    const parts: ZipPart[] = [
      {
        name: '_rels/.rels',
        content: relationshipsXml([
          { id: 'r1', type: RelType.officeDocument, target: '/book.xml' },
        ]),
      },
      {
        name: 'book.xml',
        content:
          `<workbook xmlns="${MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
          '<sheets><sheet name="First" sheetId="7" r:id="a"/><sheet name="Second" sheetId="3" r:id="b"/></sheets></workbook>',
      },
      {
        name: '_rels/book.xml.rels',
        content: relationshipsXml([
          { id: 'a', type: RelType.worksheet, target: '/data/first.xml' },
          { id: 'b', type: RelType.worksheet, target: './data/../data/Second Sheet.xml' },
          { id: 's', type: RelType.sharedStrings, target: '/strings/sst.xml' },
          {
            id: 'link',
            type: `${RelType.worksheet}`,
            target: 'https://example.org/x.xml',
            external: true,
          },
        ]),
      },
      { name: 'data/first.xml', content: SIMPLE_SHEET },
      { name: 'data/Second Sheet.xml', content: worksheetXml('<row><c><v>2</v></c></row>') },
      { name: 'strings/sst.xml', content: `<sst xmlns="${MAIN_NS}"><si><t>shared</t></si></sst>` },
    ];
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([
      sheetInfo('First', 0, 'data/first.xml'),
      sheetInfo('Second', 1, 'data/Second Sheet.xml'),
    ]);
    expect(book.rows).toEqual([SIMPLE_ROWS, [{ number: 1, cells: [2] }]]);
  });

  it('matches targets to entries ignoring case, and decodes %-escapes', async () => {
    const parts = workbookParts({
      sheets: [
        {
          name: 'Upper',
          xml: worksheetXml('<row r="1"><c r="A1"><v>1</v></c></row>'),
          part: 'xl/worksheets/Data.XML',
        },
        {
          name: 'Spaced',
          xml: worksheetXml('<row r="1"><c r="A1"><v>2</v></c></row>'),
          part: 'xl/worksheets/my sheet.xml',
        },
      ],
    }).map((part) =>
      part.name === 'xl/_rels/workbook.xml.rels'
        ? {
            name: part.name,
            content: relationshipsXml([
              { id: 'rId1', type: RelType.worksheet, target: 'worksheets/data.xml' },
              { id: 'rId2', type: RelType.worksheet, target: 'worksheets/my%20sheet.xml' },
            ]),
          }
        : part,
    );
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([
      sheetInfo('Upper', 0, 'xl/worksheets/Data.XML'),
      sheetInfo('Spaced', 1, 'xl/worksheets/my sheet.xml'),
    ]);
    expect(book.rows).toEqual([[{ number: 1, cells: [1] }], [{ number: 1, cells: [2] }]]);
  });

  it('reads a workbook without styles or shared strings: every number is a number', async () => {
    const sheet = worksheetXml(
      '<row r="1"><c r="A1" s="1"><v>45306</v></c><c r="B1" t="str"><v>text</v></c></row>',
    );
    const book = await readBook(await writeSpec({ sheets: [{ name: 'S', xml: sheet }] }));
    expect(book.rows).toEqual([[{ number: 1, cells: [45306, 'text'] }]]);
  });

  it('finds the workbook from the content types when _rels/.rels is missing', async () => {
    const parts = workbookParts({
      sheets: [{ name: 'S', xml: SIMPLE_SHEET }],
      sharedStrings: ['shared'],
    })
      .filter((part) => part.name !== '_rels/.rels')
      .map((part) => {
        if (part.name === 'xl/workbook.xml') return { ...part, name: 'xl/wb.xml' };
        if (part.name === 'xl/_rels/workbook.xml.rels')
          return { ...part, name: 'xl/_rels/wb.xml.rels' };
        if (part.name === '[Content_Types].xml') {
          return {
            ...part,
            content: String(part.content).replace('/xl/workbook.xml', '/xl/wb.xml'),
          };
        }
        return part;
      });
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([sheetInfo('S', 0, 'xl/worksheets/sheet1.xml')]);
    expect(book.rows).toEqual([SIMPLE_ROWS]);
  });

  it('falls back to xl/workbook.xml when neither rels nor content types name it', async () => {
    const parts = workbookParts({
      sheets: [{ name: 'S', xml: SIMPLE_SHEET }],
      sharedStrings: ['shared'],
    }).filter((part) => part.name !== '_rels/.rels' && part.name !== '[Content_Types].xml');
    const book = await readBook(await writeParts(parts));
    expect(book.rows).toEqual([SIMPLE_ROWS]);
  });

  it('falls back to conventional part names when the workbook rels are missing', async () => {
    const parts = workbookParts({
      sheets: [
        {
          name: 'S',
          xml: worksheetXml(
            '<row r="1"><c r="A1" t="s" s="1"><v>0</v></c><c r="B1" s="1"><v>1</v></c></row>',
          ),
        },
      ],
      sharedStrings: ['shared'],
      styles: stylesXml({ cellFormatIds: [0, 14] }),
    }).filter((part) => part.name !== 'xl/_rels/workbook.xml.rels');
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([sheetInfo('S', 0, 'xl/worksheets/sheet1.xml')]);
    expect(book.rows).toEqual([[{ number: 1, cells: ['shared', { kind: 'date', serial: 1 }] }]]);
  });

  it('accepts the strict (ISO 29500) relationship types', async () => {
    const parts: ZipPart[] = [
      {
        name: '_rels/.rels',
        content: relationshipsXml([
          { id: 'rId1', type: `${STRICT_REL}/officeDocument`, target: 'xl/workbook.xml' },
        ]),
      },
      {
        name: 'xl/workbook.xml',
        content:
          `<workbook xmlns="${STRICT_MAIN_NS}" xmlns:r="${STRICT_REL}"><workbookPr date1904="1"/>` +
          '<sheets><sheet name="Strict" sheetId="1" r:id="rId1"/></sheets></workbook>',
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        content: relationshipsXml([
          { id: 'rId1', type: `${STRICT_REL}/worksheet`, target: 'worksheets/sheet1.xml' },
          { id: 'rId2', type: `${STRICT_REL}/sharedStrings`, target: 'strings.xml' },
        ]),
      },
      {
        name: 'xl/worksheets/sheet1.xml',
        content: `<worksheet xmlns="${STRICT_MAIN_NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
      },
      {
        name: 'xl/strings.xml',
        content: `<sst xmlns="${STRICT_MAIN_NS}"><si><t>strict</t></si></sst>`,
      },
    ];
    const book = await readBook(await writeParts(parts));
    expect(book.date1904).toBe(true);
    expect(book.sheets).toEqual([sheetInfo('Strict', 0, 'xl/worksheets/sheet1.xml')]);
    expect(book.rows).toEqual([[{ number: 1, cells: ['strict'] }]]);
  });

  it('strips a UTF-8 byte order mark at the start of parts', async () => {
    const bom = '\uFEFF';
    const parts = workbookParts({
      sheets: [{ name: 'S', xml: SIMPLE_SHEET }],
      sharedStrings: ['shared'],
    }).map((part) => ({ ...part, content: `${bom}${String(part.content)}` }));
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([sheetInfo('S', 0, 'xl/worksheets/sheet1.xml')]);
    expect(book.rows).toEqual([SIMPLE_ROWS]);
  });
});

describe('openWorkbook: dates and number formats', () => {
  const styles = stylesXml({
    numFmts: [
      { id: 164, code: 'yyyy-mm-dd' },
      { id: 165, code: '[h]:mm' },
      { id: 166, code: '0.00' },
      { id: 167, code: '"Week "0' },
    ],
    cellFormatIds: [0, 14, 22, 46, 164, 165, 166, 167, 21],
  });
  const sheet = worksheetXml(
    '<row r="1">' +
      ['45306', '45306.5', '45306.25', '1.5', '45306', '1.25', '45306', '3', '0.5']
        .map((value, s) => `<c r="${'ABCDEFGHI'[s]}1" s="${s}"><v>${value}</v></c>`)
        .join('') +
      '<c r="J1" s="99"><v>7</v></c><c r="K1" t="d" s="1"><v>2024-01-15T12:00:00Z</v></c></row>',
  );
  const expected: CellValue[] = [
    45306,
    { kind: 'date', serial: 45306.5 },
    { kind: 'date', serial: 45306.25 },
    { kind: 'date', serial: 1.5, elapsed: true },
    { kind: 'date', serial: 45306 },
    { kind: 'date', serial: 1.25, elapsed: true },
    45306,
    3,
    { kind: 'date', serial: 0.5 },
    7,
  ];

  it('reads built-in and custom date formats as dates, elapsed formats as elapsed', async () => {
    const book = await readBook(await writeSpec({ sheets: [{ name: 'S', xml: sheet }], styles }));
    const cells = book.rows[0]?.[0]?.cells ?? [];
    expect(cells.slice(0, 10)).toEqual(expected);
    expect(cells[10]).toEqual({ kind: 'date', serial: 45306.5 });
  });

  it('shifts 1904-system serials to the 1900 system', async () => {
    const book = await readBook(
      await writeSpec({ sheets: [{ name: 'S', xml: sheet }], styles, date1904: true }),
    );
    expect(book.date1904).toBe(true);
    const cells = book.rows[0]?.[0]?.cells ?? [];
    expect(cells.slice(0, 3)).toEqual([
      45306,
      { kind: 'date', serial: 45306.5 + 1462 },
      { kind: 'date', serial: 45306.25 + 1462 },
    ]);
    // Elapsed times are durations, not dates: no shift.
    expect(cells[3]).toEqual({ kind: 'date', serial: 1.5, elapsed: true });
  });
});

describe('openWorkbook: the sheet list', () => {
  it('lists hidden sheets with their state and skips chart sheets', async () => {
    const parts = workbookParts({
      sheets: [
        { name: 'Visible', xml: worksheetXml('<row r="1"><c r="A1"><v>1</v></c></row>') },
        {
          name: 'Hidden',
          xml: worksheetXml('<row r="1"><c r="A1"><v>2</v></c></row>'),
          state: 'hidden',
        },
        { name: 'Chart', xml: '<chartsheet/>', part: 'xl/chartsheets/sheet1.xml' },
        {
          name: 'Very & hidden',
          xml: worksheetXml('<row r="1"><c r="A1"><v>3</v></c></row>'),
          state: 'veryHidden',
        },
      ],
    }).map((part) =>
      part.name === 'xl/_rels/workbook.xml.rels'
        ? {
            name: part.name,
            content: relationshipsXml([
              { id: 'rId1', type: RelType.worksheet, target: 'worksheets/sheet1.xml' },
              { id: 'rId2', type: RelType.worksheet, target: 'worksheets/sheet2.xml' },
              { id: 'rId3', type: RelType.chartsheet, target: 'chartsheets/sheet1.xml' },
              { id: 'rId4', type: RelType.worksheet, target: 'worksheets/sheet4.xml' },
            ]),
          }
        : part,
    );
    const book = await readBook(await writeParts(parts));
    expect(book.sheets).toEqual([
      sheetInfo('Visible', 0, 'xl/worksheets/sheet1.xml'),
      sheetInfo('Hidden', 1, 'xl/worksheets/sheet2.xml', 'hidden'),
      sheetInfo('Very & hidden', 2, 'xl/worksheets/sheet4.xml', 'veryHidden'),
    ]);
    expect(book.rows).toEqual([
      [{ number: 1, cells: [1] }],
      [{ number: 1, cells: [2] }],
      [{ number: 1, cells: [3] }],
    ]);
  });
});

describe('WorkbookReader.readRows', () => {
  it('counts formulas without a cached value into stats', async () => {
    const sheet = worksheetXml(
      '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>NOW()</f></c><c r="C1" t="str"><f>"a"</f></c></row>',
    );
    const file = await writeSpec({ sheets: [{ name: 'S', xml: sheet }] });
    const reader = await openWorkbook(file);
    try {
      const stats = { formulasWithoutValue: -1, cellsWithoutFormat: -1 };
      const rows: SheetRow[] = [];
      for await (const batch of reader.readRows(reader.sheets[0] as SheetInfo, { stats })) {
        rows.push(...batch);
      }
      expect(rows).toEqual([{ number: 1, cells: [2, null, null] }]);
      expect(stats.formulasWithoutValue).toBe(2);
      expect(stats.cellsWithoutFormat).toBe(0);
      expect(reader.file).toBe(file);
    } finally {
      await reader.close();
    }
  });

  it('reads the same sheet twice, and other sheets after stopping early', async () => {
    // Larger than several 512 KiB inflate chunks.
    const rowsXml = Array.from(
      { length: 100_000 },
      (_, i) => `<row r="${i + 1}"><c><v>${i}</v></c></row>`,
    ).join('');
    const file = await writeSpec({
      sheets: [
        { name: 'Big', xml: worksheetXml(rowsXml) },
        { name: 'Small', xml: worksheetXml('<row r="1"><c><v>42</v></c></row>') },
      ],
    });
    const reader = await openWorkbook(file);
    try {
      const [big, small] = reader.sheets as [SheetInfo, SheetInfo];
      let batches = 0;
      for await (const _batch of reader.readRows(big)) {
        batches += 1;
        break;
      }
      expect(batches).toBe(1);
      expect(await readAll(reader, small)).toEqual([{ number: 1, cells: [42] }]);
      const all: SheetRow[] = [];
      let allBatches = 0;
      for await (const batch of reader.readRows(big)) {
        all.push(...batch);
        allBatches += 1;
      }
      // Streaming: rows arrive chunk by chunk, not once the whole part is inflated.
      expect(allBatches).toBeGreaterThan(3);
      expect(all.length).toBe(100_000);
      expect(all[99_999]).toEqual({ number: 100_000, cells: [99_999] });
    } finally {
      await reader.close();
      await reader.close();
    }
  });
});
