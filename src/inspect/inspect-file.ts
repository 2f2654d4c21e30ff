import { type CellValue, isEmptyCell } from '../core/cell.js';
import { ColumnNamer, type HeaderRules } from '../core/header.js';
import { type FoundHeader, HeaderFinder, type NumberedRow } from '../core/header-row.js';
import { isGeneral, numberFormatKey } from '../core/number-formats.js';
import type { NamesSeen } from '../core/option-mistakes.js';
import { CsvReader } from '../csv/read/open-csv.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { isCsvPath, openInput } from '../input/open-input.js';
import { selectSheets } from '../input/select-sheets.js';
import type { Settings } from '../options.js';
import { type CellFormatIds, cellNumberFormats } from '../reader/cell-formats.js';
import type {
  SheetInfo,
  SheetRow,
  WorkbookFormat,
  WorkbookReader,
} from '../reader/workbook-reader.js';
import { ColumnUnion } from '../reduce/column-union.js';
import type { InputFile } from '../scan/scan-inputs.js';
import type {
  CsvFacts,
  InspectedFile,
  InspectedSheet,
  InspectProblem,
  WorkbookSheet,
} from './report.js';

/** A file's facts before the report's column union is known. */
export type FileFacts = Omit<InspectedFile, 'hasColumns'>;

/** What the file showed of the names the options ask for, for the run's own checks. */
export interface NamesInFile {
  /** Key columns its read sheets lack, and their columns; `null` when no header was read. */
  readonly keys: NamesSeen | null;
  /** For a workbook: the listed sheets it lacks and the sheets it has; `null` otherwise. */
  readonly sheets: NamesSeen | null;
  /** Old names of `rename` that renamed a column here. */
  readonly renamesUsed: readonly string[];
}

/**
 * Reads one workbook the way the merge would (same sheets, same header, same column names, same
 * blank-row rule) and says what it holds. A file that cannot be read becomes an `unreadable`
 * problem, never an exception, so one bad file does not hide the others; only cancellation
 * (`ABORTED`) is thrown.
 */
export async function inspectFile(
  input: InputFile,
  settings: Settings,
): Promise<{ facts: FileFacts; names: NamesInFile }> {
  const sheets: WorkbookSheet[] = [];
  let sheetNames: NamesSeen | null = null;
  const renamesUsed = new Set<string>();
  const read: InspectedSheet[] = [];
  const problems: InspectProblem[] = [];
  const hiddenSheets: string[] = [];
  let reader: WorkbookReader | null = null;
  let csv: CsvFacts | undefined;
  let numberFormats = 0;
  let format: WorkbookFormat | null = null;
  try {
    const opened = await openInput(input.path, {
      displayPath: input.display,
      limits: settings.limits,
      csvDelimiter: settings.csvDelimiter,
      csvTypes: settings.csvTypes,
    });
    reader = opened;
    format = opened.format;
    for (const sheet of reader.sheets) sheets.push({ name: sheet.name, state: sheet.state });
    const selected = selectSheets(reader.sheets, reader.format, settings.sheet, input.display);
    if (reader.format !== 'csv') sheetNames = { missing: [], available: [] };
    hiddenSheets.push(...selected.hiddenPassedOver);
    // Rows carry each data cell's style, as its own number plus 1 (0 meaning none).
    const formatIds = await opened.readFormatIds(settings.signal);
    const styles: StylesSeen | null =
      formatIds === null
        ? null
        : {
            table: Uint32Array.from(formatIds.ids, (_, style) => style + 1),
            used: new Set(),
          };
    for (const info of selected.sheets) {
      const sheet = await inspectSheet(reader, info, settings, styles);
      read.push(sheet.inspected);
      for (const used of sheet.renamesUsed) renamesUsed.add(used);
    }
    if (formatIds !== null && styles !== null) numberFormats = countFormats(formatIds, styles.used);
  } catch (error) {
    if (error instanceof XlmergeError && error.code === ErrorCode.Aborted) throw error;
    if (
      error instanceof XlmergeError &&
      error.code === ErrorCode.SheetNotFound &&
      !isCsvPath(input.path)
    ) {
      sheetNames = { missing: error.missing ?? [], available: error.available ?? [] };
    }
    problems.push(unreadable(error, input.display));
  } finally {
    // After reading: the encoding is known once the first non-ASCII byte was seen.
    if (reader instanceof CsvReader) csv = csvFacts(reader);
    await reader?.close();
  }
  for (const sheet of read) {
    if (sheet.missingKeyColumns.length > 0) {
      problems.push({
        kind: 'missingKeyColumns',
        sheet: sheet.name,
        columns: sheet.missingKeyColumns,
      });
    }
  }
  // With `sheet: 'all'` the merge passes over empty sheets; a file is empty only when all are.
  const empty = read.filter(isEmptySheet);
  if (empty.length > 0 && empty.length === read.length) {
    problems.push({ kind: 'empty', sheets: empty.map((sheet) => sheet.name) });
  }
  const union = new ColumnUnion(0, { match: settings.matchHeaders, selected: null });
  for (const sheet of read) union.add(sheet.columns.map((name, source) => ({ source, name })));
  const withHeader = read.filter((sheet) => sheet.headerRow !== null);
  const names: NamesInFile = {
    keys:
      withHeader.length === 0
        ? null
        : {
            missing: [...new Set(withHeader.flatMap((sheet) => sheet.missingKeyColumns))],
            available: union.dataNames,
          },
    sheets: sheetNames,
    renamesUsed: [...renamesUsed],
  };
  const facts: FileFacts = {
    file: input.display,
    path: input.path,
    format,
    sheets,
    read,
    hiddenSheets,
    columns: union.dataNames,
    rows: read.reduce((sum, sheet) => sum + sheet.rows, 0),
    numberFormats,
    problems,
    ...(csv === undefined ? {} : { csv }),
  };
  return { facts, names };
}

/** The styles a file's data cells have: the table that tells them apart, and those seen. */
interface StylesSeen {
  readonly table: Uint32Array;
  readonly used: Set<number>;
}

/** How many distinct number formats, General aside, the cell styles `used` have. */
function countFormats(formatIds: CellFormatIds, used: ReadonlySet<number>): number {
  const formats = cellNumberFormats(formatIds);
  const distinct = new Set<string>();
  for (const style of used) {
    const format = formats.formatOf(style);
    if (!isGeneral(format)) distinct.add(numberFormatKey(format));
  }
  return distinct.size;
}

function csvFacts(reader: CsvReader): CsvFacts {
  return {
    encoding: reader.encoding,
    bom: reader.bom,
    delimiter: reader.delimiter,
    delimiterDetected: reader.delimiterDetected,
    sepLine: reader.sepLine,
  };
}

async function inspectSheet(
  reader: WorkbookReader,
  info: SheetInfo,
  settings: Settings,
  styles: StylesSeen | null,
): Promise<{ inspected: InspectedSheet; renamesUsed: readonly string[] }> {
  const counter = new SheetCounter(settings);
  const options = {
    outputStyles: styles?.table ?? null,
    ...(settings.signal === undefined ? {} : { signal: settings.signal }),
  };
  for await (const batch of reader.readRows(info, options)) {
    for (const row of batch) counter.add(row);
  }
  if (styles !== null) for (const style of counter.styles) styles.used.add(style - 1);
  return {
    inspected: counter.result(info.name, settings.headerRow),
    renamesUsed: counter.renamesUsed(),
  };
}

/** A sheet with nothing at or below its header row. */
function isEmptySheet(sheet: InspectedSheet): boolean {
  return sheet.columns.length === 0 && sheet.rows === 0;
}

function unreadable(error: unknown, file: string): InspectProblem {
  const known =
    error instanceof XlmergeError
      ? error
      : new XlmergeError(ErrorCode.Internal, `Unexpected error: ${String(error)}`, {
          file,
          cause: error,
        });
  return { kind: 'unreadable', code: known.code, description: known.describe({ withFile: false }) };
}

/**
 * Finds the header and counts the rows of one sheet with the rules of the merge's `SheetRows`
 * (src/worker/sheet-rows.ts): the header is found by the same `HeaderFinder`; blank rows are
 * counted apart; columns that only data reaches are named as they appear; key columns are
 * looked up in the header alone.
 */
class SheetCounter {
  readonly #finder: HeaderFinder;
  readonly #keyColumns: readonly string[] | 'all' | null;
  readonly #headers: HeaderRules;
  #namer: ColumnNamer | null = null;
  #found: FoundHeader | null = null;
  #missingKeyColumns: string[] = [];
  #rows = 0;
  #blankRows = 0;
  /** The cell styles of the data cells, each plus 1 (see `inspectFile`). */
  readonly styles = new Set<number>();

  constructor(settings: Settings) {
    this.#finder = new HeaderFinder(settings.headerRow);
    this.#keyColumns = settings.keyColumns;
    this.#headers = { rename: settings.rename, match: settings.matchHeaders };
  }

  add(row: SheetRow): void {
    if (this.#namer === null) {
      const found = this.#finder.add(row);
      if (found !== null) this.#start(found);
      return;
    }
    this.#addData(row);
  }

  result(name: string, headerRow: number | null): InspectedSheet {
    const ended = this.#finder.end();
    if (ended !== null) this.#start(ended);
    const found = this.#found;
    return {
      name,
      headerRow: found?.header.number ?? headerRow,
      headerChoice: found?.choice ?? null,
      titleLines: found?.titleLines ?? [],
      rows: this.#rows,
      blankRows: this.#blankRows,
      columns: (this.#namer?.columns() ?? []).map((column) => column.name),
      missingKeyColumns: this.#missingKeyColumns,
    };
  }

  renamesUsed(): string[] {
    return this.#namer?.renamesUsed() ?? [];
  }

  #addData(row: NumberedRow & { readonly styles?: readonly number[] | null }): void {
    if (isBlank(row.cells)) {
      this.#blankRows += 1;
      return;
    }
    this.#rows += 1;
    (this.#namer as ColumnNamer).addCells(row.cells);
    if (row.styles != null) for (const style of row.styles) if (style !== 0) this.styles.add(style);
  }

  #start(found: FoundHeader): void {
    const namer = new ColumnNamer(found.header.cells, this.#headers);
    this.#namer = namer;
    this.#found = found;
    const wanted = this.#keyColumns;
    if (wanted !== null && wanted !== 'all') {
      this.#missingKeyColumns = wanted.filter((name) => namer.indexOf(name) === undefined);
    }
    for (const row of found.rows) this.#addData(row);
  }
}

function isBlank(cells: readonly CellValue[]): boolean {
  return cells.every(isEmptyCell);
}
