/**
 * Excel's sheet limits, written once. The reader refuses references past them, the writer and
 * the merge check the output against them, and the C cores (the row engine, the row copier) are
 * built with the same numbers: src/wasm/generate-limits.mjs generates excel-limits.h from this
 * file (src/wasm/build.sh runs it; a test checks the committed header). Keep to
 * `export const NAME = expression;` of integers, names above, + - * and parentheses: it reads
 * nothing else.
 */

/** Rows in a sheet: 1,048,576 (2^20). */
export const MAX_ROWS = 1_048_576;
/** Data rows below a header row. */
export const MAX_DATA_ROWS = MAX_ROWS - 1;
/** Columns in a sheet: 16,384 (2^14), A to XFD. */
export const MAX_COLUMNS = 16_384;
/** Characters (UTF-16 code units) in one cell's text. */
export const MAX_CELL_TEXT = 32_767;
