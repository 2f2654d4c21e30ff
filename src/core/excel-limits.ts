/**
 * Excel's sheet limits, written once. The reader refuses references past them, the writer and
 * the merge check the output against them, and the row engine (C) is built with the same
 * numbers (`build.sh` generates its header from this file).
 */

/** Rows in a sheet: 1,048,576 (2^20). */
export const MAX_ROWS = 1_048_576;
/** Data rows below a header row. */
export const MAX_DATA_ROWS = MAX_ROWS - 1;
/** Columns in a sheet: 16,384 (2^14), A to XFD. */
export const MAX_COLUMNS = 16_384;
/** Characters (UTF-16 code units) in one cell's text. */
export const MAX_CELL_TEXT = 32_767;
