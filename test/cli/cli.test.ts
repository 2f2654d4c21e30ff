/**
 * The CLI in-process with fake terminal streams: what a person sees on a terminal (progress
 * bar, end-of-run summary naming the files that add or lack columns).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../dist/cli/cli.js';
import { fakeStream } from '../helpers/streams.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeTable } from '../helpers/workbooks.js';

async function inputs(): Promise<string> {
  const dir = await makeTempDir();
  await writeTable(path.join(dir, 'a.xlsx'), [
    ['id', 'name'],
    [1, 'Ann'],
    [1, 'Ann again'],
    [2, 'Bob'],
  ]);
  await writeTable(path.join(dir, 'b.xlsx'), [
    ['id', 'phone'],
    [2, '555'],
    [3, '556'],
  ]);
  return dir;
}

describe('runCli on a terminal', () => {
  it('shows a progress bar and a summary table that names added and missing columns', async () => {
    const dir = await inputs();
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const output = path.join(dir, 'out.xlsx');
    const code = await runCli([dir, '--dedupe', 'id', '-o', output, '--jobs', '1'], {
      stdout,
      stderr,
    });
    expect(code).toBe(ExitCode.Ok);
    expect(stdout.text()).toBe('');
    const text = stderr.text();
    expect(text).toContain('merging ');
    expect(text).toContain('2/2 files');
    const summary = text.slice(text.indexOf('Merged'));
    const a = path.join(dir, 'a.xlsx');
    const b = path.join(dir, 'b.xlsx');
    const width = Math.max(a.length, b.length);
    const pad = (text: string) => text.padEnd(width);
    expect(summary).toBe(
      [
        `Merged 2 files into ${output}:`,
        '  5 rows read, 3 kept, 2 duplicates dropped (1 within files, 1 across files)',
        '  3 columns: id, name, phone',
        '',
        `  ${pad('file')}  read  kept  dup. in file  dup. of others  blank  adds      lacks`,
        `  ${pad(a)}     3     2             1               0      0  id, name  phone`,
        `  ${pad(b)}     2     1             0               1      0  phone     name`,
        '',
      ].join('\n'),
    );
  });

  it('says what the cache did, per run and per file', async () => {
    const dir = await inputs();
    const out = await makeTempDir();
    const cache = path.join(out, 'cache');
    const run = async (output: string) => {
      const stderr = fakeStream(true);
      const args = [dir, '--dedupe', 'id', '-o', path.join(out, output), '--cache', cache];
      const code = await runCli([...args, '--progress=false'], {
        stdout: fakeStream(true),
        stderr,
      });
      expect(code).toBe(ExitCode.Ok);
      return stderr.text().split('\n');
    };
    const cold = await run('cold.xlsx');
    expect(cold[3]).toBe(`  cache: 0 of 2 files reused from ${cache}, 2 parsed`);
    const a = path.join(dir, 'a.xlsx');
    const b = path.join(dir, 'b.xlsx');
    const width = Math.max(a.length, b.length);
    const pad = (text: string) => text.padEnd(width);
    expect(await run('warm.xlsx')).toEqual([
      `Merged 2 files into ${path.join(out, 'warm.xlsx')}:`,
      '  5 rows read, 3 kept, 2 duplicates dropped (1 within files, 1 across files)',
      '  3 columns: id, name, phone',
      `  cache: 2 of 2 files reused from ${cache}, 0 parsed; compressed rows of 2 sheets reused`,
      '',
      `  ${pad('file')}  read  kept  dup. in file  dup. of others  blank  adds      lacks  cache`,
      `  ${pad(a)}     3     2             1               0      0  id, name  phone  cached`,
      `  ${pad(b)}     2     1             0               1      0  phone     name   cached`,
      '',
    ]);
    for (const entry of await fs.readdir(cache)) {
      await fs.writeFile(path.join(cache, entry), 'damaged');
    }
    const damaged = await run('damaged.xlsx');
    expect(damaged[3]).toBe(
      `  cache: 0 of 2 files reused from ${cache}, 2 parsed; 2 damaged entries rebuilt`,
    );
    expect(damaged[6]).toBe(
      `  ${pad(a)}     3     2             1               0      0  id, name  phone  parsed`,
    );
  });

  it('says which rows it read as a title, which hidden sheets it passed over, and its warnings', async () => {
    const out = await makeTempDir();
    const exports = path.resolve('fixtures/exports');
    const stderr = fakeStream(true);
    const code = await runCli(
      [exports, '-o', path.join(out, 'out.xlsx'), '--rename', 'plna=Plan', '--no-progress'],
      { stdout: fakeStream(true), stderr },
    );
    expect(code).toBe(ExitCode.Ok);
    // Paths as run from the repository (vitest's working folder).
    const file = (name: string) => `fixtures/exports/${name}`;
    expect(stderr.text().split('\n').slice(-7)).toEqual([
      `  ${file('gnumeric-title.xlsx')}: sheet "gnumeric-title.csv": header on row 3, below row 1 read as a title (narrower than the header); --header-row chooses another`,
      `  ${file('libreoffice-title.xlsx')}: sheet "libreoffice-title": header on row 3, below row 1 read as a title (narrower than the header); --header-row chooses another`,
      `  ${file('openpyxl-title-hidden.xlsx')}: sheet "Report": header on row 4, below rows 1, 2 read as a title (narrower than the header); --header-row chooses another`,
      `  ${file('openpyxl-title-hidden.xlsx')}: hidden sheet "Lookup" passed over; name a hidden sheet with --sheet to read it`,
      '  warning: --rename: no file has a column "plna" to rename to "Plan"; did you mean "plan"?',
      `  ignored ${file('make-exports.py')} (only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read)`,
      '',
    ]);
  });

  it('prints nothing with --quiet, even on a terminal', async () => {
    const dir = await inputs();
    const stdout = fakeStream(true);
    const stderr = fakeStream(true);
    const code = await runCli([dir, '-q', '-o', path.join(dir, 'out.xlsx')], { stdout, stderr });
    expect([code, stdout.text(), stderr.text()]).toEqual([ExitCode.Ok, '', '']);
  });

  it('prints the version with -V or --version', async () => {
    for (const flag of ['-V', '--version']) {
      const stdout = fakeStream(false);
      expect(await runCli([flag], { stdout, stderr: fakeStream(false) })).toBe(ExitCode.Ok);
      expect(stdout.text()).toBe('0.1.0\n');
    }
  });

  it('prints the help with -h or --help, with examples', async () => {
    for (const flag of ['-h', '--help']) {
      const help = fakeStream(false);
      expect(await runCli([flag], { stdout: help, stderr: fakeStream(false) })).toBe(ExitCode.Ok);
      const lines = help.text().split('\n');
      expect(lines.filter((line) => /^ {2}-[hVd], /.test(line))).toEqual([
        '  -d, --dedupe         Key columns by header, comma-separated; alone: all columns (repeatable)',
        '  -V, --version        Show the version number                                             [boolean]',
        '  -h, --help           Show help                                                           [boolean]',
      ]);
      expect(lines.slice(lines.indexOf('Examples:'))).toEqual([
        'Examples:',
        '  xlmerge ./in -d id,email -o all.xlsx                Merge ./in, one row per id and email',
        '  xlmerge ./in -d id -o all.csv --duplicates dup.csv  Write CSV; list the dropped rows in dup.csv',
        "  xlmerge inspect ./in -d id                          First see each file's sheets and columns",
        "  xlmerge ./in --pattern '*.xlsx' --sheet 'Q*'        Only the sheets named Q… of .xlsx files",
        '',
        'Options marked (repeatable) add up when repeated; any other option given twice is an error.',
        'Exit codes: 0 ok, 1 failed, 2 usage error, 3 written with skipped files, 129-143 stopped.',
        '',
      ]);
    }
  });

  it('prints the inspect help with inspect -h, with examples', async () => {
    const help = fakeStream(false);
    const code = await runCli(['inspect', '-h'], { stdout: help, stderr: fakeStream(false) });
    expect(code).toBe(ExitCode.Ok);
    const lines = help.text().split('\n');
    expect(lines[0]).toBe('xlmerge inspect <inputs..>');
    expect(lines.slice(lines.indexOf('Examples:'))).toEqual([
      'Examples:',
      "  xlmerge inspect ./in                     Each file's sheets, header rows and columns",
      '  xlmerge inspect ./in -d id,email --json  As JSON, with the files lacking a key',
      '',
    ]);
  });
});

describe('runCli usage errors', () => {
  /** Runs the CLI on pipes; returns the exit code and what it printed. */
  async function run(...argv: string[]) {
    const stdout = fakeStream(false);
    const stderr = fakeStream(false);
    const code = await runCli(argv, { stdout, stderr });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it('names each unknown option with the closest one, then where to read more', async () => {
    expect(await run('in', '--dedup', 'id', '--fource', '--json')).toEqual({
      code: ExitCode.Usage,
      stdout: '',
      stderr: [
        'xlmerge: Unknown option --dedup; did you mean --dedupe?',
        'xlmerge: Unknown option --fource; did you mean --force?',
        'Run "xlmerge --help" for usage.',
        '',
      ].join('\n'),
    });
  });

  it('says a merge option is not one of inspect', async () => {
    expect(await run('inspect', 'in', '--keep', 'first')).toEqual({
      code: ExitCode.Usage,
      stdout: '',
      stderr: [
        'xlmerge inspect: --keep is not an option of inspect (it is a merge option)',
        'Run "xlmerge inspect --help" for usage.',
        '',
      ].join('\n'),
    });
  });

  it('refuses a number option that is not a number', async () => {
    expect(await run('in', '--jobs', 'abc')).toEqual({
      code: ExitCode.Usage,
      stdout: '',
      stderr: [
        'xlmerge: Invalid option --jobs: expected a whole number from 1 to 256, got "abc"',
        'Run "xlmerge --help" for usage.',
        '',
      ].join('\n'),
    });
  });
});
