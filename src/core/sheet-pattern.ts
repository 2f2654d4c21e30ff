/**
 * Sheet name patterns (`sheet: 'Q*'`). Excel forbids `* ? [ ]` in sheet names, so a value with
 * one of them is always a pattern, never a name. Pure.
 */

const PATTERN_CHARS = /[*?[\]]/;

/** True when `value` is a pattern rather than a sheet name. */
export function isSheetPattern(value: string): boolean {
  return PATTERN_CHARS.test(value);
}

/**
 * Why `pattern` is not a pattern (an unclosed `[`, an empty `[]`), or `null` when it is one:
 * `*` any text, `?` one character, `[abc]`, `[a-z]` one of those, `[!abc]` none of those.
 */
export function sheetPatternProblem(pattern: string): string | null {
  try {
    toRegExp(pattern);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A test of sheet names against `pattern`, ignoring case as Excel compares sheet names. */
export function sheetPatternMatcher(pattern: string): (name: string) => boolean {
  const expression = toRegExp(pattern);
  return (name) => expression.test(name);
}

function toRegExp(pattern: string): RegExp {
  const chars = [...pattern];
  let source = '';
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = chars.indexOf(']', i + 2);
      if (close < 0) throw new Error(`the [ at character ${i + 1} is never closed by a ]`);
      let body = chars.slice(i + 1, close);
      const negated = body[0] === '!' || body[0] === '^';
      if (negated) body = body.slice(1);
      if (body.length === 0) throw new Error(`the [ at character ${i + 1} holds no character`);
      source += `[${negated ? '^' : ''}${body.map((c) => (c === '-' ? '-' : escapeChar(c))).join('')}]`;
      i = close;
    } else if (char === ']') throw new Error(`the ] at character ${i + 1} closes no [`);
    else source += escapeChar(char);
  }
  return new RegExp(`^${source}$`, 'iu');
}

function escapeChar(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}
