/**
 * Mistakes in the options that would otherwise look like problems of the files: a key column,
 * a sheet or a renamed column that no file has is the user's typo, said once for the run with
 * the closest name the files do have, not once per file. Pure: the merge and `inspect` give
 * what the files held, and get the words.
 */
import { closestName } from './closest-name.js';
import { type HeaderMatch, looseHeaderKey } from './header-match.js';

/** What one file showed of a name the options ask for. */
export interface NamesSeen {
  /** Names asked for that the file lacks (its key columns, its sheets). */
  readonly missing: readonly string[];
  /** The names it has (its columns, its sheets). */
  readonly available: readonly string[];
}

/** A mistake found, in words: the error's message and hint. */
export interface OptionMistake {
  readonly message: string;
  readonly hint: string;
}

/** Names listed in a hint, at most. */
const LISTED_NAMES = 20;

/**
 * The key columns (`dedupe`) that none of `files` has, or `null` when each is in some file.
 * `files` are those whose header was read; a file that was merged lacks none.
 */
export function keyColumnsInNoFile(
  wanted: readonly string[],
  files: readonly NamesSeen[],
  match: HeaderMatch,
): OptionMistake | null {
  const nowhere = inNoFile(wanted, files);
  if (nowhere.length === 0) return null;
  const available = distinct(files.flatMap((file) => file.available));
  const which = nowhere.length === 1 ? 'key column' : 'key columns';
  const hints: string[] = [];
  if (match === 'exact') {
    const loose = available.filter((name) =>
      nowhere.some((missing) => looseHeaderKey(missing) === looseHeaderKey(name)),
    );
    if (loose.length > 0) {
      hints.push(
        `The files have ${quote(loose)}, which differ only in case, spaces or punctuation; \`matchHeaders: 'loose'\` matches them`,
      );
    }
  }
  hints.push(`The files have the columns ${listNames(available)}`);
  return {
    message: `the ${which} ${quote(nowhere)} ${inNone(nowhere.length, files.length, 'file')}${didYouMean(nowhere, available)}`,
    hint: hints.join('. '),
  };
}

/**
 * The sheets (`sheet`: names, positions, patterns, as `describe` writes them) that none of
 * `workbooks` has, or `null`. `workbooks` are those whose sheets were listed.
 */
export function sheetsInNoFile(
  wanted: readonly string[],
  workbooks: readonly NamesSeen[],
): OptionMistake | null {
  const nowhere = inNoFile(wanted, workbooks);
  if (nowhere.length === 0) return null;
  const available = distinct(workbooks.flatMap((file) => file.available));
  const names = nowhere.map((name) => name.replace(/^"(.*)"$/, '$1'));
  return {
    message: `the sheet${nowhere.length === 1 ? '' : 's'} ${nowhere.join(', ')} ${inNone(nowhere.length, workbooks.length, 'workbook')}${didYouMean(names, available)}`,
    hint: `The workbooks have the sheets ${listNames(available)}`,
  };
}

/**
 * Old names of `rename` that renamed no column in any file: a warning, since the merge can go
 * on (the column keeps its name).
 */
export function renamesInNoFile(
  rename: Readonly<Record<string, string>>,
  used: ReadonlySet<string>,
  columns: readonly string[],
): string[] {
  return Object.entries(rename)
    .filter(([from]) => !used.has(from))
    .map(
      ([from, to]) =>
        `\`rename\`: no file has a column "${from}" to rename to "${to}"${didYouMean([from], columns)}`,
    );
}

/** `is in none of the 3 files`, `are not in the file`. */
function inNone(names: number, files: number, noun: string): string {
  const verb = names === 1 ? 'is' : 'are';
  return files === 1 ? `${verb} not in the ${noun}` : `${verb} in none of the ${files} ${noun}s`;
}

/** The names every file lacks. */
function inNoFile(wanted: readonly string[], files: readonly NamesSeen[]): string[] {
  if (files.length === 0) return [];
  return wanted.filter((name) => files.every((file) => file.missing.includes(name)));
}

/** `; did you mean "email"?` for the names that have a close one, else nothing. */
export function didYouMean(names: readonly string[], available: readonly string[]): string {
  const close = names.flatMap((name) => {
    const found = closestName(name, available);
    return found === undefined ? [] : [found];
  });
  return close.length === 0 ? '' : `; did you mean ${quote(distinct(close))}?`;
}

function listNames(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  const shown = quote(names.slice(0, LISTED_NAMES));
  return names.length > LISTED_NAMES ? `${shown} and ${names.length - LISTED_NAMES} more` : shown;
}

function quote(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

function distinct(names: readonly string[]): string[] {
  return [...new Set(names)];
}
