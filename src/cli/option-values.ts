/**
 * The text of one option value → what the library takes. Each parser throws an
 * `INVALID_OPTION` error naming the option when the text cannot be read, so that the command
 * line reports it as a usage error; ranges and the rest are left to the library.
 */
import { ErrorCode, XlmergeError } from '../errors.js';

/** A usage error about `flag`: `Invalid option --jobs: expected …, got "abc"`. */
export function invalidValue(flag: string, expected: string, got: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.InvalidOption,
    `Invalid option ${flag}: expected ${expected}, got ${JSON.stringify(got)}`,
  );
}

/** `id, email` → ["id", "email"]; empty text → [] (for `--dedupe` alone: all columns). */
export function parseList(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split(',').map((name) => name.trim());
}

/**
 * The key columns of every `--dedupe`, concatenated: `--dedupe id --dedupe email` is
 * `--dedupe id,email`. `--dedupe` alone means all columns, so it cannot go with a list.
 */
export function parseDedupe(values: readonly string[]): string[] {
  const lists = values.map(parseList);
  const named = lists.flat();
  if (named.length > 0 && lists.some((list) => list.length === 0)) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `--dedupe alone (all columns) cannot be combined with --dedupe ${named.join(',')}; give one or the other`,
    );
  }
  return named;
}

/**
 * The columns of every `--columns`, concatenated. An empty `--columns` would add nothing and
 * say nothing, so it is refused.
 */
export function parseColumns(values: readonly string[]): string[] {
  return values.flatMap((value) => {
    const names = parseList(value);
    if (names.length === 0) {
      throw invalidValue('--columns', 'column names, comma-separated', value);
    }
    return names;
  });
}

/** `--rename "Cust ID=customer_id"` → ["Cust ID", "customer_id"]: the first `=` separates. */
export function parseRename(value: string): [string, string] {
  const at = value.indexOf('=');
  if (at === -1) throw invalidValue('--rename', 'OLD=NEW', value);
  return [value.slice(0, at), value.slice(at + 1)];
}

/**
 * `--csv-delimiter tab` (or `\t` as typed in a shell) → a TAB, which is awkward to type; any
 * other value goes to the library as it is, to be validated there.
 */
export function parseCsvDelimiter(value: string): string {
  return value === 'tab' || value === '\\t' ? '\t' : value;
}

/** A plain decimal number, as a person types one: `4`, `-1`, `2.5`, `.5`. */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * `--jobs 4` → 4. Only a plain decimal number is read: `Number()` alone would make `""` 0,
 * `"0x10"` 16 and `" 4 "` 4, and `parseFloat` would make `"2x"` 2. Whether the number is in
 * range is the library's to say, in the same words as `expected` (which must match them).
 */
export function parseNumber(flag: string, expected: string, value: string): number {
  if (!DECIMAL.test(value)) throw invalidValue(flag, expected, value);
  return Number(value);
}
