/**
 * Checks, before a run reads anything, that its output files can and may be written: never over
 * an input (however its path is spelled), never over an existing file without `force`, through
 * a symbolic link to the file it points to.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { ErrorCode, XlmergeError } from '../errors.js';
import { describeNonFile } from '../io/open-file.js';
import type { Settings } from '../options.js';
import type { InputFile } from '../scan/scan-inputs.js';

/** Where the run's files are written: the paths asked for, with symbolic links followed. */
export interface OutputTargets {
  /** The output file, or the file its symbolic link points to (through any chain of links). */
  readonly output: string;
  /** The duplicates report's file likewise, or `null`. */
  readonly duplicatesReport: string | null;
}

/** Links followed before the output path is taken for a loop (as the kernel's ELOOP). */
const MAX_LINKS = 40;
/** Inputs looked at (`stat`) at once when an output file exists already. */
const CONCURRENT_STATS = 64;

/**
 * Refuses to start a run whose files cannot or must not be written, and says where they go:
 *
 * - an output (`output`, `duplicatesReport`) that is one of `inputs` is `OUTPUT_IS_INPUT`, even
 *   with `force`: files are compared by device and inode, so `./a.xlsx`, `../d/a.xlsx`, a
 *   symbolic or hard link, or another case on a case-insensitive file system are all caught;
 * - a cache folder (`cache`) that holds an input is `OUTPUT_IS_INPUT` too: the cache writes and
 *   removes files in it;
 * - an existing output without `force` is `OUTPUT_EXISTS`; a folder, or a missing parent
 *   folder, fails as well;
 * - an output path that is a symbolic link is written through: the file it points to is
 *   replaced (the temporary file and the rename happen beside that file), the link stays.
 */
export async function checkOutput(
  settings: Settings,
  inputs: readonly InputFile[],
): Promise<OutputTargets> {
  const output = await checkTarget(settings.output, settings.force, 'output');
  const report =
    settings.duplicatesReport === null
      ? null
      : await checkTarget(settings.duplicatesReport, settings.force, 'duplicatesReport');
  if (report !== null && (report.target === output.target || sameFile(report.stat, output.stat))) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      'The duplicates report and the output are the same file',
      {
        file: settings.duplicatesReport as string,
        hint: 'Give `duplicatesReport` another file name',
      },
    );
  }
  const written = report === null ? [output] : [output, report];
  const cache = settings.cache === null ? null : await statOrNull(settings.cache);
  if (written.some((file) => file.stat !== null) || cache !== null) {
    await checkNotInputs(written, cache, settings, inputs);
  }
  return { output: output.target, duplicatesReport: report?.target ?? null };
}

/**
 * What {@link checkOutput} would refuse as `OUTPUT_IS_INPUT` (the output, the duplicates report
 * or the cache folder is, or holds, an input), or `null`: for `inspect`, which writes nothing
 * but says whether the merge would run.
 */
export async function outputAmongInputs(
  settings: Settings,
  inputs: readonly InputFile[],
): Promise<XlmergeError | null> {
  const written: Target[] = [];
  const asked = [
    [settings.output, 'output'],
    [settings.duplicatesReport, 'duplicatesReport'],
  ] as const;
  for (const [file, option] of asked) {
    if (file === null) continue;
    const target = await followLinks(file, option).catch(() => file);
    written.push({ asked: file, target, stat: await statOrNull(target), option });
  }
  const cache = settings.cache === null ? null : await statOrNull(settings.cache);
  try {
    await checkNotInputs(written, cache, settings, inputs);
    return null;
  } catch (error) {
    if (error instanceof XlmergeError && error.code === ErrorCode.OutputIsInput) return error;
    throw error;
  }
}

/** A file the run writes, as checked. */
interface Target {
  /** The path asked for (absolute). */
  readonly asked: string;
  /** Where it is written: `asked` with symbolic links followed. */
  readonly target: string;
  /** The existing file at `target`, or `null`. */
  readonly stat: Stats | null;
  /** The option that names it. */
  readonly option: string;
}

/** Refuses a file to write that is a folder, exists (without `force`), or has no folder. */
async function checkTarget(asked: string, force: boolean, option: string): Promise<Target> {
  const target = await followLinks(asked, option);
  const stat = await statOrNull(target);
  if (stat !== null && !stat.isFile()) {
    // `force` replaces files only: never a folder, a FIFO or a device (`-o /dev/null` as root
    // would replace the system's /dev/null).
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      `The output path is ${describeNonFile(stat)}, not a file; xlmerge writes and replaces only files`,
      { file: asked, hint: `Give \`${option}\` a file name, such as merged.xlsx` },
    );
  }
  const exists = stat !== null || (await fs.lstat(asked).catch(() => null)) !== null;
  if (exists && !force) {
    throw new XlmergeError(ErrorCode.OutputExists, 'The output file already exists', {
      file: asked,
      hint: `Use \`force: true\` to replace it, or choose another name with \`${option}\``,
    });
  }
  const folder = await statOrNull(path.dirname(target));
  if (!folder?.isDirectory()) {
    throw new XlmergeError(ErrorCode.WriteFailed, 'The output folder does not exist', {
      file: asked,
      hint: `Create ${path.dirname(target)} first`,
    });
  }
  return { asked, target, stat, option };
}

/** `file` with every symbolic link on its last component followed (a dangling link's target). */
async function followLinks(file: string, option: string): Promise<string> {
  let current = file;
  for (let links = 0; links <= MAX_LINKS; links += 1) {
    const stat = await fs.lstat(current).catch(() => null);
    if (!stat?.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await fs.readlink(current));
  }
  throw new XlmergeError(ErrorCode.InvalidOption, 'The output path is a loop of symbolic links', {
    file: file,
    hint: `Give \`${option}\` a file, or a link that ends at one`,
  });
}

/**
 * Compares the files the run writes, and the cache folder, with every input by device and
 * inode. Only called when one of them exists: a file that does not exist is no input.
 */
async function checkNotInputs(
  written: readonly Target[],
  cache: Stats | null,
  settings: Settings,
  inputs: readonly InputFile[],
): Promise<void> {
  const folders = new Map<string, Stats | null>();
  for (let start = 0; start < inputs.length; start += CONCURRENT_STATS) {
    const batch = inputs.slice(start, start + CONCURRENT_STATS);
    const stats = await Promise.all(batch.map((input) => statOrNull(input.path)));
    for (const [index, stat] of stats.entries()) {
      const input = batch[index] as InputFile;
      if (stat === null) continue;
      const same = written.find((file) => sameFile(file.stat, stat));
      if (same !== undefined) throw outputIsInput(same, input);
      if (cache === null) continue;
      if (sameFile(cache, stat)) throw cacheHoldsInput(settings, input, 'is');
      const folder = path.dirname(input.path);
      if (!folders.has(folder)) folders.set(folder, await statOrNull(folder));
      if (sameFile(cache, folders.get(folder) ?? null)) {
        throw cacheHoldsInput(settings, input, 'holds');
      }
    }
  }
}

function outputIsInput(file: Target, input: InputFile): XlmergeError {
  const found = input.input === input.display ? '' : ` (found through "${input.input}")`;
  const which = file.option === 'output' ? 'output' : 'duplicates report';
  return new XlmergeError(
    ErrorCode.OutputIsInput,
    `The ${which} file is the input ${input.display}${found}; xlmerge never writes over an input, even with \`force: true\``,
    {
      file: file.asked,
      hint: `Write the ${which} to a file outside the inputs with \`${file.option}\``,
    },
  );
}

function cacheHoldsInput(settings: Settings, input: InputFile, verb: 'is' | 'holds'): XlmergeError {
  return new XlmergeError(
    ErrorCode.OutputIsInput,
    `The cache folder ${verb} the input ${input.display}; the cache writes and removes files in its folder`,
    {
      file: settings.cache as string,
      hint: 'Give `cache` a folder of its own',
    },
  );
}

function sameFile(a: Stats | null, b: Stats | null): boolean {
  return a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;
}

function statOrNull(file: string): Promise<Stats | null> {
  return fs.stat(file).catch(() => null);
}
