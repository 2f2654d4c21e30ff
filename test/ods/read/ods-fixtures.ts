/** Reading the .ods fixtures (fixtures/ods) and their .xlsx sources, for the .ods reader's tests. */
import { fileURLToPath } from 'node:url';
import type { CellValue } from '../../../src/core/cell.js';
import { type InputReader, openInput } from '../../../src/input/open-input.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../../../src/reader/read-limits.js';
import type { SheetRow, WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { trimRow } from '../../fixtures/writer-fixtures.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** One sheet read whole: its state and its rows with a value, trailing empty cells dropped. */
export interface ReadSheet {
  readonly name: string;
  readonly state: string;
  readonly rows: Map<number, CellValue[]>;
}

/** Opens any input as `openInput` does (an .ods file goes to the .ods reader). */
export function openFile(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS) {
  return openInput(file, { displayPath: file, limits, csvDelimiter: null, csvTypes: false });
}

/** Every sheet of a workbook, read to the end; the reader is closed. */
export async function readSheets(reader: InputReader | WorkbookReader): Promise<ReadSheet[]> {
  const sheets: ReadSheet[] = [];
  try {
    for (const sheet of reader.sheets) {
      const rows = new Map<number, CellValue[]>();
      for await (const batch of reader.readRows(sheet)) {
        for (const row of batch) {
          const cells = trimRow(row.cells);
          if (cells.length > 0) rows.set(row.number, cells);
        }
      }
      sheets.push({ name: sheet.name, state: sheet.state, rows });
    }
  } finally {
    await reader.close();
  }
  return sheets;
}

/** All the rows of one sheet, untrimmed, as the reader gives them. */
export async function readRowsOf(
  reader: InputReader | WorkbookReader,
  index = 0,
  outputStyles: Uint32Array | null = null,
): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  try {
    const sheet = reader.sheets[index];
    if (sheet === undefined) throw new Error(`no sheet ${index}`);
    for await (const batch of reader.readRows(sheet, { outputStyles })) rows.push(...batch);
  } finally {
    await reader.close();
  }
  return rows;
}
