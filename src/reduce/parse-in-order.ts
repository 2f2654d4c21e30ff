import { ErrorCode, throwIfAborted, XlmergeError } from '../errors.js';
import type { InputFile } from '../scan/scan-inputs.js';
import type { FileResult } from '../worker/protocol.js';

/** One file's outcome, delivered in input order. */
export type ParsedFile =
  | { readonly index: number; readonly file: InputFile; readonly result: FileResult }
  | { readonly index: number; readonly file: InputFile; readonly error: XlmergeError };

/**
 * Parses files concurrently but hands the outcomes over strictly in input order, whatever
 * order they finish in. At most `window` files are in flight or waiting to be handed over, so
 * memory does not grow with the number of files. A failed file is delivered as an error in its
 * place; it does not stop the others.
 */
export async function* parseInOrder(
  files: readonly InputFile[],
  parse: (file: InputFile) => Promise<FileResult>,
  window: number,
  signal?: AbortSignal,
): AsyncGenerator<ParsedFile> {
  const pending: Promise<ParsedFile>[] = [];
  let started = 0;
  const startUpTo = (limit: number) => {
    while (started < Math.min(limit, files.length)) {
      const index = started;
      const file = files[index] as InputFile;
      pending[index] = parse(file).then(
        (result) => ({ index, file, result }),
        (error: unknown) => ({ index, file, error: toXlmergeError(error, file) }),
      );
      started += 1;
    }
  };
  for (let next = 0; next < files.length; next += 1) {
    throwIfAborted(signal);
    startUpTo(next + window);
    const outcome = await (pending[next] as Promise<ParsedFile>);
    delete pending[next];
    throwIfAborted(signal);
    yield outcome;
  }
}

function toXlmergeError(error: unknown, file: InputFile): XlmergeError {
  if (error instanceof XlmergeError) return error;
  return new XlmergeError(ErrorCode.Internal, `Unexpected error: ${String(error)}`, {
    file: file.display,
    cause: error,
  });
}
