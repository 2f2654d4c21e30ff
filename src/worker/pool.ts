/** The pool of parse workers. The only module that talks to the pool library. */
import { fileURLToPath } from 'node:url';
import type * as Workerpool from 'workerpool';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { Settings } from '../options.js';
import type { CellFormatIds } from '../reader/cell-formats.js';
import { requireCjs } from '../require-cjs.js';
import {
  type FileResult,
  type FormatsResponse,
  type FormatsTask,
  PARSE_STARTED,
  type ParseResponse,
  type ParseTask,
} from './protocol.js';

const workerpool = requireCjs('workerpool') as typeof Workerpool;

export interface ParsePool {
  /**
   * Parses one file in a worker; rejects with an XlmergeError carrying the file: the worker's
   * own error, `WORKER_CRASHED` if the worker died, `TIMEOUT` past `fileTimeout`, `ABORTED` once
   * the pool is closed. Never leaves a task hanging: a dead or timed-out worker is replaced and
   * the queued files go on.
   */
  parse(task: ParseTask): Promise<FileResult>;
  /**
   * Reads the number format ids of a workbook's cell styles in a worker, under the same rules
   * as {@link parse} (a worker stuck in a system call or past `fileTimeout` is stopped).
   */
  readFormats(task: FormatsTask): Promise<CellFormatIds>;
  /** Stops the workers; `force` kills tasks in flight. Files still queued fail with `ABORTED`. */
  close(force?: boolean): Promise<void>;
}

/** The settings the pool itself applies. */
export type ParsePoolSettings = Pick<Settings, 'workerMemoryMb' | 'fileTimeout'>;

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.js', import.meta.url));

/** How often `close` re-checks for workers the pool started while it was being terminated. */
const CLOSE_ROUNDS = 3;
/**
 * How long a forced `close` waits for workers to end. workerpool kills a worker that has not
 * ended a second after it was asked to (its `workerTerminateTimeout`); a thread that still has
 * not ended by this is stuck in a system call.
 */
const FORCED_CLOSE_MS = 2000;

/**
 * Starts `jobs` worker threads. `settings.workerMemoryMb` caps each worker's heap;
 * `settings.fileTimeout` caps the time one file may take.
 */
export function createParsePool(
  jobs: number,
  settings: ParsePoolSettings = { workerMemoryMb: null, fileTimeout: null },
): ParsePool {
  const pool = workerpool.pool(WORKER_SCRIPT, {
    maxWorkers: jobs,
    // Also makes the pool start a replacement as soon as a worker dies or is killed.
    minWorkers: 'max',
    workerType: 'thread',
    workerThreadOpts: {
      resourceLimits: {
        // A small young generation keeps each worker's memory low at no measurable cost in speed.
        maxYoungGenerationSizeMb: 4,
        ...(settings.workerMemoryMb === null
          ? {}
          : { maxOldGenerationSizeMb: settings.workerMemoryMb }),
      },
    },
  });
  let closed = false;
  const slots = new Slots(jobs);
  /** Runs one task of `method` in a worker, in a slot, under the file's clock. */
  const run = async (method: 'parse' | 'readFormats', task: ParseTask | FormatsTask) => {
    // workerpool revives a terminated pool when given a new task (josdejong/workerpool#147),
    // and its fresh workers would keep the process alive.
    if (closed) throw stopped(task, undefined);
    await slots.acquire();
    const clock = new FileClock(settings.fileTimeout);
    try {
      if (closed) throw stopped(task, undefined);
      const running = pool.exec(method, [task], {
        on: (event: unknown) => {
          if (event === PARSE_STARTED) clock.start(() => running.cancel());
        },
      });
      return (await running) as unknown;
    } catch (error) {
      if (error instanceof XlmergeError) throw error;
      if (closed) throw stopped(task, error);
      throw describeWorkerFailure(error, task, settings, clock.expired);
    } finally {
      clock.stop();
      slots.release();
    }
  };
  return {
    async parse(task) {
      const response = (await run('parse', task)) as ParseResponse;
      if (response.ok) return response.result;
      const error = XlmergeError.fromJSON(response.error);
      // The worker refused an allocation its heap had no room for (see heap-room.ts): it ran out
      // of memory as surely as a worker Node.js stops, and is told alike.
      if (error.code === ErrorCode.WorkerCrashed) throw outOfMemory(task, settings, error);
      throw error;
    },
    async readFormats(task) {
      const response = (await run('readFormats', task)) as FormatsResponse;
      if (response.ok) return response.formats;
      throw XlmergeError.fromJSON(response.error);
    },
    async close(force = false) {
      closed = true;
      slots.releaseAll();
      const terminated = (async () => {
        // A worker that died just before the pool was terminated is replaced after terminate()
        // took its list of workers; stop those late replacements too.
        for (let round = 0; round < CLOSE_ROUNDS; round += 1) {
          await pool.terminate(force || round > 0);
          if (pool.stats().totalWorkers === 0) return;
        }
      })();
      if (!force) return terminated;
      // A worker stuck in a system call (an open() on a hung network mount) cannot be stopped
      // until the call returns, and its thread never reports that it ended: the run does not
      // wait for it past this (the command line then leaves the process; see bin/xlmerge.js).
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FORCED_CLOSE_MS);
      });
      await Promise.race([terminated.catch(() => {}), deadline]);
      clearTimeout(timer);
    },
  };
}

/**
 * Turns a rejection from the pool library into the error the user sees. A crashed file is not
 * retried: the causes that can be told apart (out of memory under `workerMemoryMb`, a bug hit
 * by this file) happen again on the same file, and a retry would double the cost of the worst
 * file in the run.
 */
export function describeWorkerFailure(
  error: unknown,
  task: Pick<ParseTask, 'display'>,
  settings: ParsePoolSettings,
  timedOut: boolean,
): XlmergeError {
  const file = task.display;
  if (timedOut && settings.fileTimeout !== null) {
    return new XlmergeError(
      ErrorCode.Timeout,
      `Reading this file took longer than the ${settings.fileTimeout} s limit; its worker was stopped`,
      {
        file,
        cause: error,
        hint: 'Raise `fileTimeout`, or check that the file is what you meant to merge',
      },
    );
  }
  if (isOutOfMemory(error)) return outOfMemory(task, settings, error);
  return new XlmergeError(
    ErrorCode.WorkerCrashed,
    'The worker reading this file stopped unexpectedly; the file was not retried',
    {
      file,
      cause: error,
      hint: 'Try again with `jobs: 1`; if it happens again, please report it with the file',
    },
  );
}

function outOfMemory(
  task: Pick<ParseTask, 'display'>,
  settings: ParsePoolSettings,
  cause: unknown,
): XlmergeError {
  const limit =
    settings.workerMemoryMb === null ? '' : ` (limit ${settings.workerMemoryMb} MB per worker)`;
  return new XlmergeError(
    ErrorCode.WorkerCrashed,
    `The worker reading this file ran out of memory${limit}; the file was not retried`,
    { file: task.display, cause, hint: 'Raise `workerMemoryMb` or use fewer `jobs`' },
  );
}

function isOutOfMemory(error: unknown): boolean {
  // workerpool wraps the thread's 'error' event in a TerminateError whose cause is Node's error.
  const cause = error instanceof Error ? error.cause : undefined;
  return (
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY'
  );
}

function stopped(task: Pick<ParseTask, 'display'>, cause: unknown): XlmergeError {
  return new XlmergeError(ErrorCode.Aborted, 'The merge was stopped before this file was read', {
    file: task.display,
    cause,
  });
}

/**
 * Files waiting for a worker. The pool library has a queue of its own, but it strands it when a
 * worker thread dies: Node emits the thread's 'error' and 'exit' in one go, workerpool then
 * waits for an 'exit' that has already happened before it starts the next queued task, and the
 * run hangs. So the pool library is given a file only when a worker is free for it, and the
 * next file goes out a tick after one settles, once workerpool has put a new worker in the
 * place of a dead one.
 */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(count: number) {
    this.#free = count;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    setImmediate(() => {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free += 1;
      else next();
    });
  }

  /** Lets every waiting file go on (to find the pool closed). */
  releaseAll(): void {
    for (const next of this.#waiting.splice(0)) next();
  }
}

/**
 * The per-file time limit. It runs from the moment the worker begins the file, not from when
 * the pool hands the file over: a new worker (the first ones, or one replacing a worker that
 * died) first takes a while to start, and that is not the file's fault. On expiry the task is
 * cancelled, which makes workerpool terminate that worker and start another.
 */
class FileClock {
  readonly #seconds: number | null;
  #timer: NodeJS.Timeout | undefined;
  #expired = false;

  constructor(seconds: number | null) {
    this.#seconds = seconds;
  }

  get expired(): boolean {
    return this.#expired;
  }

  start(onExpiry: () => void): void {
    if (this.#seconds === null || this.#timer !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#expired = true;
        onExpiry();
      },
      Math.max(1, Math.round(this.#seconds * 1000)),
    );
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
