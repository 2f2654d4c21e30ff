import { type CsvReader, openCsv } from '../csv/read/open-csv.js';
import { openRegularFile } from '../io/open-file.js';
import { isOpenDocumentArchive, openOds } from '../ods/read/open-ods.js';
import { isCsvPath } from '../reader/format-names.js';
import type { ReadLimits } from '../reader/read-limits.js';
import type { WorkbookReader } from '../reader/workbook-reader.js';
import { openXls } from '../xls/read/open-xls.js';
import { openXlsb } from '../xlsb/read/open-xlsb.js';
import { findBinaryWorkbookPart } from '../xlsb/read/workbook-structure.js';
import { openWorkbookArchive, type XlsxWorkbookReader } from '../xlsx/read/open-workbook.js';
import { openZipArchive, type ZipArchive } from '../zip/zip-archive.js';

/** Options of {@link openInput}. */
export interface OpenInputOptions {
  /** The path to show in messages. */
  readonly displayPath: string;
  readonly limits: ReadLimits;
  /** A CSV file's delimiter; `null` detects it. A file's `sep=` first line wins. */
  readonly csvDelimiter: string | null;
  /** A CSV file's numbers and ISO dates become typed cells. */
  readonly csvTypes: boolean;
}

/**
 * The reader of an input: an .xlsx workbook's, which can also hand a sheet to the row engine,
 * a CSV file's, or an .xlsb, .xls or .ods workbook's; `format` tells them apart.
 */
export type InputReader =
  | XlsxWorkbookReader
  | CsvReader
  | WorkbookReader<'xlsb'>
  | WorkbookReader<'xls'>
  | WorkbookReader<'ods'>;

export { isCsvPath };

/**
 * Opens an input file with the reader it calls for: `.csv` as CSV text (one sheet); any other
 * by what it holds, whatever its name says, since exports are often misnamed (an `.xls` that is
 * an .xlsx, an `.xlsx` that is an .xls). The one place that chooses, so the merge, the dry run
 * and inspect read every file alike.
 */
export async function openInput(file: string, options: OpenInputOptions): Promise<InputReader> {
  const { displayPath, limits } = options;
  if (isCsvPath(file)) {
    return openCsv(file, {
      displayPath,
      maxRecordChars: limits.maxElementChars,
      delimiter: options.csvDelimiter,
      types: options.csvTypes,
    });
  }
  if (await isCompoundFile(file, displayPath)) return openXls(file, { displayPath, limits });
  // Files that are neither zip nor compound files are described by the zip reader's check.
  const archive = await openZipArchive(file, { file: displayPath, limits });
  return openArchive(archive, limits);
}

/**
 * The reader of a workbook that is a zip archive: .xlsx (and .xlsm), .xlsb or .ods. An .xlsb is
 * known by its workbook part, found as the .xlsx reader finds its own (the package's
 * officeDocument relationship), being a `.bin`.
 */
async function openArchive(archive: ZipArchive, limits: ReadLimits): Promise<InputReader> {
  if (isOpenDocumentArchive(archive)) return openOds(archive, limits);
  let binaryWorkbook: string | null;
  try {
    binaryWorkbook = await findBinaryWorkbookPart(archive, limits.maxElementChars);
  } catch (error) {
    await archive.close();
    throw error;
  }
  if (binaryWorkbook !== null) return openXlsb(archive, limits);
  return openWorkbookArchive(archive, limits);
}

/** The first bytes of a compound file (OLE2): .xls, and the wrapper of an encrypted .xlsx. */
const COMPOUND_FILE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Whether the file starts as a compound file does (read from its first bytes). */
export async function isCompoundFile(file: string, displayPath: string): Promise<boolean> {
  const { handle } = await openRegularFile(file, displayPath);
  try {
    const head = Buffer.alloc(COMPOUND_FILE_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(COMPOUND_FILE_MAGIC);
  } finally {
    await handle.close();
  }
}
