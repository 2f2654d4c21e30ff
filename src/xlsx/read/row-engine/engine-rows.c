/*
 * Reading rows: read_row reads one (its cells, the header row, the key) and scan the rows
 * of a chunk of sheetData, for JavaScript (exported).
 *
 * Part of the row engine: engine.c includes it (see there), so it is compiled as one unit
 * with the rest and reads its state (config, result).
 */

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
    u8 *cell_start = o;
    *o++ = '<'; *o++ = 'c'; *o++ = ' '; *o++ = 'r'; *o++ = '='; *o++ = '"';
    for (u32 k = 1; k <= letters[0]; k++) *o++ = letters[k];
    *o++ = 0;
    /*
     * The cell keeps its number format: ` s="7` before the fragment (which starts with `"`).
     * Without a table the count is 0, so this is one predictable branch per cell.
     */
    u32 kept_style = style < config.output_style_count ? config.output_styles[style] : 0;
    if (kept_style != 0) {
      o = put_fragment_fast(o, F_STYLE_START);
      o = put_digits(o, kept_style);
    }
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
        o = cell_start; /* an empty string is an empty cell */
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
        /* With a kept style a date is a number in that style, its serial written as today. */
        if (kept_style != 0) fragment = F_NUMBER;
        else if (flag == STYLE_ELAPSED) fragment = F_ELAPSED;
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
