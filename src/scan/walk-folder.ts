/**
 * Walks an input folder: one folder at a time, entries in code-point order, so the same tree
 * gives the same list in the same order on every run. Each real folder is read once (by device
 * and inode), so links that loop (`ln -s . loop`) or reach a folder twice end; the cancel
 * signal is checked before each folder is read.
 */
import { type Dirent, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { ErrorCode, throwIfAborted, XlmergeError } from '../errors.js';
import { describeNonFile } from '../io/open-file.js';

/** A regular file found in the walk (or a link to one). */
export interface WalkedFile {
  /** Below the walked folder, with `/` between the parts. */
  readonly relative: string;
  /** Absolute. */
  readonly path: string;
}

/** Something in the folder that the walk did not take, and why. */
export interface PassedOver {
  readonly relative: string;
  readonly path: string;
  /** `notAFile`: a FIFO, socket, device, broken link or unreadable name; `link`: a folder read already. */
  readonly kind: 'notAFile' | 'link';
  readonly reason: string;
}

export interface WalkResult {
  /**
   * Regular files, in walk order: a folder's own files, then each of its subfolders' in turn,
   * entries in code-point order of their names.
   */
  readonly files: readonly WalkedFile[];
  /** Folders not descended into (not `recursive`), by relative path. */
  readonly folders: readonly string[];
  /** Folders read below the walked one, by relative path. */
  readonly descended: readonly string[];
  readonly passedOver: readonly PassedOver[];
}

export interface WalkOptions {
  /** Descend into subfolders; else only the folder's own entries are listed. */
  readonly recursive: boolean;
  /** Checked before each folder is read. */
  readonly signal: AbortSignal | undefined;
}

/**
 * Lists the regular files below `root` (its own, or with `recursive` all its subfolders'),
 * following symbolic links, but reading each real folder at most once. Dot files and dot
 * folders are left out. Entries that are not regular files are in `passedOver`.
 */
export async function walkFolder(root: string, options: WalkOptions): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const folders: string[] = [];
  const descended: string[] = [];
  const passedOver: PassedOver[] = [];
  const seen = new Set<string>();
  const rootStats = await fs.stat(root);
  seen.add(folderKey(rootStats));
  // Depth first, each folder's entries in order: a stack holding the rest of each level.
  const stack: string[] = [''];
  while (stack.length > 0) {
    const relative = stack.pop() as string;
    throwIfAborted(options.signal);
    const entries = await readEntries(path.join(root, relative));
    const subfolders: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const child = relative === '' ? name : `${relative}/${name}`;
      const absolute = path.join(root, child);
      if (entry.badName) {
        passedOver.push({
          relative: child,
          path: absolute,
          kind: 'notAFile',
          reason: 'its name is not valid UTF-8, so it cannot be opened: rename it',
        });
        continue;
      }
      // The entry's type, a link's target's. Regular files need no stat here.
      const stats = entry.dirent.isFile() ? 'file' : await statEntry(entry.dirent, absolute);
      if (stats === 'file') {
        files.push({ relative: child, path: absolute });
      } else if (stats === null) {
        passedOver.push({
          relative: child,
          path: absolute,
          kind: 'notAFile',
          reason: 'a symbolic link to nothing (its target does not exist)',
        });
      } else if (stats.isFile()) {
        files.push({ relative: child, path: absolute });
      } else if (stats.isDirectory()) {
        if (!options.recursive) {
          folders.push(child);
          continue;
        }
        const key = folderKey(stats);
        if (seen.has(key)) {
          passedOver.push({
            relative: child,
            path: absolute,
            kind: 'link',
            reason:
              'a link to a folder that is read already (through another path): not read again',
          });
          continue;
        }
        seen.add(key);
        subfolders.push(child);
        descended.push(child);
      } else {
        passedOver.push({
          relative: child,
          path: absolute,
          kind: 'notAFile',
          reason: `${describeNonFile(stats)}, not a file`,
        });
      }
    }
    // Pushed last-first, so the first subfolder is read next.
    for (let i = subfolders.length - 1; i >= 0; i -= 1) stack.push(subfolders[i] as string);
  }
  return { files, folders, descended, passedOver };
}

interface Entry {
  readonly dirent: Dirent;
  readonly name: string;
  /** The name's bytes are not UTF-8: no text path can open it. */
  readonly badName: boolean;
}

/** A folder's entries in code-point order of their names. */
async function readEntries(folder: string): Promise<Entry[]> {
  let dirents: Dirent<Buffer>[];
  try {
    dirents = await fs.readdir(folder, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    throw new XlmergeError(ErrorCode.InputNotFound, `The folder cannot be read: ${reason(error)}`, {
      file: folder,
      cause: error,
    });
  }
  return dirents
    .map((dirent) => {
      const bytes = dirent.name;
      const name = bytes.toString('utf8');
      return {
        dirent: dirent as unknown as Dirent,
        name,
        badName: !Buffer.from(name, 'utf8').equals(bytes),
        bytes,
      };
    })
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
}

/** The entry's own stats, a link's target's; `null` for a link to nothing. */
async function statEntry(dirent: Dirent, absolute: string): Promise<Stats | null> {
  try {
    return await fs.stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (dirent.isSymbolicLink() && (code === 'ENOENT' || code === 'ELOOP')) return null;
    throw new XlmergeError(ErrorCode.InputNotFound, `The path cannot be read: ${reason(error)}`, {
      file: absolute,
      cause: error,
    });
  }
}

function folderKey(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
