/**
 * Fuzzes the .ods reader as reader-fuzz.test.ts fuzzes the .xlsx one: mutants of the .ods
 * fixtures (bytes truncated, flipped or overwritten; content.xml and styles.xml damaged in a
 * valid zip; repeat counts set to anything up to 2^31) must read fully or fail with an
 * XlmergeError of a known code, naming the file, quickly. `FUZZ_RUNS` and `FUZZ_SEED` work as
 * harness.ts says.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { buildZip, type ZipPart } from '../helpers/xlsx-builder.js';
import {
  expectedCodes,
  type FuzzTarget,
  fuzzFile,
  fuzzRuns,
  openFuzzInput,
  runCase,
  testStrategies,
} from './harness.js';
import {
  flipBytes,
  mutateXml,
  overwriteRun,
  pick,
  type Random,
  randomInt,
  truncateBytes,
  unzipParts,
} from './mutants.js';

const RUNS = fuzzRuns(150);
const DISPLAY_PATH = 'fuzz/mutant.ods';

/** What damaged .ods input may end in: any input's codes, and damaged or unsafe XML. */
const EXPECTED_CODES = expectedCodes(ErrorCode.MalformedXml, ErrorCode.UnsafeXml);

const SEEDS = [
  'writers/libreoffice-formulas.ods',
  'writers/openpyxl-richtext-formulas.ods',
  'writers/xlsxwriter.ods',
  'formats/openpyxl.ods',
  'exports/openpyxl-title-hidden.ods',
  'gnumeric/writers-gnumeric.ods',
];

interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
  readonly parts: readonly ZipPart[];
}

async function readEverything(file: string): Promise<{ count: number }> {
  const reader = await openFuzzInput(file, DISPLAY_PATH);
  let count = 0;
  try {
    await reader.readFormatIds();
    for (const sheet of reader.sheets) {
      for await (const batch of reader.readRows(sheet)) count += batch.length;
    }
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

/** The parts with content.xml or styles.xml (or both) damaged by mutateXml. */
function damageXml(random: Random, parts: readonly ZipPart[]): Promise<Buffer> {
  const targets = new Set(['content.xml', random() < 0.3 ? 'styles.xml' : 'content.xml']);
  return buildZip(
    parts.map((part) =>
      targets.has(part.name)
        ? {
            name: part.name,
            content: mutateXml(random, Buffer.from(part.content).toString('utf8')),
          }
        : part,
    ),
  );
}

/** content.xml with some repeat counts set to anything from 1 to 2^31, or added to a cell. */
function repeatCounts(random: Random, parts: readonly ZipPart[]): Promise<Buffer> {
  const count = () =>
    String(
      pick(random, [
        1,
        2,
        3,
        1000,
        16_384,
        16_385,
        1_048_576,
        1_048_577,
        2 ** 31,
        randomInt(random, 1, 2 ** 30),
      ]),
    );
  return buildZip(
    parts.map((part) => {
      if (part.name !== 'content.xml') return part;
      let xml = Buffer.from(part.content).toString('utf8');
      xml = xml.replace(/(number-(?:rows|columns)-repeated=")\d+/g, (whole, head: string) =>
        random() < 0.3 ? `${head}${count()}` : whole,
      );
      xml = xml.replace(/<table:table-(cell|row) /g, (whole, kind: string) =>
        random() < 0.05
          ? `${whole}table:number-${kind === 'row' ? 'rows' : 'columns'}-repeated="${count()}" `
          : whole,
      );
      return { name: part.name, content: xml };
    }),
  );
}

type Strategy = (random: Random, seed: Seed) => Buffer | Promise<Buffer>;

const STRATEGIES: Record<string, Strategy> = {
  truncate: (random, seed) => truncateBytes(random, seed.bytes),
  'flip bytes': (random, seed) => flipBytes(random, seed.bytes),
  'overwrite a run': (random, seed) => overwriteRun(random, seed.bytes),
  'damage content.xml and styles.xml': (random, seed) => damageXml(random, seed.parts),
  'repeat counts': (random, seed) => repeatCounts(random, seed.parts),
};

/** Outcomes each strategy must reach at least once. */
const REACHES: Record<string, readonly string[]> = {
  truncate: [ErrorCode.CorruptZip],
  'flip bytes': ['ok', ErrorCode.CorruptZip],
  'overwrite a run': ['ok', ErrorCode.CorruptZip],
  'damage content.xml and styles.xml': ['ok', ErrorCode.MalformedXml],
  'repeat counts': ['ok', ErrorCode.SizeLimit],
};

describe('.ods reader fuzz: mutants read fully or fail with a known code', () => {
  const seeds: Seed[] = [];

  beforeAll(async () => {
    const fixtures = path.resolve(import.meta.dirname, '../../fixtures/ods');
    for (const name of SEEDS) {
      const bytes = await fs.readFile(path.join(fixtures, name));
      seeds.push({ name, bytes, parts: await unzipParts(bytes) });
    }
  });

  it('reads every seed', async () => {
    const file = await fuzzFile('seed.ods');
    for (const seed of seeds) {
      await fs.writeFile(file, seed.bytes);
      expect([seed.name, await runCase(file, TARGET)]).toEqual([
        seed.name,
        { ok: true, result: 'ok' },
      ]);
    }
  });

  testStrategies({
    target: TARGET,
    fileName: 'mutant.ods',
    seeds: () => seeds,
    strategies: STRATEGIES,
    runs: RUNS,
    reaches: REACHES,
  });
});
