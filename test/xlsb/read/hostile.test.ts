/**
 * Damaged and hostile .xlsb files, built from records: each fails with its code, the file, the
 * sheet and the part, and a message saying what was expected and what was found, quickly and
 * within bounded memory; what is only unusual reads.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type XlmergeError } from '../../../src/errors.js';
import { openInput } from '../../../src/input/open-input.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../../../src/reader/read-limits.js';
import type { SheetRow, WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  Brt,
  cell,
  cellRecord,
  f64,
  record,
  rowHeader,
  rowRecords,
  u8,
  u32,
  wideString,
  worksheetBin,
  type XlsbSpec,
  xlsbParts,
} from '../../helpers/xlsb-builder.js';
import { writeZip, type ZipPart } from '../../helpers/xlsx-builder.js';

const DISPLAY = 'in/book.xlsb';
const SHEET_PART = 'xl/worksheets/sheet1.bin';
const DAMAGED_HINT =
  'The file is damaged or was not written by Excel; open it in Excel and save it again';

async function readEverything(
  parts: readonly ZipPart[],
  limits: Partial<ReadLimits> = {},
): Promise<SheetRow[]> {
  const file = await writeZip(path.join(await makeTempDir(), 'book.xlsb'), parts);
  const reader = (await openInput(file, {
    displayPath: DISPLAY,
    limits: { ...DEFAULT_READ_LIMITS, ...limits },
    csvDelimiter: null,
    csvTypes: false,
  })) as WorkbookReader;
  const rows: SheetRow[] = [];
  try {
    for (const sheet of reader.sheets) {
      for await (const batch of reader.readRows(sheet)) rows.push(...batch);
    }
  } finally {
    await reader.close();
  }
  return rows;
}

/** A workbook of one sheet `Data` whose sheet data is `sheetData` (or whose part is `bin`). */
function book(sheetData: Buffer, spec: Partial<XlsbSpec> = {}, bin?: Buffer): ZipPart[] {
  return xlsbParts({
    sheets: [{ name: 'Data', bin: bin ?? worksheetBin(sheetData) }],
    sharedStrings: ['a', 'b'],
    ...spec,
  });
}

async function failure(
  parts: readonly ZipPart[],
  limits: Partial<ReadLimits> = {},
): Promise<XlmergeError> {
  return rejectionOf(readEverything(parts, limits));
}

/** The error of a damaged sheet part, with everything it must carry. */
async function sheetFailure(parts: readonly ZipPart[], message: string): Promise<void> {
  const error = await failure(parts);
  expect(error.code).toBe(ErrorCode.MalformedRecord);
  expect(error.message).toBe(`${SHEET_PART}: ${message}`);
  expect(error).toMatchObject({
    file: DISPLAY,
    sheet: 'Data',
    part: SHEET_PART,
    hint: DAMAGED_HINT,
  });
}

const ROW_0 = rowHeader(0);

describe('a hostile .xlsb', () => {
  it('fails on a record length that runs past the sheet part', async () => {
    const bin = Buffer.concat([record(Brt.BeginSheetData), ROW_0, Buffer.from([5, 0x7f, 0, 0])]);
    await sheetFailure(
      book(Buffer.alloc(0), {}, bin),
      'expected the 127 byte(s) record 5 at byte 22 to end within the part, found only 2 byte(s) of it',
    );
  });

  it('fails on a record length that runs past the workbook part, naming that part', async () => {
    const parts = book(rowRecords([{ row: 0, cells: [{ shared: 0 }] }])).map((part) =>
      part.name === 'xl/workbook.bin'
        ? {
            ...part,
            content: Buffer.concat([part.content as Buffer, Buffer.from([0x9c, 0x01, 0x40])]),
          }
        : part,
    );
    const error = await failure(parts);
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error).toMatchObject({ file: DISPLAY, part: 'xl/workbook.bin' });
    expect(error.message).toMatch(
      /^xl\/workbook\.bin: expected the 64 byte\(s\) record 156 at byte \d+ to end within the part, found only 0 byte\(s\) of it$/,
    );
  });

  it('fails on a type or length varint longer than the format allows', async () => {
    await sheetFailure(
      book(Buffer.from([0x80, 0x80, 0x80, 0x01, 0x00])),
      'expected a record type of at most 2 bytes at byte 6, found a longer one',
    );
    await sheetFailure(
      book(Buffer.from([0x05, 0xff, 0xff, 0xff, 0xff, 0x01])),
      'expected the length of record 5 at byte 6 in at most 4 bytes, found a longer one',
    );
  });

  it('fails on a record longer than limits.maxElementChars, before reading it', async () => {
    const huge = record(Brt.CellSt, Buffer.concat([cell(0), wideString('x'.repeat(600))]));
    const error = await failure(book(Buffer.concat([ROW_0, huge])), { maxElementChars: 1000 });
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      `${SHEET_PART}: record 6 at byte 25 is 1212 bytes long, more than the maxElementChars limit of 1000 (one record is held whole)`,
    );
    expect(error).toMatchObject({ file: DISPLAY, sheet: 'Data', part: SHEET_PART });
  });

  it('fails on a shared string index past the table', async () => {
    await sheetFailure(
      book(rowRecords([{ row: 4, cells: [null, { shared: 2 }] }])),
      'expected a shared string index below 2 in cell B5, found 2 (BrtCellIsst at byte 25)',
    );
  });

  it('fails on a string that runs past its record', async () => {
    const cellString = record(
      Brt.CellSt,
      Buffer.concat([cell(2), u32(10), Buffer.from('abcd', 'utf16le')]),
    );
    await sheetFailure(
      book(Buffer.concat([ROW_0, cellString])),
      'expected a string of 10 characters at offset 8 of the record, found the record ends after 4 (the cell record BrtCellSt at byte 25)',
    );
    // In the shared strings part, and in the workbook part.
    const parts = book(rowRecords([{ row: 0, cells: [{ shared: 0 }] }])).map((part) =>
      part.name === 'xl/sharedStrings.bin'
        ? { ...part, content: record(Brt.SSTItem, Buffer.concat([u8(0), u32(0x7fffffff)])) }
        : part,
    );
    const error = await failure(parts);
    expect(error.code).toBe(ErrorCode.MalformedRecord);
    expect(error.message).toBe(
      'xl/sharedStrings.bin: expected a string of 2147483647 characters at offset 1 of the record, found the record ends after 0 (the shared string record BrtSSTItem 0 at byte 0)',
    );
    expect(error.part).toBe('xl/sharedStrings.bin');
    const badSheetName = book(Buffer.alloc(0)).map((part) =>
      part.name === 'xl/workbook.bin'
        ? {
            ...part,
            content: record(
              Brt.BundleSh,
              Buffer.concat([u32(0), u32(1), wideString('rId1'), u32(3)]),
            ),
          }
        : part,
    );
    const nameError = await failure(badSheetName);
    expect(nameError.code).toBe(ErrorCode.MalformedRecord);
    expect(nameError.message).toBe(
      'xl/workbook.bin: expected a string of 3 characters at offset 20 of the record, found the record ends after 0 (the sheet record BrtBundleSh at byte 0)',
    );
  });

  it('fails on a cell record too short for its value', async () => {
    const short = record(Brt.CellReal, Buffer.concat([cell(0), Buffer.alloc(4)]));
    await sheetFailure(
      book(Buffer.concat([ROW_0, short])),
      'expected a whole cell, found 12 bytes (BrtCellReal at byte 25)',
    );
  });

  it("fails on rows and columns past Excel's, and on rows out of order", async () => {
    await sheetFailure(
      book(rowHeader(1_048_576)),
      'expected a row from 1 to 1048576, found row 1048577 (the row record BrtRowHdr at byte 6)',
    );
    await sheetFailure(
      book(rowHeader(0xffffffff)),
      'expected a row from 1 to 1048576, found row 4294967296 (the row record BrtRowHdr at byte 6)',
    );
    await sheetFailure(
      book(Buffer.concat([ROW_0, cellRecord(16_384, { bool: true })])),
      'expected a column from 1 to 16384 in row 1, found column 16385 (BrtCellBool at byte 25)',
    );
    await sheetFailure(
      book(Buffer.concat([rowHeader(5), rowHeader(5)])),
      'expected row numbers in ascending order, found row 6 after row 6 (the row record BrtRowHdr at byte 25)',
    );
  });

  it('fails on a cell before any row, and on sheet data that is missing or never ends', async () => {
    await sheetFailure(
      book(cellRecord(0, { real: 1 })),
      'expected a BrtRowHdr before the first cell, found none (BrtCellReal at byte 6)',
    );
    await sheetFailure(
      book(Buffer.alloc(0), {}, record(Brt.BeginSheet)),
      'expected the sheet data (BrtBeginSheetData) in the worksheet, found none',
    );
    await sheetFailure(
      book(
        Buffer.alloc(0),
        {},
        Buffer.concat([record(Brt.BeginSheetData), ROW_0, cellRecord(0, { real: 1 })]),
      ),
      'expected BrtEndSheetData at the end of the sheet data, found the part ends first',
    );
    await sheetFailure(
      book(Buffer.alloc(0), {}, Buffer.concat([worksheetBin(ROW_0), record(Brt.BeginSheetData)])),
      'expected one BrtBeginSheetData, found a second at byte 31',
    );
  });

  it('fails on a boolean or an error value Excel never writes', async () => {
    const bool = record(Brt.CellBool, Buffer.concat([cell(0), u8(2)]));
    await sheetFailure(
      book(Buffer.concat([ROW_0, bool])),
      'expected 0 or 1 in the boolean cell A1, found 2 (BrtCellBool at byte 25)',
    );
    const error = record(Brt.FmlaError, Buffer.concat([cell(1), u8(0x2c), Buffer.alloc(6)]));
    await sheetFailure(
      book(Buffer.concat([ROW_0, error])),
      'expected an Excel error value such as #N/A or #DIV/0! in the error cell B1, found the code 0x2c (BrtFmlaError at byte 25)',
    );
  });

  it('does not trust the counts a shared strings part claims', async () => {
    // It claims 2^32 - 1 strings and holds 2: nothing is made to the claim's size.
    const claims = Buffer.concat([
      record(Brt.BeginSst, Buffer.concat([u32(0xffffffff), u32(0xffffffff)])),
      record(Brt.SSTItem, Buffer.concat([u8(0), wideString('x')])),
      record(Brt.SSTItem, Buffer.concat([u8(1), wideString('y')])),
    ]);
    const withClaims = (sheetData: Buffer): ZipPart[] =>
      book(sheetData).map((part) =>
        part.name === 'xl/sharedStrings.bin' ? { ...part, content: claims } : part,
      );
    const started = performance.now();
    expect(
      await readEverything(
        withClaims(rowRecords([{ row: 0, cells: [{ shared: 1 }, { shared: 0 }] }])),
      ),
    ).toEqual([{ number: 1, cells: ['y', 'x'] }]);
    expect(performance.now() - started).toBeLessThan(2000);
    await sheetFailure(
      withClaims(rowRecords([{ row: 0, cells: [{ shared: 2 }] }])),
      'expected a shared string index below 2 in cell A1, found 2 (BrtCellIsst at byte 25)',
    );
  });

  it('fails on more shared strings than limits.maxSharedStrings', async () => {
    const parts = book(rowRecords([{ row: 0, cells: [{ shared: 0 }] }]), {
      sharedStrings: Array.from({ length: 11 }, (_, i) => `s${i}`),
    });
    const error = await failure(parts, { maxSharedStrings: 10 });
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      'The shared strings table has more than 10 strings, the `limits.maxSharedStrings` limit',
    );
    expect(error).toMatchObject({ file: DISPLAY, part: 'xl/sharedStrings.bin' });
    expect(await readEverything(parts, { maxSharedStrings: 11 })).toEqual([
      { number: 1, cells: ['s0'] },
    ]);
  });

  it('reads a bomb of empty far cells in bounded batches, quickly', async () => {
    // 5,000 rows of one cell at XFD: 33 bytes of records each, 82 million cells in all once
    // padded (as the .xlsx reader pads `<row><c r="XFD1"/></row>`); about a million at a time.
    const oneRow = (row: number): Buffer =>
      Buffer.concat([rowHeader(row), cellRecord(16_383, { blank: true })]);
    const records = Buffer.concat(Array.from({ length: 5_000 }, (_, row) => oneRow(row)));
    const file = await writeZip(path.join(await makeTempDir(), 'bomb.xlsb'), book(records));
    const reader = (await openInput(file, {
      displayPath: DISPLAY,
      limits: DEFAULT_READ_LIMITS,
      csvDelimiter: null,
      csvTypes: false,
    })) as WorkbookReader;
    const started = performance.now();
    let rows = 0;
    let largest = 0;
    for await (const batch of reader.readRows(reader.sheets[0] as never)) {
      rows += batch.length;
      largest = Math.max(largest, batch.length);
    }
    await reader.close();
    expect(rows).toBe(5_000);
    expect(largest).toBe(64);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('reads what Excel does not write but means no harm: unknown records, cells outside the sheet data', async () => {
    const bin = Buffer.concat([
      record(Brt.BeginSheet),
      cellRecord(0, { real: 9 }), // outside the sheet data: not a cell of it
      record(Brt.BeginSheetData),
      record(3000, Buffer.alloc(50)),
      ROW_0,
      record(Brt.CellReal, Buffer.concat([cell(0), f64(1), Buffer.alloc(5)])), // longer than needed
      record(Brt.EndSheetData),
      record(Brt.EndSheet),
    ]);
    expect(await readEverything(book(Buffer.alloc(0), {}, bin))).toEqual([
      { number: 1, cells: [1] },
    ]);
  });
});
