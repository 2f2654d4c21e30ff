/**
 * checkOutput and outputAmongInputs on real folders: where the run's files go (symbolic links
 * followed), what it refuses to write (an existing file without force, a folder, a missing
 * folder, one file for both the output and the report, an input however reached), and what
 * inspect is told of it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { type MergeOptions, normalizeOptions } from '../../src/options.js';
import { checkOutput, outputAmongInputs } from '../../src/output/check-output.js';
import type { InputFile } from '../../src/scan/scan-inputs.js';
import { rejectionOf } from '../helpers/errors.js';
import { inputFile } from '../helpers/reduced-sheets.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';

/** A folder holding the input in/a.xlsx (found through the input `in`). */
async function folder(): Promise<{ dir: string; inputs: InputFile[] }> {
  const dir = await makeTempDir();
  await writeFiles(dir, { 'in/a.xlsx': 'a workbook' });
  return { dir, inputs: [inputFile(dir, 'a.xlsx')] };
}

function settingsIn(dir: string, options: Partial<MergeOptions>) {
  return normalizeOptions({ inputs: ['in'], cwd: dir, ...options });
}

describe('checkOutput', () => {
  it('returns where the files go: through a chain of symbolic links, to the file at its end', async () => {
    const { dir, inputs } = await folder();
    await writeFiles(dir, { 'reports/merged.xlsx': 'last month' });
    await fs.symlink('reports/merged.xlsx', path.join(dir, 'latest.xlsx'));
    await fs.symlink('latest.xlsx', path.join(dir, 'out.xlsx'));
    const settings = settingsIn(dir, { output: 'out.xlsx', duplicatesReport: 'dups.csv' });
    expect((await rejectionOf(checkOutput(settings, inputs))).code).toBe(ErrorCode.OutputExists);
    expect(await checkOutput({ ...settings, force: true }, inputs)).toEqual({
      output: path.join(dir, 'reports', 'merged.xlsx'),
      duplicatesReport: path.join(dir, 'dups.csv'),
    });
  });

  it.each([
    [
      'an existing report, without force',
      { duplicatesReport: 'in/a.xlsx.csv' },
      ErrorCode.OutputExists,
      'in/a.xlsx.csv: The output file already exists. Use `force: true` to replace it, or choose another name with `duplicatesReport`',
    ],
    [
      'a link to nothing, without force: the link itself exists',
      { output: 'dangling.xlsx' },
      ErrorCode.OutputExists,
      'dangling.xlsx: The output file already exists. Use `force: true` to replace it, or choose another name with `output`',
    ],
    [
      'a folder, even with force',
      { output: 'folder.xlsx', force: true },
      ErrorCode.InvalidOption,
      'folder.xlsx: The output path is a folder, not a file; xlmerge writes and replaces only files. Give `output` a file name, such as merged.xlsx',
    ],
    [
      'a file in a folder that does not exist',
      { output: 'no/such/out.xlsx' },
      ErrorCode.WriteFailed,
      'no/such/out.xlsx: The output folder does not exist. Create no/such first',
    ],
    [
      'a report that is the output, by a link, before either exists',
      { output: 'out.xlsx', duplicatesReport: 'to-out.xlsx', force: true },
      ErrorCode.InvalidOption,
      'to-out.xlsx: The duplicates report and the output are the same file. Give `duplicatesReport` another file name',
    ],
  ] as const)('refuses %s', async (_case, options, code, described) => {
    const { dir, inputs } = await folder();
    await writeFiles(dir, { 'in/a.xlsx.csv': '' });
    await fs.mkdir(path.join(dir, 'folder.xlsx'));
    await fs.symlink('nothing.xlsx', path.join(dir, 'dangling.xlsx'));
    await fs.symlink('out.xlsx', path.join(dir, 'to-out.xlsx'));
    const settings = settingsIn(dir, options);
    const error = await rejectionOf(checkOutput(settings, inputs));
    // Errors name the file as given, relative here so the case reads; the library has it absolute.
    expect([error.code, error.describe().replaceAll(`${dir}/`, '')]).toEqual([code, described]);
  });

  it('refuses with force an output or report that is an input under another name', async () => {
    const { dir, inputs } = await folder();
    await fs.link(path.join(dir, 'in', 'a.xlsx'), path.join(dir, 'hard-link.xlsx'));
    const output = await rejectionOf(
      checkOutput(settingsIn(dir, { output: 'in/../in/a.xlsx', force: true }), inputs),
    );
    expect([output.code, output.message]).toEqual([
      ErrorCode.OutputIsInput,
      'The output file is the input in/a.xlsx (found through "in"); xlmerge never writes over an input, even with `force: true`',
    ]);
    const report = await rejectionOf(
      checkOutput(settingsIn(dir, { duplicatesReport: 'hard-link.xlsx', force: true }), inputs),
    );
    expect([report.code, report.hint]).toEqual([
      ErrorCode.OutputIsInput,
      'Write the duplicates report to a file outside the inputs with `duplicatesReport`',
    ]);
  });
});

describe('outputAmongInputs', () => {
  it('is null for an output inspect need not refuse: existing, or a loop of links', async () => {
    const { dir, inputs } = await folder();
    await writeFiles(dir, { 'merged.xlsx': 'last month' });
    await fs.symlink('loop2.xlsx', path.join(dir, 'loop1.xlsx'));
    await fs.symlink('loop1.xlsx', path.join(dir, 'loop2.xlsx'));
    expect(await outputAmongInputs(settingsIn(dir, {}), inputs)).toBeNull();
    expect(await outputAmongInputs(settingsIn(dir, { output: 'loop1.xlsx' }), inputs)).toBeNull();
    // The real run refuses both.
    const refused = [settingsIn(dir, {}), settingsIn(dir, { output: 'loop1.xlsx', force: true })];
    const codes = [];
    for (const settings of refused) {
      codes.push((await rejectionOf(checkOutput(settings, inputs))).code);
    }
    expect(codes).toEqual([ErrorCode.OutputExists, ErrorCode.InvalidOption]);
  });

  it('is the OUTPUT_IS_INPUT error for an output reached through a link, or a cache folder holding an input', async () => {
    const { dir, inputs } = await folder();
    await fs.symlink('in/a.xlsx', path.join(dir, 'out.xlsx'));
    const output = await outputAmongInputs(settingsIn(dir, { output: 'out.xlsx' }), inputs);
    expect([output?.code, output?.file]).toEqual([
      ErrorCode.OutputIsInput,
      path.join(dir, 'out.xlsx'),
    ]);
    const cache = await outputAmongInputs(settingsIn(dir, { cache: 'in' }), inputs);
    expect([cache?.code, cache?.message]).toEqual([
      ErrorCode.OutputIsInput,
      'The cache folder holds the input in/a.xlsx; the cache writes and removes files in its folder',
    ]);
  });
});
