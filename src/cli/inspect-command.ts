/**
 * `xlmerge inspect <inputs..>`: shows what a merge would see, before merging. Like the merge
 * command, it only maps argv to library options and prints.
 */
import type { Argv } from 'yargs';
import {
  endFailedRun,
  interruptible,
  SignalExit,
  type Streams,
  writeUsageErrors,
} from './arguments.js';
import { readCommandLine } from './command-line.js';
import { describeOptions, printedBy } from './help.js';
import { formatInspectReport } from './inspect-table.js';
import { INSPECT_COMMAND } from './option-table.js';
import { writeText } from './output-streams.js';
import { toJsonText } from './report.js';

/** Exit codes of `xlmerge inspect`. */
export const InspectExitCode = {
  /** Every file can be merged. */
  Ok: 0,
  /** Some file has a problem (unreadable, missing key column, empty), or the inputs failed. */
  Problems: 1,
  Usage: 2,
  /** Stopped by SIGHUP (the terminal closed), Ctrl-C, SIGQUIT or SIGTERM. */
  HungUp: SignalExit.SIGHUP,
  Interrupted: SignalExit.SIGINT,
  Quit: SignalExit.SIGQUIT,
  Terminated: SignalExit.SIGTERM,
} as const;

/**
 * Runs `xlmerge inspect` with `argv` (starting with the word `inspect`) and returns the exit
 * code. It has its own option table, so that merge-only options (`--keep`, `--force`, …) are
 * usage errors here rather than silently ignored.
 */
export async function runInspectCli(argv: readonly string[], streams: Streams): Promise<number> {
  const reading = readCommandLine(INSPECT_COMMAND, argv.slice(1));
  if ('usage' in reading) {
    writeUsageErrors(streams.stderr, INSPECT_COMMAND.program, reading.usage);
    return InspectExitCode.Usage;
  }
  if ('show' in reading) {
    const parser = await helpParser(Math.min(100, streams.stderr.columns ?? 100));
    await writeText(streams.stdout, `${await printedBy(parser, ['inspect', '--help'])}\n`);
    return InspectExitCode.Ok;
  }
  const { options, display } = reading.commandLine;
  const { json } = display;
  const interrupt = interruptible();
  try {
    const { inspect } = await import('../inspect.js');
    const report = await inspect({ ...options, signal: interrupt.signal });
    await writeText(streams.stdout, json ? `${toJsonText(report)}\n` : formatInspectReport(report));
    return report.ok ? InspectExitCode.Ok : InspectExitCode.Problems;
  } catch (error) {
    return endFailedRun(error, streams, display, {
      cancelled: 'xlmerge inspect: cancelled',
      interrupt,
      usage: InspectExitCode.Usage,
      failed: InspectExitCode.Problems,
    });
  } finally {
    interrupt.dispose();
  }
}

/** The inspect command's --help, from its option table. */
async function helpParser(width: number): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  const parser = yargs()
    .scriptName('xlmerge')
    .command(
      'inspect <inputs..>',
      // The description, not an epilog: yargs shows no epilog in a command's help.
      'Show what a merge would see: sheets, header rows, rows and columns of each file.\n\n' +
        'Options marked (repeatable) add up when repeated; any other option given twice is an error.\n' +
        'Exit codes: 0 every file can be merged, 1 some file has a problem, 2 usage error.',
      // Examples in the builder: yargs shows only a command's own in its help.
      (command) =>
        command
          .example('$0 inspect ./in', "Each file's sheets, header rows and columns")
          .example('$0 inspect ./in -d id,email --json', 'As JSON, with the files lacking a key'),
    )
    .positional('inputs', {
      describe: 'Folders, files or globs, as for the merge',
      type: 'string',
      array: true,
    })
    .version(false);
  return describeOptions(parser, INSPECT_COMMAND.options).wrap(width);
}
