/** --duplicates: every dropped row, where it came from, and the row kept in its place. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode, merge } from '../../dist/index.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { readWorkbook, writeTable } from '../helpers/workbooks.js';

const DEMO = fileURLToPath(new URL('../../fixtures/demo', import.meta.url));
const PROVENANCE = ['Group', 'File', 'Sheet', 'Row', 'Kept file', 'Kept sheet', 'Kept row'];

describe('duplicates report', () => {
  it('lists the demo merge dropped rows exactly as EXPECTED.md says', async () => {
    const dir = await makeTempDir();
    const report = path.join(dir, 'dups.xlsx');
    const summary = await merge({
      inputs: [DEMO],
      cwd: path.dirname(DEMO),
      output: path.join(dir, 'merged.xlsx'),
      dedupe: ['id', 'email'],
      duplicatesReport: report,
    });
    expect(summary.duplicatesReport).toBe(report);
    const { sheets, rows } = await readWorkbook(report);
    expect(sheets).toEqual(['Duplicates']);
    expect(rows[0]).toEqual([...PROVENANCE, ...summary.columns]);
    // Group, where the dropped row was, where the kept one is, then its key and its amount.
    expect(rows.slice(1).map((row) => [...row.slice(0, 9), row[12]])).toEqual([
      [
        1,
        'demo/north.xlsx',
        'Sign-ups',
        7,
        'demo/north.xlsx',
        'Sign-ups',
        4,
        3,
        'li@example.com',
        29.9,
      ],
      [
        2,
        'demo/south.xlsx',
        'Sign-ups',
        3,
        'demo/north.xlsx',
        'Sign-ups',
        2,
        1,
        'zoe@example.com',
        99.5,
      ],
      [
        3,
        'demo/south.xlsx',
        'Sign-ups',
        9,
        'demo/south.xlsx',
        'Sign-ups',
        5,
        13,
        'chen@example.com',
        35,
      ],
      [
        1,
        'demo/south.xlsx',
        'Sign-ups',
        11,
        'demo/north.xlsx',
        'Sign-ups',
        4,
        3,
        'li@example.com',
        0,
      ],
      [
        4,
        'demo/west.xlsx',
        'Sign-ups',
        3,
        'demo/north.xlsx',
        'Sign-ups',
        11,
        9,
        'noah@example.com',
        120,
      ],
      [
        5,
        'demo/west.xlsx',
        'Sign-ups',
        6,
        'demo/south.xlsx',
        'Sign-ups',
        2,
        11,
        'paulo@example.com',
        29.9,
      ],
      [
        6,
        'demo/west.xlsx',
        'Sign-ups',
        8,
        'demo/west.xlsx',
        'Sign-ups',
        5,
        19,
        'lucas@example.com',
        99.5,
      ],
    ]);
    // Values keep their types: the lost phone number of west row 3 is there, dates are dates.
    expect(rows[5]?.[14]).toBe('+49 30 1234567');
    expect(rows[1]?.[10]).toBeInstanceOf(Date);
  });

  const files = {
    'a.xlsx': [
      ['id', 'v'],
      [1, 'a1'],
      [2, 'a2'],
      [1, 'a3'],
    ],
    'b.xlsx': [
      ['id', 'v'],
      [2, 'b1'],
      [3, 'b2'],
    ],
  };

  it.each([
    [
      'last',
      [
        [1, 'in/a.xlsx', 'Sheet1', 2, 'in/a.xlsx', 'Sheet1', 4, 1, 'a1'],
        [2, 'in/a.xlsx', 'Sheet1', 3, 'in/b.xlsx', 'Sheet1', 2, 2, 'a2'],
      ],
    ],
    [
      'none',
      [
        [1, 'in/a.xlsx', 'Sheet1', 2, null, null, null, 1, 'a1'],
        [2, 'in/a.xlsx', 'Sheet1', 3, null, null, null, 2, 'a2'],
        [1, 'in/a.xlsx', 'Sheet1', 4, null, null, null, 1, 'a3'],
        [2, 'in/b.xlsx', 'Sheet1', 2, null, null, null, 2, 'b1'],
      ],
    ],
  ] as const)('works with keep %s', async (keep, expected) => {
    const dir = await makeTempDir();
    for (const [name, rows] of Object.entries(files)) {
      await fs.mkdir(path.join(dir, 'in'), { recursive: true });
      await writeTable(path.join(dir, 'in', name), rows);
    }
    await merge({ inputs: ['in'], cwd: dir, dedupe: ['id'], keep, duplicatesReport: 'dups.xlsx' });
    const { rows } = await readWorkbook(path.join(dir, 'dups.xlsx'));
    expect(rows).toEqual([[...PROVENANCE, 'id', 'v'], ...expected]);
  });

  it('refuses to overwrite a report without force, or to write it over the output', async () => {
    const dir = await makeTempDir();
    await writeTable(path.join(dir, 'a.xlsx'), [['id'], [1], [1]]);
    await writeFiles(dir, { 'dups.xlsx': 'old report' });
    const options = { inputs: ['a.xlsx'], cwd: dir, dedupe: ['id'] };
    await expect(merge({ ...options, duplicatesReport: 'dups.xlsx' })).rejects.toMatchObject({
      code: ErrorCode.OutputExists,
      hint: 'Use `force: true` to replace it, or choose another name with `duplicatesReport`',
    });
    await expect(merge({ ...options, duplicatesReport: 'merged.xlsx' })).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
    });
    expect(await fs.readFile(path.join(dir, 'dups.xlsx'), 'utf8')).toBe('old report');
    expect((await fs.readdir(dir)).sort()).toEqual(['a.xlsx', 'dups.xlsx']);
  });
});
