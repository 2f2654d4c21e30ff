/**
 * The .xls reader on workbooks built from bytes: every cell record and its value, the SST cut
 * across CONTINUE records, dates, code pages, sheet kinds and states, rows written out of
 * order, and each hostile or refused input ending in its error code, quickly.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../../../src/reader/read-limits.js';
import type { SheetRow } from '../../../src/reader/workbook-reader.js';
import { openXls } from '../../../src/xls/read/open-xls.js';
import { decodeRk, XLS_BATCH_CELLS } from '../../../src/xls/read/sheet-records.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  blankCell,
  boolErrCell,
  compoundFile,
  f64,
  formulaCell,
  labelCell,
  numberCell,
  record,
  rkCell,
  type SheetSpec,
  specialResult,
  sstCell,
  sstRecord,
  u16,
  u32,
  workbookStream,
  xfRecords,
  xlString,
  xlsFile,
} from '../../helpers/xls-builder.js';

async function writeXls(bytes: Buffer): Promise<string> {
  const file = path.join(await makeTempDir(), 'book.xls');
  await fs.writeFile(file, bytes);
  return file;
}

async function open(bytes: Buffer, limits: Partial<ReadLimits> = {}) {
  return openXls(await writeXls(bytes), {
    displayPath: 'in/book.xls',
    limits: { ...DEFAULT_READ_LIMITS, ...limits },
  });
}

/** Every row of every sheet, by sheet name. */
async function readAll(
  bytes: Buffer,
  limits: Partial<ReadLimits> = {},
): Promise<Record<string, SheetRow[]>> {
  const reader = await open(bytes, limits);
  const result: Record<string, SheetRow[]> = {};
  for (const sheet of reader.sheets) {
    const rows: SheetRow[] = [];
    for await (const batch of reader.readRows(sheet)) rows.push(...batch);
    result[sheet.name] = rows;
  }
  await reader.close();
  return result;
}

const rowsOf = (rows: SheetRow[] | undefined) => rows?.map((row) => [row.number, row.cells]);

/** A one-sheet workbook of these cells, with the XFs and SST given. */
function book(cells: readonly Buffer[], globals: readonly Buffer[] = xfRecords()): Buffer {
  return xlsFile(workbookStream(globals, [{ name: 'Data', cells }]));
}

describe('openXls: values', () => {
  it('reads every kind of cell record', async () => {
    const cells = [
      sstCell(0, 0, 0),
      labelCell(0, 1, 'Zoë'),
      numberCell(0, 2, 0.1 + 0.2),
      rkCell(0, 3, (12345 << 2) | 0x02),
      rkCell(0, 4, (1234 << 2) | 0x03),
      boolErrCell(1, 0, 1, false),
      boolErrCell(1, 1, 0, false),
      boolErrCell(1, 2, 0x2a, true),
      boolErrCell(1, 3, 0x07, true),
      blankCell(1, 5),
      record(
        0x00bd,
        Buffer.concat([
          u16(2),
          u16(1),
          u16(15),
          u32((7 << 2) | 2),
          u16(15),
          u32((8 << 2) | 2),
          u16(2),
        ]),
      ),
      record(0x00be, Buffer.concat([u16(3), u16(0), u16(15), u16(15), u16(1)])),
      formulaCell(4, 0, f64(42.5)),
      formulaCell(4, 1, specialResult(0)),
      record(0x0207, xlString('from STRING')),
      formulaCell(4, 2, specialResult(1, 1)),
      formulaCell(4, 3, specialResult(2, 0x17)),
      formulaCell(4, 4, specialResult(3)),
      formulaCell(4, 5, specialResult(0)),
      numberCell(4, 6, 1),
    ];
    const rows = await readAll(book(cells, [...xfRecords(), sstRecord(['shared'])]));
    expect(rowsOf(rows.Data)).toEqual([
      [1, ['shared', 'Zoë', 0.30000000000000004, 12345, 12.34]],
      [
        2,
        [
          true,
          false,
          { kind: 'error', code: '#N/A' },
          { kind: 'error', code: '#DIV/0!' },
          null,
          null,
        ],
      ],
      [3, [null, 7, 8]],
      [4, [null, null]],
      [5, [42.5, 'from STRING', true, { kind: 'error', code: '#REF!' }, null, null, 1]],
    ]);
  });

  it('counts a text formula with no STRING record after it as a formula without a value', async () => {
    const reader = await open(book([formulaCell(0, 0, specialResult(0)), numberCell(0, 1, 2)]));
    const stats = { formulasWithoutValue: 0, cellsWithoutFormat: 0 };
    const rows: SheetRow[] = [];
    for await (const batch of reader.readRows(reader.sheets[0] as never, { stats }))
      rows.push(...batch);
    expect(rowsOf(rows)).toEqual([[1, [null, 2]]]);
    expect(stats).toEqual({ formulasWithoutValue: 1, cellsWithoutFormat: 0 });
  });

  it('decodes RK numbers: integers, doubles, both divided by 100', () => {
    expect(decodeRk((-5 << 2) | 0x02)).toBe(-5);
    expect(decodeRk((150 << 2) | 0x03)).toBe(1.5);
    // 1.0 is 0x3FF00000 in the high half of a double.
    expect(decodeRk(0x3ff00000)).toBe(1);
    expect(decodeRk(0x3ff00000 | 0x01)).toBe(0.01);
  });

  it('reads dates by their XF number format, in either date system, elapsed times unmoved', async () => {
    const globals = [
      record(0x0022, u16(1)),
      record(0x041e, Buffer.concat([u16(164), xlString('yyyy-mm-dd')])),
      record(0x041e, Buffer.concat([u16(50), xlString('0.00" kg"')])),
      ...xfRecords([164, 14, 46, 50, 0]),
    ];
    const cells = [16, 17, 18, 19, 20].map((xf, column) => numberCell(0, column, 100.5, xf));
    const reader = await open(book(cells, globals));
    expect(reader.date1904).toBe(true);
    const rows: SheetRow[] = [];
    for await (const batch of reader.readRows(reader.sheets[0] as never)) rows.push(...batch);
    expect(rows[0]?.cells).toEqual([
      { kind: 'date', serial: 1562.5 },
      { kind: 'date', serial: 1562.5 },
      { kind: 'date', serial: 100.5, elapsed: true },
      100.5,
      100.5,
    ]);
    const formats = await reader.readFormatIds();
    expect([...(formats?.ids ?? [])].slice(15)).toEqual([0, 164, 14, 46, 50, 0]);
    expect(formats?.codes).toEqual([
      [164, 'yyyy-mm-dd'],
      [50, '0.00" kg"'],
    ]);
  });

  it('keeps the built-in currency formats by id, whatever code the writer spelled', async () => {
    const globals = [
      record(0x041e, Buffer.concat([u16(5), xlString('"£"#,##0;\\-"£"#,##0')])),
      record(0x041e, Buffer.concat([u16(44), xlString('_-* #,##0.00 "€"_-')])),
      ...xfRecords([5, 44]),
    ];
    const reader = await open(book([numberCell(0, 0, 1, 16)], globals));
    expect((await reader.readFormatIds())?.codes).toEqual([]);
  });

  it('carries each cell’s output style, as the .xlsx reader does', async () => {
    const reader = await open(
      book(
        [numberCell(0, 0, 1, 16), numberCell(0, 1, 2, 17), blankCell(0, 2, 16)],
        xfRecords([14, 164]),
      ),
    );
    const outputStyles = new Uint32Array(18);
    outputStyles[16] = 3;
    outputStyles[17] = 0xffffffff; // STYLE_REFUSED and above: not kept
    const stats = { formulasWithoutValue: 0, cellsWithoutFormat: 0 };
    const rows: SheetRow[] = [];
    for await (const batch of reader.readRows(reader.sheets[0] as never, { outputStyles, stats }))
      rows.push(...batch);
    expect(rows).toEqual([
      { number: 1, cells: [{ kind: 'date', serial: 1 }, 2, null], styles: [3] },
    ]);
    expect(stats.cellsWithoutFormat).toBe(1);
  });

  it('reads rows in order whatever order the records come in, the last record of a cell winning', async () => {
    const cells = [
      numberCell(9, 1, 10),
      numberCell(2, 0, 3),
      numberCell(9, 0, 9),
      numberCell(2, 0, 4),
    ];
    expect(rowsOf((await readAll(book(cells))).Data)).toEqual([
      [3, [4]],
      [10, [9, 10]],
    ]);
  });

  it('cuts batches at XLS_BATCH_CELLS cells, empty ones before a row\u2019s last cell counted', async () => {
    expect(XLS_BATCH_CELLS).toBe(65_536);
    // 256 cells a row (one number in column IV): a batch is full after 256 rows.
    const cells = Array.from({ length: 4200 }, (_, row) => numberCell(row, 255, row));
    const reader = await open(book(cells));
    const sizes: number[] = [];
    for await (const batch of reader.readRows(reader.sheets[0] as never)) sizes.push(batch.length);
    expect(sizes).toEqual([...Array.from({ length: 16 }, () => 256), 104]);
  });
});

describe('openXls: strings', () => {
  it('reads strings cut across CONTINUE records, the character width read again at each cut', async () => {
    // 'abcdef' is compressed; cut after 'abc' the CONTINUE starts with its own flags byte (0),
    // and a UTF-16 string cut in the middle of its characters starts with flags 1.
    const latin = xlString('abcdef'); // 3 header bytes + 6
    const wide = xlString('ÀΩ€漢', 2, true); // 3 + 8
    const sst = Buffer.concat([u32(2), u32(2), latin.subarray(0, 6)]);
    const records = [
      record(0x00fc, sst),
      record(0x003c, Buffer.concat([Buffer.from([0]), latin.subarray(6), wide.subarray(0, 7)])),
      record(0x003c, Buffer.concat([Buffer.from([1]), wide.subarray(7)])),
    ];
    const rows = await readAll(
      book([sstCell(0, 0, 0), sstCell(0, 1, 1)], [...xfRecords(), ...records]),
    );
    expect(rowsOf(rows.Data)).toEqual([[1, ['abcdef', 'ÀΩ€漢']]]);
  });

  it('widens compressed characters to UTF-16 where a CONTINUE says so', async () => {
    const start = Buffer.concat([
      u32(1),
      u32(1),
      u16(4),
      Buffer.from([0]),
      Buffer.from('ab', 'latin1'),
    ]);
    const records = [
      record(0x00fc, start),
      record(0x003c, Buffer.concat([Buffer.from([1]), Buffer.from('漢字', 'utf16le')])),
    ];
    expect(
      rowsOf((await readAll(book([sstCell(0, 0, 0)], [...xfRecords(), ...records]))).Data),
    ).toEqual([[1, ['ab漢字']]]);
  });

  it('skips rich-text runs and phonetic data, also where they go on into the next record', async () => {
    const rich = Buffer.concat([
      u16(2),
      Buffer.from([0x0c]),
      u16(1),
      u32(3),
      Buffer.from('hi', 'latin1'),
    ]);
    const runsAndPhonetic = Buffer.concat([u32(0x00010000), Buffer.from([1, 2, 3])]);
    const records = [
      record(0x00fc, Buffer.concat([u32(2), u32(2), rich, runsAndPhonetic.subarray(0, 2)])),
      record(0x003c, Buffer.concat([runsAndPhonetic.subarray(2), xlString('next')])),
    ];
    const rows = await readAll(
      book([sstCell(0, 0, 0), sstCell(0, 1, 1)], [...xfRecords(), ...records]),
    );
    expect(rowsOf(rows.Data)).toEqual([[1, ['hi', 'next']]]);
  });

  it('decodes 8-bit strings in the code page a non-Excel writer names (windows-1252, 1251)', async () => {
    const label = (bytes: number[]) =>
      record(
        0x0204,
        Buffer.concat([
          u16(0),
          u16(0),
          u16(15),
          u16(bytes.length),
          Buffer.from([0]),
          Buffer.from(bytes),
        ]),
      );
    const cells = [label([0x80, 0x41])];
    expect(
      rowsOf((await readAll(book(cells, [record(0x0042, u16(1252)), ...xfRecords()]))).Data),
    ).toEqual([[1, ['€A']]]);
    expect(
      rowsOf((await readAll(book(cells, [record(0x0042, u16(1251)), ...xfRecords()]))).Data),
    ).toEqual([[1, ['ЂA']]]);
    // Excel's own: code page 1200, compressed characters are Latin-1.
    expect(
      rowsOf((await readAll(book(cells, [record(0x0042, u16(1200)), ...xfRecords()]))).Data),
    ).toEqual([[1, ['\u0080A']]]);
  });
});

describe('openXls: sheets', () => {
  it('lists worksheets only, with their states, and skips charts, macro sheets and dialog sheets', async () => {
    const chartBof = record(0x0809, [0x00, 0x06, 0x20, 0x00, ...Array(12).fill(0)]);
    const sheets: SheetSpec[] = [
      { name: 'Visible', cells: [numberCell(0, 0, 1)] },
      { name: 'Chart', cells: [], type: 2, bof: chartBof },
      { name: 'Hidden', cells: [numberCell(0, 0, 2)], state: 1 },
      {
        name: 'Macros',
        cells: [],
        type: 1,
        bof: record(0x0809, [0x00, 0x06, 0x40, 0x00, ...Array(12).fill(0)]),
      },
      { name: 'Dialog', cells: [], head: [record(0x0081, [0x11, 0x04])] },
      {
        name: 'Very hidden',
        cells: [numberCell(0, 0, 3)],
        state: 2,
        head: [record(0x0081, [0x01, 0x04])],
      },
    ];
    const reader = await open(xlsFile(workbookStream(xfRecords(), sheets)));
    expect(reader.sheets.map(({ name, index, part, state }) => [name, index, part, state])).toEqual(
      [
        ['Visible', 0, 'Workbook', 'visible'],
        ['Hidden', 1, 'Workbook', 'hidden'],
        ['Very hidden', 2, 'Workbook', 'veryHidden'],
      ],
    );
    const rows: SheetRow[] = [];
    for await (const batch of reader.readRows(reader.sheets[2] as never)) rows.push(...batch);
    expect(rowsOf(rows)).toEqual([[1, [3]]]);
  });

  it('passes over the records of a chart embedded in a sheet', async () => {
    const chart = [
      record(0x0809, [0x00, 0x06, 0x20, 0x00, ...Array(12).fill(0)]),
      numberCell(0, 0, 99),
      record(0x000a),
    ];
    expect(
      rowsOf((await readAll(book([numberCell(0, 0, 1), ...chart, numberCell(1, 0, 2)]))).Data),
    ).toEqual([
      [1, [1]],
      [2, [2]],
    ]);
  });

  it('reads a Workbook stream in regular sectors as well as in the mini stream', async () => {
    const strings = Array.from({ length: 400 }, (_, i) => `string number ${i}`);
    const cells = strings.map((_, i) => sstCell(i, 0, i));
    const stream = workbookStream([...xfRecords(), sstRecord(strings)], [{ name: 'Data', cells }]);
    expect(stream.length).toBeGreaterThan(4096);
    const rows = (await readAll(xlsFile(stream))).Data ?? [];
    expect(rows.length).toBe(400);
    expect(rows[399]).toEqual({ number: 400, cells: ['string number 399'] });
  });
});

describe('openXls: refused and hostile workbooks', () => {
  async function failure(bytes: Buffer, limits: Partial<ReadLimits> = {}) {
    const started = Date.now();
    const error = await rejectionOf(readAll(bytes, limits));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.file).toBe('in/book.xls');
    return error;
  }

  it('refuses a password-protected workbook (FILEPASS)', async () => {
    const stream = workbookStream(
      [record(0x002f, [1, 0, 1, 0, ...Array(48).fill(0)]), ...xfRecords()],
      [{ name: 'Data', cells: [] }],
    );
    const error = await failure(xlsFile(stream));
    expect(error.code).toBe(ErrorCode.Encrypted);
    expect(error.describe()).toBe(
      'in/book.xls: The workbook is password-protected (encrypted). Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), and save it again',
    );
  });

  it('refuses an encrypted .xlsx in its compound-file wrapper', async () => {
    const error = await failure(
      compoundFile({ EncryptionInfo: Buffer.alloc(200), EncryptedPackage: Buffer.alloc(5000) }),
    );
    expect(error.code).toBe(ErrorCode.Encrypted);
  });

  it('refuses an Excel 5.0/95 workbook: a Book stream, or a Workbook stream of BIFF5', async () => {
    const biff5 = Buffer.concat([
      record(0x0809, [0x00, 0x05, 0x05, 0x00, 0, 0, 0, 0]),
      record(0x000a),
    ]);
    for (const file of [compoundFile({ Book: biff5 }), xlsFile(biff5)]) {
      const error = await failure(file);
      expect(error.code).toBe(ErrorCode.LegacyXls);
      expect(error.describe()).toBe(
        'in/book.xls: The workbook is in a format older than Excel 97 (Excel 5.0/95), which xlmerge does not read. Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)',
      );
    }
  });

  it('says what another compound file is', async () => {
    const error = await failure(
      compoundFile({
        WordDocument: Buffer.alloc(5000),
        '\u0005SummaryInformation': Buffer.alloc(100),
      }),
    );
    expect(error.code).toBe(ErrorCode.NotWorkbook);
    expect(error.message).toBe('The file is not an Excel workbook: it is a Word document (.doc)');
    const other = await failure(compoundFile({ Contents: Buffer.alloc(10) }));
    expect(other.message).toBe(
      'The file is not an Excel workbook: it is a compound file (OLE2) with no workbook stream',
    );
  });

  it('refuses a workbook with no worksheets', async () => {
    const error = await failure(xlsFile(workbookStream(xfRecords(), [])));
    expect(error.code).toBe(ErrorCode.NoSheets);
  });

  it('refuses a record whose length runs past the stream', async () => {
    const stream = workbookStream(xfRecords(), [{ name: 'Data', cells: [numberCell(0, 0, 1)] }]);
    const cut = stream.subarray(0, stream.length - 6);
    const error = await failure(xlsFile(cut));
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.part).toBe('Workbook');
    expect(error.message).toMatch(
      /^The workbook's records are damaged near offset \d+ of the Workbook stream: the record at offset \d+ \(type 0x0203\) is 14 bytes long, but the stream ends 12 bytes after its header$/,
    );
  });

  it('refuses an SST that claims more strings than it holds, without allocating them', async () => {
    const sst = record(0x00fc, Buffer.concat([u32(0x7fffffff), u32(1_000_000), xlString('only')]));
    const error = await failure(book([sstCell(0, 0, 0)], [...xfRecords(), sst]));
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.message).toContain(
      'the shared strings table (SST) claims 1000000 strings, but its records end inside string 2',
    );
  });

  it('refuses an SST of more strings than limits.maxSharedStrings', async () => {
    const error = await failure(book([], [...xfRecords(), sstRecord(['a', 'b', 'c'])]), {
      maxSharedStrings: 2,
    });
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      'The shared strings table (SST) has 3 strings, more than the `limits.maxSharedStrings` limit of 2',
    );
  });

  it('refuses a cell naming a shared string past the end of the SST', async () => {
    const error = await failure(book([sstCell(4, 1, 7)], [...xfRecords(), sstRecord(['a'])]));
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.sheet).toBe('Data');
    expect(error.message).toContain(
      'cell B5 names shared string 7, but the shared strings table (SST) has 1',
    );
  });

  it('refuses columns past IV, the last of an Excel 97 sheet', async () => {
    const error = await failure(book([numberCell(0, 300, 1)]));
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.message).toContain(
      'expected a column below 256 (A to IV, as in every Excel 97-2003 sheet), found column 301 in row 1',
    );
    const mulrk = record(
      0x00bd,
      Buffer.concat([u16(0), u16(250), u16(15), u32(2), u16(15), u32(2), u16(260)]),
    );
    expect((await failure(book([mulrk]))).code).toBe(ErrorCode.MalformedRecord);
  });

  it('refuses a sheet whose records end without EOF, and a BOUNDSHEET pointing elsewhere', async () => {
    const stream = workbookStream(xfRecords(), [{ name: 'Data', cells: [numberCell(0, 0, 1)] }]);
    const noEof = stream.subarray(0, stream.length - 4);
    expect((await failure(xlsFile(noEof))).message).toContain(
      'expected the EOF record that ends the sheet',
    );
    const bound = stream.indexOf(Buffer.from([0x85, 0x00]));
    const moved = Buffer.from(stream);
    moved.writeUInt32LE(3, bound + 4);
    expect((await failure(xlsFile(moved))).message).toContain(
      'expected sheet "Data" to start with a BOF record at offset 3',
    );
  });

  it('refuses error codes Excel does not have, and numbers that are not finite', async () => {
    expect((await failure(book([boolErrCell(0, 0, 0x55, true)]))).message).toContain('found 0x55');
    expect((await failure(book([numberCell(0, 0, Number.NaN)]))).message).toContain('found NaN');
  });
});
