/**
 * Reads workbooks written by the writer under test with independent code: yauzl for the zip
 * (plus our own CRC check, since yauzl does not verify CRCs) and exceljs for the cells.
 */
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';

/** One zip entry as stored, with its inflated data. */
export interface StoredEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly data: Buffer;
}

/**
 * Every entry of the zip at `file`, in archive order. Rejects when an entry's data does not
 * match the CRC-32 or size its headers declare.
 */
export function readZipEntries(file: string): Promise<StoredEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
      if (error !== null) return reject(error);
      const entries: StoredEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            const data = Buffer.concat(chunks);
            const actual = crc32(data) >>> 0;
            if (actual !== entry.crc32) {
              return reject(
                new Error(`${entry.fileName}: CRC ${actual} but the header says ${entry.crc32}`),
              );
            }
            entries.push({
              name: entry.fileName,
              method: entry.compressionMethod,
              crc32: entry.crc32,
              compressedSize: entry.compressedSize,
              data,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** The text of one part of the zip at `file`. */
export async function readPart(file: string, name: string): Promise<string> {
  const entry = (await readZipEntries(file)).find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`${file} has no part ${name}`);
  return entry.data.toString('utf8');
}

/** Opens the workbook with exceljs. */
export async function readWithExcelJs(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook;
}

/** A cell's value as exceljs reads it, with dates as ISO strings so they compare exactly. */
export type ReadCell = string | number | boolean | { error: string } | null;

/** The values of a sheet by row, from row 1 up to its last row and column. */
export function sheetValues(worksheet: ExcelJS.Worksheet): ReadCell[][] {
  const rows: ReadCell[][] = [];
  const width = worksheet.columnCount;
  for (let r = 1; r <= worksheet.rowCount; r++) {
    const row = worksheet.getRow(r);
    const values: ReadCell[] = [];
    for (let c = 1; c <= width; c++) values.push(toReadCell(row.getCell(c).value));
    while (values.length > 0 && values.at(-1) === null) values.pop();
    rows.push(values);
  }
  return rows;
}

function toReadCell(value: ExcelJS.CellValue): ReadCell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('error' in value) return { error: String(value.error) };
    throw new Error(`Unexpected cell value ${JSON.stringify(value)}`);
  }
  return value;
}
