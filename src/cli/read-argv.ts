/**
 * Reads argv into the options given, one entry per time each was typed, and the inputs.
 *
 * Not yargs: yargs keeps only the last of repeated switches (`--force --no-force` is simply
 * off) and its reading of short groups and values has corners (`-force` sets --force and an
 * output named "rce"). The rules here are few and fixed:
 *
 * - `--` ends the options; everything after it is an input.
 * - `-` alone and negative numbers (`-1`) are values, never options.
 * - `--name=value`, or `--name value` when the next word is not an option. A switch takes only
 *   `true` or `false` as the next word (`--force false`); `--no-name` turns a switch off.
 * - `-abc` is `-a -b -c`. A letter taking a value is last (`-o out.xlsx`), or is followed by
 *   `=` (`-o=out.xlsx`) or by a number (`-j4`); any other text after it is an error.
 */
import { closestName } from '../core/closest-name.js';
import type { CliOption } from './option-table.js';

/** One option as it was typed. */
export interface GivenOption {
  readonly option: CliOption;
  /** As typed, for messages: `--force`, `-f`, `--no-force`, `--force=false`, `--force false`. */
  readonly typed: string;
  /** The value typed with it; `undefined` for a value option typed last or before an option. */
  readonly value: string | undefined;
  /** `--no-name`. */
  readonly negated: boolean;
}

/** Something typed as an option that the command does not have. */
export interface UnknownOption {
  /** As typed: `--dedup`, `-x`, `-force`. */
  readonly typed: string;
  /** `long`: a name (`--dedup`, or `-force` typed with one dash); `letter`: a one-letter alias. */
  readonly form: 'long' | 'letter';
  /** The name or letter, without dashes or value. */
  readonly name: string;
  /** The group of short options it was in, when there were several: `-fx`. */
  readonly group?: string;
}

export interface ArgvReading {
  /** In the order typed. */
  readonly given: readonly GivenOption[];
  /** Words that are not options or their values: the inputs. */
  readonly positionals: readonly string[];
  readonly unknown: readonly UnknownOption[];
  /** Options typed in a way that cannot be read, each explained. */
  readonly malformed: readonly string[];
}

/** A negative number, which is a value (`--header-row -1`), not a group of short options. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)$/;

/** A number attached to a short option: `-j4`. */
const ATTACHED_NUMBER = /^-?(\d+\.?\d*|\.\d+)$/;

/** Reads `argv` by the options of one command. */
export function readArgv(argv: readonly string[], options: readonly CliOption[]): ArgvReading {
  const reader = new ArgvReader(options);
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index] as string;
    if (word === '--') {
      reader.positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!isOption(word)) {
      reader.positionals.push(word);
      continue;
    }
    const next = argv[index + 1];
    const tookNext = word.startsWith('--')
      ? reader.readLong(word, next)
      : reader.readShort(word, next);
    if (tookNext) index += 1;
  }
  return reader;
}

/** Whether `word` is typed as an option (as opposed to a value or an input). */
function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith('-') && !NEGATIVE_NUMBER.test(word);
}

/** Whether `option`, typed without `=`, takes `next` as its value. */
function takesNext(option: CliOption, next: string | undefined): next is string {
  if (next === undefined) return false;
  if (option.kind === 'switch') return next === 'true' || next === 'false';
  return next !== '--' && !isOption(next);
}

class ArgvReader implements ArgvReading {
  readonly given: GivenOption[] = [];
  readonly positionals: string[] = [];
  readonly unknown: UnknownOption[] = [];
  readonly malformed: string[] = [];
  readonly #byName: ReadonlyMap<string, CliOption>;
  readonly #byAlias: ReadonlyMap<string, CliOption>;

  constructor(options: readonly CliOption[]) {
    this.#byName = new Map(options.map((option) => [option.name, option]));
    this.#byAlias = new Map(
      options.flatMap((option) => (option.alias === undefined ? [] : [[option.alias, option]])),
    );
  }

  /** `--name`, `--name=value`, `--no-name`; returns whether it took `next` as its value. */
  readLong(word: string, next: string | undefined): boolean {
    const body = word.slice(2);
    const equals = body.indexOf('=');
    const name = equals === -1 ? body : body.slice(0, equals);
    const inline = equals === -1 ? undefined : body.slice(equals + 1);
    const option = this.#byName.get(name);
    if (option === undefined) {
      const positive = name.startsWith('no-') ? this.#byName.get(name.slice(3)) : undefined;
      if (positive === undefined) this.unknown.push({ typed: `--${name}`, form: 'long', name });
      else this.#readNegated(word, positive, inline);
      return false;
    }
    if (inline !== undefined) {
      this.given.push({ option, typed: word, value: inline, negated: false });
      return false;
    }
    const tookNext = takesNext(option, next);
    const typed = tookNext ? `${word} ${next}` : word;
    this.given.push({ option, typed, value: tookNext ? next : undefined, negated: false });
    return tookNext;
  }

  /** `--no-name`: only switches have it, and it takes no value. */
  #readNegated(word: string, option: CliOption, inline: string | undefined): void {
    if (option.kind !== 'switch') {
      this.malformed.push(
        `Invalid option ${word}: --${option.name} takes a value, so it has no --no- form`,
      );
    } else if (inline !== undefined) {
      this.malformed.push(`Invalid option ${word}: --no-${option.name} takes no value`);
    } else {
      this.given.push({ option, typed: word, value: undefined, negated: true });
    }
  }

  /** `-a`, `-abc`, `-o=value`, `-j4`; returns whether it took `next` as its value. */
  readShort(word: string, next: string | undefined): boolean {
    const letters = [...word.slice(1)];
    const found: GivenOption[] = [];
    for (let at = 0; at < letters.length; at += 1) {
      const letter = letters[at] as string;
      const option = this.#byAlias.get(letter);
      if (option === undefined) {
        this.#refuseGroup(word, `-${letter}`);
        return false;
      }
      const rest = letters.slice(at + 1).join('');
      const typed = `-${letter}`;
      if (rest.startsWith('=')) {
        found.push({ option, typed: `${typed}${rest}`, value: rest.slice(1), negated: false });
        break;
      }
      if (rest === '') {
        const tookNext = takesNext(option, next);
        const value = tookNext ? next : undefined;
        found.push({ option, typed: tookNext ? `${typed} ${next}` : typed, value, negated: false });
        this.given.push(...found);
        return tookNext;
      }
      if (option.kind !== 'switch') {
        if (!ATTACHED_NUMBER.test(rest)) {
          this.#refuseGroup(word, typed, rest);
          return false;
        }
        found.push({ option, typed: `${typed}${rest}`, value: rest, negated: false });
        break;
      }
      found.push({ option, typed, value: undefined, negated: false });
    }
    this.given.push(...found);
    return false;
  }

  /**
   * A short group that cannot be read, for an unknown letter or a letter taking a value with
   * text stuck to it. Most often a long name typed with one dash (`-force`), so that is said
   * first when it looks like one.
   */
  #refuseGroup(word: string, letter: string, attached?: string): void {
    const name = word.slice(1);
    if (this.#byName.has(name) || closestName(name, this.#byName.keys()) !== undefined) {
      this.unknown.push({ typed: word, form: 'long', name });
    } else if (attached !== undefined) {
      this.malformed.push(
        `Invalid option ${word}: ${letter} takes a value; write ${letter} ${attached} or ${letter}=${attached}`,
      );
    } else {
      const group = word.length > 2 ? { group: word } : {};
      this.unknown.push({ typed: letter, form: 'letter', name: letter.slice(1), ...group });
    }
  }
}
