import { promises as fs } from 'node:fs';
import path from 'node:path';
import type FastGlob from 'fast-glob';
import { ErrorCode, XlmergeError } from '../errors.js';
import { DEFAULT_PATTERNS, type Settings } from '../options.js';
import { requireCjs } from '../require-cjs.js';
import type { IgnoredFile } from '../summary.js';
import { ignoredReason } from './ignored-reason.js';

const fg = requireCjs('fast-glob') as typeof FastGlob;

/** One workbook to merge. */
export interface InputFile {
  /** Absolute path. */
  readonly path: string;
  /** The path as shown to the user: relative to the working folder when inside it. */
  readonly display: string;
  /** The path relative to the input it was found through (the file name for a named file). */
  readonly source: string;
  /** The input (as the user wrote it) that named or found this file. */
  readonly input: string;
}

export interface ScanResult {
  /** Workbooks in merge order: code-point order of their absolute paths. */
  readonly files: readonly InputFile[];
  /**
   * Everything in an input folder that is not read, each with the reason: lock files, files of
   * other types (spreadsheets xlmerge does not read among them), subfolders without
   * `recursive`, the cache folder. Dot files are left out without a word.
   */
  readonly ignored: readonly IgnoredFile[];
}

const GLOB_CHARS = /[*?[\]{}()!]/;

/**
 * Finds the workbooks named by `settings.inputs`: directories (their files matching
 * `settings.patterns`, in subfolders with `recursive`), files, and glob patterns. Lock files
 * (`~$x.xlsx`, `.~lock.x#`) and dot files are left out, and everything else in an input folder
 * that is not read is listed in `ignored`. The same file reached twice is merged once.
 *
 * The output is not left out here: a run whose output is one of these files is refused
 * (`checkOutput`), since replacing it would destroy an input.
 */
export async function scanInputs(settings: Settings): Promise<ScanResult> {
  const found = new Map<string, InputFile>();
  const ignored = new Map<string, IgnoredFile>();

  // Inputs are looked up concurrently but added in the order given, so which spelling of a file
  // reached twice wins (its display path and Source label) never depends on timing.
  const perInput = await Promise.all(settings.inputs.map((input) => scanInput(input, settings)));
  for (const result of perInput) {
    for (const file of result.files) {
      if (found.has(file.path) || ignored.has(file.path)) continue;
      if (isLockFile(path.basename(file.path))) {
        ignored.set(file.path, {
          file: file.display,
          kind: 'lock',
          reason: 'a lock file of an open workbook',
        });
      } else found.set(file.path, file);
    }
  }
  for (const result of perInput) {
    for (const entry of result.ignored) {
      if (!found.has(entry.path) && !ignored.has(entry.path))
        ignored.set(entry.path, entry.ignored);
    }
  }

  const ignoredList = [...ignored.values()].sort((a, b) => compareCodePoints(a.file, b.file));
  if (found.size === 0) throw noInputs(settings, ignoredList);
  return {
    files: [...found.values()].sort((a, b) => compareCodePoints(a.path, b.path)),
    ignored: ignoredList,
  };
}

/** What one input named: the files to read, and what its folder holds besides. */
interface InputScan {
  readonly files: readonly InputFile[];
  readonly ignored: readonly { readonly path: string; readonly ignored: IgnoredFile }[];
}

async function scanInput(input: string, settings: Settings): Promise<InputScan> {
  const absolute = path.resolve(settings.cwd, input);
  const stat = await fs.stat(absolute).catch(() => null);
  if (stat?.isDirectory()) return scanFolder(input, absolute, settings);
  if (stat?.isFile()) {
    return {
      files: [
        {
          path: absolute,
          display: displayPath(absolute, settings.cwd),
          source: path.basename(absolute),
          input,
        },
      ],
      ignored: [],
    };
  }
  if (GLOB_CHARS.test(input)) {
    const matches = await fg(toPosix(input), {
      cwd: settings.cwd,
      absolute: true,
      onlyFiles: true,
      dot: false,
      caseSensitiveMatch: false,
    });
    const files = matches.sort(compareCodePoints).map((match) => {
      const file = path.resolve(match);
      return {
        path: file,
        display: displayPath(file, settings.cwd),
        source: path.basename(file),
        input,
      };
    });
    return { files, ignored: [] };
  }
  throw new XlmergeError(ErrorCode.InputNotFound, 'No such file or folder', {
    file: input,
    hint: 'Check the path; to match several files use a folder or a glob such as "data/*.xlsx"',
  });
}

/**
 * A folder's files that match the patterns, and a line for everything else in it: each other
 * file (with `recursive`, in every subfolder), and without `recursive` each subfolder that no
 * pattern reached into. The cache folder, when inside, is one line for all its own files.
 */
async function scanFolder(input: string, folder: string, settings: Settings): Promise<InputScan> {
  const recursive = settings.recursive;
  const patterns = settings.patterns.map((pattern) =>
    recursive && !pattern.includes('/') ? `**/${pattern}` : pattern,
  );
  const cache = settings.cache === null ? null : path.relative(folder, settings.cache);
  const cacheInside =
    cache !== null && cache !== '' && !cache.startsWith('..') && !path.isAbsolute(cache);
  const skip = cacheInside ? [`${toPosix(cache)}/**`] : [];
  const options = {
    cwd: folder,
    dot: false,
    caseSensitiveMatch: false,
    followSymbolicLinks: true,
    suppressErrors: true,
    ignore: skip,
  };
  // The cache folder's own files are one line, not one each; but an input in it is still
  // found, so that the run is refused (the cache writes and removes files there).
  const [matched, every, folders] = await Promise.all([
    fg(patterns, { ...options, ignore: [], onlyFiles: true }),
    fg(recursive ? '**/*' : '*', { ...options, onlyFiles: true }),
    fg(recursive ? '**/*' : '*', { ...options, onlyDirectories: true }),
  ]);
  const files = matched.map((relative) => {
    const file = path.join(folder, relative);
    return {
      path: file,
      display: displayPath(file, settings.cwd),
      source: toPosix(relative),
      input,
    };
  });
  const read = new Set(matched);
  const ignored: { path: string; ignored: IgnoredFile }[] = [];
  const note = (relative: string, kind: IgnoredFile['kind'], reason: string) => {
    const file = path.join(folder, relative);
    ignored.push({ path: file, ignored: { file: displayPath(file, settings.cwd), kind, reason } });
  };
  for (const relative of every) {
    if (read.has(relative)) continue;
    const name = path.posix.basename(relative);
    if (isLockFile(name)) note(relative, 'lock', 'a lock file of an open workbook');
    else {
      const { kind, reason } = ignoredReason(name, settings.patterns, DEFAULT_PATTERNS);
      note(relative, kind, reason);
    }
  }
  const cacheName = cacheInside ? toPosix(cache) : null;
  const cacheListed = recursive || (cacheName !== null && !cacheName.includes('/'));
  if (cacheName !== null && cacheListed && (await isFolder(settings.cache as string))) {
    note(cacheName, 'cache', 'the cache folder (`cache`)');
  }
  if (!recursive) {
    for (const relative of folders) {
      if (relative === cacheName) continue;
      // A pattern such as "2024/*.xlsx" reads into a subfolder: that folder is not passed over.
      if (matched.some((file) => file.startsWith(`${relative}/`))) continue;
      note(relative, 'folder', 'a subfolder; `recursive: true` reads subfolders');
    }
  }
  return { files, ignored };
}

async function isFolder(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => null))?.isDirectory() === true;
}

function noInputs(settings: Settings, ignored: readonly IgnoredFile[]): XlmergeError {
  const searched = `Folders are searched for ${settings.patterns.join(', ')}${settings.recursive ? '' : ' (add `recursive: true` for subfolders)'}`;
  const shown = ignored.slice(0, 5).map((file) => `${file.file} (${file.reason})`);
  if (ignored.length > shown.length) shown.push(`and ${ignored.length - shown.length} more`);
  return new XlmergeError(
    ErrorCode.NoInputs,
    `No workbooks found in ${settings.inputs.map((input) => JSON.stringify(input)).join(', ')}`,
    {
      hint: shown.length === 0 ? searched : `${searched}. Not read: ${shown.join('; ')}`,
    },
  );
}

/** Excel's `~$name.xlsx` owner files and LibreOffice's `.~lock.name#` files. */
export function isLockFile(name: string): boolean {
  return name.startsWith('~$') || (name.startsWith('.~lock.') && name.endsWith('#'));
}

/** Orders strings by Unicode code point (UTF-8 byte order), not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : toPosix(relative);
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
