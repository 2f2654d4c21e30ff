/**
 * The command line: maps argv to library options, prints, and sets `process.exitCode`.
 * Nothing else happens here; the library never prints and never exits.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { KEEP_MODES, type KeepMode } from '../core/dedupe.js';
import { HEADER_MATCHES, type HeaderMatch } from '../core/header-match.js';
import { ErrorCode, XlmergeError } from '../errors.js';
import { merge } from '../merge.js';
import {
  DEFAULT_OUTPUT,
  type MergeOptions,
  OVERFLOW_MODES,
  type OverflowMode,
} from '../options.js';
import type { MergeSummary } from '../summary.js';
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
import { runInspectCli } from './inspect-command.js';
import { createProgressBar } from './progress.js';
import { asFlags, formatError, formatSummary, toJsonText } from './report.js';

/** Documented exit codes. */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  /** The output was written, but some files were skipped (`--skip-errors`). */
  PartialSuccess: 3,
  Interrupted: SignalExit.SIGINT,
  Terminated: SignalExit.SIGTERM,
} as const;

interface Streams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function runCli(
  argv: readonly string[] = hideBin(process.argv),
  streams: Streams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  // `inspect` has a parser of its own, so merge-only options are usage errors there. A file or
  // folder literally named "inspect" is merged as "./inspect".
  if (argv[0] === 'inspect') return runInspectCli(argv, streams);
  const parser = yargs([...argv])
    .scriptName('xlmerge')
    .usage(
      '$0 <inputs..> [options]\n$0 inspect <inputs..> [options]  show what a merge would see\n\n' +
        'Merge Excel workbooks into one, without the duplicate rows.',
    )
    .command('$0 <inputs..>', false)
    .positional('inputs', {
      describe: 'Folders, files or globs to merge',
      type: 'string',
      array: true,
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      default: DEFAULT_OUTPUT,
      describe: 'Workbook to write; a name ending in .csv writes CSV',
    })
    .option('dedupe', {
      alias: 'd',
      type: 'string',
      describe: 'Key columns by header, comma-separated; alone: all columns',
    })
    .option('keep', { choices: KEEP_MODES, default: 'first', describe: 'Which duplicate survives' })
    .option('ignore-case', {
      type: 'boolean',
      default: false,
      describe: 'Compare key text ignoring case',
    })
    .option('trim', { type: 'boolean', default: false, describe: 'Ignore spaces around key text' })
    .option('keys-as-text', {
      type: 'boolean',
      default: false,
      describe: 'Compare keys as text ("123" matches 123)',
    })
    .option('sheet', { type: 'string', describe: 'Sheet name, 1-based position, or "all"' })
    .option('header-row', {
      type: 'number',
      describe: 'Row holding the header (default: first non-empty)',
    })
    .option('rename', {
      type: 'string',
      describe: 'Rename a header: "OLD=NEW" (repeatable)',
    })
    .option('match-headers', {
      choices: HEADER_MATCHES,
      default: 'exact',
      describe: 'Header names equal exactly, or loosely (case, spaces, punctuation)',
    })
    .option('columns', {
      type: 'string',
      describe: 'Keep only these columns, in this order, comma-separated',
    })
    .option('recursive', {
      alias: 'r',
      type: 'boolean',
      default: false,
      describe: 'Include subfolders',
    })
    .option('pattern', PATTERN_OPTION)
    .option('csv-delimiter', CSV_DELIMITER_OPTION)
    .option('csv-types', {
      type: 'boolean',
      default: false,
      describe: 'Read CSV numbers and ISO dates as numbers and dates (default: all text)',
    })
    .option('source-column', { type: 'boolean', default: false, describe: 'Add a Source column' })
    .option('duplicates', {
      type: 'string',
      describe:
        'Also write a workbook (or .csv) of every dropped row and the row kept in its place',
    })
    .option('dry-run', {
      type: 'boolean',
      default: false,
      describe: 'Report what the merge would do; write nothing',
    })
    .option('summary', {
      type: 'boolean',
      default: false,
      describe: 'Add a Summary sheet: one line per input file (not in a CSV output)',
    })
    .option('force', {
      alias: 'f',
      type: 'boolean',
      default: false,
      describe: 'Replace an existing output file',
    })
    .option('skip-errors', {
      type: 'boolean',
      default: false,
      describe: 'Merge the readable files, report the rest',
    })
    .option('overflow', {
      choices: OVERFLOW_MODES,
      default: 'error',
      describe: 'Over 1,048,575 rows: fail, or split into more sheets (CSV: no limit)',
    })
    .option('truncate-long', {
      type: 'boolean',
      default: false,
      describe: 'Cut text over 32,767 characters instead of failing',
    })
    .option('jobs', { alias: 'j', type: 'number', describe: 'Worker threads (default: CPU cores)' })
    .option('worker-memory', {
      type: 'number',
      describe: "Heap limit of each worker in MB (default: V8's)",
    })
    .option('file-timeout', {
      type: 'number',
      describe: 'Seconds one file may take to read (default: no limit)',
    })
    .option('cache', {
      type: 'string',
      describe:
        'Keep parse results and written rows in this folder; files unchanged since are not parsed again',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print a JSON summary on stdout' })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'Print nothing but errors',
    })
    .option('progress', {
      type: 'boolean',
      describe: 'Show the progress bar (default: on a terminal)',
    })
    .option('verbose', {
      type: 'boolean',
      default: false,
      describe: 'Show stack traces with errors',
    })
    .strict()
    .epilog(
      'Exit codes: 0 ok, 1 failed, 2 usage error, 3 written with skipped files, 130/143 interrupted.',
    )
    .version()
    .help()
    .wrap(Math.min(100, streams.stderr.columns ?? 100));

  const parsed = await parseArguments(parser, argv);
  if ('usage' in parsed) {
    streams.stderr.write(`xlmerge: ${parsed.usage}\nRun "xlmerge --help" for usage.\n`);
    return ExitCode.Usage;
  }
  if ('printed' in parsed) {
    streams.stdout.write(`${parsed.printed}\n`);
    return ExitCode.Ok;
  }
  const { args } = parsed;

  const json = args.json === true;
  const quiet = args.quiet === true || json;
  const showProgress = args.progress ?? (!quiet && streams.stderr.isTTY === true);
  const verbose = args.verbose === true;
  const interrupt = interruptible();
  const bar = showProgress ? createProgressBar(streams.stderr) : null;

  try {
    const options = toOptions(args, interrupt.signal, bar === null ? undefined : bar.update);
    const summary = await merge(options);
    bar?.stop();
    const showSummary = !quiet && streams.stderr.isTTY === true;
    if (json) streams.stdout.write(`${toJsonText({ ok: true, ...summary })}\n`);
    else if (showSummary) streams.stderr.write(formatSummary(summary, process.cwd()));
    if (summary.skipped.length > 0) {
      // Skipped files are news even on a pipe: say which, unless the summary or JSON did.
      if (!json && !showSummary) {
        for (const skipped of summary.skipped) {
          streams.stderr.write(`xlmerge: skipped ${asFlags(skipped.reason)}\n`);
        }
      }
      return ExitCode.PartialSuccess;
    }
    return ExitCode.Ok;
  } catch (error) {
    bar?.stop();
    if (error instanceof XlmergeError && error.code === ErrorCode.Aborted) {
      streams.stderr.write('xlmerge: cancelled; no output was written\n');
      return interrupt.exitCode();
    }
    if (json) streams.stdout.write(`${toJsonText(toJsonError(error))}\n`);
    streams.stderr.write(formatError(error, verbose));
    return error instanceof XlmergeError && error.code === ErrorCode.InvalidOption
      ? ExitCode.Usage
      : ExitCode.Failed;
  } finally {
    interrupt.dispose();
  }
}

type Args = Record<string, unknown>;

function toOptions(
  args: Args,
  signal: AbortSignal,
  onProgress: MergeOptions['onProgress'],
): MergeOptions {
  const options: MergeOptions = {
    inputs: (args.inputs as string[]) ?? [],
    output: args.output as string,
    keep: args.keep as KeepMode,
    ignoreCase: args.ignoreCase as boolean,
    trim: args.trim as boolean,
    keysAsText: args.keysAsText as boolean,
    recursive: args.recursive as boolean,
    sourceColumn: args.sourceColumn as boolean,
    force: args.force as boolean,
    dryRun: args.dryRun as boolean,
    summarySheet: args.summary as boolean,
    skipErrors: args.skipErrors as boolean,
    overflow: args.overflow as OverflowMode,
    truncateLong: args.truncateLong as boolean,
    csvTypes: args.csvTypes as boolean,
    signal,
  };
  if (onProgress !== undefined) options.onProgress = onProgress;
  if (typeof args.dedupe === 'string') options.dedupe = parseList(args.dedupe);
  if (typeof args.sheet === 'string') options.sheet = args.sheet;
  if (typeof args.duplicates === 'string') options.duplicatesReport = args.duplicates;
  if (args.headerRow !== undefined) options.headerRow = args.headerRow as number;
  if (args.rename !== undefined) options.rename = [args.rename].flat().map(parseRename);
  options.matchHeaders = args.matchHeaders as HeaderMatch;
  if (typeof args.columns === 'string') options.columns = parseList(args.columns);
  if (args.pattern !== undefined) options.pattern = args.pattern as string[];
  if (typeof args.csvDelimiter === 'string') {
    options.csvDelimiter = parseCsvDelimiter(args.csvDelimiter);
  }
  if (args.jobs !== undefined) options.jobs = args.jobs as number;
  if (args.workerMemory !== undefined) options.workerMemoryMb = args.workerMemory as number;
  if (args.fileTimeout !== undefined) options.fileTimeout = args.fileTimeout as number;
  if (typeof args.cache === 'string') options.cache = args.cache;
  return options;
}

export type { MergeSummary };
