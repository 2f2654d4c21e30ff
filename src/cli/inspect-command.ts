/**
 * `xlmerge inspect <inputs..>`: shows what a merge would see, before merging. Like the merge
 * command, it only maps argv to library options and prints.
 */
import yargs from 'yargs';
import { HEADER_MATCHES, type HeaderMatch } from '../core/header-match.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { inspect } from '../inspect.js';
import { DEFAULT_OUTPUT, type MergeOptions } from '../options.js';
import {
  CSV_DELIMITER_OPTION,
  interruptible,
  PATTERN_OPTION,
  parseArguments,
  parseCsvDelimiter,
  parseList,
  parseRename,
  SignalExit,
  toJsonError,
} from './arguments.js';
import { formatInspectReport } from './inspect-table.js';
import { formatError, toJsonText } from './report.js';

/** Exit codes of `xlmerge inspect`. */
export const InspectExitCode = {
  /** Every file can be merged. */
  Ok: 0,
  /** Some file has a problem (unreadable, missing key column, empty), or the inputs failed. */
  Problems: 1,
  Usage: 2,
  Interrupted: SignalExit.SIGINT,
  Terminated: SignalExit.SIGTERM,
} as const;

interface Streams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/**
 * Runs `xlmerge inspect` with `argv` (starting with the word `inspect`) and returns the exit
 * code. It has its own parser so that merge-only options (`--keep`, `--force`, …) are usage
 * errors here rather than silently ignored.
 */
export async function runInspectCli(argv: readonly string[], streams: Streams): Promise<number> {
  const parser = yargs([...argv])
    .scriptName('xlmerge')
    .command(
      'inspect <inputs..>',
      // The description, not an epilog: yargs shows no epilog in a command's help.
      'Show what a merge would see: sheets, header rows, rows and columns of each file.\n\n' +
        'Exit codes: 0 every file can be merged, 1 some file has a problem, 2 usage error.',
    )
    .demandCommand(1)
    .positional('inputs', {
      describe: 'Folders, files or globs, as for the merge',
      type: 'string',
      array: true,
    })
    .option('dedupe', {
      alias: 'd',
      type: 'string',
      describe: 'Key columns to check for, comma-separated',
    })
    .option('sheet', { type: 'string', describe: 'Sheet name, 1-based position, or "all"' })
    .option('header-row', {
      type: 'number',
      describe: 'Row holding the header (default: first non-empty)',
    })
    .option('recursive', {
      alias: 'r',
      type: 'boolean',
      default: false,
      describe: 'Include subfolders',
    })
    .option('pattern', PATTERN_OPTION)
    .option('csv-delimiter', CSV_DELIMITER_OPTION)
    .option('output', {
      alias: 'o',
      type: 'string',
      default: DEFAULT_OUTPUT,
      describe: 'The merge output, which the merge leaves out of its inputs',
    })
    .option('rename', { type: 'string', describe: 'Rename a header: "OLD=NEW" (repeatable)' })
    .option('match-headers', {
      choices: HEADER_MATCHES,
      default: 'exact',
      describe: 'Header names equal exactly, or loosely (case, spaces, punctuation)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
    .option('verbose', {
      type: 'boolean',
      default: false,
      describe: 'Show stack traces with errors',
    })
    .strict()
    .version(false)
    .help()
    .wrap(Math.min(100, streams.stderr.columns ?? 100));

  const parsed = await parseArguments(parser, argv);
  if ('usage' in parsed) {
    streams.stderr.write(
      `xlmerge inspect: ${parsed.usage}\nRun "xlmerge inspect --help" for usage.\n`,
    );
    return InspectExitCode.Usage;
  }
  if ('printed' in parsed) {
    streams.stdout.write(`${parsed.printed}\n`);
    return InspectExitCode.Ok;
  }
  const { args } = parsed;

  const json = args.json === true;
  const interrupt = interruptible();
  try {
    const report = await inspect(toOptions(args, interrupt.signal));
    streams.stdout.write(json ? `${toJsonText(report)}\n` : formatInspectReport(report));
    return report.ok ? InspectExitCode.Ok : InspectExitCode.Problems;
  } catch (error) {
    if (error instanceof XlmergeError && error.code === ErrorCode.Aborted) {
      streams.stderr.write('xlmerge inspect: cancelled\n');
      return interrupt.exitCode();
    }
    if (json) streams.stdout.write(`${toJsonText(toJsonError(error))}\n`);
    streams.stderr.write(formatError(error, args.verbose === true));
    return error instanceof XlmergeError && error.code === ErrorCode.InvalidOption
      ? InspectExitCode.Usage
      : InspectExitCode.Problems;
  } finally {
    interrupt.dispose();
  }
}

function toOptions(args: Record<string, unknown>, signal: AbortSignal): MergeOptions {
  const options: MergeOptions = {
    inputs: (args.inputs as string[]) ?? [],
    output: args.output as string,
    recursive: args.recursive as boolean,
    signal,
  };
  if (typeof args.dedupe === 'string') options.dedupe = parseList(args.dedupe);
  if (typeof args.sheet === 'string') options.sheet = args.sheet;
  if (args.headerRow !== undefined) options.headerRow = args.headerRow as number;
  if (args.pattern !== undefined) options.pattern = args.pattern as string[];
  if (typeof args.csvDelimiter === 'string') {
    options.csvDelimiter = parseCsvDelimiter(args.csvDelimiter);
  }
  if (args.rename !== undefined) options.rename = [args.rename].flat().map(parseRename);
  options.matchHeaders = args.matchHeaders as HeaderMatch;
  return options;
}
