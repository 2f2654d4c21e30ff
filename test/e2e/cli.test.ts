/** The built CLI end to end: exit codes, what it prints on a pipe, --json, errors for people. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, xlmerge } from '../helpers/cli.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { readWorkbook, writeTable } from '../helpers/workbooks.js';

async function inputs(): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in'));
  await writeTable(path.join(dir, 'in', 'a.xlsx'), [
    ['id', 'email'],
    [1, 'a@x'],
    [1, 'a@x'],
  ]);
  await writeTable(path.join(dir, 'in', 'b.xlsx'), [
    ['id', 'email'],
    [1, 'a@x'],
    [2, 'b@x'],
  ]);
  return dir;
}

describe('xlmerge CLI', () => {
  it('merges quietly on a pipe and exits 0', async () => {
    const dir = await inputs();
    const result = await xlmerge(dir, 'in', '--dedupe', 'id,email', '-o', 'out.xlsx');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['id', 'email'],
      [1, 'a@x'],
      [2, 'b@x'],
    ]);
  });

  it('prints a JSON summary with --json', async () => {
    const dir = await inputs();
    const result = await xlmerge(dir, 'in', '--dedupe', 'id,email', '--json', '--jobs', '1');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      ok: true,
      output: path.join(dir, 'merged.xlsx'),
      columns: ['id', 'email'],
      rowsRead: 4,
      rowsKept: 2,
      duplicates: 2,
      skipped: [],
      ignored: [],
    });
    expect(
      summary.files.map(
        (f: { file: string; duplicatesInFile: number; duplicatesAcrossFiles: number }) => [
          f.file,
          f.duplicatesInFile,
          f.duplicatesAcrossFiles,
        ],
      ),
    ).toEqual([
      ['in/a.xlsx', 1, 0],
      ['in/b.xlsx', 0, 1],
    ]);
    expect(typeof summary.seconds).toBe('number');
  });

  it('exits 2 with a clear message on a usage error', async () => {
    const dir = await inputs();
    expect(await xlmerge(dir, 'in', '--keep', 'frist')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'xlmerge: Invalid option --keep: expected first, last or none, got "frist"\n',
    });
    expect(await xlmerge(dir)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'xlmerge: Missing inputs: name the folders, files or globs to read\n' +
        'Run "xlmerge --help" for usage.\n',
    });
    expect(await xlmerge(dir, 'in', '--dedup', 'id')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'xlmerge: Unknown option --dedup; did you mean --dedupe?\n' +
        'Run "xlmerge --help" for usage.\n',
    });
    expect((await xlmerge(dir, 'in', '--jobs', '0')).stderr).toBe(
      'xlmerge: Invalid option --jobs: expected a whole number from 1 to 256, got 0\n',
    );
  });

  it('adds up repeated --dedupe lists: --dedupe id --dedupe email is --dedupe id,email', async () => {
    const dir = await makeTempDir();
    // Keyed by id alone, by email alone, or by neither, fewer or more rows would be kept.
    await writeTable(path.join(dir, 'a.xlsx'), [
      ['id', 'email'],
      [1, 'a@x'],
      [1, 'b@x'],
      [1, 'a@x'],
      [2, 'a@x'],
    ]);
    const result = await xlmerge(dir, 'a.xlsx', '--dedupe', 'id', '-d', 'email', '-o', 'out.xlsx');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await readWorkbook(path.join(dir, 'out.xlsx'))).rows).toEqual([
      ['id', 'email'],
      [1, 'a@x'],
      [1, 'b@x'],
      [2, 'a@x'],
    ]);
  });

  it('takes one glob per --pattern: the folder after it is an input', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'in/c.csv': 'id,email\n3,c@x\n' });
    const result = await xlmerge(dir, '--pattern', '*.xlsx', 'in', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.files.map((file: { file: string }) => file.file)).toEqual([
      'in/a.xlsx',
      'in/b.xlsx',
    ]);
    // Without --pattern the CSV file is read too.
    const all = JSON.parse((await xlmerge(dir, 'in', '--json', '--force')).stdout);
    expect(all.files.map((file: { file: string }) => file.file)).toEqual([
      'in/a.xlsx',
      'in/b.xlsx',
      'in/c.csv',
    ]);
  });

  it('exits 1 and explains, without a stack trace, when the output exists', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'out.xlsx': 'keep me' });
    const result = await xlmerge(dir, 'in', '-o', 'out.xlsx');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `xlmerge: ${path.join(dir, 'out.xlsx')}: The output file already exists. Use --force to replace it, or choose another name with -o\n`,
    });
    expect(await fs.readFile(path.join(dir, 'out.xlsx'), 'utf8')).toBe('keep me');
    expect((await xlmerge(dir, 'in', '-o', 'out.xlsx', '--force')).code).toBe(0);
  });

  it('lists every failed file, exits 1, and shows stacks only with --verbose', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'in/c.xlsx': '', 'in/d.xlsx': 'not a zip' });
    const result = await xlmerge(dir, 'in');
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'xlmerge: 2 files could not be merged; nothing was written. Fix or remove the files listed, or use --skip-errors to merge the others',
    );
    expect(lines.slice(1).map((line) => line.replace(/:.*\[/, ': … ['))).toEqual([
      '  in/c.xlsx: … [EMPTY_FILE]',
      '  in/d.xlsx: … [NOT_ZIP]',
    ]);
    expect(result.stderr).not.toContain('    at ');
    expect((await xlmerge(dir, 'in', '--verbose')).stderr).toContain('    at ');
    await expect(fs.stat(path.join(dir, 'merged.xlsx'))).rejects.toThrow();
  });

  it('exits 3 when files were skipped with --skip-errors', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'in/c.xlsx': '' });
    const result = await xlmerge(dir, 'in', '--skip-errors', '--quiet');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^xlmerge: skipped in\/c\.xlsx: .*\n$/);
    // On a pipe without --quiet there is no summary, so the skipped files are named too.
    const piped = await xlmerge(dir, 'in', '--skip-errors', '--force');
    expect(piped.code).toBe(3);
    expect(piped.stderr).toMatch(/^xlmerge: skipped in\/c\.xlsx: .*\n$/);
    expect((await readWorkbook(path.join(dir, 'merged.xlsx'))).rows.length).toBe(5);
  });
});

describe('xlmerge CLI interrupted', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const)(
    'stops on %s, exits %i, and leaves no output or temporary file',
    async (signal, code) => {
      const dir = await makeTempDir();
      await fs.mkdir(path.join(dir, 'in'));
      const first = path.join(dir, 'in', 'f000.xlsx');
      await writeTable(first, [['id'], ...Array.from({ length: 2000 }, (_, i) => [i])]);
      // Enough files that the run is still going when the signal comes. Copies, not hard
      // links: links to one file are one input.
      for (let i = 1; i < 150; i += 1) {
        await fs.copyFile(first, path.join(dir, 'in', `f${String(i).padStart(3, '0')}.xlsx`));
      }
      const child = execFile(process.execPath, [BIN, 'in', '--progress', '--jobs', '1'], {
        cwd: dir,
      });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (status) => resolve(status)),
      );
      // The progress bar's first output shows the run is under way and the handlers are in place.
      await new Promise<void>((resolve) => {
        child.stderr?.on('data', (chunk) => {
          stderr += String(chunk);
          if (stderr.includes('files')) resolve();
        });
      });
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain('xlmerge: cancelled; no output was written');
      expect(stderr).not.toContain('f0');
      expect((await fs.readdir(dir)).sort()).toEqual(['in']);
    },
  );
});
