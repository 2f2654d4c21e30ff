/** Process plumbing shared by the merge and inspect commands. */
import { ErrorCode, XlmergeError } from '../errors.js';
import { writeText } from './output-streams.js';
import { printable } from './printable.js';
import { formatError, toJsonText } from './report.js';

/** Where a command writes: the summary or report, and messages for people. */
export interface Streams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/**
 * Usage errors as both commands print them: each problem on a line of its own, then where to
 * read more. `program` is `xlmerge` or `xlmerge inspect`.
 */
export function writeUsageErrors(
  stderr: NodeJS.WritableStream,
  program: string,
  problems: readonly string[],
): void {
  for (const problem of problems) stderr.write(`${printable(`${program}: ${problem}`)}\n`);
  stderr.write(`Run "${program} --help" for usage.\n`);
}

/**
 * Exit codes for a run stopped by a signal: 128 + the signal's number, as a shell reports a
 * process the signal killed.
 */
export const SignalExit = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 } as const;

/** The signals that stop a run cleanly: its temp files are removed, nothing is written. */
const STOP_SIGNALS = Object.keys(SignalExit) as (keyof typeof SignalExit)[];

/**
 * Turns Ctrl-C, SIGTERM, SIGHUP (the terminal closed) and SIGQUIT into an abort of the run for
 * as long as it lasts, so the run removes its temp files instead of dying with them. `on`, not
 * `once`: a second Ctrl-C while the run cleans up must not kill the process with the default
 * handler and leave temporary files behind, so repeats are ignored.
 */
export function interruptible(): {
  readonly signal: AbortSignal;
  /** 129, 130, 131 or 143, by the signal that stopped the run. */
  exitCode(): number;
  dispose(): void;
} {
  const controller = new AbortController();
  let code: number = SignalExit.SIGINT;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    code = SignalExit[signal as keyof typeof SignalExit] ?? SignalExit.SIGINT;
    controller.abort(signal);
  };
  // Windows has no SIGHUP or SIGQUIT to listen for: listening is refused there.
  const listened = STOP_SIGNALS.filter((signal) => {
    try {
      process.on(signal, onSignal);
      return true;
    } catch {
      return false;
    }
  });
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose() {
      for (const signal of listened) process.off(signal, onSignal);
    },
  };
}

/** A failed run as the `--json` output reports it, with every per-file failure. */
export function toJsonError(error: unknown): object {
  if (!(error instanceof XlmergeError)) {
    return { ok: false, error: { code: ErrorCode.Internal, message: String(error) } };
  }
  const describe = (e: XlmergeError) => ({
    ...e.toJSON(),
    stack: undefined,
    description: e.describe(),
  });
  return {
    ok: false,
    error: { ...describe(error), failures: (error.failures ?? []).map(describe) },
  };
}

/**
 * What both commands do when their run throws, and the exit code: a run cancelled by a signal
 * says so in one line and exits by the signal; any other error is written for people on stderr
 * (with its stack under `--verbose`), and as JSON on stdout under `--json`. A library
 * `INVALID_OPTION` is a usage error.
 */
export async function endFailedRun(
  error: unknown,
  streams: Streams,
  display: { readonly json: boolean; readonly verbose: boolean },
  exit: {
    /** The line for a cancelled run (`xlmerge: cancelled; …`). */
    readonly cancelled: string;
    readonly interrupt: { exitCode(): number };
    readonly usage: number;
    readonly failed: number;
  },
): Promise<number> {
  if (error instanceof XlmergeError && error.code === ErrorCode.Aborted) {
    streams.stderr.write(`${exit.cancelled}\n`);
    return exit.interrupt.exitCode();
  }
  if (display.json) await writeText(streams.stdout, `${toJsonText(toJsonError(error))}\n`);
  streams.stderr.write(formatError(error, display.verbose));
  return error instanceof XlmergeError && error.code === ErrorCode.InvalidOption
    ? exit.usage
    : exit.failed;
}
