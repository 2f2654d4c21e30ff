/**
 * --cache end to end: a re-run reuses the parse results of unchanged files, parses the rest,
 * and writes the same bytes as a run without the cache.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  type MergeOptions,
  type MergeSummary,
  merge,
  mergeRows,
} from '../../dist/index.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';
import { type TestCell, utc, writeTable, writeWorkbook } from '../helpers/workbooks.js';

const BIN = fileURLToPath(new URL('../../bin/xlmerge.js', import.meta.url));
const HEADER = ['id', 'email', 'name', 'joined', 'score'];

function rowsOf(file: number, count: number): TestCell[][] {
  const rows: TestCell[][] = [HEADER];
  for (let i = 0; i < count; i += 1) {
    // Every third id repeats the previous file's, every fifth repeats one in the same file.
    const id = i % 5 === 4 ? i - 1 : i % 3 === 0 ? (file - 1) * 100 + i : file * 100 + i;
    rows.push([
      id,
      `user${id}@exämple.de`,
      i % 7 === 0 ? `Zoë ${file}-${i} 🎉` : `Name ${file}-${i}`,
      utc(2024, 1 + (i % 12), 1 + (i % 28), i % 24, 30),
      i % 11 === 0 ? { error: '#N/A' } : i / 10,
    ]);
  }
  return rows;
}

/** A folder `in/` with `count` workbooks, `a.xlsx`, `b.xlsx`, … */
async function inputs(count = 3): Promise<string> {
  const dir = await makeTempDir();
  await fs.mkdir(path.join(dir, 'in'));
  for (let file = 1; file <= count; file += 1) await addInput(dir, file);
  return dir;
}

async function addInput(dir: string, file: number, rows = 40): Promise<void> {
  const name = `${String.fromCharCode(96 + file)}.xlsx`;
  if (file === 2) {
    // Two sheets, for --sheet all.
    await writeWorkbook(path.join(dir, 'in', name), [
      { name: 'First', rows: rowsOf(file, rows) },
      { name: 'Second', rows: rowsOf(file + 10, 8) },
    ]);
  } else {
    await writeTable(path.join(dir, 'in', name), rowsOf(file, rows));
  }
}

/** Merges `in/` into `name`, returns the summary and the output's bytes. */
async function mergeTo(dir: string, name: string, options: Partial<MergeOptions> = {}) {
  const summary = await merge({
    inputs: ['in'],
    cwd: dir,
    output: name,
    dedupe: ['id', 'email'],
    jobs: 2,
    ...options,
  });
  return { summary, bytes: await fs.readFile(path.join(dir, name)) };
}

const cachedFlags = (summary: MergeSummary) => summary.files.map((f) => [f.file, f.cached]);

describe('merge with a cache', () => {
  // The last field: input sheets whose rows a warm run copies compressed from the cache.
  const cases: [string, Partial<MergeOptions>, number][] = [
    ['plain', {}, 3],
    [
      'every sheet, keep last, loose headers',
      { sheet: 'all', keep: 'last', matchHeaders: 'loose' },
      4,
    ],
    ['a source column and a summary sheet', { sourceColumn: true, summarySheet: true }, 3],
    ['every sheet with a source column', { sheet: 'all', sourceColumn: true, keep: 'none' }, 4],
    [
      'chosen columns, keys as text, keep none',
      { columns: ['name', 'id'], keysAsText: true, keep: 'none' },
      3,
    ],
  ];
  for (const [name, options, segments] of cases) {
    it(`writes the same bytes as without it, cold and warm: ${name}`, async () => {
      const dir = await inputs();
      const plain = await mergeTo(dir, 'plain.xlsx', options);
      const cold = await mergeTo(dir, 'cold.xlsx', { ...options, cache: 'cache' });
      const warm = await mergeTo(dir, 'warm.xlsx', { ...options, cache: 'cache' });
      expect(cold.bytes.equals(plain.bytes)).toBe(true);
      expect(warm.bytes.equals(plain.bytes)).toBe(true);
      expect(plain.summary.cache).toBeNull();
      expect(cold.summary.cache).toEqual({
        folder: path.join(dir, 'cache'),
        hits: 0,
        misses: 3,
        rebuilt: 0,
        segmentsReused: 0,
      });
      expect(warm.summary.cache).toEqual({
        folder: path.join(dir, 'cache'),
        hits: 3,
        misses: 0,
        rebuilt: 0,
        segmentsReused: segments,
      });
      expect(cachedFlags(cold.summary)).toEqual([
        ['in/a.xlsx', false],
        ['in/b.xlsx', false],
        ['in/c.xlsx', false],
      ]);
      expect(cachedFlags(warm.summary)).toEqual([
        ['in/a.xlsx', true],
        ['in/b.xlsx', true],
        ['in/c.xlsx', true],
      ]);
      // The rest of the summary is the run's own, whether files were parsed or not.
      const withoutCache = (summary: MergeSummary) => ({
        ...summary,
        output: null,
        seconds: 0,
        cache: null,
        files: summary.files.map((file) => ({ ...file, cached: false })),
      });
      expect(withoutCache(warm.summary)).toEqual(withoutCache(plain.summary));
    });
  }

  it('writes the same duplicates report as without it', async () => {
    const dir = await inputs();
    const runWith = async (tag: string, cache?: string) => {
      const options = { duplicatesReport: `dups-${tag}.xlsx`, ...(cache ? { cache } : {}) };
      const { bytes } = await mergeTo(dir, `out-${tag}.xlsx`, options);
      return [bytes, await fs.readFile(path.join(dir, `dups-${tag}.xlsx`))];
    };
    const plain = await runWith('plain');
    const cold = await runWith('cold', 'cache');
    const warm = await runWith('warm', 'cache');
    for (const run of [cold, warm]) {
      expect(run.map((bytes, i) => bytes.equals(plain[i] as Buffer))).toEqual([true, true]);
    }
  });

  it('parses only the file added since the last run', async () => {
    const dir = await inputs();
    await mergeTo(dir, 'first.xlsx', { cache: 'cache' });
    await addInput(dir, 4);
    const second = await mergeTo(dir, 'second.xlsx', { cache: 'cache' });
    const plain = await mergeTo(dir, 'plain.xlsx');
    // d.xlsx sorts last, so the rows before it are where they were: all reused.
    expect(second.summary.cache).toMatchObject({
      hits: 3,
      misses: 1,
      rebuilt: 0,
      segmentsReused: 3,
    });
    expect(cachedFlags(second.summary)).toEqual([
      ['in/a.xlsx', true],
      ['in/b.xlsx', true],
      ['in/c.xlsx', true],
      ['in/d.xlsx', false],
    ]);
    expect(second.bytes.equals(plain.bytes)).toBe(true);
  });

  it('parses a file again when its bytes changed under the same name', async () => {
    const dir = await inputs();
    await mergeTo(dir, 'first.xlsx', { cache: 'cache' });
    await writeTable(path.join(dir, 'in', 'b.xlsx'), rowsOf(7, 12));
    const second = await mergeTo(dir, 'second.xlsx', { cache: 'cache' });
    expect(second.summary.cache).toMatchObject({ hits: 2, misses: 1, rebuilt: 0 });
    expect(cachedFlags(second.summary)).toEqual([
      ['in/a.xlsx', true],
      ['in/b.xlsx', false],
      ['in/c.xlsx', true],
    ]);
    expect(second.bytes.equals((await mergeTo(dir, 'plain.xlsx')).bytes)).toBe(true);
  });

  it('parses again when an option that shapes the parse changed', async () => {
    const dir = await inputs();
    await mergeTo(dir, 'first.xlsx', { cache: 'cache' });
    const trimmed = await mergeTo(dir, 'trimmed.xlsx', { cache: 'cache', trim: true });
    expect(trimmed.summary.cache).toMatchObject({ hits: 0, misses: 3 });
    // The output file's name is no part of a parse.
    const renamed = await mergeTo(dir, 'other-name.xlsx', { cache: 'cache' });
    expect(renamed.summary.cache).toMatchObject({ hits: 3, misses: 0 });
  });

  it('rebuilds damaged entries and still writes the same bytes', async () => {
    const dir = await inputs();
    const plain = await mergeTo(dir, 'plain.xlsx');
    await mergeTo(dir, 'cold.xlsx', { cache: 'cache' });
    const names = (await fs.readdir(path.join(dir, 'cache')))
      .filter((name) => name.endsWith('.xlmc'))
      .sort();
    expect(names).toHaveLength(3);
    const damage = [
      (entry: Buffer) => entry.subarray(0, entry.length >> 1),
      (entry: Buffer) => {
        const copy = Buffer.from(entry);
        copy[copy.length - 40] = (copy[copy.length - 40] as number) ^ 0x10;
        return copy;
      },
      () => Buffer.from('garbage'),
    ];
    for (const [i, name] of names.entries()) {
      const file = path.join(dir, 'cache', name);
      await fs.writeFile(file, (damage[i] as (entry: Buffer) => Buffer)(await fs.readFile(file)));
    }
    const rebuilt = await mergeTo(dir, 'rebuilt.xlsx', { cache: 'cache' });
    // A file just parsed was not in the cache, so its rows are not looked up there either.
    expect(rebuilt.summary.cache).toMatchObject({
      hits: 0,
      misses: 3,
      rebuilt: 3,
      segmentsReused: 0,
    });
    expect(rebuilt.bytes.equals(plain.bytes)).toBe(true);
    const again = await mergeTo(dir, 'again.xlsx', { cache: 'cache' });
    expect(again.summary.cache).toMatchObject({
      hits: 3,
      misses: 0,
      rebuilt: 0,
      segmentsReused: 3,
    });
    expect(again.bytes.equals(plain.bytes)).toBe(true);
  });

  it('ignores damaged output segments, writes the rows again and replaces them', async () => {
    const dir = await inputs();
    const plain = await mergeTo(dir, 'plain.xlsx');
    await mergeTo(dir, 'cold.xlsx', { cache: 'cache' });
    const names = (await fs.readdir(path.join(dir, 'cache')))
      .filter((name) => name.endsWith('.xlms'))
      .sort();
    expect(names).toHaveLength(3);
    const damage = [
      (entry: Buffer) => entry.subarray(0, entry.length - 1),
      // A bit flipped in the compressed rows, which the entry's CRC-32 covers.
      (entry: Buffer) => {
        const copy = Buffer.from(entry);
        copy[100] = (copy[100] as number) ^ 0x01;
        return copy;
      },
      () => Buffer.from('garbage'),
    ];
    for (const [i, name] of names.entries()) {
      const file = path.join(dir, 'cache', name);
      await fs.writeFile(file, (damage[i] as (entry: Buffer) => Buffer)(await fs.readFile(file)));
    }
    const damaged = await mergeTo(dir, 'damaged.xlsx', { cache: 'cache' });
    expect(damaged.summary.cache).toMatchObject({ hits: 3, misses: 0, segmentsReused: 0 });
    expect(damaged.bytes.equals(plain.bytes)).toBe(true);
    const again = await mergeTo(dir, 'again.xlsx', { cache: 'cache' });
    expect(again.summary.cache).toMatchObject({ hits: 3, misses: 0, segmentsReused: 3 });
    expect(again.bytes.equals(plain.bytes)).toBe(true);
  });

  it('reuses no rows after a file that sorts first: every later row number moved', async () => {
    const dir = await inputs();
    await mergeTo(dir, 'first.xlsx', { cache: 'cache' });
    await writeTable(path.join(dir, 'in', '0-new.xlsx'), rowsOf(9, 6));
    const second = await mergeTo(dir, 'second.xlsx', { cache: 'cache' });
    expect(second.summary.cache).toMatchObject({ hits: 3, misses: 1, segmentsReused: 0 });
    expect(second.bytes.equals((await mergeTo(dir, 'plain.xlsx')).bytes)).toBe(true);
    // The rows are kept at their new places: the run after reuses all four files' rows.
    const third = await mergeTo(dir, 'third.xlsx', { cache: 'cache' });
    expect(third.summary.cache).toMatchObject({ hits: 4, misses: 0, segmentsReused: 4 });
    expect(third.bytes.equals(second.bytes)).toBe(true);
  });

  // c.xlsx's ids 301 and 302 are in no other file: a last file repeating them changes which of
  // c's rows survive (keep last drops them from c, keep none from both), not a's or b's.
  for (const keep of ['last', 'none'] as const) {
    it(`reuses the rows of the files a new one does not touch, with keep ${keep}`, async () => {
      const dir = await inputs();
      const first = await mergeTo(dir, 'first.xlsx', { cache: 'cache', keep });
      await writeTable(path.join(dir, 'in', 'd.xlsx'), [
        HEADER,
        [301, 'user301@exämple.de', 'again', utc(2024, 5, 5, 5, 5), 1],
        [302, 'user302@exämple.de', 'again', utc(2024, 6, 6, 6, 6), 2],
        [900, 'user900@exämple.de', 'new', utc(2024, 7, 7, 7, 7), 3],
      ]);
      const second = await mergeTo(dir, 'second.xlsx', { cache: 'cache', keep });
      expect(second.summary.cache).toMatchObject({ hits: 3, misses: 1, segmentsReused: 2 });
      const kept = (summary: MergeSummary) => summary.files.map((file) => file.rowsKept);
      const [a, b, c] = kept(first.summary);
      expect(kept(second.summary)).toEqual([a, b, (c as number) - 2, keep === 'last' ? 3 : 1]);
      expect(second.bytes.equals((await mergeTo(dir, 'plain.xlsx', { keep })).bytes)).toBe(true);
    });
  }

  it('writes the same bytes with one worker and with two', async () => {
    const dir = await inputs(4);
    const one = await mergeTo(dir, 'one.xlsx', { cache: 'cache', jobs: 1 });
    const two = await mergeTo(dir, 'two.xlsx', { cache: 'cache', jobs: 2 });
    const twoCold = await mergeTo(dir, 'two-cold.xlsx', { cache: 'cache-2', jobs: 2 });
    expect(two.summary.cache).toMatchObject({ hits: 4, misses: 0 });
    expect(two.bytes.equals(one.bytes)).toBe(true);
    expect(twoCold.bytes.equals(one.bytes)).toBe(true);
  });

  it('creates the cache folder, relative to cwd, with one entry per file', async () => {
    const dir = await inputs();
    const { summary } = await mergeTo(dir, 'out.xlsx', { cache: 'deep/er/cache' });
    expect(summary.cache?.folder).toBe(path.join(dir, 'deep', 'er', 'cache'));
    // A parse result per file, and each file's rows as written into the output.
    const names = await fs.readdir(path.join(dir, 'deep', 'er', 'cache'));
    const kinds = names.map((name) => /^[0-9a-f]{64}\.(xlm[cs])$/.exec(name)?.[1]).sort();
    expect(kinds).toEqual(['xlmc', 'xlmc', 'xlmc', 'xlms', 'xlms', 'xlms']);
  });

  it('refuses a cache path that is a file, before reading anything', async () => {
    const dir = await inputs();
    await writeFiles(dir, { 'cache.txt': 'notes' });
    await expect(mergeTo(dir, 'out.xlsx', { cache: 'cache.txt' })).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
      message: `Invalid option cache: expected a folder, got the file ${JSON.stringify(path.join(dir, 'cache.txt'))}`,
    });
    expect(await fs.readFile(path.join(dir, 'cache.txt'), 'utf8')).toBe('notes');
    expect((await fs.readdir(dir)).sort()).toEqual(['cache.txt', 'in']);
  });

  it('serves dry runs and mergeRows, each with entries of its own', async () => {
    const dir = await inputs();
    const dry = () => merge({ inputs: ['in'], cwd: dir, dedupe: ['id'], dryRun: true, cache: 'c' });
    expect((await dry()).cache).toMatchObject({ hits: 0, misses: 3 });
    const dryAgain = await dry();
    expect(dryAgain.cache).toMatchObject({ hits: 3, misses: 0 });
    expect(dryAgain.rowsKept).toBe(
      (await merge({ inputs: ['in'], cwd: dir, dedupe: ['id'], dryRun: true })).rowsKept,
    );

    const collect = async (cache?: string) => {
      const rows = [];
      const generator = mergeRows({
        inputs: ['in'],
        cwd: dir,
        dedupe: ['id'],
        ...(cache ? { cache } : {}),
      });
      let next = await generator.next();
      while (!next.done) {
        rows.push(next.value);
        next = await generator.next();
      }
      return { rows, summary: next.value };
    };
    const plain = await collect();
    const cold = await collect('c');
    const warm = await collect('c');
    expect(cold.summary.cache).toMatchObject({ hits: 0, misses: 3 });
    expect(warm.summary.cache).toMatchObject({ hits: 3, misses: 0 });
    expect(warm.rows).toEqual(plain.rows);
    expect(warm.rows[1]?.values).toEqual({
      id: 101,
      email: 'user101@exämple.de',
      name: 'Name 1-1',
      joined: { kind: 'date', serial: 45324.0625 },
      score: 0.1,
    });
  });
});

describe('xlmerge --cache', () => {
  function xlmerge(cwd: string, ...args: string[]) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      });
    });
  }

  it('reports the cache in --json', async () => {
    const dir = await inputs();
    await xlmerge(dir, 'in', '--cache', '.cache', '-o', 'a.xlsx');
    const result = await xlmerge(dir, 'in', '--cache', '.cache', '-o', 'b.xlsx', '--json');
    expect([result.code, result.stderr]).toEqual([0, '']);
    const summary = JSON.parse(result.stdout);
    expect(summary.cache).toEqual({
      folder: path.join(dir, '.cache'),
      hits: 3,
      misses: 0,
      rebuilt: 0,
      segmentsReused: 3,
    });
    expect(summary.files.map((file: { cached: boolean }) => file.cached)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('exits 2 when the cache path is a file', async () => {
    const dir = await inputs();
    await writeFiles(dir, { notes: 'x' });
    const result = await xlmerge(dir, 'in', '--cache', 'notes');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `xlmerge: Invalid option --cache: expected a folder, got the file ${JSON.stringify(path.join(dir, 'notes'))}. Give --cache a folder (it is created if missing), not a file\n`,
    );
  });
});
