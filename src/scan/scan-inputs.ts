import { promises as fs } from 'node:fs';
import path from 'node:path';
import type FastGlob from 'fast-glob';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { Settings } from '../options.js';
import { requireCjs } from '../require-cjs.js';
import type { IgnoredFile } from '../summary.js';

const fg = requireCjs('fast-glob') as typeof FastGlob;

/** One workbook to merge. */
export interface InputFile {
  /** Absolute path. */
  readonly path: string;
  /** The path as shown to the user: relative to the working folder when inside it. */
  readonly display: string;
  /** The path relative to the input it was found through (the file name for a named file). */
  readonly source: string;
}

export interface ScanResult {
  /** Workbooks in merge order: code-point order of their absolute paths. */
  readonly files: readonly InputFile[];
  readonly ignored: readonly IgnoredFile[];
}

const GLOB_CHARS = /[*?[\]{}()!]/;

/**
 * Finds the workbooks named by `settings.inputs`: directories (their files matching
 * `settings.patterns`, in subfolders with `recursive`), files, and glob patterns. Lock files
 * (`~$x.xlsx`, `.~lock.x#`), dot files and the output file are left out. The same file reached
 * twice is merged once.
 */
export async function scanInputs(
  settings: Settings,
  writes: { output: boolean } = { output: true },
): Promise<ScanResult> {
  const found = new Map<string, InputFile>();
  const ignored = new Map<string, IgnoredFile>();
  const ignore = (file: InputFile, reason: string) => {
    if (!ignored.has(file.path)) ignored.set(file.path, { file: file.display, reason });
  };
  const add = (file: InputFile) => {
    if (found.has(file.path) || ignored.has(file.path)) return;
    if (writes.output && file.path === settings.output) ignore(file, 'it is the output file');
    else if (writes.output && file.path === settings.duplicatesReport) {
      ignore(file, 'it is the duplicates report');
    } else if (isLockFile(path.basename(file.path))) {
      ignore(file, 'a lock file of an open workbook');
    } else found.set(file.path, file);
  };

  // Inputs are looked up concurrently but added in the order given, so which spelling of a file
  // reached twice wins (its display path and Source label) never depends on timing.
  const perInput = await Promise.all(
    settings.inputs.map(async (input): Promise<InputFile[]> => {
      const absolute = path.resolve(settings.cwd, input);
      const stat = await fs.stat(absolute).catch(() => null);
      if (stat?.isDirectory()) {
        return (await globIn(absolute, settings)).map((relative) => {
          const file = path.join(absolute, relative);
          return {
            path: file,
            display: displayPath(file, settings.cwd),
            source: toPosix(relative),
          };
        });
      }
      if (stat?.isFile()) {
        if (
          writes.output &&
          (absolute === settings.output || absolute === settings.duplicatesReport)
        ) {
          throw new XlmergeError(ErrorCode.OutputIsInput, 'The output file is also an input', {
            file: input,
            hint: 'Choose another output path with -o; xlmerge never overwrites an input',
          });
        }
        return [
          {
            path: absolute,
            display: displayPath(absolute, settings.cwd),
            source: path.basename(absolute),
          },
        ];
      }
      if (GLOB_CHARS.test(input)) {
        const matches = await fg(toPosix(input), {
          cwd: settings.cwd,
          absolute: true,
          onlyFiles: true,
          dot: false,
          caseSensitiveMatch: false,
        });
        return matches.sort(compareCodePoints).map((match) => {
          const file = path.resolve(match);
          return {
            path: file,
            display: displayPath(file, settings.cwd),
            source: path.basename(file),
          };
        });
      }
      throw new XlmergeError(ErrorCode.InputNotFound, 'No such file or folder', {
        file: input,
        hint: 'Check the path; to match several files use a folder or a glob such as "data/*.xlsx"',
      });
    }),
  );
  for (const files of perInput) for (const file of files) add(file);

  if (found.size === 0) {
    throw new XlmergeError(
      ErrorCode.NoInputs,
      `No workbooks found in ${settings.inputs.map((input) => JSON.stringify(input)).join(', ')}`,
      {
        hint: `Folders are searched for ${settings.patterns.join(', ')}${settings.recursive ? '' : ' (add --recursive for subfolders)'}`,
      },
    );
  }
  return {
    files: [...found.values()].sort((a, b) => compareCodePoints(a.path, b.path)),
    ignored: [...ignored.values()].sort((a, b) => compareCodePoints(a.file, b.file)),
  };
}

async function globIn(directory: string, settings: Settings): Promise<string[]> {
  const patterns = settings.patterns.map((pattern) =>
    settings.recursive && !pattern.includes('/') ? `**/${pattern}` : pattern,
  );
  return fg(patterns, {
    cwd: directory,
    onlyFiles: true,
    dot: false,
    caseSensitiveMatch: false,
    followSymbolicLinks: true,
    suppressErrors: true,
  });
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
