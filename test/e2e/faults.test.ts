/**
 * Workers that die or hang, end to end through the built library and CLI: the file fails with
 * WORKER_CRASHED or TIMEOUT, the other files still merge, and the run never hangs.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MergeOptions, merge, type XlmergeError } from '../../dist/index.js';
import { BIN, xlmerge } from '../helpers/cli.js';
import {
  writeAttributeHeavyWorkbook,
  writeFormatHeavyWorkbook,
  writeMemoryHungryWorkbook,
  writeRichRunsWorkbook,
  writeSlowWorkbook,
  writeSmallWorkbook,
} from '../helpers/heavy-workbooks.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook } from '../helpers/workbooks.js';

/** The library names options by their library names; the command line by its flags. */
const OUT_OF_MEMORY =
  'The worker reading this file ran out of memory (limit 64 MB per worker); the file was not retried. Raise `workerMemoryMb` or use fewer `jobs`';
const OUT_OF_MEMORY_CLI =
  'The worker reading this file ran out of memory (limit 64 MB per worker); the file was not retried. Raise --worker-memory or use fewer --jobs';
const TIMED_OUT =
  'Reading this file took longer than the 0.5 s limit; its worker was stopped. Raise `fileTimeout`, or check that the file is what you meant to merge';
const TIMED_OUT_CLI =
  'Reading this file took longer than the 0.5 s limit; its worker was stopped. Raise --file-timeout, or check that the file is what you meant to merge';

let source = '';
const built = { hungry: '', slow: '', small: '', runs: '', attributes: '', formats: '' };

beforeAll(async () => {
  source = await fs.mkdtemp(path.join(os.tmpdir(), 'xlmerge-faults-'));
  built.hungry = await writeMemoryHungryWorkbook(path.join(source, 'hungry.xlsx'));
  built.slow = await writeSlowWorkbook(path.join(source, 'slow.xlsx'));
  built.small = await writeSmallWorkbook(path.join(source, 'small.xlsx'));
  built.runs = await writeRichRunsWorkbook(path.join(source, 'runs.xlsx'));
  built.attributes = await writeAttributeHeavyWorkbook(path.join(source, 'attributes.xlsx'));
  built.formats = await writeFormatHeavyWorkbook(path.join(source, 'formats.xlsx'));
});

afterAll(async () => {
  await fs.rm(source, { recursive: true, force: true });
});

/** A temporary folder with `in/<name>` linked to the built workbooks. */
async function inputs(files: Record<string, keyof typeof built>): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in'));
  for (const [name, kind] of Object.entries(files)) {
    // Copies, not links: hard links to one file are one input.
    await fs.copyFile(built[kind], path.join(dir, 'in', name));
  }
  return dir;
}

async function failureOf(options: MergeOptions): Promise<XlmergeError> {
  try {
    await merge(options);
  } catch (error) {
    return error as XlmergeError;
  }
  throw new Error('expected the merge to fail');
}

function describeAll(error: XlmergeError) {
  return {
    code: error.code,
    message: error.message,
    failures: (error.failures ?? []).map((failure) => [failure.code, failure.describe()]),
  };
}

describe('merge with a worker that runs out of memory', () => {
  it('fails that file with WORKER_CRASHED and lists it among the failed files', async () => {
    const dir = await inputs({ 'a.xlsx': 'small', 'b.xlsx': 'hungry', 'c.xlsx': 'small' });
    const options = { inputs: ['in'], cwd: dir, jobs: 2, workerMemoryMb: 64 };
    const error = await failureOf(options);
    expect(describeAll(error)).toEqual({
      code: 'FILES_FAILED',
      message: 'A file could not be merged; nothing was written',
      failures: [['WORKER_CRASHED', `in/b.xlsx: ${OUT_OF_MEMORY}`]],
    });
    expect(error.failures?.[0]?.cause).toBeInstanceOf(Error);
    expect(await fs.readdir(dir)).toEqual(['in']);
  });

  it('skips that file with skipErrors and merges the others', async () => {
    const dir = await inputs({ 'a.xlsx': 'small', 'b.xlsx': 'hungry', 'c.xlsx': 'small' });
    const output = path.join(dir, 'out.xlsx');
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output,
      jobs: 1,
      workerMemoryMb: 64,
      skipErrors: true,
    });
    expect(summary.skipped).toEqual([
      { file: 'in/b.xlsx', code: 'WORKER_CRASHED', reason: `in/b.xlsx: ${OUT_OF_MEMORY}` },
    ]);
    expect(summary.files.map((file) => [file.file, file.rowsRead])).toEqual([
      ['in/a.xlsx', 2],
      ['in/c.xlsx', 2],
    ]);
    expect((await readWorkbook(output)).rows).toEqual([['id'], [1], [2], [1], [2]]);
  });

  it('ends when every file crashes', async () => {
    const dir = await inputs({ 'a.xlsx': 'hungry', 'b.xlsx': 'hungry' });
    const options = { inputs: ['in'], cwd: dir, jobs: 2, workerMemoryMb: 64 };
    expect(describeAll(await failureOf(options))).toEqual({
      code: 'FILES_FAILED',
      message: '2 files could not be merged; nothing was written',
      failures: ['a', 'b'].map((name) => ['WORKER_CRASHED', `in/${name}.xlsx: ${OUT_OF_MEMORY}`]),
    });
    const skipping = await failureOf({ ...options, skipErrors: true });
    expect(skipping.code).toBe('FILES_FAILED');
    expect(skipping.message).toBe('No file could be merged; nothing was written');
    expect(await fs.readdir(dir)).toEqual(['in']);
  });
});

describe('merge with a per-file timeout', () => {
  it('fails a file that takes longer with TIMEOUT and merges the others', async () => {
    const dir = await inputs({ 'a.xlsx': 'slow', 'b.xlsx': 'small' });
    const output = path.join(dir, 'out.xlsx');
    const options = { inputs: ['in'], cwd: dir, output, jobs: 1, fileTimeout: 0.5 };
    expect(describeAll(await failureOf(options))).toEqual({
      code: 'FILES_FAILED',
      message: 'A file could not be merged; nothing was written',
      failures: [['TIMEOUT', `in/a.xlsx: ${TIMED_OUT}`]],
    });
    const summary = await merge({ ...options, skipErrors: true });
    expect(summary.skipped).toEqual([
      { file: 'in/a.xlsx', code: 'TIMEOUT', reason: `in/a.xlsx: ${TIMED_OUT}` },
    ]);
    expect((await readWorkbook(output)).rows).toEqual([['id'], [1], [2]]);
  });
});

describe('xlmerge CLI with failing workers', () => {
  it('--worker-memory: skips the file that runs out of memory and exits 3', async () => {
    const dir = await inputs({ 'a.xlsx': 'small', 'b.xlsx': 'hungry' });
    const result = await xlmerge(dir, 'in', '--worker-memory', '64', '--skip-errors', '-q');
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`xlmerge: skipped in/b.xlsx: ${OUT_OF_MEMORY_CLI}\n`);
    expect((await readWorkbook(path.join(dir, 'merged.xlsx'))).rows).toEqual([['id'], [1], [2]]);
  });

  // Both ended the whole process with V8's "FATAL ERROR: Reached heap limit" (exit 134, a
  // temporary output left behind): one string as long as a part's XML, made in one allocation,
  // took the worker's heap far past its limit before Node.js could stop the worker.
  it('--worker-memory: a file of millions of rich-text runs merges in 64 MB', async () => {
    const dir = await inputs({ 'a.xlsx': 'runs' });
    const result = await xlmerge(dir, 'in', '--worker-memory', '64', '-q');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'merged.xlsx'))).rows).toEqual([['id'], [1], [2]]);
  });

  it('--worker-memory: a styles part of a million cell formats merges in 64 MB', async () => {
    // Read whole, its 48 MiB of XML were held twice over, with a map per tag: WORKER_CRASHED.
    const dir = await inputs({ 'a.xlsx': 'formats' });
    const result = await xlmerge(dir, 'in', '--worker-memory', '64', '-q');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'merged.xlsx'))).rows).toEqual([['id'], [1], [2]]);
  });

  it('--worker-memory: a tag too long for the worker fails its file, not the process', async () => {
    const dir = await inputs({ 'a.xlsx': 'small', 'b.xlsx': 'attributes' });
    const failed = await xlmerge(dir, 'in', '--worker-memory', '64', '-q');
    expect(failed).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'xlmerge: A file could not be merged; nothing was written. Fix or remove the files listed, or use --skip-errors to merge the others\n' +
        `  in/b.xlsx: ${OUT_OF_MEMORY_CLI} [WORKER_CRASHED]\n`,
    });
    expect(await fs.readdir(dir)).toEqual(['in']);
    const skipped = await xlmerge(dir, 'in', '--worker-memory', '64', '--skip-errors', '-q');
    expect(skipped).toEqual({
      code: 3,
      stdout: '',
      stderr: `xlmerge: skipped in/b.xlsx: ${OUT_OF_MEMORY_CLI}\n`,
    });
    expect((await readWorkbook(path.join(dir, 'merged.xlsx'))).rows).toEqual([['id'], [1], [2]]);
    expect((await fs.readdir(dir)).sort()).toEqual(['in', 'merged.xlsx']);
  });

  it('--file-timeout: skips the slow file and exits 3', async () => {
    const dir = await inputs({ 'a.xlsx': 'slow', 'b.xlsx': 'small' });
    const result = await xlmerge(dir, 'in', '--file-timeout', '0.5', '--skip-errors', '--json');
    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout) as { skipped: unknown; rowsKept: number };
    expect(summary.skipped).toEqual([
      { file: 'in/a.xlsx', code: 'TIMEOUT', reason: `in/a.xlsx: ${TIMED_OUT_CLI}` },
    ]);
    expect(summary.rowsKept).toBe(2);
  });

  it.each([
    [
      ['--worker-memory', '32'],
      'Invalid option --worker-memory: expected a whole number of MB from 64 to 65536, got 32',
    ],
    [
      ['--file-timeout', '-1'],
      'Invalid option --file-timeout: expected a number of seconds above 0, at most 2147483, got -1',
    ],
  ])('rejects %j with exit code 2', async (args, message) => {
    const dir = await inputs({ 'a.xlsx': 'small' });
    const result = await xlmerge(dir, 'in', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`xlmerge: ${message}\n`);
  });

  it('exits at once on Ctrl-C while a worker is busy, leaving no worker behind', async () => {
    // The bar first shows when a.xlsx is done; then a worker is reading b.xlsx.
    const dir = await inputs({ 'a.xlsx': 'small', 'b.xlsx': 'slow', 'c.xlsx': 'slow' });
    const started = performance.now();
    const child = execFile(process.execPath, [BIN, 'in', '--progress', '-j', '1'], { cwd: dir });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk) => {
        stderr += String(chunk);
        if (stderr.includes('files')) resolve();
      });
    });
    const interrupted = performance.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    // Reading the slow files would take seconds; the process (workers included) is gone sooner.
    expect(performance.now() - interrupted).toBeLessThan(3000);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain('xlmerge: cancelled; no output was written');
    expect(await fs.readdir(dir)).toEqual(['in']);
  });
});
