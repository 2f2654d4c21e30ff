/*
 * Whether a number's text is already what JavaScript's String() writes for it, so the
 * engine can copy it (else js_format writes it).
 *
 * Part of the row engine: engine.c includes it (see there), so it is compiled as one unit
 * with the rest and reads its state (config, result).
 */

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
