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
 *   shared strings (rendered, measured and keyed once per file: by strings_walk below from
 *   the part's bytes, or by JavaScript where it leaves an item);
 *   numbers whose text is already what String() writes (at most 15 significant digits, plain
 *   notation), others formatted by JavaScript (js_format); date styles (1900 date system);
 *   booleans 0 and 1.
 *
 * A formula is skipped: the cell is its cached value. Anything else in a row (a formula without
 * a cached value or with a text result, inline strings, errors, whitespace, entities, a row
 * number or cell column that does not grow, a column the header did not name, …) is a bail.
 * No libc.
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

static i32 is_name_char(u8 c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '_' || c == '-' || c == '.';
}

/* An attribute name: not empty, and not starting with a digit, '-' or '.'. */
static i32 is_name(const u8 *s, u32 name, u32 name_end) {
  if (name_end == name) return 0;
  u8 c = s[name];
  return !((c >= '0' && c <= '9') || c == '-' || c == '.');
}

/* An xmlns attribute: a namespace declared inside the data, which the scanner must see. */
static i32 is_namespace(const u8 *s, u32 name, u32 name_end) {
  return name_end - name >= 5 && s[name] == 'x' && s[name + 1] == 'm' && s[name + 2] == 'l' &&
         s[name + 3] == 'n' && s[name + 4] == 's';
}

/* Moves *at past an attribute value and its closing quote: 0; 1 when the input ends first; -1 on `&` or `<`. */
static i32 skip_value(const u8 *s, u32 end, u32 *at) {
  u32 i = *at;
  while (i < end && s[i] != '"') {
    if (s[i] == '&' || s[i] == '<') return -1;
    i++;
  }
  if (i >= end) return 1;
  *at = i + 1;
  return 0;
}

/* Fragment `which`'s offset or length (config.fragments is an array of struct fragment_span). */
#define FRAGMENT(which, field) \
  config.fragments[WORDS_OF(fragment_span) * (which) + WORD_OF(fragment_span, field)]

static u8 *put_fragment(u8 *o, u32 which) {
  const u8 *bytes = config.fragment_bytes + FRAGMENT(which, offset);
  u32 length = FRAGMENT(which, length);
  for (u32 k = 0; k < length; k++) o[k] = bytes[k];
  return o + length;
}

/*
 * Copies n bytes from s to o eight at a time, for the cells scan writes: it may write up to 7
 * bytes past o + n (the output's room checks leave 8) and read up to 7 past s + n (never past
 * the memory: s is in the fixed areas or the file's, and the input follows them).
 */
static u8 *copy_words(u8 *o, const u8 *s, u32 n) {
  for (u32 k = 0; k < n; k += 8) {
    unsigned long long word;
    __builtin_memcpy(&word, s + k, 8);
    __builtin_memcpy(o + k, &word, 8);
  }
  return o + n;
}

/* put_fragment for scan: eight bytes at a time (see copy_words). */
static u8 *put_fragment_fast(u8 *o, u32 which) {
  return copy_words(o, config.fragment_bytes + FRAGMENT(which, offset), FRAGMENT(which, length));
}

static u8 *put_digits(u8 *o, u32 value) {
  u8 digits[12];
  u32 n = 0;
  do {
    digits[n++] = (u8)('0' + value % 10);
    value /= 10;
  } while (value > 0);
  while (n > 0) *o++ = digits[--n];
  return o;
}

/*
 * The significant digits of `text` when it is written as String() writes numbers, whatever
 * their count: optional minus, no leading zero, no trailing zero after the point, at most
 * `most_integer` integer digits, at least 1e-6 (no exponent), not -0; else 0.
 */
static u32 canonical_significant(const u8 *t, u32 n, u32 most_integer) {
  u32 i = 0;
  if (n == 0) return 0;
  if (t[0] == '-') i = 1;
  if (i >= n) return 0;
  u32 integer_start = i;
  if (t[i] == '0') i++;
  else {
    while (i < n && t[i] >= '0' && t[i] <= '9') i++;
  }
  u32 integer_digits = i - integer_start;
  if (integer_digits == 0 || integer_digits > most_integer) return 0;
  i32 zero_integer = integer_digits == 1 && t[integer_start] == '0';
  if (i == n) {
    if (zero_integer && integer_start == 1) return 0; /* "-0" is written "0" */
    return integer_digits;
  }
  if (t[i] != '.') return 0;
  i++;
  u32 fraction_start = i;
  while (i < n && t[i] >= '0' && t[i] <= '9') i++;
  if (i != n || i == fraction_start || t[n - 1] == '0') return 0;
  u32 significant;
  if (zero_integer) {
    u32 zeros = 0;
    while (t[fraction_start + zeros] == '0') zeros++;
    if (zeros > 5) return 0;
    significant = n - fraction_start - zeros;
  } else {
    significant = integer_digits + (n - fraction_start);
  }
  return significant;
}

/*
 * Whether `text` is already the text String() gives its number: optional minus, no leading
 * zero, no trailing zero after the point, at most 15 significant digits and 15 integer digits,
 * at least 1e-6 (no exponent), and not -0. Such a decimal is the shortest that reads back as
 * its double, since two different decimals of at most 15 digits never read as the same double.
 */
static i32 is_plain_number(const u8 *t, u32 n) {
  return canonical_significant(t, n, 15) - 1 < 15u;
}

static const double POWERS_OF_TEN[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * The double nearest a plain decimal `-?digits(.digits)?`, when one IEEE operation gives it
 * exactly (Clinger's fast path): the digits without the point make an integer below 2^53, and
 * at most 22 of them follow the point. Then m / 10^k, both exact, is rounded once, as Number()
 * rounds. Returns 0 for any other text.
 */
static i32 read_exact_decimal(const u8 *t, u32 n, double *value) {
  u32 i = 0;
  i32 negative = 0;
  if (n > 0 && t[0] == '-') {
    negative = 1;
    i = 1;
  }
  if (i >= n) return 0;
  unsigned long long m = 0;
  u32 fraction = 0;
  i32 point = 0;
  i32 digits = 0;
  for (; i < n; i++) {
    u8 c = t[i];
    if (c == '.') {
      if (point) return 0;
      point = 1;
      continue;
    }
    if (c < '0' || c > '9') return 0;
    m = m * 10 + (u32)(c - '0');
    if (m >= (1ull << 53)) return 0;
    digits++;
    if (point) fraction++;
  }
  if (digits == 0 || fraction > 22) return 0;
  double x = (double)m / POWERS_OF_TEN[fraction];
  *value = negative ? -x : x;
  return 1;
}

/* Whether m / 10^fraction reads as `value` (m below 2^53: one exact division). */
static i32 reads_as(unsigned long long m, u32 fraction, double value) {
  return m < (1ull << 53) && (double)m / POWERS_OF_TEN[fraction] == value;
}

/*
 * Whether `text`, of 16 significant digits written as String() writes numbers and read exactly
 * as `value` by read_exact_decimal, is what String(value) gives: no decimal of 15 digits or
 * fewer reads as value, and no other of 16. value's rounding interval is at most 2.2 units of
 * the 16th digit wide (a double's spacing is at most 2^-52 of it, a 16th digit at least 10^-16),
 * so the only candidates are the two 15-digit neighbours and the 16-digit ones up to 2 away.
 */
static i32 is_shortest_16(const u8 *t, u32 n, double value) {
  unsigned long long m = 0;
  u32 fraction = 0;
  i32 point = 0;
  for (u32 i = 0; i < n; i++) {
    if (t[i] == '-') continue;
    if (t[i] == '.') {
      point = 1;
      continue;
    }
    m = m * 10 + (u32)(t[i] - '0');
    if (point) fraction++;
  }
  double magnitude = value < 0 ? -value : value;
  unsigned long long low = m / 10 * 10;
  if (reads_as(low, fraction, magnitude) || reads_as(low + 10, fraction, magnitude)) return 0;
  for (unsigned long long other = m - 2; other <= m + 2; other++) {
    if (other != m && reads_as(other, fraction, magnitude)) return 0;
  }
  /* A neighbour past 2^53 cannot be checked this way: leave it to JavaScript. */
  return low + 10 < (1ull << 53) && m + 2 < (1ull << 53);
}

/* A cell's column from the letters of `r` (then digits); -1 if malformed. */
static i32 read_column(const u8 *s, u32 start, u32 end) {
  u32 i = start;
  i32 column = 0;
  while (i < end && s[i] >= 'A' && s[i] <= 'Z' && i - start < 3) column = column * 26 + (s[i++] - 'A' + 1);
  if (i == start || i == end) return -1;
  for (u32 k = i; k < end; k++) {
    if (s[k] < '0' || s[k] > '9') return -1;
  }
  return column - 1;
}

static i32 read_number(const u8 *s, u32 start, u32 end, u32 limit) {
  if (start == end || end - start > 9) return -1;
  u32 value = 0;
  for (u32 k = start; k < end; k++) {
    if (s[k] < '0' || s[k] > '9') return -1;
    value = value * 10 + (s[k] - '0');
  }
  return value > limit ? -1 : (i32)value;
}

static i32 matches(const u8 *s, u32 at, u32 end, const char *text) {
  for (u32 k = 0; text[k] != 0; k++) {
    if (at + k >= end || s[at + k] != (u8)text[k]) return 0;
  }
  return 1;
}

/*
 * Skips `<f …/>` or `<f …>text</f>` at s[at]: returns the position after it, 0 when it is not
 * all in [at, end), -1 for anything else (markup or an entity inside, a quote that does not end).
 */
static i32 skip_formula(const u8 *s, u32 at, u32 end) {
  u32 i = at + 2;
  if (i >= end) return 0;
  if (s[i] != ' ' && s[i] != '>' && s[i] != '/') return -1;
  u8 quote = 0;
  for (;; i++) {
    if (i >= end) return 0;
    u8 c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      else if (c == '<') return -1;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '<') {
      return -1;
    } else if (c == '>') {
      break;
    }
  }
  if (s[i - 1] == '/') return (i32)(i + 1);
  for (i++;; i++) {
    if (i >= end) return 0;
    if (s[i] == '<') break;
    if (s[i] == '&') return -1; /* an entity: the scanner checks it */
  }
  if (i + 4 > end) return 0;
  if (!matches(s, i, end, "</f>")) return -1;
  return (i32)(i + 4);
}


/*
 * The attributes of a cell in the form writers use, ` r="B2"` then optional ` s="3"` and
 * ` t="s|n|b"`, read directly from s[at] (the space before `r`): returns the position of the
 * `>` or `/` after them, or 0 for any other form (read_row's general loop reads those, or
 * bails). What it accepts, the general loop reads the same way.
 */
static u32 read_cell_attributes(const u8 *s, u32 at, u32 end, i32 *column, u32 *style, u8 *type) {
  u32 i = at;
  if (i + 4 >= end || s[i + 1] != 'r' || s[i + 2] != '=' || s[i + 3] != '"') return 0;
  u32 value = i + 4;
  i = value;
  while (i < end && s[i] != '"' && i - value < 12) i++;
  if (i >= end || s[i] != '"') return 0;
  i32 found = read_column(s, value, i);
  if (found < 0) return 0;
  i++;
  u32 found_style = 0;
  if (i + 4 < end && s[i] == ' ' && s[i + 1] == 's' && s[i + 2] == '=' && s[i + 3] == '"') {
    value = i + 4;
    i = value;
    while (i < end && s[i] >= '0' && s[i] <= '9') i++;
    if (i >= end || s[i] != '"') return 0;
    i32 parsed = read_number(s, value, i, 0x7fffffff);
    if (parsed < 0) return 0;
    found_style = (u32)parsed;
    i++;
  }
  u8 found_type = 'n';
  if (i + 6 < end && s[i] == ' ' && s[i + 1] == 't' && s[i + 2] == '=' && s[i + 3] == '"' && s[i + 5] == '"') {
    found_type = s[i + 4];
    if (found_type != 's' && found_type != 'n' && found_type != 'b') return 0;
    i += 6;
  }
  if (i >= end || (s[i] != '>' && s[i] != '/')) return 0;
  *column = found;
  *style = found_style;
  *type = found_type;
  return i;
}

/* A key column's part of the row's key: where in `scratch`-like storage it is. */
static struct {
  const u8 *bytes;
  u32 length;
} parts[MAX_KEY_COLUMNS];
static u8 part_storage[MAX_KEY_COLUMNS][SCRATCH];

/*
 * Reads one row starting at s[at] ('<' of <row). Returns the position after it, 0 when the row
 * is not complete in [at, end), or -1 to bail.
 */
static i32 read_row(const u8 *s, u32 at, u32 end) {
  u32 i = at + 4;
  u32 number = result.last_row + 1;
  for (;;) {
    if (i >= end) return 0;
    u8 c = s[i];
    if (c == '>') { i++; break; }
    if (c == '/') {
      if (i + 1 >= end) return 0;
      if (s[i + 1] != '>') return -1;
      /* A formatting-only row without cells is not data. */
      if (number > MAX_ROWS) return -1;
      result.last_row = number;
      return (i32)(i + 2);
    }
    if (c != ' ') return -1;
    i++;
    u32 name = i;
    while (i < end && is_name_char(s[i])) i++;
    if (i + 1 >= end) return 0;
    if (!is_name(s, name, i) || s[i] != '=' || s[i + 1] != '"' || is_namespace(s, name, i)) return -1;
    u32 value = i + 2;
    i = value;
    i32 skipped = skip_value(s, end, &i);
    if (skipped != 0) return skipped > 0 ? 0 : -1;
    if (value - name == 3 && s[name] == 'R') return -1; /* not `r`: the scanner reports it */
    if (value - name == 3 && s[name] == 'r') {
      i32 r = read_number(s, value, i - 1, MAX_ROWS);
      /* Row numbers must ascend: the scanner reports one that does not. */
      if (r < 1 || (u32)r <= result.last_row) return -1;
      number = (u32)r;
    }
  }
  if (number > MAX_ROWS) return -1;

  u8 *o = config.out + result.out_used;
  u8 *row_out = o;
  u32 key_columns = have_header ? config.key_column_count : 0;
  for (u32 k = 0; k < key_columns; k++) parts[k].length = 0;
  i32 previous = -1;
  i32 has_cells = 0;
  i32 non_empty = 0;
  u32 header_cells = 0;
  u32 widths = result.width_used;
  for (;;) {
    if (i + 1 >= end) return 0;
    if (s[i] != '<') return -1;
    if (s[i + 1] == '/') {
      if (i + 6 > end) return 0;
      if (!matches(s, i, end, "</row>")) return -1;
      i += 6;
      break;
    }
    if (s[i + 1] != 'c' || i + 2 >= end) return i + 2 >= end ? 0 : -1;
    if (s[i + 2] != ' ') return -1;
    i += 2;
    i32 column = -1;
    u32 style = 0;
    u8 type = 'n';
    u32 after = read_cell_attributes(s, i, end, &column, &style, &type);
    if (after != 0) i = after;
    else for (;;) {
      if (i >= end) return 0;
      u8 c = s[i];
      if (c == '>' || c == '/') break;
      if (c != ' ') return -1;
      i++;
      u32 name = i;
      while (i < end && is_name_char(s[i])) i++;
      if (i + 1 >= end) return 0;
      if (!is_name(s, name, i) || s[i] != '=' || s[i + 1] != '"' || is_namespace(s, name, i)) {
        return -1;
      }
      u32 value = i + 2;
      i = value;
      i32 skipped = skip_value(s, end, &i);
      if (skipped != 0) return skipped > 0 ? 0 : -1;
      if (value - name != 3) continue;
      u8 which = s[name];
      if (which == 'r') {
        column = read_column(s, value, i - 1);
        if (column < 0) return -1;
      } else if (which == 's') {
        i32 parsed = read_number(s, value, i - 1, 0x7fffffff);
        if (parsed < 0) return -1;
        style = (u32)parsed;
      } else if (which == 't') {
        if (i - 1 - value != 1) return -1;
        type = s[value];
        if (type != 's' && type != 'n' && type != 'b') return -1;
      } else if (which == 'R' || which == 'S' || which == 'T') {
        return -1; /* not `r`, `s`, `t`: the scanner reports it */
      }
    }
    if (column <= previous) return -1;
    previous = column;
    has_cells = 1;
    if (s[i] == '/') {
      if (i + 1 >= end) return 0;
      if (s[i + 1] != '>') return -1;
      i += 2;
      continue; /* an empty cell */
    }
    i++;
    if (i + 3 > end) return 0;
    if (s[i] == '<' && s[i + 1] == 'f') {
      /* A formula: its cached value below is the cell's, as the JavaScript reader reads it. */
      i32 after = skip_formula(s, i, end);
      if (after <= 0) return after;
      i = (u32)after;
      if (i + 3 > end) return 0;
    }
    if (!matches(s, i, end, "<v>")) return -1;
    i += 3;
    u32 v = i;
    while (i < end && s[i] != '<') {
      if (s[i] == '&') return -1;
      i++;
    }
    if (i + 8 > end) return 0;
    if (!matches(s, i, end, "</v></c>")) return -1;
    u32 v_end = i;
    i += 8;
    if (v == v_end) return -1;

    if (!have_header) {
      /* The header row: shared strings only, handed to JavaScript. */
      if (type != 's') return -1;
      i32 index = read_number(s, v, v_end, 0x7fffffff);
      if (index < 0 || (u32)index >= config.string_count) return -1;
      if (config.string_flags[index * STRING_FIELDS] & S_UNUSABLE) return -1;
      if (config.string_flags[index * STRING_FIELDS] & S_EMPTY) continue;
      if (header_cells >= config.header_capacity || column >= MAX_COLUMNS) return -1;
      u32 cell = WORDS_OF(header_cell) * header_cells;
      config.header[cell + WORD_OF(header_cell, column)] = (u32)column;
      config.header[cell + WORD_OF(header_cell, string)] = (u32)index;
      header_cells++;
      non_empty = 1;
      continue;
    }
    if ((u32)column >= config.column_count || !config.named[column]) return -1;
    /* Room for the markup, letters and a number; text is checked below. */
    if (result.out_used + (u32)(o - row_out) + 160 + (v_end - v) > config.out_capacity) return -2;
    const u8 *letters = config.letters + COLUMN_LETTERS_BYTES * column;
    *o++ = '<'; *o++ = 'c'; *o++ = ' '; *o++ = 'r'; *o++ = '='; *o++ = '"';
    for (u32 k = 1; k <= letters[0]; k++) *o++ = letters[k];
    *o++ = 0;
    u32 width;
    const u8 *part = 0;
    u32 part_length = 0;
    i32 key_slot = -1;
    for (u32 k = 0; k < key_columns; k++) {
      if (config.key_columns[k] == (u32)column) key_slot = (i32)k;
    }
    if (type == 's') {
      i32 index = read_number(s, v, v_end, 0x7fffffff);
      if (index < 0 || (u32)index >= config.string_count) return -1;
      u32 flags = config.string_flags[index * STRING_FIELDS];
      if (flags & S_UNUSABLE) return -1;
      if (flags & S_EMPTY) {
        o -= 7 + letters[0]; /* an empty string is an empty cell */
        continue;
      }
      u32 length = config.body_length[index * STRING_FIELDS];
      if (result.out_used + (u32)(o - row_out) + length + 8 > config.out_capacity) return -2;
      o = copy_words(o, config.string_bytes + config.body_start[index * STRING_FIELDS], length);
      width = config.string_width[index * STRING_FIELDS];
      part = config.string_bytes + config.key_start[index * STRING_FIELDS];
      part_length = config.key_length[index * STRING_FIELDS];
    } else if (type == 'b') {
      if (v_end - v != 1 || (s[v] != '0' && s[v] != '1')) return -1;
      o = put_fragment_fast(o, s[v] == '1' ? F_TRUE : F_FALSE);
      width = 5;
      if (key_slot >= 0) {
        u8 *p = part_storage[key_slot];
        p[0] = '2'; p[1] = ':'; p[2] = 'b'; p[3] = s[v];
        part = p;
        part_length = 4;
      }
    } else {
      const u8 *text = s + v;
      u32 length = v_end - v;
      if (!is_plain_number(text, length)) {
        if (length > SCRATCH) return -1;
        double exact;
        if (!read_exact_decimal(text, length, &exact)) {
          i32 written = js_format((u32)text, length, (u32)scratch, 0);
          if (written < 0) return -1;
          text = scratch;
          length = (u32)written;
        } else if (canonical_significant(text, length, 16) != 16 ||
                   !is_shortest_16(text, length, exact)) {
          text = scratch;
          length = (u32)js_format_double(exact, (u32)scratch);
        }
        /* else: 16 digits that are already the shortest text of their double */
      }
      u8 flag = style < config.style_count ? config.date_styles[style] : STYLE_NUMBER;
      if (flag == STYLE_NUMBER) {
        o = put_fragment_fast(o, F_NUMBER);
        width = length < 15 ? length : 15;
      } else {
        i32 integer = 1;
        for (u32 k = 0; k < length; k++) {
          if (text[k] == 'e') return -1;
          if (text[k] == '.') integer = 0;
        }
        u32 fragment;
        if (flag == STYLE_ELAPSED) fragment = F_ELAPSED;
        else if (text[0] == '0') fragment = F_TIME;
        else if (integer) fragment = F_DATE;
        else fragment = F_DATE_TIME;
        o = put_fragment_fast(o, fragment);
        width = integer ? 10 : 19;
      }
      for (u32 k = 0; k < length; k++) *o++ = text[k];
      o = put_fragment_fast(o, F_VALUE_END);
      if (key_slot >= 0) {
        u8 *p = part_storage[key_slot];
        if (flag == STYLE_NUMBER) {
          /* `${length + 1}:n${text}` */
          u8 *q = put_digits(p, length + 1);
          *q++ = ':';
          *q++ = 'n';
          for (u32 k = 0; k < length; k++) *q++ = text[k];
          part_length = (u32)(q - p);
        } else {
          i32 written = js_format((u32)(s + v), v_end - v, (u32)p, 1);
          if (written < 0) return -1;
          part_length = (u32)written;
        }
        part = p;
      }
    }
    non_empty = 1;
    if (widths >= config.cell_width_capacity) return -2;
    config.cell_widths[widths++] = ((u32)column << CELL_WIDTH_BITS) | width;
    if (key_slot >= 0) {
      parts[key_slot].bytes = part;
      parts[key_slot].length = part_length;
    }
  }

  result.last_row = number;
  if (!has_cells) return (i32)i;
  if (!have_header) {
    if (!non_empty) return (i32)i; /* blank rows before the header are passed over */
    result.header_cells = header_cells;
    result.header_row = number;
    return (i32)i;
  }
  if (!non_empty) {
    result.blank_rows++;
    return (i32)i;
  }
  /* The key: each key column's part, or `_` for an empty cell. */
  u32 key_size = 1;
  for (u32 k = 0; k < key_columns; k++) key_size += parts[k].length + 1;
  if (result.key_used + key_size > config.key_capacity || result.record_count >= config.record_capacity) {
    return -2;
  }
  u8 *key = config.keys + result.key_used;
  i32 present = 0;
  for (u32 k = 0; k < key_columns; k++) {
    if (parts[k].length == 0) {
      *key++ = '_';
      continue;
    }
    present = 1;
    for (u32 b = 0; b < parts[k].length; b++) *key++ = parts[k].bytes[b];
  }
  result.out_used += (u32)(o - row_out);
  result.key_used = (u32)(key - config.keys);
  result.width_used = widths;
  u32 *record = config.records + WORDS_OF(row_record) * result.record_count++;
  record[WORD_OF(row_record, number)] = number;
  record[WORD_OF(row_record, out_end)] = result.out_used;
  record[WORD_OF(row_record, key_end)] = result.key_used;
  record[WORD_OF(row_record, present)] = (u32)present;
  record[WORD_OF(row_record, widths_end)] = widths;
  return (i32)i;
}

/*
 * Reads rows from input[0, length). Returns a status; `result.consumed` says how far it got:
 * NEED_MORE (the rest is an incomplete row: give it again with more input), END (at
 * `</sheetData>`), HEADER (the header row was read: set the columns up and go on from
 * `consumed`), BAIL (a row it does not handle starts at `consumed`), FULL (drain the outputs
 * and go on from `consumed`).
 */
i32 scan(const u8 *input, u32 length) {
  u32 at = 0;
  result.out_used = 0;
  result.record_count = 0;
  result.key_used = 0;
  result.width_used = 0;
  result.header_cells = 0;
  for (;;) {
    result.consumed = at;
    if (at >= length) return NEED_MORE;
    if (input[at] != '<') return BAIL;
    if (at + 4 > length) return NEED_MORE;
    if (matches(input, at, length, "</sheetData>")) return END;
    if (at + 12 > length && input[at + 1] == '/') return NEED_MORE;
    if (at + 5 > length) return NEED_MORE;
    if (!matches(input, at, length, "<row") || (input[at + 4] != ' ' && input[at + 4] != '>' && input[at + 4] != '/')) {
      return BAIL;
    }
    u32 saved_row = result.last_row;
    u32 saved_blank = result.blank_rows;
    i32 next = read_row(input, at, length);
    if (next <= 0) {
      result.last_row = saved_row;
      result.blank_rows = saved_blank;
      if (next == 0) return NEED_MORE;
      return next == -2 && result.record_count > 0 ? FULL : BAIL;
    }
    at = (u32)next;
    if (!have_header && result.header_cells > 0) {
      result.consumed = at;
      have_header = 1;
      return HEADER;
    }
  }
}

/*
 * Shared strings. strings_walk reads the items of sharedStrings.xml from its bytes (after the
 * `<sst …>` start tag, which JavaScript checks) and, for each plain item, `<si><t>text</t></si>`
 * (or `<t xml:space="preserve">`), the rendered cell body, key part and width that
 * putTextCellRest and writeKey would give its string. The text may hold the five named
 * entities, tabs, line feeds and any valid UTF-8 but U+FFFE and U+FFFF. Any other item (rich
 * text, numeric references, Excel's `_xHHHH_` escapes, a CR, …) is left to JavaScript, which
 * reads it alone (S_ITEM_BY_JS), as is the key of text whose case or trimming needs Unicode
 * rules (S_KEY_BY_JS). A table that is not all items (a comment, a processing instruction,
 * text after `</sst>`, an item over the size limit) is JavaScript's: strings_walk returns 0.
 */
/* Byte classes of an item's text: what put_item_text does with each byte. */
enum { C_PLAIN, C_LINE_FEED, C_ENTITY, C_UNDERSCORE, C_OTHER, C_NON_ASCII };
static u8 classes[256];
static i32 classes_ready;

static void init_classes(void) {
  for (u32 c = 0; c < 256; c++) {
    u8 k = C_PLAIN;
    if (c >= 0x80) k = C_NON_ASCII;
    else if (c == '\n') k = C_LINE_FEED;
    else if (c == '&') k = C_ENTITY;
    else if (c == '_') k = C_UNDERSCORE;
    else if (c == '>' || c == '<' || (c < 0x20 && c != '\t')) k = C_OTHER;
    classes[c] = k;
  }
  classes_ready = 1;
}

/* What put_item_text found in a text. */
typedef struct {
  u32 units;    /* UTF-16 code units */
  u32 newline;  /* UTF-16 index of the first line feed, or `units` */
  u32 decoded;  /* bytes of the decoded text (UTF-8) */
  i32 ascii;
  i32 entities;
} text_info;

/* The character of a named entity at s[at] ('&'), its length in *length; -1 if none. */
static i32 read_entity(const u8 *s, u32 at, u32 end, u32 *length) {
  static const char *const names[5] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
  static const u8 chars[5] = {'&', '<', '>', '"', '\''};
  static const u32 lengths[5] = {5, 4, 4, 6, 6};
  for (u32 k = 0; k < 5; k++) {
    if (at + lengths[k] <= end && matches(s, at, end, names[k])) {
      *length = lengths[k];
      return chars[k];
    }
  }
  return -1;
}

/* The length of the valid UTF-8 sequence at s[at] (not U+FFFE or U+FFFF), else 0. */
static u32 utf8_length(const u8 *s, u32 at, u32 end) {
  u8 c = s[at];
  u32 length;
  u8 low = 0x80, high = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) length = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
    if (c == 0xe0) low = 0xa0;
    if (c == 0xed) high = 0x9f; /* no surrogates */
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
    if (c == 0xf0) low = 0x90;
    if (c == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (at + length > end || s[at + 1] < low || s[at + 1] > high) return 0;
  for (u32 k = 2; k < length; k++) {
    if (s[at + k] < 0x80 || s[at + k] > 0xbf) return 0;
  }
  if (c == 0xef && s[at + 1] == 0xbf && s[at + 2] >= 0xbe) return 0;
  return length;
}

/*
 * Writes the text s[start, end) of a plain item at `o`, decoded and escaped again for the
 * output (only `&`, `<` and `>` are: the text has no other character that needs it), and
 * says what it holds in *info. Returns the end of what it wrote, or 0 when the text is
 * JavaScript's: another entity, `>`, a control character but tab and line feed, `_x` (which
 * may be an escape), or bytes that are not UTF-8 (or are U+FFFE, U+FFFF).
 */
static u8 *put_item_text(u8 *o, const u8 *s, u32 start, u32 end, text_info *info) {
  u32 units = 0, decoded = 0;
  u32 newline = 0xffffffffu;
  i32 ascii = 1, entities = 0;
  for (u32 i = start; i < end;) {
    u8 c = s[i];
    switch (classes[c]) {
      case C_PLAIN:
        *o++ = c;
        i++;
        units++;
        decoded++;
        continue;
      case C_LINE_FEED:
        if (newline == 0xffffffffu) newline = units;
        *o++ = c;
        i++;
        units++;
        decoded++;
        continue;
      case C_UNDERSCORE:
        if (i + 1 < end && (s[i + 1] == 'x' || s[i + 1] == 'X')) return 0;
        *o++ = c;
        i++;
        units++;
        decoded++;
        continue;
      case C_ENTITY: {
        u32 length;
        i32 character = read_entity(s, i, end, &length);
        if (character < 0) return 0;
        /* &amp; &lt; &gt; are written as they came; &quot; &apos; as their characters */
        if (character == '"' || character == '\'') *o++ = (u8)character;
        else for (u32 k = 0; k < length; k++) *o++ = s[i + k];
        i += length;
        units++;
        decoded++;
        entities = 1;
        continue;
      }
      case C_NON_ASCII: {
        u32 length = utf8_length(s, i, end);
        if (length == 0) return 0;
        for (u32 k = 0; k < length; k++) *o++ = s[i + k];
        i += length;
        units += length == 4 ? 2 : 1;
        decoded += length;
        ascii = 0;
        continue;
      }
      default:
        return 0;
    }
  }
  info->units = units;
  info->newline = newline == 0xffffffffu ? units : newline;
  info->decoded = decoded;
  info->ascii = ascii;
  info->entities = entities;
  return o;
}

static i32 is_xml_space(u32 c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Writes the decoded text of s[start, end) (checked by put_item_text), ASCII lower-cased when `lower`. */
static u8 *put_decoded(u8 *o, const u8 *s, u32 start, u32 end, i32 lower) {
  for (u32 i = start; i < end;) {
    u8 c = s[i];
    u32 length = 1;
    if (c == '&') c = (u8)read_entity(s, i, end, &length);
    i += length;
    if (lower && c >= 'A' && c <= 'Z') c = (u8)(c + 32);
    *o++ = c;
  }
  return o;
}

static u32 fragment_length(u32 which) { return FRAGMENT(which, length); }

/*
 * Walks the items of a shared-strings table: input[start, length) follows the `<sst …>` start
 * tag. With `write` 0 it checks the table's structure and counts: result.string_items, and in
 * string_rendered and string_keys bounds on the bytes of rendered bodies and of key parts.
 * With `write` 1 it fills the tables of `config`: bodies from config.string_bytes, key parts
 * from string_rendered bytes after it (the bound), offsets counted from config.string_bytes.
 * An item left to JavaScript has its XML's range in the input as its body, a key left to
 * JavaScript its raw text's range as its key. Returns 1, or 0 when the table is JavaScript's
 * (also when its rendered bodies and keys would pass 4 GiB, more than the memory holds: the
 * bounds are counted in 64 bits, so they cannot wrap around to a small number).
 */
i32 strings_walk(const u8 *input, u32 length, u32 start, i32 write) {
  if (!classes_ready) init_classes();
  u32 at = start;
  u32 count = 0, rendered = 0, keys = 0, left = 0;
  unsigned long long rendered_bound = 0, keys_bound = 0;
  u32 *body_start = (u32 *)config.body_start, *body_length = (u32 *)config.body_length;
  u32 *key_start = (u32 *)config.key_start, *key_length = (u32 *)config.key_length;
  u32 *widths = (u32 *)config.string_width;
  u32 *flags = (u32 *)config.string_flags;
  u8 *bytes = (u8 *)config.string_bytes;
  u32 key_base = write ? result.string_rendered : 0;
  i32 trim = (config.key_options & TRIM) != 0;
  i32 ignore_case = (config.key_options & IGNORE_CASE) != 0;
  u32 most_markup = fragment_length(F_TEXT_PRESERVE) + fragment_length(F_TEXT_END);
  for (;;) {
    while (at < length && is_xml_space(input[at])) at++;
    if (at + 6 > length) return 0;
    if (matches(input, at, length, "</sst>")) {
      at += 6;
      while (at < length && is_xml_space(input[at])) at++;
      if (at != length) return 0;
      break;
    }
    if (count >= config.max_strings) return 0;
    u32 item = at;
    if (matches(input, at, length, "<si/>")) {
      if (write) flags[count * STRING_FIELDS] = S_EMPTY;
      count++;
      at += 5;
      continue;
    }
    if (!matches(input, at, length, "<si>")) return 0;
    /* A plain item's text, up to the first '<', which must end the item. */
    u32 text = 0;
    if (matches(input, item, length, "<si><t>")) text = item + 7;
    else if (matches(input, item, length, "<si><t xml:space=\"preserve\">")) text = item + 28;
    u32 i = text != 0 ? text : item + 4;
    while (i < length && input[i] != '<') i++;
    u32 text_end = i;
    u32 item_end;
    if (text != 0 && matches(input, i, length, "</t></si>")) {
      item_end = i + 9;
    } else {
      text = 0;
      /* The item ends at the first `</si>`: no comment, CDATA or instruction may hide one. */
      for (;;) {
        if (i + 1 >= length) return 0;
        if (input[i + 1] == '!' || input[i + 1] == '?') return 0;
        if (matches(input, i, length, "</si>")) break;
        i++;
        while (i < length && input[i] != '<') i++;
      }
      item_end = i + 5;
    }
    if (item_end - item > config.max_item_bytes) return 0;
    at = item_end;
    if (!write) {
      if (text != 0) {
        rendered_bound += most_markup + (text_end - text);
        keys_bound += 7 + (text_end - text);
      }
      count++;
      continue;
    }
    text_info info;
    u8 *o = bytes + rendered;
    u8 *text_out = 0;
    u32 opening = F_TEXT;
    if (text != 0) {
      /* XML whitespace at either end is kept only under xml:space="preserve" (an entity is never whitespace). */
      if (text_end > text && (is_xml_space(input[text]) || is_xml_space(input[text_end - 1]))) {
        opening = F_TEXT_PRESERVE;
      }
      text_out = put_fragment(o, opening);
      o = put_item_text(text_out, input, text, text_end, &info);
    }
    if (text == 0 || o == 0) {
      left++;
      flags[count * STRING_FIELDS] = S_ITEM_BY_JS;
      body_start[count * STRING_FIELDS] = item;
      body_length[count * STRING_FIELDS] = item_end - item;
      key_length[count * STRING_FIELDS] = 0;
      count++;
      continue;
    }
    if (info.units == 0 || info.units > MAX_CELL_TEXT) {
      flags[count * STRING_FIELDS] = info.units == 0 ? S_EMPTY : S_UNUSABLE;
      count++;
      continue;
    }
    u32 escaped_end = (u32)(o - bytes);
    o = put_fragment(o, F_TEXT_END);
    flags[count * STRING_FIELDS] = 0;
    body_start[count * STRING_FIELDS] = rendered;
    body_length[count * STRING_FIELDS] = (u32)(o - bytes) - rendered;
    widths[count * STRING_FIELDS] = info.newline;
    rendered = (u32)(o - bytes);
    /* The key's text: trimmed of ASCII whitespace (never an entity); Unicode rules (other spaces, case) are JavaScript's. */
    u32 lead = 0, trail = 0;
    if (trim) {
      while (text + lead < text_end && is_xml_space(input[text + lead])) lead++;
      while (text_end - trail > text + lead && is_xml_space(input[text_end - 1 - trail])) trail++;
    }
    u32 key_from = text + lead, key_to = text_end - trail;
    if ((ignore_case && !info.ascii) ||
        (trim && key_from < key_to && (input[key_from] >= 0x80 || input[key_to - 1] >= 0x80))) {
      left++;
      flags[count * STRING_FIELDS] = S_KEY_BY_JS;
      key_start[count * STRING_FIELDS] = text;
      key_length[count * STRING_FIELDS] = text_end - text;
      count++;
      continue;
    }
    u32 key_units = info.units - lead - trail;
    key_start[count * STRING_FIELDS] = key_base + keys;
    if (key_units == 0) {
      key_length[count * STRING_FIELDS] = 0;
      count++;
      continue;
    }
    u8 *k = put_digits(bytes + key_base + keys, key_units + 1);
    *k++ = ':';
    *k++ = 's';
    if (!info.entities) {
      /* The body's text is the decoded text. */
      const u8 *from = text_out + lead;
      u32 n = (u32)(bytes + escaped_end - text_out) - lead - trail;
      if (ignore_case) {
        for (u32 b = 0; b < n; b++) {
          u8 c = from[b];
          k[b] = c >= 'A' && c <= 'Z' ? (u8)(c + 32) : c;
        }
      } else {
        for (u32 b = 0; b < n; b++) k[b] = from[b];
      }
      k += n;
    } else {
      k = put_decoded(k, input, key_from, key_to, ignore_case);
    }
    key_length[count * STRING_FIELDS] = (u32)(k - bytes) - (key_base + keys);
    keys += key_length[count * STRING_FIELDS];
    count++;
  }
  result.string_items = count;
  result.string_left = left;
  if (!write) {
    if (rendered_bound + keys_bound > 0xffffffffull) return 0;
    result.string_rendered = (u32)rendered_bound;
    result.string_keys = (u32)keys_bound;
  }
  return 1;
}
