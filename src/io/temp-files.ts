/**
 * What the workbook and CSV writers share to make an output appear whole or not at all: temp
 * files beside the target (same file system, so the final rename is atomic), the placing of a
 * run's finished files all together or none, and the removal of temp files that a run which
 * ended without cleaning up (killed, power lost) left behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { link, lstat, open, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, XlmergeError } from '../errors.js';
import { describeNonFile } from './open-file.js';
import { toWriteFailed } from './write-failed.js';

/** A file written completely under a temporary name, waiting to be put in place. */
export interface FinishedFile {
  /** The complete file, synced, beside `target`. */
  readonly temp: string;
  /** Where it goes. */
  readonly target: string;
}

/**
 * This machine, in temp file names: a later run removes only temp files of its own machine
 * whose process is gone (a folder may be shared over the network).
 */
const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);

/**
 * The common start of a target's temp file names: `.<name>.<host>-<pid>-<random>`, hidden and
 * beside it. Writers add `.<part>.tmp`. The host and process let a later run tell a stale temp
 * file (its process is gone) from one a running merge is writing.
 */
export function tempPathBase(target: string): string {
  const tag = `${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`;
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}`);
}

/**
 * Removes the temp files of `target` that runs on this machine left behind when they ended
 * without cleaning up (a `kill -9`, a crash, a power cut): those whose process no longer
 * exists. Files of running processes, of other machines, and anything else are left alone.
 * Returns how many it removed. Never rejects.
 */
export async function removeStaleTempFiles(target: string): Promise<number> {
  const folder = path.dirname(target);
  const prefix = `.${path.basename(target)}.${HOST}-`;
  const names = await readdir(folder).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)-[0-9a-f]{12}\./.exec(name.slice(prefix.length));
    if (match === null || !name.endsWith('.tmp')) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    await rm(path.join(folder, name), { force: true }).catch(() => {});
    removed += 1;
  }
  return removed;
}

/** Whether a process with this id exists (another user's counts: it may be a merge too). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A writer's `commit`: places its one finished file at its target, replacing what is there
 * (see `placeFiles`). If that fails, `cleanUp` removes the writer's temp files before the error
 * is thrown.
 */
export async function placeAlone(file: FinishedFile, cleanUp: () => Promise<void>): Promise<void> {
  try {
    await placeFiles([file], true);
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * Puts a run's finished files in place, all of them or none: a run never leaves a new report
 * beside an old output, or the other way round.
 *
 * - Without `replace`, a target that exists (another run may have written it since the run
 *   began) is `OUTPUT_EXISTS`: each file is put in place with a hard link, which fails rather
 *   than replace (where the file system has no hard links, the name is claimed by creating it
 *   exclusively first).
 * - With `replace`, an existing target is moved aside until every file is in place, then
 *   removed; only regular files are replaced (anything else is `WRITE_FAILED`).
 *
 * If placing a file fails, the files placed before it are taken back and the moved-aside ones
 * restored, and the error is thrown (`WRITE_FAILED` naming the file, or `OUTPUT_EXISTS`).
 */
export async function placeFiles(files: readonly FinishedFile[], replace: boolean): Promise<void> {
  const placed: { readonly target: string; readonly backup: string | null }[] = [];
  try {
    for (const file of files) {
      const existing = await lstat(file.target).catch(() => null);
      if (existing !== null && !replace) throw outputExists(file.target);
      if (existing !== null && !existing.isFile()) throw notAFileNow(file.target, existing);
      if (!replace) {
        await placeWithoutReplacing(file);
        placed.push({ target: file.target, backup: null });
        continue;
      }
      const backup = existing === null ? null : `${file.temp}.old`;
      if (backup !== null) await rename(file.target, backup);
      placed.push({ target: file.target, backup });
      await rename(file.temp, file.target);
    }
  } catch (error) {
    for (const { target, backup } of placed.reverse()) {
      if (backup === null) await rm(target, { force: true }).catch(() => {});
      else await rename(backup, target).catch(() => {});
    }
    const failed = files[placed.length] ?? files.at(-1);
    throw toWriteFailed(error, failed?.target ?? '');
  }
  for (const { backup } of placed) {
    if (backup !== null) await rm(backup, { force: true }).catch(() => {});
  }
  for (const folder of new Set(files.map((file) => path.dirname(file.target)))) {
    await syncFolder(folder);
  }
}

/** Puts `file` in place unless its target exists, atomically where the file system allows. */
async function placeWithoutReplacing(file: FinishedFile): Promise<void> {
  try {
    await link(file.temp, file.target);
    await rm(file.temp, { force: true });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw outputExists(file.target);
    // A file system without hard links (FAT, some network shares): claim the name, then
    // rename over the claim, which is ours.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
      throw error;
    }
  }
  try {
    const claim = await open(
      file.target,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY,
    );
    await claim.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw outputExists(file.target);
    throw error;
  }
  await rename(file.temp, file.target);
}

function outputExists(target: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.OutputExists,
    'The output file appeared while the run was writing (another run?); nothing was written',
    { file: target, hint: 'Use `force: true` to replace it, or choose another name' },
  );
}

/** The target became something else than a file while the run was writing. */
function notAFileNow(target: string, stats: Stats): XlmergeError {
  return new XlmergeError(
    ErrorCode.WriteFailed,
    `Cannot write the output file: its path is now ${describeNonFile(stats)}, which is never replaced; nothing was written`,
    { file: target, hint: 'Give `output` a file name' },
  );
}

/** Makes a rename durable. Best effort: some file systems refuse to sync a folder. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => null);
  if (handle === null) return;
  await handle.sync().catch(() => {});
  await handle.close().catch(() => {});
}
