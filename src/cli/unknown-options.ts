/**
 * Messages for options a command does not have: the closest option it does have ("did you
 * mean"), and, for `xlmerge inspect`, that an option belongs to the merge.
 */
import { closestName } from '../core/closest-name.js';
import { type CliOption, type Command, MERGE_COMMAND } from './option-table.js';
import type { UnknownOption } from './read-argv.js';

/** `Unknown option --dedup; did you mean --dedupe?` and the like. */
export function explainUnknown(unknown: UnknownOption, command: Command): string {
  return unknown.form === 'long' ? explainLong(unknown, command) : explainLetter(unknown, command);
}

function explainLong(unknown: UnknownOption, command: Command): string {
  const { typed, name } = unknown;
  // `-force`: a long name typed with one dash.
  if (findByName(command.options, name) !== undefined) {
    return `Unknown option ${typed}; did you mean --${name}?`;
  }
  const merge = command === MERGE_COMMAND ? undefined : findByName(MERGE_COMMAND.options, name);
  if (merge !== undefined) return notHere(typed, command);
  const alias = command.options.find((option) => option.alias === name);
  if (alias !== undefined) return `Unknown option ${typed}; did you mean -${name}?`;
  const closest = closestName(name, longNames(command.options));
  return closest === undefined
    ? `Unknown option ${typed}`
    : `Unknown option ${typed}; did you mean --${closest}?`;
}

function explainLetter(unknown: UnknownOption, command: Command): string {
  const { typed, name, group } = unknown;
  const merge =
    command === MERGE_COMMAND
      ? undefined
      : MERGE_COMMAND.options.find((option) => option.alias === name);
  if (merge !== undefined) return notHere(`${typed} (--${merge.name})`, command);
  const where = group === undefined ? '' : ` (in ${group})`;
  // `-v` for `-V`: the letter in the other case.
  const otherCase = name === name.toLowerCase() ? name.toUpperCase() : name.toLowerCase();
  const alias = command.options.find((option) => option.alias === otherCase);
  return alias === undefined
    ? `Unknown option ${typed}${where}`
    : `Unknown option ${typed}${where}; did you mean -${otherCase} (--${alias.name})?`;
}

/** `--keep is not an option of inspect (it is a merge option)`. */
function notHere(typed: string, command: Command): string {
  return `${typed} is not an option of ${command.name} (it is a merge option)`;
}

/** The option `name` names, `--no-name` included for a switch. */
function findByName(options: readonly CliOption[], name: string): CliOption | undefined {
  const negated = name.startsWith('no-') ? name.slice(3) : undefined;
  return options.find(
    (option) => option.name === name || (option.kind === 'switch' && option.name === negated),
  );
}

/** Every long name a person may type: `force`, and `no-force` for a switch. */
function longNames(options: readonly CliOption[]): string[] {
  return options.flatMap((option) =>
    option.kind === 'switch' ? [option.name, `no-${option.name}`] : [option.name],
  );
}
