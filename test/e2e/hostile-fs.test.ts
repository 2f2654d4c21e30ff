/**
 * Hostile file systems and faults around the run: links that loop, files read twice through
 * links, a worker stuck in a system call, FIFOs and devices where files were expected, runs that
 * race for one output, a commit that fails half way, signals, closed pipes, full disks, and
 * file names that try to talk to the terminal.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, merge, XlmergeError } from '../../dist/index.js';
import { BIN, xlmerge } from '../helpers/cli.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { readWorkbook, writeTable } from '../helpers/workbooks.js';

async function rejectionOf(run: Promise<unknown>): Promise<XlmergeError> {
  const error = await run.then(
    () => new Error('expected the run to fail'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(XlmergeError);
  return error as XlmergeError;
}

/** `in/` with a.xlsx (ids 1, 2) and sub/b.xlsx (id 3). */
async function inputs(): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in', 'sub'), { recursive: true });
  await writeTable(path.join(dir, 'in', 'a.xlsx'), [['id'], [1], [2]]);
  await writeTable(path.join(dir, 'in', 'sub', 'b.xlsx'), [['id'], [3]]);
  return dir;
}

/** The folder's entries, recursively, sorted: temp files would show here. */
async function entries(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true })).map(String).sort();
}

describe('links', () => {
  it('merges each file once when a link leads back up (ln -s .. in/sub/up), and ends on loops', async () => {
    const dir = await inputs();
    await fs.symlink('..', path.join(dir, 'in', 'sub', 'up'));
    await fs.symlink('.', path.join(dir, 'in', 'loop1'));
    await fs.symlink('.', path.join(dir, 'in', 'loop2'));
    const summary = await merge({ inputs: ['in'], cwd: dir, recursive: true, output: 'out.xlsx' });
    expect(summary.files.map((file) => file.file)).toEqual(['in/a.xlsx', 'in/sub/b.xlsx']);
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([['id'], [1], [2], [3]]);
    expect(summary.ignored.map((entry) => [entry.file, entry.kind])).toEqual([
      ['in/loop1', 'link'],
      ['in/loop2', 'link'],
      ['in/sub/up', 'link'],
    ]);
  });

  it('refuses an output that reaches an input through a linked folder, either way round', async () => {
    const dir = await inputs();
    await fs.symlink('in', path.join(dir, 'link'));
    const bytes = await fs.readFile(path.join(dir, 'in', 'a.xlsx'));
    // The input folder given through the link, the output by its link path.
    const one = await rejectionOf(
      merge({ inputs: ['link'], cwd: dir, output: 'link/a.xlsx', force: true }),
    );
    // The input folder given through the link, the output by its real path.
    const two = await rejectionOf(
      merge({ inputs: ['link'], cwd: dir, output: 'in/a.xlsx', force: true }),
    );
    expect([one.code, two.code]).toEqual([ErrorCode.OutputIsInput, ErrorCode.OutputIsInput]);
    expect(await fs.readFile(path.join(dir, 'in', 'a.xlsx'))).toEqual(bytes);
    // An output written by its real path into a folder given through a link is not read back.
    await merge({ inputs: ['link'], cwd: dir, output: 'in/merged.xlsx' });
    const again = await rejectionOf(
      merge({ inputs: ['link'], cwd: dir, output: 'in/merged.xlsx', force: true }),
    );
    expect(again.code).toBe(ErrorCode.OutputIsInput);
  });
});

describe('files that are not files', () => {
  it('never replaces a FIFO or a device at the output path, even with force', async () => {
    const dir = await inputs();
    execFileSync('mkfifo', [path.join(dir, 'pipe.xlsx')]);
    await fs.symlink('/dev/null', path.join(dir, 'null.xlsx'));
    for (const [output, what] of [
      ['pipe.xlsx', 'a FIFO (named pipe)'],
      ['null.xlsx', 'a character device'],
    ]) {
      const error = await rejectionOf(
        merge({ inputs: ['in'], cwd: dir, output: output as string, force: true }),
      );
      expect([error.code, error.message]).toEqual([
        ErrorCode.InvalidOption,
        `The output path is ${what}, not a file; xlmerge writes and replaces only files`,
      ]);
    }
    expect((await fs.stat(path.join(dir, 'pipe.xlsx'))).isFIFO()).toBe(true);
    expect((await fs.stat('/dev/null')).isCharacterDevice()).toBe(true);
  });
});

describe('a worker stuck in a system call', () => {
  /** Runs the CLI with every open of an input hanging on a FIFO, as on a hung network mount. */
  async function hangingRun(dir: string, ...args: string[]) {
    const fifo = path.join(dir, 'hang.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = execFile(process.execPath, [BIN, 'in', '-o', 'out.xlsx', ...args], {
      cwd: dir,
      env: { ...process.env, XLMERGE_FAULT_HANG_OPEN: fifo },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, stderr: () => stderr, fifo };
  }

  // The stuck thread holds the process past its end (Node waits for its threads on exit): it
  // ends by a signal, so the status a shell sees is still 128 + the signal (143 here).
  it('ends the run on SIGTERM with the SIGTERM status and no temp file left', async () => {
    const dir = await inputs();
    const run = await hangingRun(dir);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const killed = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - killed).toBeLessThan(10_000);
    expect(run.stderr()).toBe('xlmerge: cancelled; no output was written\n');
    expect(await entries(dir)).toEqual(['hang.fifo', 'in', 'in/a.xlsx', 'in/sub', 'in/sub/b.xlsx']);
  }, 30_000);

  it('ends the file at --file-timeout, reports it, and ends the process', async () => {
    const dir = await inputs();
    const run = await hangingRun(dir, '--file-timeout', '1', '--recursive');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(run.stderr()).toContain('Reading this file took longer than the 1 s limit');
    expect(run.stderr()).toContain(
      'xlmerge: a read is stuck in the operating system (a hung network drive?) and cannot be stopped; ending the process\n',
    );
    expect(await entries(dir)).toEqual(['hang.fifo', 'in', 'in/a.xlsx', 'in/sub', 'in/sub/b.xlsx']);
  }, 30_000);
});

describe('committing', () => {
  it('fails the second of two runs to one output without force, keeping the first', async () => {
    const dir = await inputs();
    let raced = false;
    const error = await rejectionOf(
      merge({
        inputs: ['in'],
        cwd: dir,
        output: 'out.xlsx',
        jobs: 1,
        // Another run puts its output in place while this one is reading.
        onProgress: () => {
          if (raced) return;
          raced = true;
          execFileSync('sh', ['-c', 'echo other run > out.xlsx'], { cwd: dir });
        },
      }),
    );
    expect([error.code, error.file]).toEqual([ErrorCode.OutputExists, path.join(dir, 'out.xlsx')]);
    expect(await fs.readFile(path.join(dir, 'out.xlsx'), 'utf8')).toBe('other run\n');
    expect(await entries(dir)).toEqual(['in', 'in/a.xlsx', 'in/sub', 'in/sub/b.xlsx', 'out.xlsx']);
  });

  it('puts the output and the duplicates report in place together, or neither', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'out.xlsx': 'old output', 'dups.xlsx': 'old report' });
    const run = (sabotage: string) =>
      rejectionOf(
        merge({
          inputs: ['in'],
          cwd: dir,
          output: 'out.xlsx',
          duplicatesReport: 'dups.xlsx',
          dedupe: ['id'],
          force: true,
          jobs: 1,
          // While the run reads, one of its targets turns into a folder: it cannot be placed.
          onProgress: () => {
            execFileSync(
              'sh',
              ['-c', `test -d ${sabotage} || (rm -f ${sabotage} && mkdir ${sabotage})`],
              {
                cwd: dir,
              },
            );
          },
        }),
      );
    // The report fails after the output was placed: the output is taken back.
    expect((await run('dups.xlsx')).code).toBe(ErrorCode.WriteFailed);
    expect(await fs.readFile(path.join(dir, 'out.xlsx'), 'utf8')).toBe('old output');
    await fs.rm(path.join(dir, 'dups.xlsx'), { recursive: true });
    await fs.writeFile(path.join(dir, 'dups.xlsx'), 'old report');
    // The output fails first: the old report stays.
    expect((await run('out.xlsx')).code).toBe(ErrorCode.WriteFailed);
    expect(await fs.readFile(path.join(dir, 'dups.xlsx'), 'utf8')).toBe('old report');
    expect(await entries(dir)).toEqual([
      'dups.xlsx',
      'in',
      'in/a.xlsx',
      'in/sub',
      'in/sub/b.xlsx',
      'out.xlsx',
    ]);
  });

  it('removes temp files that a killed run on this machine left, not those of a live one', async () => {
    const dir = await inputs();
    const { tempPathBase } = await import('../../dist/io/temp-files.js');
    const base = path.basename(tempPathBase(path.join(dir, 'out.xlsx')));
    // The same name with another process id: one that is gone, and this test's own (alive).
    const dead = base.replace(`-${process.pid}-`, '-2147483646-');
    const alive = base.replace(`-${process.pid}-`, `-${process.ppid}-`);
    await writeFiles(dir, {
      [`${dead}.sheet1.tmp`]: 'stale',
      [`${alive}.sheet1.tmp`]: 'in use',
      '.out.xlsx.other-123-abcdefabcdef.sheet1.tmp': 'not ours',
    });
    await merge({ inputs: ['in'], cwd: dir, output: 'out.xlsx' });
    expect((await fs.readdir(dir)).sort()).toEqual([
      `${alive}.sheet1.tmp`,
      '.out.xlsx.other-123-abcdefabcdef.sheet1.tmp',
      'in',
      'out.xlsx',
    ]);
  });
});

describe('standard output and the terminal', () => {
  it('is quiet when the reader of --json goes away, and says so when the disk is full', async () => {
    const dir = await inputs();
    const piped = execFileSync(
      'sh',
      ['-c', `"${process.execPath}" "${BIN}" in --json | true; echo "exit $?"`],
      {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(piped).toBe('exit 0\n');
    await fs.rm(path.join(dir, 'merged.xlsx'));
    const full = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        'sh',
        ['-c', `"${process.execPath}" "${BIN}" in --json > /dev/full`],
        { cwd: dir },
        (error, _stdout, stderr) => resolve({ code: Number(error?.code ?? 0), stderr }),
      );
    });
    expect(full).toEqual({
      code: 1,
      stderr: 'xlmerge: could not write to standard output: ENOSPC\n',
    });
  });

  it('escapes control characters in file names, so a name cannot rewrite the screen', async () => {
    const dir = await makeTempDir();
    await fs.mkdir(path.join(dir, 'in'));
    const name = 'a\u001b[2J\u001b[H\nMerged 9 files.xlsx';
    await fs.writeFile(path.join(dir, 'in', name), '');
    const result = await xlmerge(dir, 'in');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'xlmerge: A file could not be merged; nothing was written. Fix or remove the files listed, or use --skip-errors to merge the others\n' +
        '  in/a\\x1b[2J\\x1b[H\\nMerged 9 files.xlsx: The file is empty (0 bytes). It was probably not saved completely; save it again from Excel or remove it from the inputs [EMPTY_FILE]\n',
    );
  });
});
