/**
 * --help and --version, written by yargs from the same option tables the command line is read
 * by. yargs only formats here; it never reads the user's argv (see read-argv.ts for why).
 */
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { CliOption } from './option-table.js';

/**
 * The version in xlmerge's package.json (two folders up from `dist/cli/` and `src/cli/`), as
 * yargs' `--version` prints it, read without loading yargs.
 */
export async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}

/** Adds `options` to `parser` as --help shows them; `help` and `version` are yargs' own. */
export function describeOptions(parser: Argv, options: readonly CliOption[]): Argv {
  let described = parser;
  for (const option of options) {
    described = isBuiltIn(option) ? addBuiltIn(described, option) : addOption(described, option);
  }
  return described;
}

/** `--help` and `--version`, which yargs prints itself. */
function isBuiltIn(option: CliOption): boolean {
  return option.name === 'help' || option.name === 'version';
}

function addBuiltIn(parser: Argv, option: CliOption): Argv {
  // `.version()` with no arguments is the form that finds the version number in package.json.
  const added = option.name === 'help' ? parser.help('help') : parser.version();
  const described = added.describe(option.name, option.describe);
  return option.alias === undefined ? described : described.alias(option.name, option.alias);
}

function addOption(parser: Argv, option: CliOption): Argv {
  return parser.option(option.name, {
    ...(option.alias === undefined ? {} : { alias: option.alias }),
    type: typeShown(option),
    describe: option.kind === 'list' ? `${option.describe} (repeatable)` : option.describe,
    ...(option.choices === undefined ? {} : { choices: [...option.choices] }),
    ...(option.defaultText === undefined ? {} : { defaultDescription: option.defaultText }),
  });
}

/** The type --help shows beside an option. */
function typeShown(option: CliOption): 'boolean' | 'number' | 'string' {
  if (option.kind === 'switch') return 'boolean';
  return option.kind === 'scalar' && option.type === 'number' ? 'number' : 'string';
}

/** What `parser` prints for `argv` (`--help`, `--version`), without letting it print or exit. */
export async function printedBy(parser: Argv, argv: readonly string[]): Promise<string> {
  let printed = '';
  let failure: string | undefined;
  parser.exitProcess(false).fail((message, error) => {
    failure = message ?? error?.message ?? 'yargs failed';
  });
  await parser.parseAsync([...argv], {}, (_error, _argv, output) => {
    printed = output;
  });
  if (failure !== undefined) throw new Error(`yargs could not print ${argv.join(' ')}: ${failure}`);
  return printed;
}
