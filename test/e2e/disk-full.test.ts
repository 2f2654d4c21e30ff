/**
 * Disk full while writing: a clear error, no temporary file left, and a previous output at the
 * target path untouched. Needs a tiny tmpfs, so it runs where mounting is allowed (as root, as
 * in CI on this project's machines) and is skipped, saying why, elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, merge, type XlmergeError } from '../../dist/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeTable } from '../helpers/workbooks.js';

const mountPoint = path.join(os.tmpdir(), `xlmerge-full-${process.pid}`);

function tryMount(): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

await fs.mkdir(mountPoint, { recursive: true });
const mounted = process.platform === 'linux' && process.getuid?.() === 0 && tryMount();
if (!mounted) await fs.rm(mountPoint, { recursive: true, force: true });

describe.skipIf(!mounted)('a full disk (tmpfs of 64 KiB)', () => {
  beforeAll(async () => {
    await fs.writeFile(path.join(mountPoint, 'merged.xlsx'), 'previous output');
  });
  afterAll(async () => {
    execFileSync('umount', [mountPoint]);
    await fs.rm(mountPoint, { recursive: true, force: true });
  });

  it('fails with WRITE_FAILED, removes its temporary files and keeps the old output', async () => {
    const dir = await makeTempDir();
    // Enough text that the compressed output cannot fit in 64 KiB.
    const rows = Array.from({ length: 6000 }, (_, i) => [
      i,
      `row ${i} ${Math.sin(i).toString(36)}`,
    ]);
    await writeTable(path.join(dir, 'a.xlsx'), [['id', 'text'], ...rows]);
    const output = path.join(mountPoint, 'merged.xlsx');
    const error = (await merge({ inputs: [dir], output, force: true, jobs: 1 }).catch(
      (e: unknown) => e,
    )) as XlmergeError;
    expect(error.code).toBe(ErrorCode.WriteFailed);
    expect(error.describe()).toMatch(
      new RegExp(
        `^${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, sheet "Merged": Cannot write the output file: ENOSPC: no space left on device`,
      ),
    );
    expect(await fs.readdir(mountPoint)).toEqual(['merged.xlsx']);
    expect(await fs.readFile(output, 'utf8')).toBe('previous output');
  });

  // 6,000 rows do not fit as the body; 1,400 rows (about 40 KB) do, but not twice, so the
  // copy behind the header fails instead.
  it.each([6000, 1400])(
    'fails a CSV output of %i rows the same way, wherever the disk fills up',
    async (count) => {
      const dir = await makeTempDir();
      const rows = Array.from({ length: count }, (_, i) => [i, `row ${i} ${Math.sin(i)}`]);
      await writeTable(path.join(dir, 'a.xlsx'), [['id', 'text'], ...rows]);
      const output = path.join(mountPoint, 'merged.csv');
      await fs.writeFile(output, 'previous output');
      const error = (await merge({ inputs: [dir], output, force: true, jobs: 1 }).catch(
        (e: unknown) => e,
      )) as XlmergeError;
      expect([error.code, error.describe()]).toEqual([
        ErrorCode.WriteFailed,
        expect.stringMatching(
          new RegExp(
            `^${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Cannot write the output file: ENOSPC: no space left on device`,
          ),
        ),
      ]);
      expect((await fs.readdir(mountPoint)).sort()).toEqual(['merged.csv', 'merged.xlsx']);
      expect(await fs.readFile(output, 'utf8')).toBe('previous output');
      await fs.rm(output);
    },
  );
});
