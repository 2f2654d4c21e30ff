/**
 * Which sheets of a workbook a run reads (`sheet`). The one place that decides, so the merge,
 * the dry run and `inspect` read the same sheets.
 */
import { sheetPatternMatcher } from '../core/sheet-pattern.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { SheetSelector, WantedSheet } from '../options.js';
import type { SheetInfo, WorkbookFormat } from '../reader/workbook-reader.js';

/** The sheets a workbook gives a run. */
export interface SelectedSheets {
  /** The sheets to read, in workbook order. */
  readonly sheets: readonly SheetInfo[];
  /**
   * Hidden and very hidden sheets the selection passed over that it would have read were they
   * visible: before the first visible one (the default), every one (`all`), those a pattern
   * matches. A hidden sheet is read only when named.
   */
  readonly hiddenPassedOver: readonly string[];
  /**
   * More than one sheet may be read (`all`, a pattern, several names): an empty sheet is then
   * passed over, not an error, as long as some sheet has rows.
   */
  readonly several: boolean;
}

/**
 * The sheets `selector` picks in a workbook with `sheets`; `SHEET_NOT_FOUND` when a name or
 * position it lists is not there, or when it picks nothing. A CSV file's one table is read
 * whatever the selector says: a folder may mix workbooks and CSV files, and `sheet: 'Q1'` is
 * meant for the workbooks.
 */
export function selectSheets(
  sheets: readonly SheetInfo[],
  format: WorkbookFormat,
  selector: SheetSelector,
  file: string,
): SelectedSheets {
  if (format === 'csv') return { sheets, hiddenPassedOver: [], several: false };
  const visible = sheets.filter((sheet) => sheet.state === 'visible');
  const hidden = sheets.filter((sheet) => sheet.state !== 'visible');
  if (selector.kind === 'first' || selector.kind === 'all') {
    const first = visible[0];
    if (first === undefined) throw noVisibleSheet(sheets, file);
    if (selector.kind === 'all') {
      return { sheets: visible, hiddenPassedOver: names(hidden), several: true };
    }
    const before = hidden.filter((sheet) => sheet.index < first.index);
    return { sheets: [first], hiddenPassedOver: names(before), several: false };
  }
  const chosen = new Set<SheetInfo>();
  const passedOver = new Set<SheetInfo>();
  /** Names and positions the workbook lacks. */
  const missing: string[] = [];
  /** Patterns that match no sheet at all, hidden ones included. */
  const unmatched: string[] = [];
  for (const wanted of selector.wanted) {
    if (wanted.kind === 'pattern') {
      const matches = sheetPatternMatcher(wanted.pattern);
      const matched = sheets.filter((sheet) => matches(sheet.name));
      if (matched.length === 0) unmatched.push(describeWanted(wanted));
      for (const sheet of matched) {
        if (sheet.state === 'visible') chosen.add(sheet);
        else passedOver.add(sheet);
      }
      continue;
    }
    const sheet = findSheet(sheets, wanted);
    if (sheet === undefined) missing.push(describeWanted(wanted));
    else chosen.add(sheet);
  }
  const several = selector.wanted.length > 1 || selector.wanted.some((w) => w.kind === 'pattern');
  if (missing.length > 0 || chosen.size === 0) {
    throw sheetNotFound(sheets, selector.wanted, missing, unmatched, file);
  }
  return {
    sheets: sheets.filter((sheet) => chosen.has(sheet)),
    hiddenPassedOver: names(sheets.filter((sheet) => passedOver.has(sheet) && !chosen.has(sheet))),
    several,
  };
}

/** A sheet by name (exactly, then ignoring case; hidden ones too), or by 1-based position. */
function findSheet(sheets: readonly SheetInfo[], wanted: WantedSheet): SheetInfo | undefined {
  if (wanted.kind === 'position') return sheets[wanted.position - 1];
  if (wanted.kind !== 'name') return undefined;
  const exact = sheets.find((sheet) => sheet.name === wanted.name);
  if (exact !== undefined) return exact;
  const folded = wanted.name.toLowerCase();
  const found = sheets.find((sheet) => sheet.name.toLowerCase() === folded);
  if (found !== undefined) return found;
  // A name of digits that names no sheet is a position.
  return /^[1-9]\d*$/.test(wanted.name) ? sheets[Number(wanted.name) - 1] : undefined;
}

/** How a person would write what was asked for: `"Q1"`, `number 3`, `"Q*"`. */
export function describeWanted(wanted: WantedSheet): string {
  if (wanted.kind === 'position') return `number ${wanted.position}`;
  return JSON.stringify(wanted.kind === 'name' ? wanted.name : wanted.pattern);
}

function names(sheets: readonly SheetInfo[]): string[] {
  return sheets.map((sheet) => sheet.name);
}

function listSheets(sheets: readonly SheetInfo[]): string {
  return sheets
    .map((sheet) => `"${sheet.name}"${sheet.state === 'visible' ? '' : ` (${stateWords(sheet)})`}`)
    .join(', ');
}

function stateWords(sheet: SheetInfo): string {
  return sheet.state === 'hidden' ? 'hidden' : 'very hidden';
}

/**
 * `missing` (names, positions) and `unmatched` (patterns that match no sheet, hidden or not) go
 * with the error, so the run can tell a sheet no workbook has (a typo) from one that some lack.
 */
function sheetNotFound(
  sheets: readonly SheetInfo[],
  wanted: readonly WantedSheet[],
  missing: readonly string[],
  unmatched: readonly string[],
  file: string,
): XlmergeError {
  const message =
    missing.length > 0
      ? `There is no sheet ${missing.join(', ')}`
      : `No visible sheet matches ${wanted.map(describeWanted).join(', ')}`;
  const hiddenOnly = missing.length === 0 && sheets.some((sheet) => sheet.state !== 'visible');
  return new XlmergeError(ErrorCode.SheetNotFound, message, {
    file,
    hint: `The workbook has ${sheets.length} sheet(s): ${listSheets(sheets)}${hiddenOnly ? '; a hidden sheet is read only when named exactly' : ''}`,
    missing: [...missing, ...unmatched],
    available: names(sheets),
  });
}

function noVisibleSheet(sheets: readonly SheetInfo[], file: string): XlmergeError {
  return new XlmergeError(ErrorCode.SheetNotFound, 'Every worksheet of the workbook is hidden', {
    file,
    hint: `Name the sheet to read with \`sheet\`: ${listSheets(sheets)}`,
    available: names(sheets),
  });
}
