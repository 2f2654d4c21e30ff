/** Entry point of a parse worker thread: registers `parse` with the pool. */
import workerpool from 'workerpool';
import { ErrorCode, type SerializedError, XlmergeError } from '../errors.js';
import { parseFile } from './parse-file.js';
import type { ParseResponse, ParseTask } from './protocol.js';

async function parse(task: ParseTask): Promise<ParseResponse> {
  try {
    return { ok: true, result: await parseFile(task) };
  } catch (error) {
    return { ok: false, error: serializeError(error, task.display) };
  }
}

function serializeError(error: unknown, file: string): SerializedError {
  if (error instanceof XlmergeError) {
    return error.file === undefined ? { ...error.toJSON(), file } : error.toJSON();
  }
  const cause = error instanceof Error ? error : new Error(String(error));
  const wrapped = new XlmergeError(ErrorCode.Internal, `Unexpected error: ${cause.message}`, {
    file,
    hint: 'This is a bug in xlmerge; please report it with the file if you can',
  });
  return { ...wrapped.toJSON(), ...(cause.stack === undefined ? {} : { stack: cause.stack }) };
}

workerpool.worker({ parse });
