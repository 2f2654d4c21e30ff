import { ErrorCode, XlmergeError } from '../errors.js';

/** Where in a workbook a sheet is being read: what a reader's error is told with. */
export interface ReadPlace {
  readonly file: string;
  readonly sheet: string;
  /** The zip part or compound-file stream. */
  readonly part: string;
}

/**
 * The error with the file, sheet and part it happened in (an error that names all three, such
 * as a shared part's, keeps its own). Errors that are not {@link XlmergeError}s are bugs (the
 * readers throw only those for bad input), so they become `INTERNAL`.
 */
export function withContext(error: unknown, where: ReadPlace): XlmergeError {
  if (!(error instanceof XlmergeError)) {
    return new XlmergeError(ErrorCode.Internal, `Reading the sheet failed: ${String(error)}`, {
      ...where,
      cause: error,
    });
  }
  if (error.file !== undefined && error.sheet !== undefined && error.part !== undefined) {
    return error;
  }
  return error.withContext(where);
}

/**
 * `NO_SHEETS`: the workbook part (or stream) lists no worksheet, only `otherSheets` chart or
 * macro sheets, whose cells are no data rows.
 */
export function noWorksheetsError(
  where: { readonly file: string; readonly part: string },
  otherSheets: number,
): XlmergeError {
  return new XlmergeError(
    ErrorCode.NoSheets,
    otherSheets > 0
      ? `The workbook has no worksheets, only ${otherSheets} chart or macro sheet(s)`
      : 'The workbook has no worksheets',
    { ...where, hint: 'Remove the file from the inputs' },
  );
}
