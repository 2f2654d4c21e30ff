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
 *
 * Part of the row engine: engine.c includes it (see there), so it is compiled as one unit
 * with the rest and reads its state (config, result).
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
