/** Checks, before a run reads anything, that its output files can and may be written. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, XlmergeError } from '../errors.js';
import type { Settings } from '../options.js';

/** Refuses to start a run whose output cannot or must not be written. */
export async function checkOutput(settings: Settings): Promise<void> {
  await checkTarget(settings.output, settings.force, '-o');
  const report = settings.duplicatesReport;
  if (report === null) return;
  if (report === settings.output) {
    throw new XlmergeError(
      ErrorCode.InvalidOption,
      'The duplicates report and the output are the same file',
      { file: report, hint: 'Give --duplicates another file name' },
    );
  }
  await checkTarget(report, settings.force, '--duplicates');
}
/** Refuses a file to write that is a folder, exists (without `force`), or has no folder. */
async function checkTarget(target: string, force: boolean, option: string): Promise<void> {
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) {
    throw new XlmergeError(ErrorCode.InvalidOption, 'The output path is a folder', {
      file: target,
      hint: `Give a file name, such as ${option} merged.xlsx`,
    });
  }
  if (stat !== null && !force) {
    throw new XlmergeError(ErrorCode.OutputExists, 'The output file already exists', {
      file: target,
      hint: `Use --force to replace it, or choose another name with ${option}`,
    });
  }
  const folder = await fs.stat(path.dirname(target)).catch(() => null);
  if (!folder?.isDirectory()) {
    throw new XlmergeError(ErrorCode.WriteFailed, 'The output folder does not exist', {
      file: target,
      hint: `Create ${path.dirname(target)} first`,
    });
  }
}
