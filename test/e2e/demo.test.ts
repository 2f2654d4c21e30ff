/**
 * The README's demo command on the committed demo set must give exactly the rows worked out by
 * hand in fixtures/demo/EXPECTED.md (both the plain and the --recursive result), and its CSV
 * example exactly the file the README shows.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { readWorkbook, type TestCell } from '../helpers/workbooks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/xlmerge.js');
const EXPECTED = path.join(ROOT, 'fixtures/demo/EXPECTED.md');
const README = path.join(ROOT, 'README.md');

/** The markdown tables of EXPECTED.md, in order, as rows of cell text. */
async function expectedTables(): Promise<string[][][]> {
  const text = await fs.readFile(EXPECTED, 'utf8');
  const tables: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.every((cell) => /^-+$/.test(cell))) continue;
    if (current === null) {
      current = [];
      tables.push(current);
    }
    current.push(cells);
  }
  return tables;
}

/** A read-back cell as EXPECTED.md writes it. */
function asText(cell: TestCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'object') return cell.error;
  return String(cell);
}

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stderr });
    });
  });
}

describe('the demo', () => {
  it.each([
    ['plain', [], 1],
    ['recursive', ['--recursive'], 2],
  ] as const)(
    'merges fixtures/demo (%s) exactly as EXPECTED.md says',
    async (_name, extra, table) => {
      const dir = await makeTempDir();
      const output = path.join(dir, 'demo-merged.xlsx');
      const result = await run(['fixtures/demo', ...extra, '--dedupe', 'id,email', '-o', output]);
      expect(result).toEqual({ code: 0, stderr: '' });
      const expected = (await expectedTables())[table] as string[][];
      const { rows, worksheet } = await readWorkbook(output);
      const header = rows[0] as TestCell[];
      expect(rows.map((row) => header.map((_, i) => asText(row[i])))).toEqual(expected);
      // Types survive, not only the text: ids and amounts are numbers, dates are dates,
      // customer codes keep their leading zeros as text.
      for (const row of rows.slice(1)) {
        expect([typeof row[0], typeof row[5], row[3] instanceof Date, typeof row[6]]).toEqual([
          'number',
          'number',
          true,
          'string',
        ]);
      }
      expect(worksheet.getCell('D2').numFmt).toBe('yyyy-mm-dd');
      // A bold, frozen header row with an autofilter over the whole table.
      expect(worksheet.getCell('A1').font?.bold).toBe(true);
      expect(worksheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(worksheet.autoFilter).toBe(`A1:H${rows.length}`);
    },
  );
});

describe('the demo merged to CSV', () => {
  it('gives the file the README shows, with the rows of EXPECTED.md', async () => {
    const dir = await makeTempDir();
    const output = path.join(dir, 'merged.csv');
    const result = await run(['fixtures/demo', '--dedupe', 'id,email', '-o', output]);
    expect(result).toEqual({ code: 0, stderr: '' });
    const text = await fs.readFile(output, 'utf8');
    const readme = await fs.readFile(README, 'utf8');
    const shown = /\$ cat merged\.csv\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    expect(text).toBe(`\uFEFF${shown?.split('\n').join('\r\n')}\r\n`);
    // The same rows as the workbook; phone numbers that begin with + carry an apostrophe.
    const expected = (await expectedTables())[1] as string[][];
    const unneutralised = parseCsv(text).map((record) =>
      record.map((field) => (field.startsWith("'+") ? field.slice(1) : field)),
    );
    expect(unneutralised).toEqual(expected);
  });
});
