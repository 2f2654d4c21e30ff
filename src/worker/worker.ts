/** Entry point of a parse worker thread: registers `parse` and `readFormats` with the pool. */
import type * as Workerpool from 'workerpool';
import { ErrorCode, type SerializedError, XlmergeError } from '../errors.js';
import { openInput } from '../input/open-input.js';
import { requireCjs } from '../require-cjs.js';
import { parseFile } from './parse-file.js';
import { ParseThread } from './parse-thread.js';
import {
  type FormatsResponse,
  type FormatsTask,
  PARSE_STARTED,
  type ParseResponse,
  type ParseTask,
} from './protocol.js';

const workerpool = requireCjs('workerpool') as typeof Workerpool;
/** What this thread keeps from file to file: its row engine and the size of the last sheet. */
const thread = new ParseThread();

async function parse(task: ParseTask): Promise<unknown> {
  workerpool.workerEmit(PARSE_STARTED);
  try {
    const result = await parseFile(task, thread);
    // Hand the row buffers over instead of copying them.
    const buffers = result.sheets.flatMap((sheet) => [
      sheet.keys.bytes.buffer,
      sheet.keys.ends.buffer,
      sheet.keys.hashes.buffer,
      ...(sheet.xml === null ? [] : [sheet.xml.bytes.buffer, sheet.xml.ends.buffer]),
      ...(sheet.csv === null ? [] : [sheet.csv.bytes.buffer, sheet.csv.ends.buffer]),
    ]);
    return new workerpool.Transfer({ ok: true, result } satisfies ParseResponse, buffers);
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

/** The number format ids of a workbook's cell styles, read from its styles part alone. */
async function readFormats(task: FormatsTask): Promise<unknown> {
  workerpool.workerEmit(PARSE_STARTED);
  try {
    // Not asked of a CSV file, which has no styles; read as none if it were.
    const reader = await openInput(task.file, {
      displayPath: task.display,
      limits: task.limits,
      csvDelimiter: null,
      csvTypes: false,
    });
    try {
      const formats = (await reader.readFormatIds()) ?? { ids: new Uint32Array(0), codes: [] };
      return new workerpool.Transfer({ ok: true, formats } satisfies FormatsResponse, [
        formats.ids.buffer,
      ]);
    } finally {
      await reader.close();
    }
  } catch (error) {
    return { ok: false, error: serializeError(error, task.display) };
  }
}

workerpool.worker({ parse, readFormats });
