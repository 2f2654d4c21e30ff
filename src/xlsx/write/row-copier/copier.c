/*
 * The row copier: the main thread's copy of each kept row into the output block, compiled to
 * WebAssembly with SIMD (build.sh). A worker renders a row's cells with the byte 0 where the
 * row number goes (it cannot know the number); the copier writes `<row r="N">`, the cells with
 * N in place of each 0, and `</row>`, sixteen bytes at a time. JavaScript stages the worker's
 * buffer of rows in this module's memory once, and copies each finished block out. No libc.
 */
#include <wasm_simd128.h>

#include "../../../core/excel-limits.h"

typedef unsigned char u8;
typedef unsigned int u32;

/* A 16-byte store may run up to 15 bytes past the row's end, digits up to 7: the block has room. */
#define SLACK 32

static u8 *put(u8 *o, const char *text) {
  while (*text != 0) *o++ = (u8)*text++;
  return o;
}

/* The row number's digits in `digits` (at most 7: rows end at MAX_ROWS); returns their count. */
_Static_assert(MAX_ROWS <= 9999999, "row_digits writes at most 7 digits");
static u32 row_digits(u8 *digits, u32 number) {
  u8 reversed[8];
  u32 n = 0;
  do {
    reversed[n++] = (u8)('0' + number % 10);
    number /= 10;
  } while (number > 0);
  for (u32 k = 0; k < n; k++) digits[k] = reversed[n - 1 - k];
  return n;
}

/*
 * Writes row `number` at `out`: `<row r="N">`, source[0, length) with N for each 0 byte,
 * `</row>`. Returns the end of what it wrote; it may have written up to SLACK bytes past it.
 */
u8 *copy_row(const u8 *source, u32 length, u8 *out, u32 number) {
  u8 digits[8] = {0};
  u32 count = row_digits(digits, number);
  u8 *o = put(out, "<row r=\"");
  for (u32 k = 0; k < count; k++) o[k] = digits[k];
  o = put(o + count, "\">");
  u32 i = 0;
  const v128_t zero = wasm_i8x16_splat(0);
  while (i + 16 <= length) {
    v128_t bytes = wasm_v128_load(source + i);
    wasm_v128_store(o, bytes);
    u32 zeros = (u32)wasm_i8x16_bitmask(wasm_i8x16_eq(bytes, zero));
    if (zeros == 0) {
      o += 16;
      i += 16;
      continue;
    }
    u32 before = (u32)__builtin_ctz(zeros);
    o += before;
    /* all eight digit bytes: the ones past `count` are overwritten next */
    wasm_v128_store64_lane(o, wasm_v128_load64_zero(digits), 0);
    o += count;
    i += before + 1;
  }
  for (; i < length; i++) {
    u8 c = source[i];
    if (c != 0) {
      *o++ = c;
      continue;
    }
    for (u32 k = 0; k < count; k++) *o++ = digits[k];
  }
  return put(o, "</row>");
}
