/**
 * The command line: maps argv to library options, prints, and sets `process.exitCode`.
 * Nothing else happens here; the library never prints and never exits.
 */
import type { Argv } from 'yargs';
import type { MergeSummary } from '../summary.js';
import {
  endFailedRun,
  interruptible,
  SignalExit,
  type Streams,
  writeUsageErrors,
} from './arguments.js';
import { readCommandLine } from './command-line.js';
import { describeOptions, packageVersion, printedBy } from './help.js';
import { runInspectCli } from './inspect-command.js';
import { MERGE_COMMAND } from './option-table.js';
import { afterStdoutError, guardStream, writeText } from './output-streams.js';
import { printable } from './printable.js';
import { asFlags, formatSummary, toJsonText } from './report.js';

/** Documented exit codes. */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  /** The output was written, but some files were skipped (`--skip-errors`). */
  PartialSuccess: 3,
  /** Stopped by SIGHUP (the terminal closed), Ctrl-C, SIGQUIT or SIGTERM. */
  HungUp: SignalExit.SIGHUP,
  Interrupted: SignalExit.SIGINT,
  Quit: SignalExit.SIGQUIT,
  Terminated: SignalExit.SIGTERM,
} as const;

/**
 * Runs the CLI with `argv` (without node and the script) and returns the exit code.
 *
 * What only some runs need is loaded when they need it: yargs for --help, the library for a
 * merge, the progress bar on a terminal. Scripts that call xlmerge many times pay for each
 * load every time (`--version` took 0.30 s against 0.08 s for `node -e 0`).
 */
export async function runCli(
  argv: readonly string[] = process.argv.slice(2),
  streams: Streams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const stdout = guardStream(streams.stdout);
  guardStream(streams.stderr);
  // `inspect` has an option table of its own, so merge-only options are usage errors there. A
  // file or folder literally named "inspect" is merged as "./inspect".
  const inspecting = argv[0] === 'inspect';
  const code = inspecting ? await runInspectCli(argv, streams) : await runMerge(argv, streams);
  const program = inspecting ? 'xlmerge inspect' : 'xlmerge';
  return afterStdoutError(stdout.error(), code, streams.stderr, program);
}

/** The merge command. */
async function runMerge(argv: readonly string[], streams: Streams): Promise<number> {
  const reading = readCommandLine(MERGE_COMMAND, argv);
  if ('usage' in reading) {
    writeUsageErrors(streams.stderr, MERGE_COMMAND.program, reading.usage);
    return ExitCode.Usage;
  }
  if ('show' in reading) {
    if (reading.show === 'version') {
      await writeText(streams.stdout, `${await packageVersion()}\n`);
      return ExitCode.Ok;
    }
    const parser = await helpParser(Math.min(100, streams.stderr.columns ?? 100));
    await writeText(streams.stdout, `${await printedBy(parser, ['--help'])}\n`);
    return ExitCode.Ok;
  }
  const { options, display } = reading.commandLine;

  const { json } = display;
  const quiet = display.quiet || json;
  const showProgress = display.progress ?? (!quiet && streams.stderr.isTTY === true);
  const interrupt = interruptible();
  const bar = showProgress
    ? (await import('./progress.js')).createProgressBar(streams.stderr)
    : null;

  try {
    const { merge } = await import('../merge.js');
    const summary = await merge({
      ...options,
      signal: interrupt.signal,
      ...(bar === null ? {} : { onProgress: bar.update }),
    });
    bar?.stop();
    const showSummary = !quiet && streams.stderr.isTTY === true;
    if (json) await writeText(streams.stdout, `${toJsonText({ ok: true, ...summary })}\n`);
    else if (showSummary) streams.stderr.write(formatSummary(summary, process.cwd()));
    else if (!display.quiet) {
      // Warnings are news even on a pipe, as skipped files are.
      for (const warning of summary.warnings) {
        streams.stderr.write(`${printable(`xlmerge: warning: ${asFlags(warning.message)}`)}\n`);
      }
    }
    if (summary.skipped.length > 0) {
      // Skipped files are news even on a pipe: say which, unless the summary or JSON did.
      if (!json && !showSummary) {
        for (const skipped of summary.skipped) {
          streams.stderr.write(`${printable(`xlmerge: skipped ${asFlags(skipped.reason)}`)}\n`);
        }
      }
      return ExitCode.PartialSuccess;
    }
    return ExitCode.Ok;
  } catch (error) {
    bar?.stop();
    return endFailedRun(error, streams, display, {
      cancelled: 'xlmerge: cancelled; no output was written',
      interrupt,
      usage: ExitCode.Usage,
      failed: ExitCode.Failed,
    });
  } finally {
    interrupt.dispose();
  }
}

/** The merge command's --help, from its option table. */
async function helpParser(width: number): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  const parser = yargs()
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
    });
  return describeOptions(parser, MERGE_COMMAND.options)
    .example('$0 ./in -d id,email -o all.xlsx', 'Merge ./in, one row per id and email')
    .example(
      '$0 ./in -d id -o all.csv --duplicates dup.csv',
      'Write CSV; list the dropped rows in dup.csv',
    )
    .example('$0 inspect ./in -d id', "First see each file's sheets and columns")
    .example("$0 ./in --pattern '*.xlsx' --sheet 'Q*'", 'Only the sheets named Q… of .xlsx files')
    .epilog(
      'Options marked (repeatable) add up when repeated; any other option given twice is an error.\n' +
        'Exit codes: 0 ok, 1 failed, 2 usage error, 3 written with skipped files, 129-143 stopped.',
    )
    .wrap(width);
}

export { endProcess } from './end-process.js';
export type { MergeSummary };
