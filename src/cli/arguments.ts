/** Argument parsing and process plumbing shared by the merge and inspect commands. */
import type { Argv } from 'yargs';
import { ErrorCode, XlmergeError } from '../errors.js';

/** What parsing the command line came to. */
export type Parsed<T> =
  /** The arguments were wrong: the message says why. */
  | { readonly usage: string }
  /** `--help` or `--version`: print this and stop. */
  | { readonly printed: string }
  | { readonly args: T };

/** Parses `argv` with `parser`, never letting yargs print or exit by itself. */
export async function parseArguments<T>(
  parser: Argv<T>,
  argv: readonly string[],
): Promise<Parsed<T>> {
  let usage: string | null = null;
  let printed = '';
  parser.exitProcess(false).fail((message, error) => {
    usage = message ?? error?.message ?? 'invalid arguments';
  });
  try {
    const args = (await parser.parseAsync([...argv], {}, (_error, _argv, output) => {
      printed = output;
    })) as T & { help?: unknown; version?: unknown };
    if (usage !== null) return { usage };
    if (args.help === true || args.version === true) return { printed };
    return { args };
  } catch (error) {
    return { usage: usage ?? (error instanceof Error ? error.message : String(error)) };
  }
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

/** `--csv-delimiter`, shared by the merge and inspect commands. */
export const CSV_DELIMITER_OPTION = {
  type: 'string',
  describe:
    'Field separator of CSV files: one character, or "tab" (default: detected per file; a file\'s sep= line wins)',
} as const;

/** `--pattern`, shared by the merge and inspect commands. */
export const PATTERN_OPTION = {
  type: 'string',
  array: true,
  describe: 'Globs for files in folders (default *.xlsx *.xlsm *.csv)',
} as const;

/**
 * `--csv-delimiter tab` (or `\t` as typed in a shell) → a TAB, which is awkward to type; any
 * other value goes to the library as it is, to be validated there.
 */
export function parseCsvDelimiter(value: string): string {
  return value === 'tab' || value === '\\t' ? '\t' : value;
}

/** `--dedupe id,email` → ["id", "email"]; `--dedupe` alone → [] (all columns). */
export function parseList(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split(',').map((name) => name.trim());
}

/** `--rename "Cust ID=customer_id"` → ["Cust ID", "customer_id"]: the first `=` separates. */
export function parseRename(value: unknown): [string, string] {
  const text = String(value);
  const at = text.indexOf('=');
  if (at === -1) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `Invalid option --rename: expected OLD=NEW, got ${JSON.stringify(text)}`,
    );
  }
  return [text.slice(0, at), text.slice(at + 1)];
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
