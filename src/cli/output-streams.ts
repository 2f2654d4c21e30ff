/**
 * The command line's writes to stdout and stderr, which must not crash the process or print a
 * stack trace when the reader went away (`xlmerge --json | head -1`: EPIPE) or the disk is full
 * (`>/dev/full`: ENOSPC).
 */

/** Writes `text` and waits until the stream took it or refused it. Never rejects. */
export function writeText(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    try {
      stream.write(text, () => resolve());
    } catch {
      // A synchronous stream (a file) may throw instead of calling back; the guard saw it.
      resolve();
    }
  });
}

/**
 * Listens for `stream`'s errors, so none is left unhandled (Node would end the process with a
 * stack trace), and keeps the first one. The listener stays: an error can arrive after the last
 * write's callback, when nothing else would handle it.
 */
export function guardStream(stream: NodeJS.WritableStream): {
  error(): NodeJS.ErrnoException | null;
} {
  let first: NodeJS.ErrnoException | null = null;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    first ??= error;
  });
  return { error: () => first };
}

/**
 * The exit code once stdout failed: a closed pipe (EPIPE) is the reader's choice, so the run's
 * own code stands and nothing is said; any other failure (a full disk) means the output the
 * user asked for on stdout is incomplete: said on stderr, and the run fails.
 */
export async function afterStdoutError(
  error: NodeJS.ErrnoException | null,
  code: number,
  stderr: NodeJS.WritableStream,
  program: string,
): Promise<number> {
  if (error === null || error.code === 'EPIPE') return code;
  await writeText(
    stderr,
    `${program}: could not write to standard output: ${error.code ?? error.message}\n`,
  );
  return code === 0 || code === 3 ? 1 : code;
}
