/** The pool of parse workers. The only module that talks to the pool library. */
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { FileResult, ParseResponse, ParseTask } from './protocol.js';

export interface ParsePool {
  /** Parses one file in a worker; rejects with an XlmergeError carrying the file. */
  parse(task: ParseTask): Promise<FileResult>;
  /** Stops the workers; `force` kills tasks in flight. */
  close(force?: boolean): Promise<void>;
}

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.js', import.meta.url));

export function createParsePool(jobs: number): ParsePool {
  const pool = workerpool.pool(WORKER_SCRIPT, {
    maxWorkers: jobs,
    minWorkers: 'max',
    workerType: 'thread',
    // A small young generation keeps each worker's memory low at no measurable cost in speed.
    workerThreadOpts: { resourceLimits: { maxYoungGenerationSizeMb: 4 } },
  });
  return {
    async parse(task) {
      let response: ParseResponse;
      try {
        response = (await pool.exec('parse', [task])) as ParseResponse;
      } catch (error) {
        throw new XlmergeError(ErrorCode.WorkerCrashed, 'The worker reading this file stopped', {
          file: task.display,
          cause: error,
          hint: 'The file may be too large for the memory available; try --jobs 1',
        });
      }
      if (response.ok) return response.result;
      throw XlmergeError.fromJSON(response.error);
    },
    async close(force = false) {
      await pool.terminate(force);
    },
  };
}
