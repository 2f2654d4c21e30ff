/**
 * Test workbooks written and read with exceljs, which is independent of xlmerge's own reader
 * and writer, so a test never checks xlmerge against itself.
 */
import ExcelJS from 'exceljs';

/** A cell as tests write and expect it: dates as `Date` (UTC), errors as `{ error }`. */
export type TestCell = string | number | boolean | Date | { error: string } | null;

export interface TestSheet {
  readonly name: string;
  readonly rows: readonly (readonly TestCell[])[];
  /** @default 'visible' */
  readonly state?: 'visible' | 'hidden' | 'veryHidden';
}

/** Writes a workbook whose sheets hold `rows` from A1 (null leaves a cell empty). */
export async function writeWorkbook(file: string, sheets: readonly TestSheet[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(Date.UTC(2024, 0, 1));
  workbook.modified = new Date(Date.UTC(2024, 0, 1));
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { state: sheet.state ?? 'visible' });
    sheet.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        if (value === null) return;
        const cell = worksheet.getCell(r + 1, c + 1);
        if (value instanceof Date) {
          cell.value = value;
          cell.numFmt =
            value.getUTCHours() + value.getUTCMinutes() === 0 ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm';
        } else if (typeof value === 'object') {
          cell.value = { error: value.error } as ExcelJS.CellErrorValue;
        } else {
          cell.value = value;
        }
      });
    });
  }
  await workbook.xlsx.writeFile(file);
}

/** A single-sheet workbook. */
export function writeTable(file: string, rows: readonly (readonly TestCell[])[], name = 'Sheet1') {
  return writeWorkbook(file, [{ name, rows }]);
}

export interface ReadBack {
  readonly sheets: string[];
  /** Rows of the first sheet, each trimmed of trailing empty cells. */
  readonly rows: TestCell[][];
  readonly worksheet: ExcelJS.Worksheet;
}

/** Reads a workbook with exceljs: the sheet names and the first sheet's cell values. */
export async function readWorkbook(file: string, sheetIndex = 0): Promise<ReadBack> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const worksheet = workbook.worksheets[sheetIndex];
  if (worksheet === undefined) throw new Error(`no sheet ${sheetIndex} in ${file}`);
  const rows: TestCell[][] = [];
  worksheet.eachRow({ includeEmpty: true }, (row, number) => {
    const cells: TestCell[] = [];
    for (let c = 1; c <= row.cellCount; c += 1) cells.push(toTestCell(row.getCell(c).value));
    while (cells.length > 0 && cells.at(-1) === null) cells.pop();
    rows[number - 1] = cells;
  });
  for (let i = 0; i < rows.length; i += 1) rows[i] ??= [];
  return { sheets: workbook.worksheets.map((sheet) => sheet.name), rows, worksheet };
}

function toTestCell(value: ExcelJS.CellValue): TestCell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('error' in value) return { error: value.error };
    if ('richText' in value) return value.richText.map((run) => run.text).join('');
    if ('result' in value) return toTestCell(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    return JSON.stringify(value);
  }
  return value;
}

export function utc(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}
