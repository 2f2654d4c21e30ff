import { ErrorCode, XlmergeError } from '../../errors.js';

/** Characters a sheet name can hold at most. */
export const MAX_SHEET_NAME = 31;

/** Characters Excel refuses in sheet names. */
const FORBIDDEN = /[:\\/?*[\]]/;
/** Characters XML 1.0 cannot carry in an attribute (sheet names live in `name="…"`). */
const UNWRITABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Excel reserves this name for its change-tracking sheet. */
const RESERVED = 'history';

/**
 * Why `name` cannot be an Excel sheet name among `taken`, or `null` when it can. The rules:
 * 1–31 characters, none of `: \ / ? * [ ]` or control characters, not starting or ending with
 * `'`, not "History", and unique ignoring case.
 */
export function checkSheetName(name: string, taken: Iterable<string> = []): string | null {
  if (name.length === 0) return 'a sheet name cannot be empty';
  if (name.length > MAX_SHEET_NAME) {
    return `a sheet name has at most ${MAX_SHEET_NAME} characters, got ${name.length}`;
  }
  const forbidden = FORBIDDEN.exec(name) ?? UNWRITABLE.exec(name);
  if (forbidden !== null) {
    return `a sheet name cannot contain ${JSON.stringify(forbidden[0])}`;
  }
  if (name.startsWith("'") || name.endsWith("'")) {
    return 'a sheet name cannot start or end with an apostrophe';
  }
  const folded = name.toLowerCase();
  if (folded === RESERVED) return 'Excel reserves the sheet name "History"';
  for (const other of taken) {
    if (other.toLowerCase() === folded) return `there is already a sheet called "${other}"`;
  }
  return null;
}

/** Throws `INVALID_OPTION` unless `name` is a valid sheet name unique among `taken`. */
export function validateSheetName(name: string, taken: Iterable<string> = []): void {
  const problem = checkSheetName(name, taken);
  if (problem !== null) {
    throw new XlmergeError(ErrorCode.InvalidOption, `Invalid sheet name "${name}": ${problem}`, {
      sheet: name,
    });
  }
}

/**
 * Makes a valid sheet name, unique among `taken` ignoring case, from any text: forbidden and
 * control characters become `_`, leading and trailing apostrophes and spaces go, the name is cut
 * to 31 characters (never between the halves of a surrogate pair), an empty name becomes
 * `Sheet`, and a taken name gets ` (2)`, ` (3)`, … (cut further to fit).
 */
export function toSheetName(wanted: string, taken: ReadonlySet<string>): string {
  const folded = new Set([...taken].map((name) => name.toLowerCase()));
  folded.add(RESERVED);
  let base = wanted
    .replace(new RegExp(FORBIDDEN.source, 'g'), '_')
    .replace(new RegExp(UNWRITABLE.source, 'g'), '_')
    .replace(/^[\s']+|[\s']+$/g, '');
  if (base === '') base = 'Sheet';
  const first = cutName(base, MAX_SHEET_NAME);
  if (!folded.has(first.toLowerCase())) return first;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = cutName(base, MAX_SHEET_NAME - suffix.length) + suffix;
    if (!folded.has(candidate.toLowerCase())) return candidate;
  }
}

/** The first `max` UTF-16 units of `name`, without a dangling half surrogate or end apostrophe. */
function cutName(name: string, max: number): string {
  let cut = name.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (cut.length < name.length && last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.replace(/[\s']+$/, '') || 'Sheet';
}
