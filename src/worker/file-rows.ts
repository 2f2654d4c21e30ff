import { dedupeKeys, splitIndexes } from '../core/dedupe.js';
import { KeyPacker, keyIdentity } from '../core/packed-keys.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { SelectedSheets } from '../input/select-sheets.js';
import type { FileResult, ParseTask, SheetResult } from './protocol.js';
import type { SheetRows } from './sheet-rows.js';

/** One file's rows over all its sheets: the in-file dedupe, the counts, and the result. */
export class FileRows {
  readonly task: ParseTask;
  /** With keep `first`: the file's surviving keys so far, over all its sheets, packed. */
  readonly packer = new KeyPacker();
  readonly sheets: SheetRows[] = [];
  /** Sheets read that had no header row. */
  readonly emptySheets: string[] = [];
  duplicates = 0;
  blankRows = 0;
  formulasWithoutValue = 0;
  cellsWithoutFormat = 0;
  truncatedCells = 0;

  readonly selected: SelectedSheets;

  constructor(task: ParseTask, selected: SelectedSheets) {
    this.task = task;
    this.selected = selected;
  }

  endSheet(sheet: SheetRows): void {
    sheet.endRendering();
    if (!sheet.hasHeader) {
      this.emptySheets.push(sheet.info.name);
      if (!this.selected.several) {
        const headerRow = this.task.headerRow;
        const message =
          headerRow === null
            ? 'The sheet is empty: it has no header row'
            : `The sheet has no rows from row ${headerRow} (the header row asked for) on`;
        throw new XlmergeError(ErrorCode.EmptySheet, message, {
          file: this.task.display,
          sheet: sheet.info.name,
          hint: 'Choose another sheet with `sheet`, or remove the file from the inputs',
        });
      }
      return;
    }
    this.blankRows += sheet.blankRows;
    this.sheets.push(sheet);
  }

  finish(): Omit<FileResult, 'format' | 'inflatedBytes'> {
    if (this.sheets.length === 0 && this.emptySheets.length > 0) {
      // With several sheets an empty one is passed over, but a file with nothing at all is an error.
      throw new XlmergeError(
        ErrorCode.EmptySheet,
        `Every sheet is empty (${this.emptySheets.map((name) => `"${name}"`).join(', ')})`,
        { file: this.task.display, hint: 'Remove the file from the inputs' },
      );
    }
    let repeatedKeys: string[] = [];
    let results: SheetResult[];
    if (this.task.keep === 'first') {
      results = this.sheets.map((sheet) => sheet.result(null));
    } else {
      // `last` and `none` can only decide once every row of the file has been seen.
      const dedupe = dedupeKeys(
        this.sheets.flatMap((sheet) => sheet.keys),
        this.task.keep,
      );
      this.duplicates = dedupe.dropped;
      repeatedKeys = dedupe.repeatedKeys.map(keyIdentity);
      const kept = splitIndexes(
        dedupe.kept,
        this.sheets.map((sheet) => sheet.keys.length),
      );
      results = this.sheets.map((sheet, i) => sheet.result(kept[i] ?? []));
    }
    return {
      sheets: results,
      hiddenSheets: this.selected.hiddenPassedOver,
      renamesUsed: [...new Set(this.sheets.flatMap((sheet) => sheet.renamesUsed()))],
      rowsRead: this.sheets.reduce((sum, sheet) => sum + sheet.rowsRead, 0),
      blankRows: this.blankRows,
      duplicatesInFile: this.duplicates,
      repeatedKeys,
      formulasWithoutValue: this.formulasWithoutValue,
      cellsWithoutFormat: this.cellsWithoutFormat,
      truncatedCells: this.truncatedCells,
    };
  }
}
