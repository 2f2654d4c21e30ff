/**
 * No input is ever overwritten: an output (or duplicates report, or cache folder) that is an
 * input, however its path is spelled, is refused before any work, even with `force`. An output
 * path that is a symbolic link is written through to the file it points to.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type MergeOptions, merge, XlmergeError } from '../../dist/index.js';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook, writeTable } from '../helpers/workbooks.js';

const DEMO = path.resolve('fixtures/demo');

/** The XlmergeError (of the built package) that `run` rejects with. */
async function rejectionOf(run: Promise<unknown>): Promise<XlmergeError> {
  const error = await run.then(
    () => new Error('expected the run to fail'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(XlmergeError);
  return error as XlmergeError;
}

/** A folder `in/` with two workbooks, and the bytes of each. */
async function inputs(): Promise<{ dir: string; bytes: () => Promise<Buffer[]> }> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in', 'sub'), { recursive: true });
  await writeTable(path.join(dir, 'in', 'a.xlsx'), [['id'], [1], [2]]);
  await writeTable(path.join(dir, 'in', 'sub', 'b.xlsx'), [['id'], [3]]);
  const bytes = () =>
    Promise.all(['in/a.xlsx', 'in/sub/b.xlsx'].map((file) => fs.readFile(path.join(dir, file))));
  return { dir, bytes };
}

/** Runs a forced merge that must be refused as `OUTPUT_IS_INPUT`, and checks nothing changed. */
async function expectRefused(dir: string, options: Partial<MergeOptions>, before: Buffer[]) {
  const listing = await fs.readdir(dir, { recursive: true });
  const error = await rejectionOf(
    merge({ inputs: ['in'], cwd: dir, force: true, ...options } as MergeOptions),
  );
  expect(error.code).toBe(ErrorCode.OutputIsInput);
  const after = await Promise.all(
    ['in/a.xlsx', 'in/sub/b.xlsx'].map((file) => fs.readFile(path.join(dir, file))),
  );
  expect(after).toEqual(before);
  // Nothing was made either: no temporary files, no cache folder.
  expect(await fs.readdir(dir, { recursive: true })).toEqual(listing);
  return error;
}

describe('an output that is an input', () => {
  it('is refused with force when a folder scan finds it, and says which input it is', async () => {
    const { dir, bytes } = await inputs();
    const error = await expectRefused(dir, { output: 'in/a.xlsx' }, await bytes());
    expect(error.describe()).toBe(
      `${path.join(dir, 'in', 'a.xlsx')}: The output file is the input in/a.xlsx (found through "in"); xlmerge never writes over an input, even with \`force: true\`. Write the output to a file outside the inputs with \`output\``,
    );
  });

  it('is refused however its path is spelled: ./, ../, a symbolic link, a hard link', async () => {
    const { dir, bytes } = await inputs();
    const before = await bytes();
    await fs.symlink(path.join(dir, 'in', 'a.xlsx'), path.join(dir, 'link.xlsx'));
    await fs.link(path.join(dir, 'in', 'a.xlsx'), path.join(dir, 'hard.xlsx'));
    for (const output of ['./in/a.xlsx', 'in/sub/../a.xlsx', 'link.xlsx', 'hard.xlsx']) {
      await expectRefused(dir, { output }, before);
    }
  });

  it('is refused when a glob, a named file or a recursive scan reaches it', async () => {
    const { dir, bytes } = await inputs();
    const before = await bytes();
    await expectRefused(dir, { inputs: ['in/*.xlsx'], output: 'in/a.xlsx' }, before);
    await expectRefused(dir, { inputs: ['in/a.xlsx'], output: 'in/a.xlsx' }, before);
    await expectRefused(dir, { recursive: true, output: 'in/sub/b.xlsx' }, before);
  });

  it('is refused for the duplicates report, even in CSV', async () => {
    const { dir, bytes } = await inputs();
    const before = await bytes();
    const error = await expectRefused(
      dir,
      { output: 'out.xlsx', duplicatesReport: 'in/a.xlsx' },
      before,
    );
    expect(error.message).toMatch(/^The duplicates report file is the input in\/a\.xlsx/);
    await fs.copyFile(path.join(dir, 'in', 'a.xlsx'), path.join(dir, 'in', 'c.csv'));
    await expectRefused(dir, { output: 'in/c.csv' }, before);
    await fs.rm(path.join(dir, 'in', 'c.csv'));
  });

  it('is refused for a cache folder that holds an input', async () => {
    const { dir, bytes } = await inputs();
    const error = await expectRefused(
      dir,
      { output: 'out.xlsx', cache: 'in/sub', recursive: true },
      await bytes(),
    );
    expect(error.describe()).toBe(
      `${path.join(dir, 'in', 'sub')}: The cache folder holds the input in/sub/b.xlsx; the cache writes and removes files in its folder. Give \`cache\` a folder of its own`,
    );
  });

  it('is refused in a dry run too', async () => {
    const { dir, bytes } = await inputs();
    await expectRefused(dir, { output: 'in/a.xlsx', dryRun: true }, await bytes());
  });

  it('on the demo: `-o fixtures/demo/north.xlsx --force` exits 1 and leaves north.xlsx as it was', async () => {
    const dir = await makeTempDir();
    await fs.cp(DEMO, path.join(dir, 'demo'), { recursive: true });
    const north = path.join(dir, 'demo', 'north.xlsx');
    const before = await fs.readFile(north);
    const result = await xlmerge(dir, 'demo', '-o', 'demo/north.xlsx', '--force');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `xlmerge: ${north}: The output file is the input demo/north.xlsx (found through "demo"); xlmerge never writes over an input, even with --force. Write the output to a file outside the inputs with -o\n`,
    );
    expect(await fs.readFile(north)).toEqual(before);
  });
});

describe('an output path that is a symbolic link', () => {
  it('is written through: the file it points to is replaced, the link stays', async () => {
    const { dir } = await inputs();
    await fs.mkdir(path.join(dir, 'reports'));
    const target = path.join(dir, 'reports', 'merged.xlsx');
    await fs.writeFile(target, 'last month');
    await fs.symlink('reports/merged.xlsx', path.join(dir, 'latest.xlsx'));
    await expect(
      merge({ inputs: ['in'], cwd: dir, output: 'latest.xlsx', recursive: true }),
    ).rejects.toMatchObject({ code: ErrorCode.OutputExists });
    const summary = await merge({
      inputs: ['in'],
      cwd: dir,
      output: 'latest.xlsx',
      recursive: true,
      force: true,
    });
    expect(summary.output).toBe(path.join(dir, 'latest.xlsx'));
    expect((await fs.lstat(path.join(dir, 'latest.xlsx'))).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(path.join(dir, 'latest.xlsx'))).toBe('reports/merged.xlsx');
    expect((await readWorkbook(target)).rows).toEqual([['id'], [1], [2], [3]]);
    // The temporary file was beside the target, and is gone.
    expect((await fs.readdir(path.join(dir, 'reports'))).sort()).toEqual(['merged.xlsx']);
  });

  it('whose target does not exist yet is written through with force, and makes the target', async () => {
    const { dir } = await inputs();
    await fs.symlink('made.xlsx', path.join(dir, 'dangling.xlsx'));
    await expect(
      merge({ inputs: ['in'], cwd: dir, output: 'dangling.xlsx' }),
    ).rejects.toMatchObject({ code: ErrorCode.OutputExists });
    await merge({ inputs: ['in'], cwd: dir, output: 'dangling.xlsx', force: true });
    expect((await readWorkbook(path.join(dir, 'made.xlsx'))).rows).toEqual([['id'], [1], [2]]);
  });

  it('that loops is refused', async () => {
    const { dir } = await inputs();
    await fs.symlink('loop2.xlsx', path.join(dir, 'loop1.xlsx'));
    await fs.symlink('loop1.xlsx', path.join(dir, 'loop2.xlsx'));
    const error = await rejectionOf(
      merge({ inputs: ['in'], cwd: dir, output: 'loop1.xlsx', force: true }),
    );
    expect([error.code, error.message]).toEqual([
      ErrorCode.InvalidOption,
      'The output path is a loop of symbolic links',
    ]);
  });
});
