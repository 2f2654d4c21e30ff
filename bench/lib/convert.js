// @ts-check
/**
 * A bench set converted to another spreadsheet format by LibreOffice (`--convert xls,ods`), to
 * time the readers of those formats on the same table as the .xlsx set. The converted files are
 * kept in `bench/data/<set>.<format>/`, beside a `<set>.<format>.json` naming the source
 * workbooks' SHA-256 (outside the folder, which the bench merges), and made again only when the
 * set changes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The formats LibreOffice converts the sets to, by the extension it writes. */
export const CONVERT_FORMATS = Object.freeze(['xls', 'ods']);

/**
 * LibreOffice's version line, or `undefined` when `soffice` is not installed.
 * @returns {string | undefined}
 */
export function libreOfficeVersion() {
  const run = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/**
 * The set in `dataDir` converted to `to`, converting it now when no current copy exists.
 * @param {object} options
 * @param {string} options.dataDir the .xlsx set
 * @param {import('./dataset.js').Manifest} options.manifest its manifest
 * @param {string} options.to `xls` or `ods`
 * @returns {Promise<{ dir: string, converted: boolean, bytes: number }>}
 */
export async function convertSet({ dataDir, manifest, to }) {
  const dir = `${dataDir}.${to}`;
  const sources = manifest.files.map((file) => ({ name: file.name, sha256: file.sha256 }));
  const wanted = JSON.stringify({ to, sources });
  const current = await readFile(`${dir}.json`, 'utf8').catch(() => undefined);
  const names = manifest.files.map((file) => `${file.name.replace(/\.xlsx$/, '')}.${to}`);
  if (current !== undefined && sameStamp(current, wanted)) {
    if (names.every((name) => existsSync(join(dir, name)))) {
      return { dir, converted: false, bytes: await sizeOf(dir, names) };
    }
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // A profile of its own, so a LibreOffice the user has open does not take the job.
  const profile = join(tmpdir(), `xlmerge-bench-lo-${process.pid}`);
  const run = spawnSync(
    'soffice',
    [
      `-env:UserInstallation=file://${profile}`,
      '--headless',
      '--convert-to',
      to,
      '--outdir',
      dir,
      ...manifest.files.map((file) => join(dataDir, file.name)),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  await rm(profile, { recursive: true, force: true });
  const made = new Set(await readdir(dir));
  const missing = names.filter((name) => !made.has(name));
  if (run.status !== 0 || missing.length > 0) {
    throw new Error(
      `LibreOffice did not convert ${missing.length > 0 ? missing.map((name) => basename(name)).join(', ') : 'the set'} to .${to} (exit ${run.status}): ${run.stderr.trim().slice(-500)}`,
    );
  }
  await writeFile(`${dir}.json`, `${JSON.stringify({ to, sources, by: libreOfficeVersion() })}\n`);
  return { dir, converted: true, bytes: await sizeOf(dir, names) };
}

/** @param {string} stamp @param {string} wanted */
function sameStamp(stamp, wanted) {
  try {
    const { to, sources } = JSON.parse(stamp);
    return JSON.stringify({ to, sources }) === wanted;
  } catch {
    return false;
  }
}

/** @param {string} dir @param {string[]} names */
async function sizeOf(dir, names) {
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(dir, name))).size;
  return bytes;
}
