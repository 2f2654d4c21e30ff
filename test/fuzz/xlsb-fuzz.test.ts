/**
 * Fuzzes the .xlsb reader with mutants of the .xlsb files Excel saved (fixtures/xlsb) and of one
 * built from every cell record: every mutant must read fully or fail with an XlmergeError of a
 * known code, quickly, and never with another exception. The zip is damaged (truncated,
 * flipped, overwritten), or the zip is kept valid and its binary parts are damaged: bytes
 * flipped or overwritten, a part cut short, a record's length made to lie. `FUZZ_RUNS` and
 * `FUZZ_SEED` work as harness.ts says.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import type { WorkbookReader } from '../../src/reader/workbook-reader.js';
import { rkOf, rowRecords, worksheetBin, xlsbParts } from '../helpers/xlsb-builder.js';
import { buildZip, type ZipPart } from '../helpers/xlsx-builder.js';
import {
  expectedCodes,
  type FuzzTarget,
  fuzzFile,
  fuzzRuns,
  openFuzzInput,
  testStrategies,
} from './harness.js';
import {
  flipBytes,
  overwriteRun,
  pick,
  type Random,
  randomInt,
  truncateBytes,
  unzipParts,
} from './mutants.js';

const RUNS = fuzzRuns(200);
const DISPLAY_PATH = 'fuzz/mutant.xlsb';

/**
 * What damaged .xlsb input may end in: any input's codes, damaged or unsafe XML (the package
 * parts) and damaged records.
 */
const EXPECTED_CODES = expectedCodes(
  ErrorCode.MalformedXml,
  ErrorCode.UnsafeXml,
  ErrorCode.MalformedRecord,
);

interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
  readonly parts: readonly ZipPart[];
}

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/xlsb');

/** A workbook with every cell record, shared strings and styles, two sheets. */
function builtWorkbook(): ZipPart[] {
  const rows = rowRecords([
    { row: 0, cells: [{ shared: 0 }, { shared: 1 }, { string: 'inline' }, { richString: 'rich' }] },
    {
      row: 1,
      cells: [
        { rk: rkOf(7) },
        { rk: rkOf(1.25, true) },
        { real: 45292.5, style: 1 },
        { real: 1.5, style: 2 },
        { bool: true },
        { error: 0x2a },
        { blank: true, style: 1 },
      ],
    },
    {
      row: 3,
      cells: [{ formula: 2 }, { formula: 'x' }, { formula: false }, { formula: { error: 7 } }],
    },
  ]);
  return xlsbParts({
    sheets: [
      { name: 'Data', bin: worksheetBin(rows) },
      {
        name: 'Hidden',
        state: 'hidden',
        bin: worksheetBin(rowRecords([{ row: 0, cells: [{ shared: 1 }] }])),
      },
    ],
    sharedStrings: ['id', 'name'],
    styles: { formats: [{ id: 164, code: '[h]:mm' }], cellFormatIds: [0, 14, 164] },
  });
}

async function loadSeeds(): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const names = (await fs.readdir(FIXTURES)).filter((name) => name.endsWith('.xlsb')).sort();
  for (const name of names) {
    const bytes = await fs.readFile(path.join(FIXTURES, name));
    seeds.push({ name, bytes, parts: await unzipParts(bytes) });
  }
  const parts = builtWorkbook();
  seeds.push({ name: 'built', bytes: await buildZip(parts), parts });
  return seeds;
}

async function readEverything(file: string): Promise<{ count: number; digest: string }> {
  const reader = (await openFuzzInput(file, DISPLAY_PATH)) as WorkbookReader;
  const hash = createHash('sha256');
  let count = 0;
  try {
    for (const sheet of reader.sheets) {
      hash.update(`${sheet.name}\n`);
      for await (const batch of reader.readRows(sheet)) {
        count += batch.length;
        hash.update(JSON.stringify(batch));
      }
    }
  } finally {
    await reader.close();
  }
  return { count, digest: hash.digest('hex') };
}

const TARGET: FuzzTarget = {
  displayPath: DISPLAY_PATH,
  expectedCodes: EXPECTED_CODES,
  readEverything,
};

/** The parts again as a valid zip, with one or two of the binary parts changed by `damage`. */
function rezipBinary(
  random: Random,
  parts: readonly ZipPart[],
  damage: (bytes: Buffer) => Buffer,
): Promise<Buffer> {
  const binary = parts.flatMap((part, i) => (part.name.endsWith('.bin') ? [i] : []));
  const targets = new Set<number>();
  const count = randomInt(random, 1, 2);
  for (let i = 0; i < count; i++) targets.add(pick(random, binary));
  const mutated = parts.map((part, i) =>
    targets.has(i) ? { name: part.name, content: damage(Buffer.from(part.content)) } : part,
  );
  return buildZip(mutated, { compress: random() < 0.8 });
}

/** The offsets of the length bytes of each record of a BIFF12 part (as far as it parses). */
function lengthOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (((bytes[at] ?? 0) & 0x80) !== 0) at++;
    at++;
    const start = at;
    let length = 0;
    for (let i = 0; i < 4 && at < bytes.length; i++) {
      const byte = bytes[at++] ?? 0;
      length += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) break;
    }
    offsets.push(start);
    at += length;
  }
  return offsets;
}

/** One record's length rewritten: a byte of it set to another value, its size unchanged. */
function lieAboutALength(random: Random, bytes: Buffer): Buffer {
  const offsets = lengthOffsets(bytes);
  if (offsets.length === 0) return bytes;
  const copy = Buffer.from(bytes);
  const at = pick(random, offsets);
  const keepContinue = (copy[at] ?? 0) & 0x80;
  copy[at] = keepContinue | randomInt(random, 0, 0x7f);
  return copy;
}

type Strategy = (random: Random, seed: Seed) => Buffer | Promise<Buffer>;

const STRATEGIES: Record<string, Strategy> = {
  truncate: (random, seed) => truncateBytes(random, seed.bytes),
  'flip bytes': (random, seed) => flipBytes(random, seed.bytes),
  'overwrite a run': (random, seed) => overwriteRun(random, seed.bytes),
  'damage the records of a valid zip': (random, seed) =>
    rezipBinary(random, seed.parts, (bytes) =>
      pick(random, [flipBytes, overwriteRun, truncateBytes])(random, bytes),
    ),
  'record lengths that lie': (random, seed) =>
    rezipBinary(random, seed.parts, (bytes) => lieAboutALength(random, bytes)),
};

/** Outcomes each strategy must produce at least once, so a fuzzer that stopped reaching the records shows. */
const STRATEGY_REACHES: Record<string, readonly string[]> = {
  truncate: [ErrorCode.CorruptZip],
  'flip bytes': ['ok', ErrorCode.CorruptZip],
  'overwrite a run': ['ok', ErrorCode.CorruptZip],
  'damage the records of a valid zip': ['ok', ErrorCode.MalformedRecord],
  'record lengths that lie': ['ok', ErrorCode.MalformedRecord],
};

describe('xlsb fuzz: mutants of valid .xlsb files read fully or fail with a known code', () => {
  let seeds: Seed[] = [];

  beforeAll(async () => {
    seeds = await loadSeeds();
  });

  it('reads every seed as it is', async () => {
    const file = await fuzzFile('seed.xlsb');
    const counts: Record<string, number> = {};
    for (const seed of seeds) {
      await fs.writeFile(file, seed.bytes);
      counts[seed.name] = (await readEverything(file)).count;
    }
    expect(counts).toEqual({
      'dates.xlsb': 3,
      'test.xlsb': 5,
      'test_1904.xlsb': 5,
      'test_chart_sheet.xlsb': 2,
      built: 4,
    });
  });

  testStrategies({
    target: TARGET,
    fileName: 'mutant.xlsb',
    seeds: () => seeds,
    strategies: STRATEGIES,
    runs: RUNS,
    reaches: STRATEGY_REACHES,
  });
});
