/**
 * The parse pool with real worker threads (the built pool and worker): a worker that runs out
 * of memory or overruns the per-file timeout fails only its own file, is replaced, and the
 * queued files still run; closing the pool settles every task at once.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTaskFor } from '../../dist/worker/parse-task.js';
import { createParsePool } from '../../dist/worker/pool.js';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { normalizeOptions } from '../../src/options.js';
import { describeWorkerFailure } from '../../src/worker/pool.js';
import type { ParseTask } from '../../src/worker/protocol.js';
import {
  writeMemoryHungryWorkbook,
  writeSlowWorkbook,
  writeSmallWorkbook,
} from '../helpers/heavy-workbooks.js';

let dir = '';
const files = { hungry: '', slow: '', small: '' };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xlmerge-pool-'));
  files.hungry = await writeMemoryHungryWorkbook(path.join(dir, 'hungry.xlsx'));
  files.slow = await writeSlowWorkbook(path.join(dir, 'slow.xlsx'));
  files.small = await writeSmallWorkbook(path.join(dir, 'small.xlsx'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function taskFor(file: string): ParseTask {
  const settings = normalizeOptions({ inputs: [file] });
  return parseTaskFor(
    { path: file, display: path.basename(file), source: file, input: file },
    settings,
    'values',
  );
}

/** Comparable fields of a rejection from the built pool (another copy of the error class). */
function fieldsOf(error: unknown) {
  const { code, message, file, hint } = error as XlmergeError;
  return { code, message, file, hint };
}

async function settle(promise: Promise<unknown>) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: fieldsOf(error) };
  }
}

describe('createParsePool', () => {
  it('fails a file whose worker runs out of memory and runs the queued file in a new worker', async () => {
    const pool = createParsePool(1, { workerMemoryMb: 64, fileTimeout: null });
    try {
      const [hungry, small] = await Promise.all([
        settle(pool.parse(taskFor(files.hungry))),
        settle(pool.parse(taskFor(files.small))),
      ]);
      expect(hungry).toEqual({
        error: {
          code: 'WORKER_CRASHED',
          message:
            'The worker reading this file ran out of memory (limit 64 MB per worker); the file was not retried',
          file: 'hungry.xlsx',
          hint: 'Raise `workerMemoryMb` or use fewer `jobs`',
        },
      });
      const result = (small as { value: { rowsRead: number; sheets: { values: unknown }[] } })
        .value;
      expect(result.rowsRead).toBe(2);
      expect(result.sheets[0]?.values).toEqual([[1], [2]]);
    } finally {
      await pool.close(true);
    }
  });

  it('stops a file past the timeout, replaces its worker, and runs the queued file', async () => {
    const pool = createParsePool(1, { workerMemoryMb: null, fileTimeout: 0.5 });
    try {
      const started = performance.now();
      const [slow, small] = await Promise.all([
        settle(pool.parse(taskFor(files.slow))),
        settle(pool.parse(taskFor(files.small))),
      ]);
      expect(slow).toEqual({
        error: {
          code: 'TIMEOUT',
          message: 'Reading this file took longer than the 0.5 s limit; its worker was stopped',
          file: 'slow.xlsx',
          hint: 'Raise `fileTimeout`, or check that the file is what you meant to merge',
        },
      });
      expect((small as { value: { rowsRead: number } }).value.rowsRead).toBe(2);
      // Reading the slow file to the end takes longer than this on its own.
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await pool.close(true);
    }
  });

  it('settles every running and queued task with ABORTED when closed, and takes no more', async () => {
    const pool = createParsePool(1);
    const tasks = [files.slow, files.small, files.small, files.small].map((file) =>
      settle(pool.parse(taskFor(file))),
    );
    const started = performance.now();
    await pool.close(true);
    const outcomes = await Promise.all(tasks);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(outcomes).toEqual(
      ['slow.xlsx', 'small.xlsx', 'small.xlsx', 'small.xlsx'].map((file) => ({
        error: {
          code: 'ABORTED',
          message: 'The merge was stopped before this file was read',
          file,
          hint: undefined,
        },
      })),
    );
    expect(await settle(pool.parse(taskFor(files.small)))).toEqual({
      error: {
        code: 'ABORTED',
        message: 'The merge was stopped before this file was read',
        file: 'small.xlsx',
        hint: undefined,
      },
    });
  });

  it('finishes the file a worker has already taken when closed without force', async () => {
    const pool = createParsePool(1);
    const small = pool.parse(taskFor(files.small));
    const queued = settle(pool.parse(taskFor(files.small)));
    // A tick later the first file has gone to the worker; the second waits for it.
    await new Promise((resolve) => setImmediate(resolve));
    await pool.close();
    expect((await small).rowsRead).toBe(2);
    expect((await queued).error?.code).toBe('ABORTED');
  });
});

describe('createParsePool and files that are not files', () => {
  it("fails a FIFO that took a file's place at once, with NOT_A_FILE, never blocking", async () => {
    const fifo = path.join(dir, 'swapped.xlsx');
    execFileSync('mkfifo', [fifo]);
    const pool = createParsePool(1, { workerMemoryMb: null, fileTimeout: null });
    try {
      expect(await settle(pool.parse(taskFor(fifo)))).toEqual({
        error: {
          code: 'NOT_A_FILE',
          message: 'The path is a FIFO (named pipe), not a file; xlmerge reads only regular files',
          file: 'swapped.xlsx',
          hint: 'Give the path of a workbook or CSV file',
        },
      });
    } finally {
      await pool.close(true);
      await fs.rm(fifo);
    }
  });

  it('ends a file whose worker is stuck in a system call at the timeout, and closes anyway', async () => {
    // XLMERGE_FAULT_HANG_OPEN makes every open wait on this FIFO, as on a hung network mount.
    const hang = path.join(dir, 'hang.fifo');
    execFileSync('mkfifo', [hang]);
    process.env.XLMERGE_FAULT_HANG_OPEN = hang;
    const pool = createParsePool(1, { workerMemoryMb: null, fileTimeout: 0.5 });
    delete process.env.XLMERGE_FAULT_HANG_OPEN;
    try {
      const started = Date.now();
      expect((await settle(pool.parse(taskFor(files.small)))).error?.code).toBe('TIMEOUT');
      await pool.close(true);
      // The stuck thread cannot be stopped; closing does not wait for it past its deadline.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      // Let the stuck open return, so the thread ends with the test.
      const writer = await fs
        .open(hang, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK)
        .catch(() => null);
      await writer?.close();
      await fs.rm(hang);
    }
  });
});

describe('describeWorkerFailure', () => {
  const task = { display: 'data/a.xlsx' };
  const none = { workerMemoryMb: null, fileTimeout: null };

  it('names a timeout with the limit, and keeps the cause', () => {
    const cause = new Error('promise cancelled');
    const error = describeWorkerFailure(
      cause,
      task,
      { workerMemoryMb: null, fileTimeout: 30 },
      true,
    );
    expect(error).toBeInstanceOf(XlmergeError);
    expect(error.code).toBe(ErrorCode.Timeout);
    expect(error.describe()).toBe(
      'data/a.xlsx: Reading this file took longer than the 30 s limit; its worker was stopped. Raise `fileTimeout`, or check that the file is what you meant to merge',
    );
    expect(error.cause).toBe(cause);
  });

  it('tells an out-of-memory death from other deaths', () => {
    const oom = Object.assign(new Error('Workerpool Worker error: JS heap out of memory'), {
      cause: Object.assign(new Error('JS heap out of memory'), {
        code: 'ERR_WORKER_OUT_OF_MEMORY',
      }),
    });
    const withoutLimit = describeWorkerFailure(oom, task, none, false);
    expect(withoutLimit.code).toBe(ErrorCode.WorkerCrashed);
    expect(withoutLimit.describe()).toBe(
      'data/a.xlsx: The worker reading this file ran out of memory; the file was not retried. Raise `workerMemoryMb` or use fewer `jobs`',
    );
    expect(withoutLimit.cause).toBe(oom);
    const withLimit = describeWorkerFailure(oom, task, { ...none, workerMemoryMb: 512 }, false);
    expect(withLimit.message).toBe(
      'The worker reading this file ran out of memory (limit 512 MB per worker); the file was not retried',
    );

    const exit = new Error('Workerpool Worker terminated Unexpectedly\n    exitCode: `1`');
    const crashed = describeWorkerFailure(exit, task, none, false);
    expect(crashed.code).toBe(ErrorCode.WorkerCrashed);
    expect(crashed.describe()).toBe(
      'data/a.xlsx: The worker reading this file stopped unexpectedly; the file was not retried. Try again with `jobs: 1`; if it happens again, please report it with the file',
    );
    expect(crashed.cause).toBe(exit);
  });

  it('does not call a death a timeout when no limit is set', () => {
    const error = describeWorkerFailure(new Error('x'), task, none, true);
    expect(error.code).toBe(ErrorCode.WorkerCrashed);
  });
});
