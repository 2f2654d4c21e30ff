import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../src/core/code-point-order.js';
import { ErrorCode } from '../../src/errors.js';
import { normalizeOptions } from '../../src/options.js';
import { isLockFile, scanInputs } from '../../src/scan/scan-inputs.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';

async function scan(cwd: string, inputs: string[], extra: Record<string, unknown> = {}) {
  const result = await scanInputs(normalizeOptions({ inputs, cwd, ...extra }));
  return {
    files: result.files.map((file) => [file.display, file.source]),
    ignored: result.ignored.map((file) => `${file.file}: ${file.kind}: ${file.reason}`),
  };
}

describe('scanInputs', () => {
  it('finds workbooks and CSV files in a folder, in code-point order, leaving out lock files, dot files and other types', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, {
      'data/b.xlsx': '',
      'data/a.XLSX': '',
      'data/Z.xlsm': '',
      'data/é.xlsx': '',
      'data/~$a.xlsx': '',
      'data/.~lock.a.xlsx#': '',
      'data/.hidden.xlsx': '',
      'data/notes.csv': '',
      'data/EXPORT.CSV': '',
      'data/~$notes.csv': '',
      'data/notes.tsv': '',
      'data/notes.txt': '',
      'data/old.xls': '',
      'data/sub/c.xlsx': '',
    });
    expect(await scan(cwd, ['data'])).toEqual({
      files: [
        ['data/EXPORT.CSV', 'EXPORT.CSV'],
        ['data/Z.xlsm', 'Z.xlsm'],
        ['data/a.XLSX', 'a.XLSX'],
        ['data/b.xlsx', 'b.xlsx'],
        ['data/notes.csv', 'notes.csv'],
        ['data/old.xls', 'old.xls'],
        ['data/é.xlsx', 'é.xlsx'],
      ],
      ignored: [
        'data/notes.tsv: unsupported: a tab-separated text file (.tsv): only .csv files are read as delimited text',
        'data/notes.txt: other: only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read',
        'data/sub: folder: a subfolder; `recursive: true` reads subfolders',
        'data/~$a.xlsx: lock: a lock file of an open workbook',
        'data/~$notes.csv: lock: a lock file of an open workbook',
      ],
    });
  });

  it('lists everything in an input folder that it does not read, each with its reason', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, {
      'd/new.xlsx': '',
      'd/old.xls': '',
      'd/data.ods': '',
      'd/big.xlsb': '',
      'd/mac.numbers': '',
      'd/data.fods': '',
      'd/link.gsheet': '',
      'd/plan.xltx': '',
      'd/report.pdf': '',
      'd/2024/east.xlsx': '',
      'd/2024/notes.docx': '',
      'd/.git/config': '',
    });
    expect(await scan(cwd, ['d'])).toEqual({
      files: [
        ['d/big.xlsb', 'big.xlsb'],
        ['d/data.ods', 'data.ods'],
        ['d/new.xlsx', 'new.xlsx'],
        ['d/old.xls', 'old.xls'],
      ],
      ignored: [
        'd/2024: folder: a subfolder; `recursive: true` reads subfolders',
        'd/data.fods: unsupported: a flat OpenDocument spreadsheet (.fods), which xlmerge does not read: save it as .ods or .xlsx',
        'd/link.gsheet: unsupported: a Google Sheets shortcut, which holds no data: download the sheet as .xlsx (File > Download)',
        'd/mac.numbers: unsupported: an Apple Numbers file, which xlmerge does not read: export it as .xlsx',
        'd/plan.xltx: unsupported: an Excel template (.xltx), not read from folders: name the file to read it',
        'd/report.pdf: other: only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read',
      ],
    });
    // With recursive: the subfolder's files instead of the subfolder; with a pattern, its words.
    expect((await scan(cwd, ['d'], { recursive: true, pattern: '*.xlsx' })).ignored).toEqual([
      'd/2024/notes.docx: other: not matched by `pattern` *.xlsx',
      'd/big.xlsb: other: not matched by `pattern` *.xlsx',
      'd/data.fods: unsupported: a flat OpenDocument spreadsheet (.fods), which xlmerge does not read: save it as .ods or .xlsx',
      'd/data.ods: other: not matched by `pattern` *.xlsx',
      'd/link.gsheet: unsupported: a Google Sheets shortcut, which holds no data: download the sheet as .xlsx (File > Download)',
      'd/mac.numbers: unsupported: an Apple Numbers file, which xlmerge does not read: export it as .xlsx',
      'd/old.xls: other: not matched by `pattern` *.xlsx',
      'd/plan.xltx: unsupported: an Excel template (.xltx), not read from folders: name the file to read it',
      'd/report.pdf: other: not matched by `pattern` *.xlsx',
    ]);
    // A pattern that reaches into a subfolder does not pass it over.
    expect(await scan(cwd, ['d'], { pattern: ['2024/*.xlsx'] })).toMatchObject({
      files: [['d/2024/east.xlsx', '2024/east.xlsx']],
    });
  });

  it('names the cache folder once, not each of its files', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '', 'd/cache/0.xlmc': '', 'd/cache/1.xlmc': '' });
    for (const recursive of [false, true]) {
      expect(await scan(cwd, ['d'], { cache: 'd/cache', recursive })).toEqual({
        files: [['d/a.xlsx', 'a.xlsx']],
        ignored: ['d/cache: cache: the cache folder (`cache`)'],
      });
    }
  });

  it('says what a folder holds when it holds nothing to read', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/mac.numbers': '', 'd/notes.txt': '' });
    await expect(scan(cwd, ['d'])).rejects.toMatchObject({
      code: ErrorCode.NoInputs,
      hint: 'Folders are searched for *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods, *.csv (add `recursive: true` for subfolders). Not read: d/mac.numbers (an Apple Numbers file, which xlmerge does not read: export it as .xlsx); d/notes.txt (only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read)',
    });
  });

  it('descends into subfolders with recursive and honours pattern', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '', 'd/sub/b.xlsx': '', 'd/sub/c.xlsm': '' });
    expect((await scan(cwd, ['d'], { recursive: true })).files).toEqual([
      ['d/a.xlsx', 'a.xlsx'],
      ['d/sub/b.xlsx', 'sub/b.xlsx'],
      ['d/sub/c.xlsm', 'sub/c.xlsm'],
    ]);
    expect((await scan(cwd, ['d'], { recursive: true, pattern: '*.xlsm' })).files).toEqual([
      ['d/sub/c.xlsm', 'sub/c.xlsm'],
    ]);
  });

  it('takes files and globs, and merges a file reached twice once', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'x/a.xlsx': '', 'x/b.xlsx': '', 'y/c.xlsx': '' });
    expect((await scan(cwd, ['y/c.xlsx', 'x/*.xlsx', 'x'])).files).toEqual([
      ['x/a.xlsx', 'a.xlsx'],
      ['x/b.xlsx', 'b.xlsx'],
      ['y/c.xlsx', 'c.xlsx'],
    ]);
  });

  it('takes a file reached twice from the first input that names it, whatever the timing', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '', 'd/sub/b.xlsx': '', 'd/~$a.xlsx': '' });
    for (let round = 0; round < 5; round += 1) {
      expect(await scan(cwd, ['d/sub/b.xlsx', 'd', 'd/sub'], { recursive: true })).toEqual({
        files: [
          ['d/a.xlsx', 'a.xlsx'],
          ['d/sub/b.xlsx', 'b.xlsx'],
        ],
        ignored: ['d/~$a.xlsx: lock: a lock file of an open workbook'],
      });
    }
  });

  it('finds the output like any other file: the run refuses it (checkOutput), never skips it', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '', 'd/merged.xlsx': '' });
    expect(await scan(cwd, ['d'], { output: 'd/merged.xlsx' })).toEqual({
      files: [
        ['d/a.xlsx', 'a.xlsx'],
        ['d/merged.xlsx', 'merged.xlsx'],
      ],
      ignored: [],
    });
  });

  it('says which input is missing and when nothing was found', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'empty/readme.txt': '' });
    await expect(scan(cwd, ['nope'])).rejects.toMatchObject({
      code: ErrorCode.InputNotFound,
      file: 'nope',
    });
    await expect(scan(cwd, ['empty'])).rejects.toMatchObject({
      code: ErrorCode.NoInputs,
      message: 'No workbooks found in "empty"',
      hint: 'Folders are searched for *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods, *.csv (add `recursive: true` for subfolders). Not read: empty/readme.txt (only *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv files are read)',
    });
    await expect(scan(cwd, ['empty/*.xlsx'])).rejects.toMatchObject({
      code: ErrorCode.NoInputs,
      hint: 'Folders are searched for *.xlsx, *.xlsm, *.xlsb, *.xls, *.ods, *.csv (add `recursive: true` for subfolders)',
    });
  });

  it('shows paths outside the working folder as absolute', async () => {
    const cwd = await makeTempDir();
    const other = await makeTempDir();
    await writeFiles(other, { 'a.xlsx': '' });
    expect((await scan(cwd, [other])).files).toEqual([[path.join(other, 'a.xlsx'), 'a.xlsx']]);
  });
});

describe('scanInputs and links', () => {
  it('reads each real file once, however many paths reach it, and says which paths it passed over', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '', 'd/sub/b.xlsx': '' });
    await fs.symlink('..', path.join(cwd, 'd', 'sub', 'up'));
    await fs.symlink('.', path.join(cwd, 'd', 'loop1'));
    await fs.symlink('.', path.join(cwd, 'd', 'loop2'));
    await fs.link(path.join(cwd, 'd', 'a.xlsx'), path.join(cwd, 'd', 'hard.xlsx'));
    await fs.symlink('a.xlsx', path.join(cwd, 'd', 'soft.xlsx'));
    expect(
      await scan(cwd, ['d', 'd/sub/b.xlsx', 'd/sub/up/sub/b.xlsx'], { recursive: true }),
    ).toEqual({
      files: [
        ['d/a.xlsx', 'a.xlsx'],
        ['d/sub/b.xlsx', 'sub/b.xlsx'],
      ],
      ignored: [
        'd/hard.xlsx: duplicate: the same file as d/a.xlsx (reached by two paths): read once',
        'd/loop1: link: a link to a folder that is read already (through another path): not read again',
        'd/loop2: link: a link to a folder that is read already (through another path): not read again',
        'd/soft.xlsx: duplicate: the same file as d/a.xlsx (reached by two paths): read once',
        'd/sub/up: link: a link to a folder that is read already (through another path): not read again',
        'd/sub/up/sub/b.xlsx: duplicate: the same file as d/sub/b.xlsx (reached by two paths): read once',
      ],
    });
  });

  it('ends a glob over folders whose links loop', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '', 'd/sub/b.xlsx': '' });
    await fs.symlink('..', path.join(cwd, 'd', 'sub', 'up'));
    await fs.symlink('.', path.join(cwd, 'd', 'loop'));
    expect((await scan(cwd, ['d/**/*.xlsx'])).files).toEqual([
      ['d/a.xlsx', 'a.xlsx'],
      ['d/sub/b.xlsx', 'b.xlsx'],
    ]);
  });

  it('names a FIFO or device given as an input for what it is, and lists one in a folder', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '' });
    execFileSync('mkfifo', [path.join(cwd, 'd', 'pipe.xlsx')]);
    await expect(scan(cwd, ['d/pipe.xlsx'])).rejects.toMatchObject({
      code: ErrorCode.NotAFile,
      file: 'd/pipe.xlsx',
      message: 'The path is a FIFO (named pipe), not a file; xlmerge reads only regular files',
    });
    await expect(scan(cwd, ['/dev/null'])).rejects.toMatchObject({
      code: ErrorCode.NotAFile,
      message: 'The path is a character device, not a file; xlmerge reads only regular files',
    });
    expect(await scan(cwd, ['d'])).toEqual({
      files: [['d/a.xlsx', 'a.xlsx']],
      ignored: ['d/pipe.xlsx: notAFile: a FIFO (named pipe), not a file'],
    });
  });

  it('stops when cancelled', async () => {
    const cwd = await makeTempDir();
    await writeFiles(cwd, { 'd/a.xlsx': '' });
    const controller = new AbortController();
    controller.abort();
    await expect(
      scanInputs(
        normalizeOptions({ inputs: ['d'], cwd, recursive: true, signal: controller.signal }),
      ),
    ).rejects.toMatchObject({ code: ErrorCode.Aborted });
  });
});

describe('helpers', () => {
  it('recognises lock files', () => {
    expect(['~$a.xlsx', '.~lock.a.xlsx#', 'a.xlsx', '.~lock.a'].map(isLockFile)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('orders by code point, not UTF-16 unit', () => {
    // U+FF5E (a BMP character) sorts before U+1F600 by code point, but after it by UTF-16 unit.
    const list = ['\u{1F600}.xlsx', '\uFF5E.xlsx'].sort(compareCodePoints);
    expect(list).toEqual(['\uFF5E.xlsx', '\u{1F600}.xlsx']);
  });
});
