import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { ENTRY_HEADER_BYTES } from '../../src/cache/cache-entry.js';
import { CACHE_MAX_AGE_DAYS, hashFile, ParseCache } from '../../src/cache/parse-cache.js';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import type { FileResult, ParseTask } from '../../src/worker/protocol.js';
import { computeCrc32 } from '../../src/xlsx/zip/crc32.js';
import { sampleResult, sampleTask } from '../helpers/parse-results.js';
import { makeTempDir, writeFiles } from '../helpers/temp-dir.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A folder with an input file `a.xlsx` (any bytes do: the cache only hashes them). */
async function setUp(content = 'workbook bytes') {
  const dir = await makeTempDir();
  await writeFiles(dir, { 'in/a.xlsx': content });
  const task = sampleTask({
    file: path.join(dir, 'in', 'a.xlsx'),
    display: 'in/a.xlsx',
    reportDuplicates: true,
  });
  return { dir, task, cacheDir: path.join(dir, 'cache') };
}

/** A parser that returns a fresh sample result and counts its calls. */
function fakeParser(result: () => FileResult = () => sampleResult()) {
  return vi.fn(async (_task: ParseTask) => result());
}

/** Runs `task` through a new cache on `cacheDir`, as one run would. */
async function runOnce(cacheDir: string, task: ParseTask, parse = fakeParser()) {
  const cache = await ParseCache.open(cacheDir);
  const result = await cache.parse(task, parse);
  await cache.close();
  return { cache, result, parse, counts: { ...cache.counts } };
}

async function entries(cacheDir: string): Promise<string[]> {
  return (await fs.readdir(cacheDir)).sort();
}

describe('ParseCache.open', () => {
  it('creates the folder, parents included', async () => {
    const dir = await makeTempDir();
    const cache = await ParseCache.open(path.join(dir, 'a', 'b'));
    expect(cache.folder).toBe(path.join(dir, 'a', 'b'));
    expect((await fs.stat(path.join(dir, 'a', 'b'))).isDirectory()).toBe(true);
  });

  it('refuses a file, or a path through one', async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { 'cache.txt': 'notes' });
    const file = path.join(dir, 'cache.txt');
    await expect(ParseCache.open(file)).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
      message: `Invalid option cache: expected a folder, got the file ${JSON.stringify(file)}`,
      hint: 'Give `cache` a folder (it is created if missing), not a file',
    });
    const inside = path.join(file, 'sub');
    await expect(ParseCache.open(inside)).rejects.toMatchObject({
      code: ErrorCode.InvalidOption,
      message: `Invalid option cache: expected a folder, got ${JSON.stringify(inside)}, which passes through a file`,
    });
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not write to', async () => {
    const dir = await makeTempDir();
    const locked = path.join(dir, 'locked');
    await fs.mkdir(locked, { mode: 0o500 });
    await expect(ParseCache.open(locked)).rejects.toMatchObject({
      code: ErrorCode.WriteFailed,
      message: 'The cache folder cannot be written to',
      file: locked,
    });
  });
});

describe('ParseCache.parse', () => {
  it('parses and stores on the first run, and reads the entry on the next', async () => {
    const { task, cacheDir } = await setUp();
    const first = await runOnce(cacheDir, task);
    expect(first.counts).toEqual({ hits: 0, misses: 1, rebuilt: 0, segmentsReused: 0 });
    expect(first.parse).toHaveBeenCalledTimes(1);
    expect(first.cache.cachedResults.has(first.result)).toBe(false);
    const names = await entries(cacheDir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{64}\.xlmc$/);

    const second = await runOnce(cacheDir, task);
    expect(second.counts).toEqual({ hits: 1, misses: 0, rebuilt: 0, segmentsReused: 0 });
    expect(second.parse).not.toHaveBeenCalled();
    expect(second.result).toStrictEqual(sampleResult());
    expect(second.cache.cachedResults.has(second.result)).toBe(true);
  });

  it('finds the entry for the same bytes under another path', async () => {
    const { dir, task, cacheDir } = await setUp();
    await runOnce(cacheDir, task);
    await writeFiles(dir, { 'elsewhere/b.xlsx': 'workbook bytes' });
    const moved = { ...task, file: path.join(dir, 'elsewhere', 'b.xlsx'), display: 'b.xlsx' };
    expect((await runOnce(cacheDir, moved)).counts).toEqual({
      hits: 1,
      misses: 0,
      rebuilt: 0,
      segmentsReused: 0,
    });
  });

  it('parses again when the bytes or the options changed', async () => {
    const { dir, task, cacheDir } = await setUp();
    await runOnce(cacheDir, task);
    const other = { ...task, keep: 'last' } as const;
    const withOptions = await runOnce(cacheDir, other);
    expect(withOptions.counts).toEqual({ hits: 0, misses: 1, rebuilt: 0, segmentsReused: 0 });
    expect(withOptions.parse).toHaveBeenCalledWith(other);
    await writeFiles(dir, { 'in/a.xlsx': 'workbook bytes, edited' });
    expect((await runOnce(cacheDir, task)).counts).toEqual({
      hits: 0,
      misses: 1,
      rebuilt: 0,
      segmentsReused: 0,
    });
    expect(await entries(cacheDir)).toHaveLength(3);
  });

  it('does not store a failed parse', async () => {
    const { task, cacheDir } = await setUp();
    const cache = await ParseCache.open(cacheDir);
    const failure = new XlmergeError(ErrorCode.CorruptZip, 'broken', { file: 'in/a.xlsx' });
    await expect(cache.parse(task, () => Promise.reject(failure))).rejects.toBe(failure);
    await cache.close();
    expect(cache.counts).toEqual({ hits: 0, misses: 1, rebuilt: 0, segmentsReused: 0 });
    expect(await entries(cacheDir)).toEqual([]);
  });

  it('leaves a missing file to the parser, which says what is wrong', async () => {
    const { task, cacheDir } = await setUp();
    const missing = { ...task, file: `${task.file}.gone` };
    const { counts, parse } = await runOnce(cacheDir, missing);
    expect(counts).toEqual({ hits: 0, misses: 1, rebuilt: 0, segmentsReused: 0 });
    expect(parse).toHaveBeenCalledWith(missing);
    expect(await entries(cacheDir)).toEqual([]);
  });

  it('does not store a result when the file changed while it was parsed', async () => {
    const { task, cacheDir } = await setUp();
    const parse = vi.fn(async () => {
      await fs.writeFile(task.file, 'written meanwhile');
      return sampleResult();
    });
    await runOnce(cacheDir, task, parse);
    expect(await entries(cacheDir)).toEqual([]);
  });

  it('stores nothing for a parse that ends after the run closed the cache', async () => {
    const { task, cacheDir } = await setUp();
    let finish: (result: FileResult) => void = () => {};
    const parse = vi.fn(() => new Promise<FileResult>((resolve) => (finish = resolve)));
    const cache = await ParseCache.open(cacheDir);
    const pending = cache.parse(task, parse);
    await vi.waitFor(() => expect(parse).toHaveBeenCalledTimes(1));
    await cache.close();
    finish(sampleResult());
    expect(await pending).toStrictEqual(sampleResult());
    await cache.close();
    expect(await entries(cacheDir)).toEqual([]);
  });

  describe('rebuilds an entry it cannot trust, and never believes it', () => {
    const damages: [string, (entry: Buffer) => Buffer][] = [
      ['truncated', (entry) => entry.subarray(0, entry.length - 100)],
      ['cut inside the header', (entry) => entry.subarray(0, ENTRY_HEADER_BYTES - 10)],
      ['empty', () => Buffer.alloc(0)],
      ['a flipped byte', (entry) => flip(entry, entry.length - 20)],
      ['another format version', (entry) => flip(entry, 4)],
      ['garbage', () => Buffer.from('<html>not an entry</html>'.repeat(10))],
    ];
    for (const [name, damage] of damages) {
      it(name, async () => {
        const { task, cacheDir } = await setUp();
        await runOnce(cacheDir, task);
        const [entryName] = await entries(cacheDir);
        const entry = path.join(cacheDir, entryName as string);
        await fs.writeFile(entry, damage(await fs.readFile(entry)));

        const again = await runOnce(cacheDir, task);
        expect(again.counts).toEqual({ hits: 0, misses: 1, rebuilt: 1, segmentsReused: 0 });
        expect(again.parse).toHaveBeenCalledTimes(1);
        expect(again.cache.cachedResults.has(again.result)).toBe(false);
        // Replaced by a sound entry: the run after reads it.
        expect(await entries(cacheDir)).toEqual([entryName]);
        expect((await runOnce(cacheDir, task)).counts).toEqual({
          hits: 1,
          misses: 0,
          rebuilt: 0,
          segmentsReused: 0,
        });
      });
    }
  });

  it('keeps entries whole when two runs store the same one at once', async () => {
    const { task, cacheDir } = await setUp();
    const runs = await Promise.all([1, 2, 3].map(() => runOnce(cacheDir, task)));
    expect(runs.map((run) => run.counts.misses)).toEqual([1, 1, 1]);
    expect(await entries(cacheDir)).toHaveLength(1);
    expect((await runOnce(cacheDir, task)).counts).toEqual({
      hits: 1,
      misses: 0,
      rebuilt: 0,
      segmentsReused: 0,
    });
  });
});

describe('ParseCache segments', () => {
  const SEGMENT_KEY = 'c4'.repeat(32);
  const xml = Buffer.from('<row r="2"><c r="A2"><v>1</v></c></row>');
  const compressed = deflateRawSync(xml, { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
  const segment = {
    chunks: [compressed],
    compressedLength: compressed.length,
    crc32: computeCrc32(xml),
    uncompressedLength: xml.length,
    rows: 1,
  };

  it('keys a result read from the cache by its entry, and a parsed one once re-hashed', async () => {
    const { task, cacheDir } = await setUp();
    const first = await ParseCache.open(cacheDir);
    const parsed = await first.parse(task, fakeParser());
    const parsedKey = await first.keyOf(parsed);
    await first.close();
    expect(await entries(cacheDir)).toEqual([`${parsedKey}.xlmc`]);
    const second = await ParseCache.open(cacheDir);
    const cached = await second.parse(task, fakeParser());
    expect(await second.keyOf(cached)).toBe(parsedKey);
    expect(await second.keyOf(sampleResult())).toBeNull();
  });

  it('keys no result whose file changed while it was parsed', async () => {
    const { task, cacheDir } = await setUp();
    const cache = await ParseCache.open(cacheDir);
    const result = await cache.parse(task, async () => {
      await fs.writeFile(task.file, 'written meanwhile');
      return sampleResult();
    });
    expect(await cache.keyOf(result)).toBeNull();
    cache.storeSegment(cache.keyOf(result), segment);
    await cache.close();
    expect(await entries(cacheDir)).toEqual([]);
  });

  it('stores a segment under its key and reads it back in a later run', async () => {
    const { cacheDir } = await setUp();
    const first = await ParseCache.open(cacheDir);
    expect(await first.readSegment(SEGMENT_KEY, 1)).toBeNull();
    first.storeSegment(Promise.resolve(SEGMENT_KEY), segment);
    await first.close();
    expect(await entries(cacheDir)).toEqual([`${SEGMENT_KEY}.xlms`]);
    expect(first.counts.segmentsReused).toBe(0);

    const second = await ParseCache.open(cacheDir);
    expect(await second.readSegment(SEGMENT_KEY, 1)).toEqual({
      ...segment,
      chunks: [compressed],
    });
    expect(await second.readSegment('d5'.repeat(32), 1)).toBeNull();
    expect(await second.readSegment(SEGMENT_KEY, 2)).toBeNull();
    await second.close();
    expect(second.counts).toEqual({ hits: 0, misses: 0, rebuilt: 0, segmentsReused: 1 });
  });

  it('ignores a damaged segment entry and replaces it when the segment is stored again', async () => {
    const { cacheDir } = await setUp();
    const first = await ParseCache.open(cacheDir);
    first.storeSegment(Promise.resolve(SEGMENT_KEY), segment);
    await first.close();
    const entry = path.join(cacheDir, `${SEGMENT_KEY}.xlms`);
    const sound = await fs.readFile(entry);
    await fs.writeFile(entry, flip(sound, sound.length - 2));

    const second = await ParseCache.open(cacheDir);
    expect(await second.readSegment(SEGMENT_KEY, 1)).toBeNull();
    second.storeSegment(Promise.resolve(SEGMENT_KEY), segment);
    await second.close();
    expect(second.counts.segmentsReused).toBe(0);
    expect((await fs.readFile(entry)).equals(sound)).toBe(true);
  });

  it('stores no segment whose key settles to null, nor any once closed', async () => {
    const { cacheDir } = await setUp();
    const cache = await ParseCache.open(cacheDir);
    cache.storeSegment(Promise.resolve(null), segment);
    await cache.close();
    cache.storeSegment(Promise.resolve(SEGMENT_KEY), segment);
    await cache.close();
    expect(await entries(cacheDir)).toEqual([]);
  });
});

describe('ParseCache.prune', () => {
  it('removes entries unused for 30 days and old temporary files, nothing else', async () => {
    const { task, cacheDir } = await setUp();
    const used = await runOnce(cacheDir, task);
    const [usedName] = await entries(cacheDir);
    const oldEntry = `${'1'.repeat(64)}.xlmc`;
    const oldSegment = `${'5'.repeat(64)}.xlms`;
    const youngEntry = `${'2'.repeat(64)}.xlmc`;
    const youngSegment = `${'6'.repeat(64)}.xlms`;
    const oldTemp = `${'3'.repeat(64)}.xlmc.abc123.tmp`;
    const youngTemp = `${'4'.repeat(64)}.xlmc.def456.tmp`;
    const notOurs = 'notes.txt';
    await writeFiles(cacheDir, {
      [oldEntry]: 'x',
      [oldSegment]: 'x',
      [youngEntry]: 'x',
      [youngSegment]: 'x',
      [oldTemp]: 'x',
      [youngTemp]: 'x',
      [notOurs]: 'x',
    });
    const now = Date.now();
    const age = async (name: string, ms: number) => {
      const when = new Date(now - ms);
      await fs.utimes(path.join(cacheDir, name), when, when);
    };
    await age(oldEntry, (CACHE_MAX_AGE_DAYS + 1) * DAY_MS);
    await age(oldSegment, (CACHE_MAX_AGE_DAYS + 1) * DAY_MS);
    await age(youngEntry, (CACHE_MAX_AGE_DAYS - 1) * DAY_MS);
    await age(youngSegment, (CACHE_MAX_AGE_DAYS - 1) * DAY_MS);
    await age(oldTemp, 2 * DAY_MS);
    await age(youngTemp, 60 * 1000);
    await age(notOurs, 400 * DAY_MS);
    // The entry this run used stays, however old it looks.
    await age(usedName as string, 400 * DAY_MS);

    await used.cache.prune(now);
    expect(await entries(cacheDir)).toEqual(
      [usedName, youngEntry, youngSegment, youngTemp, notOurs].sort() as string[],
    );
  });

  it('marks an entry as used when a run reads it', async () => {
    const { task, cacheDir } = await setUp();
    await runOnce(cacheDir, task);
    const [name] = await entries(cacheDir);
    const entry = path.join(cacheDir, name as string);
    const old = new Date(Date.now() - 100 * DAY_MS);
    await fs.utimes(entry, old, old);
    await runOnce(cacheDir, task);
    expect(Date.now() - (await fs.stat(entry)).mtimeMs).toBeLessThan(DAY_MS);
  });
});

describe('hashFile', () => {
  it('is the SHA-256 of the bytes, read in chunks', async () => {
    const dir = await makeTempDir();
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 5, 'xlmerge');
    await writeFiles(dir, { big: bytes });
    expect(await hashFile(path.join(dir, 'big'))).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    await writeFiles(dir, { empty: '' });
    expect(await hashFile(path.join(dir, 'empty'))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}
