/*
 * Reading a row's markup: attribute names and values, numbers and columns in attributes,
 * formulas to skip, and a cell's attributes in the form writers use.
 *
 * Part of the row engine: engine.c includes it (see there), so it is compiled as one unit
 * with the rest and reads its state (config, result).
 */

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
