/** The duplicates report's file (`duplicatesReport`): a one-sheet workbook or a CSV file. */
import { type CsvWriter, createCsvWriter } from '../csv/write/csv-writer.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { FinishedFile } from '../io/temp-files.js';
import type { OutputFormat, Settings } from '../options.js';
import {
  DUPLICATES_COLUMNS,
  type DuplicatesCollector,
  type ReportRow,
} from '../reduce/duplicates-report.js';
import type { OutputStyles } from '../render/cell-styles.js';
import { createWorkbookWriter } from '../xlsx/write/workbook-writer.js';
import { DRAIN_EVERY } from './merge-output.js';

/** The sheet of the duplicates report (`duplicatesReport`). */
export const DUPLICATES_SHEET = 'Duplicates';
/** The duplicates report's file, a one-sheet workbook or CSV, written at the end of the run. */
export interface ReportFile {
  /**
   * Writes the header and the rows (each at most as wide as the header), with their cells'
   * number formats in a workbook.
   */
  write(columns: readonly string[], rows: readonly ReportRow[]): Promise<void>;
  /** The written report under its temporary name, for the run to put in place. */
  finish(): Promise<FinishedFile>;
  /** Removes the temp files left (see `MergeOutput.abort`). */
  abort(): Promise<void>;
}
/**
 * The report's file; a workbook's styles part is `styles`' (the merged workbook's, whose style
 * ids the rows carry), or the fixed one.
 */
export function createReportFile(
  file: string,
  format: OutputFormat,
  styles: OutputStyles | null = null,
): ReportFile {
  if (format === 'csv') {
    let writer: CsvWriter | null = null;
    return {
      async write(columns, rows) {
        const csv = createCsvWriter({ path: file });
        writer = csv;
        csv.widen(columns.length);
        await writeAll(
          rows,
          (row) => csv.writeRow(row.cells),
          () => csv.drain(),
        );
        await csv.end(columns);
      },
      async finish() {
        if (writer === null)
          throw new XlmergeError(ErrorCode.Internal, 'The report was not written');
        return writer.finish();
      },
      abort: async () => writer?.abort(),
    };
  }
  const writer = createWorkbookWriter(
    styles === null ? { path: file } : { path: file, styles: () => styles.toXml() },
  );
  return {
    async write(columns, rows) {
      const sheet = writer.addSheet(DUPLICATES_SHEET);
      await writeAll(
        rows,
        (row) => sheet.writeRow(row.cells, row.styles),
        () => sheet.drain(),
      );
      await sheet.end({ columns });
    },
    finish: () => writer.finish(),
    abort: () => writer.abort(),
  };
}
/** Writes `rows` one by one, waiting for the writer every few thousand. */
async function writeAll(
  rows: readonly ReportRow[],
  write: (row: ReportRow) => void,
  drain: () => Promise<void>,
): Promise<void> {
  let written = 0;
  for (const row of rows) {
    write(row);
    written += 1;
    if (written % DRAIN_EVERY === 0) await drain();
  }
  await drain();
}
/** The duplicates report: one line per dropped row (see {@link DuplicatesCollector}). */
export async function writeDuplicatesReport(
  file: ReportFile,
  duplicates: DuplicatesCollector,
  header: readonly string[],
  settings: Settings,
): Promise<void> {
  const reserved = settings.sourceColumn ? 1 : 0;
  await file.write([...DUPLICATES_COLUMNS, ...header.slice(reserved)], duplicates.rows(reserved));
}
