/*
 * An experiment, not part of xlmerge: how fast could a worker's per-cell loop be if it ran as
 * WebAssembly over the sheet's bytes? It does the medium set's common case only: scan plain
 * rows (`<c r s t><v>…</v></c>`), render each cell with a row-number placeholder (shared strings
 * as pre-rendered bytes, short decimals copied as they are, longer ones formatted by JS), build
 * the (id, email) key and drop repeats inside the file. No fallback and no error handling:
 * it assumes the input is exactly that shape. Built by build.sh; run by row-engine.js.
 */
typedef unsigned char u8;
typedef unsigned int u32;

/* JS: writes String(Number(text)) at out and returns its length. */
extern u32 format_number(u32 text, u32 length, u32 out);

static u8 *key_arena;
static u32 key_used, key_count, table_size;
static u32 *table, *key_start, *key_length;

static u32 hash_bytes(const u8 *p, u32 n) {
  u32 h = 2166136261u;
  for (u32 i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

/* Adds the key unless present; 1 when added. */
static int add_key(const u8 *key, u32 n) {
  u32 mask = table_size - 1, i = hash_bytes(key, n) & mask;
  for (;;) {
    u32 slot = table[i];
    if (slot == 0) break;
    const u8 *other = key_arena + key_start[slot - 1];
    if (key_length[slot - 1] == n) {
      u32 j = 0;
      while (j < n && other[j] == key[j]) j++;
      if (j == n) return 0;
    }
    i = (i + 1) & mask;
  }
  for (u32 j = 0; j < n; j++) key_arena[key_used + j] = key[j];
  key_start[key_count] = key_used;
  key_length[key_count] = n;
  key_used += n;
  table[i] = ++key_count;
  return 1;
}

static u8 *put(u8 *o, const char *s) {
  while (*s) *o++ = (u8)*s++;
  return o;
}

/*
 * Renders the rows of `sheet` into `out`; returns the bytes written. Shared string i renders as
 * bytes [body_start[i], +body_length[i]) of `bodies`, its key text is [key_text[2i], +key_text[2i+1]).
 * `keys` is scratch: the arena (64 MiB), then the table (table_slots, a power of two).
 */
u32 render(const u8 *sheet, u32 length, const u32 *body_start, const u32 *body_length,
           const u8 *bodies, const u32 *key_text, u8 *out, u8 *row_key, u8 *keys,
           u32 table_slots) {
  const u8 *p = sheet, *end = sheet + length;
  u8 *o = out;
  key_arena = keys;
  table_size = table_slots;
  table = (u32 *)(keys + (64u << 20));
  key_start = table + table_slots;
  key_length = key_start + table_slots;
  key_used = key_count = 0;
  for (u32 i = 0; i < table_slots; i++) table[i] = 0;
  while (p < end && !(p[0] == '<' && p[1] == 's' && p[2] == 'h' && p[6] == 'D')) p++;
  while (p < end && *p != '>') p++;
  p++;
  for (;;) {
    while (p < end && !(p[0] == '<' && p[1] == 'r' && p[2] == 'o' && p[3] == 'w')) {
      if (p[0] == '<' && p[1] == '/' && p[2] == 's') return (u32)(o - out);
      p++;
    }
    if (p >= end) break;
    while (*p != '>') p++;
    p++;
    u8 *row_start = o;
    u32 key_size = 0;
    for (;;) {
      if (p[1] == '/') { p += 6; break; }   /* </row> */
      p += 3;                                /* <c  */
      int column = -1, style = 0, type = 0; /* type: 0 number, 1 shared string, 2 boolean */
      for (;;) {
        u8 b = *p;
        if (b == '>' || b == '/') break;
        if (b == ' ') { p++; continue; }
        u8 name = b;
        while (*p != '"') p++;
        const u8 *value = ++p;
        while (*p != '"') p++;
        if (name == 'r') column = value[0] - 'A';
        else if (name == 's') { style = 0; for (const u8 *k = value; k < p; k++) style = style * 10 + (*k - '0'); }
        else if (name == 't') type = value[0] == 's' ? 1 : value[0] == 'b' ? 2 : 0;
        p++;
      }
      if (*p == '/') { p += 2; continue; }   /* an empty cell */
      p += 4;                                /* ><v> */
      const u8 *v = p;
      while (*p != '<') p++;
      const u8 *v_end = p;
      p += 8;                                /* </v></c> */
      o = put(o, "<c r=\"");
      *o++ = (u8)('A' + column);
      *o++ = 0;
      *o++ = '"';
      if (type == 1) {
        u32 index = 0;
        for (const u8 *k = v; k < v_end; k++) index = index * 10 + (*k - '0');
        const u8 *body = bodies + body_start[index];
        for (u32 k = 0; k < body_length[index]; k++) o[k] = body[k];
        o += body_length[index];
        if (column == 1) {
          const u8 *text = bodies + key_text[2 * index];
          for (u32 k = 0; k < key_text[2 * index + 1]; k++) row_key[key_size++] = text[k];
        }
        continue;
      }
      if (style == 2 || style == 3) o = put(o, " s=\"2\"");
      if (type == 2) o = put(o, " t=\"b\"");
      o = put(o, "><v>");
      int digits = 0, plain = 1;
      const u8 *point = 0;
      for (const u8 *k = v; k < v_end; k++) {
        if (*k == '.') point = k;
        else if (*k >= '0' && *k <= '9') digits++;
        else plain = 0;
      }
      if (plain && digits <= 15 && (point == 0 || v_end[-1] != '0')) {
        for (const u8 *k = v; k < v_end; k++) *o++ = *k;
        if (column == 0) {
          for (const u8 *k = v; k < v_end; k++) row_key[key_size++] = *k;
          row_key[key_size++] = 0;
        }
      } else {
        o += format_number((u32)v, (u32)(v_end - v), (u32)o);
      }
      o = put(o, "</v></c>");
    }
    if (!add_key(row_key, key_size)) o = row_start;
  }
  return (u32)(o - out);
}
