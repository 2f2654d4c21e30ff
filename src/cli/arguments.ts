/** Process plumbing shared by the merge and inspect commands. */
import { ErrorCode, XlmergeError } from '../errors.js';

/**
 * Usage errors as both commands print them: each problem on a line of its own, then where to
 * read more. `program` is `xlmerge` or `xlmerge inspect`.
 */
export function writeUsageErrors(
  stderr: NodeJS.WritableStream,
  program: string,
  problems: readonly string[],
): void {
  for (const problem of problems) stderr.write(`${program}: ${problem}\n`);
  stderr.write(`Run "${program} --help" for usage.\n`);
}

/** Exit codes for a run stopped by a signal. */
export const SignalExit = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Turns Ctrl-C and SIGTERM into an abort of the run for as long as it lasts. `on`, not `once`:
 * a second Ctrl-C while the run cleans up must not kill the process with the default handler
 * and leave temporary files behind, so repeats are ignored.
 */
export function interruptible(): {
  readonly signal: AbortSignal;
  /** 130 or 143, by the signal that stopped the run. */
  exitCode(): number;
  dispose(): void;
} {
  const controller = new AbortController();
  let code: number = SignalExit.SIGINT;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    code = signal === 'SIGTERM' ? SignalExit.SIGTERM : SignalExit.SIGINT;
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
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
