/**
 * What the workbook and CSV writers share to make an output appear whole or not at all: temp
 * files beside the target (same file system, so the final rename is atomic) and a durable
 * rename.
 */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';

/**
 * The common start of a target's temp file names: `.<name>.<pid>-<random>`, hidden and beside
 * it. Writers add `.<part>.tmp`.
 */
export function tempPathBase(target: string): string {
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}`);
}

/** Makes a rename durable. Best effort: some file systems refuse to sync a folder. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => null);
  if (handle === null) return;
  await handle.sync().catch(() => {});
  await handle.close().catch(() => {});
}
