/**
 * Every workbook format a folder holds is read by what it is, and the summary, --json and
 * inspect say what each file was read as.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const DEMO = fileURLToPath(new URL('../../fixtures/demo', import.meta.url));

describe('input formats', () => {
  it('reads an .xlsx named .xls as the .xlsx it is, and says so', async () => {
    const cwd = await makeTempDir();
    await mkdir(path.join(cwd, 'in'));
    await copyFile(path.join(DEMO, 'north.xlsx'), path.join(cwd, 'in', 'north.xls'));
    await copyFile(path.join(DEMO, 'south.xlsx'), path.join(cwd, 'in', 'south.xlsx'));
    const merged = await xlmerge(cwd, 'in', '--dedupe', 'id,email', '--json', '-o', 'out.xlsx');
    expect(merged.code).toBe(0);
    const summary = JSON.parse(merged.stdout);
    expect(
      summary.files.map((file: { file: string; format: string }) => [file.file, file.format]),
    ).toEqual([
      ['in/north.xls', 'xlsx'],
      ['in/south.xlsx', 'xlsx'],
    ]);
    expect(summary.rowsRead).toBe(22);
    const inspected = await xlmerge(cwd, 'inspect', 'in', '--dedupe', 'id,email');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(
      'Notes:\n  in/north.xls: read as an .xlsx workbook, which it is (its name says .xls)\n',
    );
    const json = JSON.parse((await xlmerge(cwd, 'inspect', 'in', '--json')).stdout);
    expect(json.files.map((file: { format: string }) => file.format)).toEqual(['xlsx', 'xlsx']);
  });
});
