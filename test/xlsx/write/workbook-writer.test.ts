import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import { columnLetters } from '../../../src/core/column-letters.js';
import { MAX_DATA_ROWS } from '../../../src/core/excel-limits.js';
import { ErrorCode, type XlmergeError } from '../../../src/errors.js';
import { renderRowCells } from '../../../src/render/cell-xml.js';
import type { CompressedSegment } from '../../../src/xlsx/write/segmented-body.js';
import { createWorkbookWriter } from '../../../src/xlsx/write/workbook-writer.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { readPart, readWithExcelJs, readZipEntries, sheetValues } from './read-back.js';

const LONGEST = 'L'.repeat(32_767);

/** One row of every kind of value the writer handles. */
const ALL_KINDS: readonly (readonly CellValue[])[] = [
  ['amp&<>"\'', 'emoji 😀👍🏽', ' lead', 'trail ', 'cr\r\nlf', 'tab\there', LONGEST],
  [0.1 + 0.2, 1e-300, -0, 2 ** 53 + 2, 123_456_789.125, -42, 1e21, 5e-324],
  [
    { kind: 'date', serial: 45_000 },
    { kind: 'date', serial: 45_000.75 },
    { kind: 'date', serial: 0.5 },
    { kind: 'date', serial: 1.25, elapsed: true },
    true,
    false,
    { kind: 'error', code: '#N/A' },
    { kind: 'error', code: '#DIV/0!' },
    Number.NaN,
  ],
  [null, null, 'sparse', null, '', 7],
  [],
  ['after an empty row'],
];
const HEADER = ['Text', 'Number', 'Date', 'Elapsed', 'Bool', 'B2', 'Error', 'E2', 'Long'];

/** What exceljs reads back for {@link ALL_KINDS}, below the header. */
const ALL_KINDS_READ = [
  ['amp&<>"\'', 'emoji 😀👍🏽', ' lead', 'trail ', 'cr\r\nlf', 'tab\there', LONGEST],
  [0.30000000000000004, 1e-300, 0, 9_007_199_254_740_994, 123_456_789.125, -42, 1e21, 5e-324],
  [
    '2023-03-15T00:00:00.000Z',
    '2023-03-15T18:00:00.000Z',
    '1899-12-30T12:00:00.000Z',
    '1899-12-31T06:00:00.000Z',
    true,
    false,
    { error: '#N/A' },
    { error: '#DIV/0!' },
    { error: '#NUM!' },
  ],
  [null, null, 'sparse', null, null, 7],
  [],
  ['after an empty row'],
];

async function writeAllKinds(file: string): Promise<void> {
  const writer = createWorkbookWriter({ path: file });
  const sheet = writer.addSheet("Data & 'more' x");
  for (const row of ALL_KINDS) sheet.writeRow(row);
  await sheet.end({ columns: HEADER, widths: [3, 12.5, 100] });
  await writer.commit();
}

/** Files in `dir` other than the ones named. */
async function strayFiles(dir: string, ...expected: string[]): Promise<string[]> {
  return (await readdir(dir)).filter((name) => !expected.includes(name)).sort();
}

describe('createWorkbookWriter', () => {
  it('writes every kind of value so exceljs reads the same values back', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    await writeAllKinds(file);

    const workbook = await readWithExcelJs(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(["Data & 'more' x"]);
    const sheet = workbook.worksheets[0];
    if (sheet === undefined) throw new Error('no sheet');
    expect(sheetValues(sheet)).toEqual([HEADER, ...ALL_KINDS_READ]);
    expect(await strayFiles(dir, 'out.xlsx')).toEqual([]);
  });

  it('formats dates, bolds and freezes the header, and filters the columns', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    await writeAllKinds(file);

    const sheet = (await readWithExcelJs(file)).worksheets[0];
    if (sheet === undefined) throw new Error('no sheet');
    const dateRow = sheet.getRow(4);
    expect([1, 2, 3, 4, 5].map((column) => dateRow.getCell(column).numFmt)).toEqual([
      'yyyy-mm-dd',
      'yyyy-mm-dd hh:mm:ss',
      'hh:mm:ss',
      '[h]:mm:ss',
      undefined,
    ]);
    expect(HEADER.map((_, column) => sheet.getRow(1).getCell(column + 1).font?.bold)).toEqual(
      HEADER.map(() => true),
    );
    expect(sheet.getRow(2).getCell(1).font?.bold).toBe(undefined);
    expect(sheet.views).toEqual([
      expect.objectContaining({ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2' }),
    ]);
    expect(sheet.autoFilter).toBe('A1:I7');
    // Widths are whole characters within 8–60 (given: 3, 12.5, 100; then header lengths), plus 2
    // for the filter button.
    expect(sheet.columns.map((column) => column.width)).toEqual([
      10, 15, 62, 10, 10, 10, 10, 10, 10,
    ]);
  });

  it('writes the parts Excel expects, with the filter database name', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    await writeAllKinds(file);

    const entries = await readZipEntries(file);
    expect(entries.map((entry) => entry.name)).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/app.xml',
      'docProps/core.xml',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    const workbook = await readPart(file, 'xl/workbook.xml');
    expect(workbook).toContain(
      '<sheets><sheet name="Data &amp; \'more\' x" sheetId="1" r:id="rId1"/></sheets>' +
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">' +
        "'Data &amp; ''more'' x'!$A$1:$I$7</definedName></definedNames>",
    );
    const sheet = await readPart(file, 'xl/worksheets/sheet1.xml');
    expect(sheet).toContain(
      '<dimension ref="A1:I7"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">' +
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
    );
    expect(sheet).toContain(
      '<row r="5"><c r="C5" t="inlineStr"><is><t>sparse</t></is></c><c r="F5"><v>7</v></c></row>' +
        '<row r="6"></row><row r="7">',
    );
    expect(
      sheet.endsWith(
        '</sheetData><autoFilter ref="A1:I7"/>' +
          '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
          '</worksheet>',
      ),
    ).toBe(true);
  });

  it('keeps text exactly, escaping what XML cannot hold the way Excel decodes it', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('Text');
    sheet.writeRow(['ctl\u0001\u0008\u001F end', 'lit_x000D_', 'cr\r', '\uD800 lone']);
    await sheet.end({ columns: ['a', 'b', 'c', 'd'] });
    await writer.commit();

    expect(await readPart(file, 'xl/worksheets/sheet1.xml')).toContain(
      '<row r="2"><c r="A2" t="inlineStr"><is><t>ctl_x0001__x0008__x001F_ end</t></is></c>' +
        '<c r="B2" t="inlineStr"><is><t>lit_x005F_x000D_</t></is></c>' +
        '<c r="C2" t="inlineStr"><is><t xml:space="preserve">cr&#13;</t></is></c>' +
        '<c r="D2" t="inlineStr"><is><t>_xD800_ lone</t></is></c></row>',
    );
    // exceljs does not decode _xHHHH_ escapes in inline strings (only in shared strings), so
    // it shows them raw; Excel and LibreOffice decode them back to the original text.
    const read = (await readWithExcelJs(file)).worksheets[0];
    if (read === undefined) throw new Error('no sheet');
    expect(sheetValues(read)[1]).toEqual([
      'ctl_x0001__x0008__x001F_ end',
      'lit_x005F_x000D_',
      'cr\r',
      '_xD800_ lone',
    ]);
  });

  it('writes 300 columns and several sheets, open at the same time', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    const writer = createWorkbookWriter({ path: file });
    const wide = writer.addSheet('Wide');
    const narrow = writer.addSheet('Narrow');
    const columns = Array.from({ length: 300 }, (_, index) => `col ${index + 1}`);
    for (let row = 0; row < 3; row++) {
      wide.writeRow(columns.map((_, index) => row * 1000 + index));
      narrow.writeRenderedRow(renderRowCells([`n${row}`], ['B']));
    }
    await narrow.end({ columns: ['', 'N'] });
    await wide.end({ columns });
    expect([wide.rowCount, narrow.rowCount]).toEqual([3, 3]);
    await writer.commit();

    const workbook = await readWithExcelJs(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Wide', 'Narrow']);
    const [wideRead, narrowRead] = workbook.worksheets;
    if (wideRead === undefined || narrowRead === undefined) throw new Error('missing sheets');
    expect(sheetValues(wideRead)).toEqual([
      columns,
      ...[0, 1, 2].map((row) => columns.map((_, index) => row * 1000 + index)),
    ]);
    expect(wideRead.getCell('KN4').value).toBe(2299);
    expect(wideRead.autoFilter).toBe('A1:KN4');
    expect(sheetValues(narrowRead)).toEqual([
      [null, 'N'],
      [null, 'n0'],
      [null, 'n1'],
      [null, 'n2'],
    ]);
    expect(narrowRead.autoFilter).toBe('A1:B4');
    expect(await readPart(file, 'xl/workbook.xml')).toContain(
      '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">' +
        "'Wide'!$A$1:$KN$4</definedName>" +
        '<definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">' +
        "'Narrow'!$A$1:$B$4</definedName></definedNames>",
    );
    const narrowXml = await readPart(file, 'xl/worksheets/sheet2.xml');
    expect(narrowXml).toContain('<sheetView workbookViewId="0">');
  });

  it('streams many rows with back-pressure and a valid CRC', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('Rows');
    for (let row = 0; row < 10_000; row++) {
      sheet.writeRow([`row ${row}`, row, row % 3 === 0]);
      if (row % 4096 === 4095) await sheet.drain();
    }
    await sheet.drain();
    await sheet.end({ columns: ['name', 'n', 'third'] });
    await writer.commit();

    // readZipEntries checks each entry's CRC and size against its headers.
    const entries = await readZipEntries(file);
    expect(entries.at(-1)?.name).toBe('xl/worksheets/sheet1.xml');
    const read = (await readWithExcelJs(file)).worksheets[0];
    if (read === undefined) throw new Error('no sheet');
    expect(read.rowCount).toBe(10_001);
    expect(read.getRow(10_001).values).toEqual([undefined, 'row 9999', 9_999, true]);
    expect(read.getRow(2).values).toEqual([undefined, 'row 0', 0, true]);
  });

  it('writes an empty sheet', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    const writer = createWorkbookWriter({ path: file });
    await writer.addSheet('Empty').end({ columns: [] });
    const headerOnly = writer.addSheet('Header only');
    await headerOnly.end({ columns: ['a', 'b'] });
    await writer.commit();

    const [empty, header] = (await readWithExcelJs(file)).worksheets;
    if (empty === undefined || header === undefined) throw new Error('missing sheets');
    expect(sheetValues(empty)).toEqual([]);
    expect(sheetValues(header)).toEqual([['a', 'b']]);
    expect(header.autoFilter).toBe('A1:B1');
    expect(await readPart(file, 'xl/worksheets/sheet1.xml')).toContain('<dimension ref="A1"/>');
  });

  it('writes rows handed over as bytes as it writes them handed over as text', async () => {
    const dir = await makeTempDir();
    // Rows of every length around the four bytes copied at a time, with placeholders at either
    // end, side by side and none at all, multi-byte text, and a prefix for some.
    const rows = [
      renderRowCells(['a', 1, 'é😀', true], ['B', 'C', 'D', 'E']),
      '',
      '\0',
      'x\0',
      '\0\0',
      'abc\0def\0\0ghij',
      'abcdefgh',
      renderRowCells(
        ['東京', 'Zoë', 0.1 + 0.2, { kind: 'date', serial: 45_000.5 }],
        ['B', 'C', 'D', 'E'],
      ),
      ...Array.from({ length: 40 }, (_, row) =>
        renderRowCells([`r${'x'.repeat(row)}`, row * 1001], ['B', 'C']),
      ),
      // Larger than a block (1 MiB): written in a block of its own, then blocks as before.
      renderRowCells(['big', 'y'.repeat(32_000)], ['B', 'C']).repeat(40),
      renderRowCells(['after the big one'], ['B']),
    ];
    const prefix = renderRowCells(['from a.xlsx']);
    const write = async (file: string, asBytes: boolean) => {
      const writer = createWorkbookWriter({ path: file });
      const sheet = writer.addSheet('Rows');
      const encoded = rows.map((row) => Buffer.from(row, 'utf8'));
      // All rows in one buffer, as a worker sends them, read at an offset into a larger one.
      const all = Buffer.concat([Buffer.from('junk\0'), ...encoded]);
      let at = 5;
      for (let round = 0; round < 2; round++) {
        at = 5;
        encoded.forEach((row, index) => {
          const withPrefix = round === 1 && index % 2 === 0;
          if (asBytes) {
            sheet.writeRenderedBytes(
              all,
              at,
              at + row.length,
              withPrefix ? Buffer.from(prefix, 'utf8') : undefined,
            );
          } else {
            sheet.writeRenderedRow((withPrefix ? prefix : '') + (rows[index] as string));
          }
          at += row.length;
        });
      }
      await sheet.end({ columns: ['source', 'b', 'c', 'd', 'e'] });
      await writer.commit();
      return readPart(file, 'xl/worksheets/sheet1.xml');
    };
    const fromText = await write(path.join(dir, 'text.xlsx'), false);
    const fromBytes = await write(path.join(dir, 'bytes.xlsx'), true);
    expect(fromBytes).toBe(fromText);
    expect(fromBytes).toContain('<row r="52"><c r="A52" t="inlineStr"><is><t>from a.xlsx</t>');
    expect(fromBytes).toContain('<row r="7">abc7def77ghij</row>');
  });

  it('writes the same bytes for the same calls', async () => {
    const dir = await makeTempDir();
    await writeAllKinds(path.join(dir, 'one.xlsx'));
    await writeAllKinds(path.join(dir, 'two.xlsx'));
    const one = await readFile(path.join(dir, 'one.xlsx'));
    const two = await readFile(path.join(dir, 'two.xlsx'));
    expect(one.length).toBeGreaterThan(1000);
    expect(one.equals(two)).toBe(true);
  });
});

describe('segments', () => {
  /** Writes rows 2–4, with the middle rows as their own segment (kept) or appended whole. */
  async function writeAround(file: string, reuse: CompressedSegment | null) {
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('S');
    let kept: CompressedSegment | null = null;
    sheet.writeRow(['before', 1]);
    if (reuse === null) {
      sheet.startSegment((segment) => {
        kept = segment;
      });
      for (let row = 0; row < 3000; row++) sheet.writeRow([`middle ${row}`, row]);
      sheet.startSegment();
    } else {
      sheet.appendSegment(reuse);
    }
    sheet.writeRow(['after', 2]);
    await sheet.drain();
    const rows = sheet.rowCount;
    await sheet.end({ columns: ['text', 'n'] });
    await writer.commit();
    return { kept: kept as CompressedSegment | null, rows };
  }

  it('appends a kept segment to give the same workbook as writing its rows', async () => {
    const dir = await makeTempDir();
    const written = await writeAround(path.join(dir, 'written.xlsx'), null);
    expect(written.kept?.rows).toBe(3000);
    const reused = await writeAround(path.join(dir, 'reused.xlsx'), written.kept);
    expect([written.rows, reused.rows]).toEqual([3002, 3002]);
    const bytes = await readFile(path.join(dir, 'written.xlsx'));
    expect((await readFile(path.join(dir, 'reused.xlsx'))).equals(bytes)).toBe(true);
    const read = (await readWithExcelJs(path.join(dir, 'reused.xlsx'))).worksheets[0];
    if (read === undefined) throw new Error('no sheet');
    expect([2, 3, 3002, 3003].map((row) => read.getRow(row).values)).toEqual([
      [undefined, 'before', 1],
      [undefined, 'middle 0', 0],
      [undefined, 'middle 2999', 2999],
      [undefined, 'after', 2],
    ]);
  });

  it('refuses a segment whose rows do not fit in the sheet', async () => {
    const dir = await makeTempDir();
    const writer = createWorkbookWriter({ path: path.join(dir, 'x.xlsx') });
    const sheet = writer.addSheet('S');
    sheet.writeRow([1]);
    const tooMany = {
      chunks: [],
      compressedLength: 0,
      crc32: 0,
      uncompressedLength: 0,
      rows: MAX_DATA_ROWS,
    };
    expect(() => sheet.appendSegment(tooMany)).toThrow(
      expect.objectContaining({ code: ErrorCode.TooManyRows, sheet: 'S' }),
    );
    expect(sheet.rowCount).toBe(1);
    await writer.abort();
    expect(await strayFiles(dir)).toEqual([]);
  });

  it('writes rows larger than a compression block', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'big.xlsx');
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('Big');
    // 40 cells of 32,767 characters: a row of 1.3 MB, more than a block of 1 MiB.
    const big = Array.from({ length: 40 }, (_, i) => String(i % 10).repeat(32_767));
    sheet.writeRow(['small']);
    sheet.writeRow(big);
    sheet.writeRow(['small again']);
    await sheet.end({ columns: ['a'] });
    await writer.commit();
    const read = (await readWithExcelJs(file)).worksheets[0];
    if (read === undefined) throw new Error('no sheet');
    expect(sheetValues(read)).toEqual([['a'], ['small'], big, ['small again']]);
  });
});

describe('limits', () => {
  it(`holds ${MAX_DATA_ROWS} data rows and refuses one more`, async () => {
    const dir = await makeTempDir();
    const writer = createWorkbookWriter({ path: path.join(dir, 'full.xlsx') });
    const sheet = writer.addSheet('Full');
    for (let row = 0; row < MAX_DATA_ROWS; row++) {
      sheet.writeRenderedRow('');
      if (row % 65_536 === 0) await sheet.drain();
    }
    expect(sheet.rowCount).toBe(1_048_575);
    expect(() => sheet.writeRenderedRow('')).toThrow(
      expect.objectContaining({
        code: ErrorCode.TooManyRows,
        sheet: 'Full',
        message: 'The sheet is full: Excel allows 1,048,575 data rows below the header',
      }),
    );
    await writer.abort();
    expect(await strayFiles(dir)).toEqual([]);
  });

  it('refuses too many columns and too long text', async () => {
    const dir = await makeTempDir();
    const writer = createWorkbookWriter({ path: path.join(dir, 'x.xlsx') });
    const sheet = writer.addSheet('S');
    expect(() => sheet.writeRow(new Array(16_385).fill(1))).toThrow(
      expect.objectContaining({ code: ErrorCode.TooManyColumns }),
    );
    expect(() => sheet.writeRow([`${LONGEST}!`])).toThrow(
      expect.objectContaining({ code: ErrorCode.CellTooLong, column: 'A' }),
    );
    await expect(sheet.end({ columns: new Array(16_385).fill('h') })).rejects.toMatchObject({
      code: ErrorCode.TooManyColumns,
    });
    await expect(sheet.end({ columns: ['ok', `${LONGEST}!`] })).rejects.toMatchObject({
      code: ErrorCode.CellTooLong,
      column: 'B',
      row: 1,
    });
    expect(sheet.rowCount).toBe(0);
    // The sheet is still usable after a refused header.
    await sheet.end({ columns: ['ok'] });
    await writer.commit();
    expect(await strayFiles(dir, 'x.xlsx')).toEqual([]);
  });

  it('checks sheet names', () => {
    const writer = createWorkbookWriter({ path: '/nowhere/x.xlsx' });
    expect(() => writer.addSheet('a/b')).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidOption }),
    );
    expect(() => writer.addSheet('x'.repeat(32))).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidOption }),
    );
  });

  it('refuses a sheet name already used, ignoring case', async () => {
    const dir = await makeTempDir();
    const writer = createWorkbookWriter({ path: path.join(dir, 'x.xlsx') });
    writer.addSheet('Data');
    expect(() => writer.addSheet('DATA')).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidOption,
        message: 'Invalid sheet name "DATA": there is already a sheet called "Data"',
      }),
    );
    await writer.abort();
    expect(await strayFiles(dir)).toEqual([]);
  });
});

describe('commit and abort', () => {
  it('replaces an existing file only on commit', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    await writeFile(file, 'old content');
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('S');
    sheet.writeRow(['new']);
    await sheet.end({ columns: ['h'] });
    expect(await readFile(file, 'utf8')).toBe('old content');
    await writer.commit();
    const read = (await readWithExcelJs(file)).worksheets[0];
    if (read === undefined) throw new Error('no sheet');
    expect(sheetValues(read)).toEqual([['h'], ['new']]);
    expect(await strayFiles(dir, 'out.xlsx')).toEqual([]);
    // Committed: abort has nothing left to do.
    await writer.abort();
    expect(await strayFiles(dir, 'out.xlsx')).toEqual([]);
  });

  it('leaves an existing file untouched and no temp files when aborted', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'out.xlsx');
    await writeFile(file, 'old content');
    const writer = createWorkbookWriter({ path: file });
    const ended = writer.addSheet('Ended');
    const open = writer.addSheet('Open');
    for (let row = 0; row < 5000; row++) open.writeRow([row, 'x'.repeat(100)]);
    await open.drain();
    ended.writeRow([1]);
    await ended.end({ columns: ['a'] });
    expect((await strayFiles(dir, 'out.xlsx')).length).toBe(2);
    await writer.abort();
    await writer.abort();
    expect(await strayFiles(dir, 'out.xlsx')).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('old content');
  });

  it('aborts cleanly right after addSheet, before the temp file is even open', async () => {
    const dir = await makeTempDir();
    const writer = createWorkbookWriter({ path: path.join(dir, 'out.xlsx') });
    writer.addSheet('S');
    await writer.abort();
    expect(await strayFiles(dir)).toEqual([]);
  });

  it('refuses to commit before every sheet has ended, or twice', async () => {
    const dir = await makeTempDir();
    const writer = createWorkbookWriter({ path: path.join(dir, 'out.xlsx') });
    await expect(writer.commit()).rejects.toMatchObject({
      code: ErrorCode.Internal,
      message: 'A workbook needs at least one sheet',
    });
    const sheet = writer.addSheet('S');
    await expect(writer.commit()).rejects.toMatchObject({
      code: ErrorCode.Internal,
      message: 'Sheet "S" must be ended before the workbook is committed',
    });
    await sheet.end({ columns: ['a'] });
    expect(() => sheet.writeRow([1])).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
    await expect(sheet.end({ columns: ['a'] })).rejects.toMatchObject({
      code: ErrorCode.Internal,
    });
    await writer.commit();
    await expect(writer.commit()).rejects.toMatchObject({ code: ErrorCode.Internal });
    expect(() => writer.addSheet('T')).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
  });

  it('reports a missing output folder as WRITE_FAILED with the cause', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'missing', 'out.xlsx');
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('S');
    sheet.writeRow(['x']);
    // The folder is found missing when the temp file opens; end() reports it at the latest.
    const error: XlmergeError = await sheet.end({ columns: ['a'] }).then(
      () => {
        throw new Error('end should fail');
      },
      (caught: XlmergeError) => caught,
    );
    expect(error.code).toBe(ErrorCode.WriteFailed);
    expect(error.file).toBe(file);
    expect(error.sheet).toBe('S');
    expect(error.hint).toBe('Check that the output folder exists');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(error.message).toMatch(
      /^Cannot write the output file: ENOENT: no such file or directory/,
    );
    expect(() => sheet.writeRow(['y'])).toThrow(error);
    await expect(sheet.drain()).rejects.toBe(error);
    await expect(writer.commit()).rejects.toMatchObject({ code: ErrorCode.Internal });
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to replace a folder at the target (WRITE_FAILED) and removes the temp files', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'taken');
    await mkdir(path.join(file, 'inside'), { recursive: true });
    const writer = createWorkbookWriter({ path: file });
    const sheet = writer.addSheet('S');
    sheet.writeRow(['x']);
    await sheet.end({ columns: ['a'] });
    await expect(writer.commit()).rejects.toMatchObject({
      code: ErrorCode.WriteFailed,
      file,
      message:
        'Cannot write the output file: its path is now a folder, which is never replaced; nothing was written',
    });
    expect(await strayFiles(dir, 'taken')).toEqual([]);
    expect(await readdir(file)).toEqual(['inside']);
    await writer.abort();
  });
});

describe('column letters used in ranges', () => {
  it('match the table used for cells', () => {
    expect(columnLetters(299)).toBe('KN');
  });
});
