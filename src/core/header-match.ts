/**
 * How header names are compared when columns are aligned, renamed, selected and looked up as
 * keys. Pure: the worker (naming a sheet's columns) and the main thread (the merged header)
 * share these rules, so both sides agree on which names are "the same".
 */

/** `exact`: names equal character for character; `loose`: see {@link looseHeaderKey}. */
export type HeaderMatch = 'exact' | 'loose';

export const HEADER_MATCHES: readonly HeaderMatch[] = ['exact', 'loose'];

/** A name's letters and digits, compatibility-normalised and lower-cased. */
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{M}\p{N}]/gu;

/**
 * The loose form of a header name: NFKC-normalised, lower-cased (upper then lower, so `ß`
 * matches `SS`), with everything that is not a letter, a combining mark or a digit removed
 * (spaces, punctuation, symbols). So `Customer ID`, ` customer_id `, `CUSTOMER-ID` and
 * `Customer.Id` are loosely equal, and `ＩＤ` (full-width) equals `id`.
 *
 * A name with no letter or digit at all (`#`, `%`, `—`) keeps its exact form, tagged so it
 * cannot equal a real loose form: otherwise every punctuation-only header would match every
 * other one.
 */
export function looseHeaderKey(name: string): string {
  const folded = foldLoose(name);
  return folded === '' ? `\u0000${name}` : folded;
}

/** A name's letters, marks and digits, NFKC-normalised and case-folded. */
function foldLoose(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

function exactHeaderKey(name: string): string {
  return name;
}

/** The function giving the form in which two names are compared under `match`. */
export function headerKeyFor(match: HeaderMatch): (name: string) => string {
  return match === 'loose' ? looseHeaderKey : exactHeaderKey;
}

/**
 * The function giving a name's numbering stem under `match`: two names with the same stem have
 * numbered forms `${name} (${n})` that compare alike for every `n`, so numbering repeats can go
 * on where the last name of that stem stopped (see `uniqueNames`).
 *
 * - exact: the name itself;
 * - loose: its folded letters and digits, to which ` (n)` adds the digits of `n` (a space is a
 *   normalisation boundary, and a final `Σ` stays final before it). A name with no letter or
 *   digit has the empty stem: `# (2)` and `% (2)` both compare as `2`.
 */
export function numberingStemFor(match: HeaderMatch): (name: string) => string {
  return match === 'loose' ? foldLoose : exactHeaderKey;
}
