/**
 * argv → the library's options, by a command's option table. Pure: nothing is read, run or
 * printed, so every option can be tested without a merge.
 */
import { ErrorCode, XlmergeError } from '../errors.js';
import type {
  CliOption,
  Command,
  CommandLine,
  ListOption,
  ScalarOption,
  SwitchOption,
} from './option-table.js';
import { invalidValue } from './option-values.js';
import { type GivenOption, readArgv } from './read-argv.js';
import { explainUnknown } from './unknown-options.js';

/** What a command line comes to. */
export type Reading =
  /** Usage errors, one message each; nothing runs. */
  | { readonly usage: readonly string[] }
  /** `--help` or `--version`: print it and stop. */
  | { readonly show: 'help' | 'version' }
  | { readonly commandLine: CommandLine };

/** Reads `argv` (after the command's own word) by the options of `command`. */
export function readCommandLine(command: Command, argv: readonly string[]): Reading {
  const reading = readArgv(argv, command.options);
  const line: CommandLine = {
    options: { inputs: reading.positionals },
    display: { json: false, quiet: false, progress: undefined, verbose: false },
    show: undefined,
  };
  const problems = [
    ...reading.unknown.map((unknown) => explainUnknown(unknown, command)),
    ...reading.malformed,
    ...applyOptions(line, command.options, reading.given),
  ];
  // Help is what a person asked for, even with a mistake beside it.
  if (line.show !== undefined) return { show: line.show };
  if (reading.positionals.length === 0) {
    problems.push('Missing inputs: name the folders, files or globs to read');
  }
  return problems.length > 0 ? { usage: [...new Set(problems)] } : { commandLine: line };
}

/** Sets what each option given comes to in `line`; returns what could not be read. */
function applyOptions(
  line: CommandLine,
  options: readonly CliOption[],
  given: readonly GivenOption[],
): string[] {
  const problems: string[] = [];
  for (const option of options) {
    const times = given.filter((entry) => entry.option === option);
    if (times.length === 0) continue;
    try {
      applyGiven(line, option, times);
    } catch (error) {
      if (!(error instanceof XlmergeError && error.code === ErrorCode.InvalidOption)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

/** Every time `option` was given → its value in `line`, by the option's kind. */
function applyGiven(line: CommandLine, option: CliOption, given: readonly GivenOption[]): void {
  if (option.kind === 'list') applyList(line, option, given);
  else if (option.kind === 'scalar') applyScalar(line, option, given);
  else applySwitch(line, option, given);
}

function applyList(line: CommandLine, option: ListOption, given: readonly GivenOption[]): void {
  option.apply(
    line,
    given.map((entry) => entry.value ?? ''),
  );
}

/** Two values for one setting: which one was meant is not ours to guess. */
function applyScalar(line: CommandLine, option: ScalarOption, given: readonly GivenOption[]): void {
  const values = given.map((entry) => entry.value ?? '');
  if (values.length > 1) {
    const times = values.length === 2 ? 'twice' : `${values.length} times`;
    const quoted = values.map((value) => JSON.stringify(value));
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `--${option.name} was given ${times} (${joinAnd(quoted)}); give it once`,
    );
  }
  option.apply(line, values[0] as string);
}

/** A switch may be repeated (`-f --force`), but not turned both on and off. */
function applySwitch(line: CommandLine, option: SwitchOption, given: readonly GivenOption[]): void {
  const states = given.map((entry) => switchState(option, entry));
  const on = states.indexOf(true);
  const off = states.indexOf(false);
  if (on !== -1 && off !== -1) {
    const both = [given[Math.min(on, off)], given[Math.max(on, off)]];
    const typed = both.map((entry) => entry?.typed);
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `--${option.name} was given both on and off (${typed.join(' and ')}); give it once`,
    );
  }
  option.apply(line, on !== -1);
}

/** `--force`, `--force=true`, `--force false`, `--no-force` → on or off. */
function switchState(option: SwitchOption, entry: GivenOption): boolean {
  if (entry.negated) return false;
  if (entry.value === undefined || entry.value === 'true') return true;
  if (entry.value === 'false') return false;
  throw invalidValue(`--${option.name}`, 'true or false', entry.value);
}

/** ["a", "b", "c"] → `a, b and c`. */
function joinAnd(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
