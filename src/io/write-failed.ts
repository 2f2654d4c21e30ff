import { ErrorCode, XlmergeError } from '../errors.js';

/** What the user can do about common file system errors, by `errno` code. */
const HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'The disk is full',
  EDQUOT: 'The disk quota is used up',
  EACCES: 'Check that you may write in the output folder',
  EPERM: 'Check that you may write in the output folder',
  EROFS: 'The output folder is on a read-only file system',
  ENOENT: 'Check that the output folder exists',
};

/**
 * Wraps an error from writing the output (or one of its temporary files) as `WRITE_FAILED`,
 * naming the output path and keeping the original as `cause`. XlmergeErrors pass through.
 */
export function toWriteFailed(
  error: unknown,
  target: string,
  context: { readonly sheet?: string } = {},
): XlmergeError {
  if (error instanceof XlmergeError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const hint = code === undefined ? undefined : HINTS[code];
  const reason = error instanceof Error ? error.message : String(error);
  return new XlmergeError(ErrorCode.WriteFailed, `Cannot write the output file: ${reason}`, {
    file: target,
    cause: error,
    ...context,
    ...(hint === undefined ? {} : { hint }),
  });
}
