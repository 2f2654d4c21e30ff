/*
 * Writing cell markup: the fragments (enum fragment), eight bytes at a time, and digits.
 *
 * Part of the row engine: engine.c includes it (see there), so it is compiled as one unit
 * with the rest and reads its state (config, result).
 */

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
