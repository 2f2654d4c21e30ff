/**
 * Fuzzes the .xls reader with mutants of the .xls fixtures, through `openInput` as a merge
 * opens them: damaged bytes anywhere in the file, a valid compound file around a damaged
 * Workbook stream (record lengths that lie, records cut, dropped or repeated, counts and
 * indexes changed), and a valid Workbook stream in a compound file whose allocation table is
 * damaged (loops, sectors past the end, free sectors). Every mutant must read fully or fail with
 * an XlmergeError of a known code, quickly, holding little memory. `FUZZ_RUNS` and `FUZZ_SEED`
 * work as harness.ts says; a failure names its strategy, seed and source.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { openCompoundFile } from '../../src/xls/read/compound-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { xlsFile } from '../helpers/xls-builder.js';
import {
  expectedCodes,
  type FuzzTarget,
  fuzzFile,
  fuzzRuns,
  openFuzzInput,
  testStrategies,
} from './harness.js';
import { flipBytes, overwriteRun, pick, type Random, randomInt, truncateBytes } from './mutants.js';

const RUNS = fuzzRuns(200);
const DISPLAY_PATH = 'fuzz/mutant.xls';

/** What damaged .xls input may end in: any input's codes, a damaged compound file or records. */
const EXPECTED_CODES = expectedCodes(ErrorCode.CorruptXls, ErrorCode.MalformedRecord);

const XLS_FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/xls');

interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
  /** The Workbook stream, as the compound-file reader reads it from the fixture. */
  readonly stream: Buffer;
}

async function loadSeeds(dir: string): Promise<Seed[]> {
  const names = (await fs.readdir(XLS_FIXTURES))
    .filter((name) => name.endsWith('.xls') && !name.startsWith('legacy'))
    .sort();
  const seeds: Seed[] = [];
  for (const name of names) {
    const file = path.join(XLS_FIXTURES, name);
    const bytes = await fs.readFile(file);
    const handle = await fs.open(file);
    try {
      const compound = await openCompoundFile({ handle, size: bytes.length, file: name });
      const entry = compound.find('Workbook');
      if (entry === undefined) throw new Error(`${name} has no Workbook stream`);
      seeds.push({ name, bytes, stream: await compound.readStream(entry, 1024 ** 3) });
    } finally {
      await handle.close();
    }
  }
  expect(dir).not.toBe('');
  return seeds;
}

/** The offsets of the stream's records. */
function recordOffsets(stream: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 4 <= stream.length; at += 4 + stream.readUInt16LE(at + 2)) offsets.push(at);
  return offsets;
}

/** One damage to the records of a Workbook stream. */
function damageRecords(random: Random, stream: Buffer): Buffer {
  const offsets = recordOffsets(stream);
  const at = pick(random, offsets);
  const length = stream.readUInt16LE(at + 2);
  const next = at + 4 + length;
  switch (randomInt(random, 0, 5)) {
    case 0: {
      // A length that lies.
      const copy = Buffer.from(stream);
      copy.writeUInt16LE(
        pick(random, [0, 1, length + 1, length + 100, 0xffff, randomInt(random, 0, 0xffff)]),
        at + 2,
      );
      return copy;
    }
    case 1:
      // The stream cut inside or right after a record.
      return stream.subarray(0, randomInt(random, at, next));
    case 2:
      // A record dropped.
      return Buffer.concat([stream.subarray(0, at), stream.subarray(next)]);
    case 3:
      // A record repeated.
      return Buffer.concat([
        stream.subarray(0, next),
        stream.subarray(at, next),
        stream.subarray(next),
      ]);
    case 4: {
      // A count, index, row or column in the record's data set to an extreme.
      const copy = Buffer.from(stream);
      if (length >= 2) {
        const field = at + 4 + 2 * randomInt(random, 0, Math.floor(length / 2) - 1);
        copy.writeUInt16LE(pick(random, [0, 0xff, 0x100, 0x7fff, 0xffff]), field);
      }
      return copy;
    }
    default:
      return flipBytes(random, stream);
  }
}

/** One damage to the FAT of a compound file around a valid Workbook stream. */
function damageFat(random: Random, stream: Buffer): Buffer {
  return xlsFile(stream, {
    fat: (fat) => {
      const count = randomInt(random, 1, 3);
      for (let i = 0; i < count; i++) {
        const at = randomInt(random, 0, fat.length - 1);
        fat[at] = pick(random, [
          randomInt(random, 0, fat.length - 1),
          at,
          fat.length + randomInt(random, 0, 10),
          0x7fffffff,
          0xffffffff,
          0xfffffffe,
          0xfffffffd,
        ]);
      }
    },
    directory: (entries) => {
      if (random() < 0.3) {
        const entry = pick(random, entries);
        entry.size = pick(random, [0, 1, 4095, 4096, entry.size + 1, 0x7fffffff, 0xffffffff]);
      }
    },
  });
}

type Strategy = (random: Random, seed: Seed) => Buffer;

const STRATEGIES: Record<string, Strategy> = {
  truncate: (random, seed) => truncateBytes(random, seed.bytes),
  'flip bytes': (random, seed) => flipBytes(random, seed.bytes),
  'overwrite a run': (random, seed) => overwriteRun(random, seed.bytes),
  'damage the records of a valid compound file': (random, seed) =>
    xlsFile(damageRecords(random, seed.stream)),
  'damage the allocation table around a valid stream': (random, seed) =>
    damageFat(random, seed.stream),
};

/** Outcomes each strategy must produce at least once, so a fuzzer that stopped reaching the records shows. */
const STRATEGY_REACHES: Record<string, readonly string[]> = {
  truncate: [ErrorCode.CorruptXls],
  'flip bytes': ['ok', ErrorCode.CorruptXls],
  'overwrite a run': ['ok', ErrorCode.CorruptXls],
  'damage the records of a valid compound file': ['ok', ErrorCode.MalformedRecord],
  'damage the allocation table around a valid stream': ['ok', ErrorCode.CorruptXls],
};

/** Opens the file as a merge does and reads every sheet to the end. */
async function readEverything(file: string): Promise<{ count: number }> {
  const reader = await openFuzzInput(file, DISPLAY_PATH);
  let count = 0;
  try {
    for (const sheet of reader.sheets) {
      for await (const batch of reader.readRows(sheet)) count += batch.length;
    }
    await reader.readFormatIds();
  } finally {
    await reader.close();
  }
  return { count };
}

const TARGET: FuzzTarget = {
  displayPath: DISPLAY_PATH,
  expectedCodes: EXPECTED_CODES,
  readEverything,
};

describe('xls fuzz: mutants of the .xls fixtures read fully or fail with a known code', () => {
  let seeds: Seed[] = [];

  beforeAll(async () => {
    seeds = await loadSeeds(await makeTempDir('xlmerge-fuzz-'));
  });

  it('reads every seed, and every seed rewrapped around its Workbook stream', async () => {
    const file = await fuzzFile('seed.xls');
    const counts: string[] = [];
    for (const seed of seeds) {
      await fs.writeFile(file, seed.bytes);
      const rows = (await readEverything(file)).count;
      await fs.writeFile(file, xlsFile(seed.stream));
      expect((await readEverything(file)).count).toBe(rows);
      if (rows === 0) counts.push(`${seed.name}: no rows`);
    }
    expect(counts).toEqual([]);
    expect(seeds.length).toBe(28);
  });

  testStrategies({
    target: TARGET,
    fileName: 'mutant.xls',
    seeds: () => seeds,
    strategies: STRATEGIES,
    runs: RUNS,
    reaches: STRATEGY_REACHES,
  });
});
