import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Picomatch from 'picomatch';
import { compareCodePoints } from '../core/code-point-order.js';
import { ErrorCode, throwIfAborted, XlmergeError } from '../errors.js';
import { notAFile } from '../io/open-file.js';
import { DEFAULT_PATTERNS, type Settings } from '../options.js';
import { requireCjs } from '../require-cjs.js';
import type { IgnoredFile } from '../summary.js';
import { ignoredReason } from './ignored-reason.js';
import { walkFolder } from './walk-folder.js';

const picomatch = requireCjs('picomatch') as typeof Picomatch;

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
   * `recursive`, the cache folder, FIFOs and other non-files, links to folders read already,
   * and files reached twice. Dot files are left out without a word.
   */
  readonly ignored: readonly IgnoredFile[];
}

/** Characters that make an input a glob pattern when no file or folder has its name. */
const GLOB_CHARS = /[*?[\]{}()!]/;
/** Inputs looked at (`stat`) at once. */
const CONCURRENT_STATS = 64;

/**
 * Finds the workbooks named by `settings.inputs`: directories (their files matching
 * `settings.patterns`, in subfolders with `recursive`), files, and glob patterns. Lock files
 * (`~$x.xlsx`, `.~lock.x#`) and dot files are left out, and everything else in an input folder
 * that is not read is listed in `ignored`. Each real file (device and inode) is read once,
 * however many paths reach it; each real folder is walked once, so links that loop end.
 *
 * The output is not left out here: a run whose output is one of these files is refused
 * (`checkOutput`), since replacing it would destroy an input.
 */
export async function scanInputs(settings: Settings): Promise<ScanResult> {
  const ignored = new Map<string, IgnoredFile>();
  const note = (file: string, entry: IgnoredFile) => {
    if (!ignored.has(file)) ignored.set(file, entry);
  };
  // Inputs are looked up concurrently but taken in the order given, so which path of a file
  // reached twice wins (its display path and Source label) never depends on timing.
  const perInput = await Promise.all(settings.inputs.map((input) => scanInput(input, settings)));
  throwIfAborted(settings.signal);
  const candidates: InputFile[] = [];
  for (const result of perInput) {
    for (const entry of result.ignored) note(entry.path, entry.ignored);
    for (const file of result.files) {
      if (isLockFile(path.basename(file.path))) {
        note(file.path, {
          file: file.display,
          kind: 'lock',
          reason: 'a lock file of an open workbook',
        });
      } else candidates.push(file);
    }
  }
  const found = await onePerRealFile(candidates, settings, note);
  const read = new Set(found.map((file) => file.path));
  const ignoredList = [...ignored.entries()]
    .filter(([file]) => !read.has(file))
    .map(([, entry]) => entry)
    .sort((a, b) => compareCodePoints(a.file, b.file));
  if (found.length === 0) throw noInputs(settings, ignoredList);
  return {
    files: [...found].sort((a, b) => compareCodePoints(a.path, b.path)),
    ignored: ignoredList,
  };
}

/**
 * The candidates with each real file once: the first path that reaches it (in input order,
 * then walk order) is kept, the others are noted as `duplicate`.
 */
async function onePerRealFile(
  candidates: readonly InputFile[],
  settings: Settings,
  note: (file: string, entry: IgnoredFile) => void,
): Promise<InputFile[]> {
  const byIdentity = new Map<string, InputFile>();
  const kept: InputFile[] = [];
  for (let start = 0; start < candidates.length; start += CONCURRENT_STATS) {
    throwIfAborted(settings.signal);
    const batch = candidates.slice(start, start + CONCURRENT_STATS);
    const stats = await Promise.all(batch.map((file) => fs.stat(file.path).catch(() => null)));
    for (const [index, file] of batch.entries()) {
      const stat = stats[index] ?? null;
      // Gone since it was listed: its reader says so, in its words.
      const identity = stat === null ? `path:${file.path}` : `${stat.dev}:${stat.ino}`;
      const first = byIdentity.get(identity);
      if (first === undefined) {
        byIdentity.set(identity, file);
        kept.push(file);
      } else if (first.path !== file.path) {
        note(file.path, {
          file: file.display,
          kind: 'duplicate',
          reason: `the same file as ${first.display} (reached by two paths): read once`,
        });
      }
    }
  }
  return kept;
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
  if (stat !== null) throw notAFile(stat, input);
  if (GLOB_CHARS.test(input)) return scanGlob(input, settings);
  throw new XlmergeError(ErrorCode.InputNotFound, 'No such file or folder', {
    file: input,
    hint: input.includes('\uFFFD')
      ? 'The name holds a character that is not valid UTF-8 (shown as �); rename the file or folder, or give the folder that holds it'
      : 'Check the path; to match several files use a folder or a glob such as "data/*.xlsx"',
  });
}

/** A glob's files: the folder before its first pattern character, walked as the glob needs. */
async function scanGlob(input: string, settings: Settings): Promise<InputScan> {
  const { base, glob } = picomatch.scan(toPosix(input));
  const root = path.resolve(settings.cwd, base === '' ? '.' : base);
  const stat = await fs.stat(root).catch(() => null);
  if (!stat?.isDirectory()) return { files: [], ignored: [] };
  const walk = await walkFolder(root, {
    recursive: glob.includes('/'),
    signal: settings.signal,
  });
  const matches = picomatch(glob, { nocase: true, dot: false });
  const files = walk.files
    .filter((file) => matches(file.relative))
    .map((file) => ({
      path: file.path,
      display: displayPath(file.path, settings.cwd),
      source: path.basename(file.path),
      input,
    }));
  return { files, ignored: [] };
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
  const cache = settings.cache === null ? null : toPosix(path.relative(folder, settings.cache));
  const cacheInside =
    cache !== null && cache !== '' && !cache.startsWith('..') && !path.isAbsolute(cache);
  const walk = await walkFolder(folder, {
    // A pattern such as "2024/*.xlsx" reads into a subfolder without `recursive`.
    recursive: recursive || settings.patterns.some((pattern) => pattern.includes('/')),
    signal: settings.signal,
  });
  /** In the cache folder: its own files are one line, not one each. */
  const inCache = (relative: string) => cacheInside && relative.startsWith(`${cache}/`);
  const matches = picomatch(patterns, { nocase: true, dot: false });
  const ignored: { path: string; ignored: IgnoredFile }[] = [];
  const note = (relative: string, kind: IgnoredFile['kind'], reason: string) => {
    const file = path.join(folder, relative);
    ignored.push({ path: file, ignored: { file: displayPath(file, settings.cwd), kind, reason } });
  };
  /** Without `recursive`, only the folder's own entries are listed. */
  const listed = (relative: string) => recursive || !relative.includes('/');
  const files: InputFile[] = [];
  for (const file of walk.files) {
    if (matches(file.relative)) {
      files.push({
        path: file.path,
        display: displayPath(file.path, settings.cwd),
        source: file.relative,
        input,
      });
      continue;
    }
    if (!listed(file.relative) || inCache(file.relative)) continue;
    const name = path.posix.basename(file.relative);
    if (isLockFile(name)) note(file.relative, 'lock', 'a lock file of an open workbook');
    else {
      const { kind, reason } = ignoredReason(name, settings.patterns, DEFAULT_PATTERNS);
      note(file.relative, kind, reason);
    }
  }
  for (const entry of walk.passedOver) {
    if (listed(entry.relative) && !inCache(entry.relative)) {
      note(entry.relative, entry.kind, entry.reason);
    }
  }
  for (const relative of walk.folders) {
    if (cacheInside && relative === cache) {
      note(relative, 'cache', 'the cache folder (`cache`)');
    } else if (listed(relative) && !inCache(relative)) {
      note(relative, 'folder', 'a subfolder; `recursive: true` reads subfolders');
    }
  }
  if (cacheInside && recursive && walk.descended.includes(cache)) {
    note(cache, 'cache', 'the cache folder (`cache`)');
  }
  if (!recursive) {
    // Subfolders read only because a pattern reaches into them: listed unless it did.
    for (const relative of walk.descended) {
      if (relative.includes('/')) continue;
      if (files.some((file) => file.source.startsWith(`${relative}/`))) continue;
      note(relative, 'folder', 'a subfolder; `recursive: true` reads subfolders');
    }
  }
  return { files, ignored };
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

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : toPosix(relative);
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
