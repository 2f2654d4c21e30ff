/*
 * The row engine: a worker's per-cell loop for the common case, compiled to WebAssembly
 * (build.sh). It reads the rows of a sheet's <sheetData> from UTF-8 bytes, and for each row
 * writes the row's cells as output XML (with the row-number placeholder 0, exactly as
 * renderRowCellsInto writes them), the row's key bytes (exactly as writeKey writes them), and
 * one record. Everything it does not handle it leaves to the JavaScript scanner: it stops at
 * the start of such a row ("bail") and says where, so the JavaScript path reads the rest of
 * the sheet from there. What it handles:
 *
 *   <row r="N" …>…</row> (any other attributes), rows and cells with `r`;
 *   <c r="A1" s="3" t="s|n|b" …/> or <c …><v>text</v></c>;
 *   shared strings (rendered, measured and keyed once per file: by strings_walk from the
 *   part's bytes, or by JavaScript where it leaves an item);
 *   numbers whose text is already what String() writes (at most 15 significant digits, plain
 *   notation), others formatted by JavaScript (js_format); date styles (1900 date system);
 *   booleans 0 and 1;
 *   when cells keep their number format, each data cell's output style (config.output_styles,
 *   by its `s`): ` s="G"` after its reference, and a date in such a style written as a number.
 *
 * A formula is skipped: the cell is its cached value. Anything else in a row (a formula without
 * a cached value or with a text result, inline strings, errors, whitespace, entities, a row
 * number or cell column that does not grow, a column the header did not name, …) is a bail.
 * No libc.
 *
 * This file holds the engine's state and includes its parts: engine-markup.c (reading a row's
 * markup), engine-output.c (writing cell markup), engine-numbers.c (numbers as String() writes
 * them), engine-rows.c (read_row, scan) and engine-strings.c (strings_walk). What it shares
 * with row-engine.ts is in engine-layout.h.
 */
#include "engine-layout.h"
#include "../../../core/excel-limits.h"

/*
 * JavaScript: String(Number(text)) for the number text at `text` (-0 as 0) written at `out`;
 * returns its length, or -1 when the text is not a number the JavaScript reader accepts.
 * With `date_key` 1, writes instead the key part of the date with that serial ("d" and the
 * epoch milliseconds).
 */
extern i32 js_format(u32 text, u32 length, u32 out, u32 date_key);
/* JavaScript: String(value) (-0 as 0) written at `out`; returns its length. */
extern i32 js_format_double(double value, u32 out);

/* Room for a number's text, written by JavaScript or kept as a key part. */
#define SCRATCH 64
/* u32s per shared string's record (engine.c reads each field by its own pointer). */
enum { STRING_FIELDS = sizeof(struct string_record) / sizeof(u32) };

/* Configuration, set by JavaScript (see row-engine.ts). */
static struct config config;

/* Results of the last scan, read by JavaScript. */
static struct result result;

static i32 have_header;
static u8 scratch[SCRATCH * 2];

/* Exported accessors: the configuration and result blocks, for JavaScript to fill and read. */
u32 config_address(void) { return (u32)&config; }
u32 result_address(void) { return (u32)&result; }
void reset(i32 header_known, u32 last_row) {
  have_header = header_known;
  result.last_row = last_row;
  result.blank_rows = 0;
}
/* Goes on after rows the JavaScript scanner read (blank rows keep counting). */
void resume(i32 header_known, u32 last_row) {
  have_header = header_known;
  result.last_row = last_row;
}

/*
 * The parts, in one translation unit: every function stays static (inlined where clang sees
 * fit), as when they were one file, and the module is the same byte for byte.
 */
#include "engine-markup.c"
#include "engine-output.c"
#include "engine-numbers.c"
#include "engine-rows.c"
#include "engine-strings.c"
