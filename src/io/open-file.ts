/**
 * Opening an input file for reading. Every reader and the cache open inputs here, so no part of
 * xlmerge can block on a FIFO or device that took a file's place between the scan and the read.
 */
import { close, constants, promises as fs, fstat, open, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { ErrorCode, XlmergeError } from '../errors.js';

/**
 * `O_NONBLOCK` where the platform has it: opening a FIFO without a writer returns at once
 * instead of waiting for one. On a regular file it changes nothing. (Windows has no FIFOs.)
 */
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

const OPEN_FLAGS = constants.O_RDONLY | NON_BLOCKING;

/**
 * Fault injection for tests: with `XLMERGE_FAULT_HANG_OPEN=<a FIFO>` in the environment, opening
 * any input first waits in a blocking `open()` of that FIFO, as `open()` waits on a hung network
 * mount, until something opens the FIFO for writing. It lets the tests check that timeouts and
 * cancellation still end a run whose worker is stuck in a system call. Never set it otherwise.
 */
async function hangIfAsked(): Promise<void> {
  const fifo = process.env.XLMERGE_FAULT_HANG_OPEN;
  if (fifo === undefined || fifo === '') return;
  const handle = await fs.open(fifo, constants.O_RDONLY);
  await handle.close();
}

/**
 * Opens `path` for reading when it is a regular file; `NOT_A_FILE` for a FIFO, socket, device or
 * folder (checked on the open descriptor, so nothing can take the file's place in between),
 * `INPUT_NOT_FOUND` when it cannot be opened. `file` is the path as the user knows it.
 */
export async function openRegularFile(
  path: string,
  file: string,
): Promise<{ handle: fs.FileHandle; stats: Stats }> {
  await hangIfAsked();
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (error) {
    throw cannotOpen(error, file);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notAFile(stats, file);
    return { handle, stats };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const closeAsync = promisify(close);

/**
 * {@link openRegularFile} for code that works on a raw descriptor (the zip reader): the caller
 * closes `fd`. (A FileHandle left to the garbage collector would close its descriptor again,
 * perhaps after the number was reused.)
 */
export async function openRegularFd(
  path: string,
  file: string,
): Promise<{ fd: number; stats: Stats }> {
  await hangIfAsked();
  let fd: number;
  try {
    fd = await openAsync(path, OPEN_FLAGS);
  } catch (error) {
    throw cannotOpen(error, file);
  }
  try {
    const stats = await fstatAsync(fd);
    if (!stats.isFile()) throw notAFile(stats, file);
    return { fd, stats };
  } catch (error) {
    await closeAsync(fd).catch(() => {});
    throw error;
  }
}

/** What a path that is not a regular file is, in words: `a FIFO (named pipe)`. */
export function describeNonFile(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function notAFile(stats: Stats, file: string): XlmergeError {
  return new XlmergeError(
    ErrorCode.NotAFile,
    `The path is ${describeNonFile(stats)}, not a file; xlmerge reads only regular files`,
    { file, hint: 'Give the path of a workbook or CSV file' },
  );
}

function cannotOpen(error: unknown, file: string): XlmergeError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'it does not exist (any more)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : error instanceof Error
          ? error.message
          : String(error);
  return new XlmergeError(ErrorCode.InputNotFound, `The file cannot be opened: ${why}`, {
    file,
    cause: error,
  });
}
