import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { walkFolder } from '../../src/scan/walk-folder.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';

async function walk(root: string, recursive = true, signal?: AbortSignal) {
  const result = await walkFolder(root, { recursive, signal });
  return {
    files: result.files.map((file) => file.relative),
    folders: result.folders,
    passedOver: result.passedOver.map((entry) => `${entry.relative}: ${entry.kind}`),
  };
}

describe('walkFolder', () => {
  it("lists a folder's files, then its subfolders' in turn, each in code-point order, leaving out dot entries", async () => {
    const root = await makeTempDir();
    await writeFiles(root, {
      'b.xlsx': '',
      'a/z.xlsx': '',
      'a/b/c.xlsx': '',
      'A.xlsx': '',
      'é.xlsx': '',
      '.hidden/x.xlsx': '',
      '.dot.xlsx': '',
    });
    expect(await walk(root)).toEqual({
      files: ['A.xlsx', 'b.xlsx', 'é.xlsx', 'a/z.xlsx', 'a/b/c.xlsx'],
      folders: [],
      passedOver: [],
    });
    expect(await walk(root, false)).toEqual({
      files: ['A.xlsx', 'b.xlsx', 'é.xlsx'],
      folders: ['a'],
      passedOver: [],
    });
  });

  it('ends on links that loop, reading each real folder once, and says which it did not follow', async () => {
    const root = await makeTempDir();
    await writeFiles(root, { 'a.xlsx': '', 'd/sub/b.xlsx': '' });
    await fs.symlink('.', path.join(root, 'loop1'));
    await fs.symlink('.', path.join(root, 'loop2'));
    await fs.symlink('..', path.join(root, 'd', 'sub', 'up'));
    expect(await walk(root)).toEqual({
      files: ['a.xlsx', 'd/sub/b.xlsx'],
      folders: [],
      passedOver: ['loop1: link', 'loop2: link', 'd/sub/up: link'],
    });
  });

  it('follows a link to a folder outside once, and a link to a file', async () => {
    const root = await makeTempDir();
    const outside = await makeTempDir();
    await writeFiles(outside, { 'x.xlsx': '' });
    await writeFiles(root, { 'a.xlsx': '' });
    await fs.symlink(outside, path.join(root, 'l1'));
    await fs.symlink(outside, path.join(root, 'l2'));
    await fs.symlink(path.join(root, 'a.xlsx'), path.join(root, 'b.xlsx'));
    expect(await walk(root)).toEqual({
      files: ['a.xlsx', 'b.xlsx', 'l1/x.xlsx'],
      folders: [],
      passedOver: ['l2: link'],
    });
  });

  it('passes over FIFOs, links to nothing and names that are not UTF-8', async () => {
    const root = await makeTempDir();
    await writeFiles(root, { 'a.xlsx': '' });
    await fs.symlink('missing.xlsx', path.join(root, 'broken.xlsx'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(root, 'pipe.xlsx')]);
    await fs.writeFile(
      Buffer.concat([Buffer.from(`${root}/bad`), Buffer.from([0xe9]), Buffer.from('.xlsx')]),
      '',
    );
    const result = await walkFolder(root, { recursive: false, signal: undefined });
    expect(result.files.map((file) => file.relative)).toEqual(['a.xlsx']);
    expect(result.passedOver.map((entry) => [entry.relative, entry.kind, entry.reason])).toEqual([
      [
        'bad\uFFFD.xlsx',
        'notAFile',
        'its name is not valid UTF-8, so it cannot be opened: rename it',
      ],
      ['broken.xlsx', 'notAFile', 'a symbolic link to nothing (its target does not exist)'],
      ['pipe.xlsx', 'notAFile', 'a FIFO (named pipe), not a file'],
    ]);
  });

  it('stops when cancelled', async () => {
    const root = await makeTempDir();
    await writeFiles(root, { 'a.xlsx': '' });
    const controller = new AbortController();
    controller.abort();
    await expect(walk(root, true, controller.signal)).rejects.toMatchObject({
      code: ErrorCode.Aborted,
    });
  });
});
