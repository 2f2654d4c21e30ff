/*
 * What engine.c and row-engine.ts share: the blocks JavaScript fills and reads in the engine's
 * memory, the records and tables they point at, and the values both sides give meaning to.
 * The TypeScript side, engine-layout.ts, is generated from this header by
 * src/wasm/generate-layout.mjs (build.sh runs it), which asks clang for every value and
 * offset: change the layout here, never there. Its rules: a named enum becomes a const object
 * of the same name in PascalCase, its members in PascalCase without their common prefix (F_,
 * S_, …); the constants of an unnamed enum keep their names; a struct becomes a const object
 * of each field's index in u32 words (every field must be 4 bytes), and NAME_WORDS its size.
 * Doc comments (slash and two stars) go with them; other comments stay here.
 */
#ifndef ENGINE_LAYOUT_H
#define ENGINE_LAYOUT_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;

/** What {@link RowEngine.scan} stopped at (what engine.c's `scan` returns). */
enum scan_status {
  /** The rest of the input is an incomplete row: give it again with more bytes after it. */
  NEED_MORE = 0,
  /** At `</sheetData>`. */
  END = 1,
  /** The header row was read: set the columns up, then go on. */
  HEADER = 2,
  /** A row the engine does not handle starts here: the JavaScript scanner reads on. */
  BAIL = 3,
  /** The output buffers are full: take the rows, then go on. */
  FULL = 4
};

/**
 * The fragments of cell markup the engine copies, by their names in `CELL_FRAGMENTS`
 * (render/cell-xml.ts), which row-engine.ts lays out in this order.
 */
enum fragment {
  F_NUMBER,
  F_VALUE_END,
  F_TRUE,
  F_FALSE,
  F_DATE,
  F_DATE_TIME,
  F_TIME,
  F_ELAPSED,
  F_TEXT,
  F_TEXT_PRESERVE,
  F_TEXT_END,
  /** Before a kept style's id (config.output_styles), right after `<c r="A\0`. */
  F_STYLE_START
};

/**
 * A shared string's flags. Empty and Unusable are the empty string and text the engine leaves
 * to JavaScript (a cell with it goes to the scanner); while a table loads, KeyByJs and ItemByJs
 * mark a key or an item strings_walk left to JavaScript.
 */
enum string_flag { S_EMPTY = 1, S_UNUSABLE = 2, S_KEY_BY_JS = 4, S_ITEM_BY_JS = 8 };

/** How keys compare text (config.key_options): --ignore-case, --trim. */
enum key_option { IGNORE_CASE = 1, TRIM = 2 };

/** A style's date flag (config.date_styles): the values of NumberFormatKind. */
enum date_style { STYLE_NUMBER = 0, STYLE_DATE = 1, STYLE_ELAPSED = 2 };

enum {
  /** The most key columns the engine keys rows on. */
  MAX_KEY_COLUMNS = 64,
  /** Bytes per column in config.letters: the letters' count, then up to 3 letters. */
  COLUMN_LETTERS_BYTES = 4,
  /** A cell width entry is column << CELL_WIDTH_BITS | width. */
  CELL_WIDTH_BITS = 16
};

/**
 * A shared string's record, in the table JavaScript lays out (one record per string, so a cell
 * reads one cache line). engine.c reads each field through its pointer in `config`
 * (body_start, …), which JavaScript points at that field in the first record.
 */
struct string_record {
  /** Where its rendered cell body (after `<c r="A\0`) starts, from config.string_bytes. */
  u32 body_start;
  /** The body's length. */
  u32 body_length;
  /** Where its key part starts, from config.string_bytes. */
  u32 key_start;
  /** The key part's length (0: it keys as empty). */
  u32 key_length;
  /** Its width in the output (characters up to the first line feed). */
  u32 width;
  /** Its string_flag bits. */
  u32 flags;
};

/** A row the engine read, in config.records. */
struct row_record {
  /** The row's number. */
  u32 number;
  /** Where the row's cell XML ends in config.out. */
  u32 out_end;
  /** Where its key ends in config.keys. */
  u32 key_end;
  /** 1 when a key column has a value, else 0. */
  u32 present;
  /** Where its entries end in config.cell_widths. */
  u32 widths_end;
};

/** A non-empty cell of the header row, in config.header. */
struct header_cell {
  /** Its column. */
  u32 column;
  /** Its shared string's index. */
  u32 string;
};

/** Where a fragment of cell markup is in config.fragment_bytes. */
struct fragment_span {
  u32 offset;
  u32 length;
};

/** The engine's configuration, set by JavaScript (see row-engine.ts). */
struct config {
  /** The shared strings' rendered bodies and key parts. */
  const u8 *string_bytes;
  /** The strings' records (struct string_record): each pointer is its field in the first. */
  const u32 *body_start;
  const u32 *body_length;
  const u32 *key_start;
  const u32 *key_length;
  const u32 *string_width;
  const u32 *string_flags;
  u32 string_count;
  /** A date_style per style. */
  const u8 *date_styles;
  u32 style_count;
  /**
   * When cells keep their number format: the output's style id per source style (a cell's
   * `s`), 0 for General (no `s` written); a style past the table's end is 0. No table: count 0.
   */
  const u32 *output_styles;
  u32 output_style_count;
  /** The fragments of cell markup: an enum fragment's span into fragment_bytes. */
  const u8 *fragment_bytes;
  const u32 *fragments;
  /** Once the header is known: each column's letters, whether the header names it. */
  const u8 *letters;
  const u8 *named;
  u32 column_count;
  /** The key's source columns, in key order. */
  const u32 *key_columns;
  u32 key_column_count;
  /** The outputs: rows' cell XML, a record per row, cell widths, keys, the header's cells. */
  u8 *out;
  u32 out_capacity;
  u32 *records;
  u32 record_capacity;
  /** Per non-empty cell of a row: column << CELL_WIDTH_BITS | width. */
  u32 *cell_widths;
  u32 cell_width_capacity;
  u8 *keys;
  u32 key_capacity;
  u32 *header;
  u32 header_capacity;
  /** For strings_walk: the most XML bytes in one item, the most items, key_option bits. */
  u32 max_item_bytes;
  u32 max_strings;
  u32 key_options;
};

/** The results of the last scan (or strings_walk), read by JavaScript. */
struct result {
  /** How far the scan got in its input. */
  u32 consumed;
  u32 out_used;
  u32 record_count;
  u32 key_used;
  u32 width_used;
  /** Blank rows (after the header) since the sheet started. */
  u32 blank_rows;
  /** The number of the last row read. */
  u32 last_row;
  /** The header row's non-empty cells and number, when the scan stopped at HEADER. */
  u32 header_cells;
  u32 header_row;
  /** Of the last strings_walk: items, rendered bytes, key bytes, items or keys left to JavaScript. */
  u32 string_items;
  u32 string_rendered;
  u32 string_keys;
  u32 string_left;
};

/*
 * The records and tables above are laid out by JavaScript and read by engine.c as u32 arrays:
 * WORD_OF(row_record, out_end) is a field's index in its record, WORDS_OF(row_record) a
 * record's size in u32s. (Reading them as structs would change the alias analysis the compiled
 * code is built on, and the binary with it.)
 */
#define WORD_OF(type, field) (__builtin_offsetof(struct type, field) / sizeof(u32))
#define WORDS_OF(type) (sizeof(struct type) / sizeof(u32))

#endif
