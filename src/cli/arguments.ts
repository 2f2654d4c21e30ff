/** Argument parsing shared by the merge and inspect commands. */
import { ErrorCode, XlmergeError } from '../errors.js';

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
