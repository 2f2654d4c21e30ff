/**
 * Fuzzes the .ods reader as reader-fuzz.test.ts fuzzes the .xlsx one: mutants of the .ods
 * fixtures (bytes truncated, flipped or overwritten; content.xml and styles.xml damaged in a
 * valid zip; repeat counts set to anything up to 2^31) must read fully or fail with an
 * XlmergeError of a known code, naming the file, quickly. `FUZZ_RUNS` and `FUZZ_SEED` work as
 * there.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { openInput } from '../../src/input/open-input.js';
import type { ReadLimits } from '../../src/reader/read-limits.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { buildZip, type ZipPart } from '../helpers/xlsx-builder.js';
import {
  flipBytes,
  makeRandom,
  mutateXml,
  overwriteRun,
  pick,
  type Random,
  randomInt,
  truncateBytes,
  unzipParts,
} from './mutants.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 1);
/** Each case reads a file of a few KB (or refuses a bomb at once); 2 s means it hangs. */
const CASE_TIMEOUT_MS = 2000;
const LIMITS: ReadLimits = {
  maxEntryBytes: 64 * 1024 ** 2,
  maxFileBytes: 256 * 1024 ** 2,
  maxRunBytes: 1024 ** 3,
  maxElementChars: 16 * 1024 ** 2,
  maxSharedStrings: 1024 ** 2,
};
const DISPLAY_PATH = 'fuzz/mutant.ods';

const EXPECTED_CODES: ReadonlySet<string> = new Set([
  ErrorCode.EmptyFile,
  ErrorCode.NotZip,
  ErrorCode.CorruptZip,
  ErrorCode.LegacyXls,
  ErrorCode.Encrypted,
  ErrorCode.NotWorkbook,
  ErrorCode.NoSheets,
  ErrorCode.MalformedXml,
  ErrorCode.UnsafeXml,
  ErrorCode.SizeLimit,
]);

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

async function readEverything(file: string): Promise<number> {
  const reader = await openInput(file, {
    displayPath: DISPLAY_PATH,
    limits: LIMITS,
    csvDelimiter: null,
    csvTypes: false,
  });
  let count = 0;
  try {
    await reader.readFormatIds();
    for (const sheet of reader.sheets) {
      for await (const batch of reader.readRows(sheet)) count += batch.length;
    }
  } finally {
    await reader.close();
  }
  return count;
}

/** `ok` or the error code; throws for anything else (a bug). */
async function runCase(file: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no result after ${CASE_TIMEOUT_MS} ms`)),
      CASE_TIMEOUT_MS,
    );
  });
  const read = readEverything(file).then(
    () => 'ok',
    (error: unknown) => {
      if (!(error instanceof XlmergeError)) throw new Error(`threw ${String(error)}`);
      if (!EXPECTED_CODES.has(error.code)) throw new Error(`code ${error.code}: ${error.message}`);
      if (error.file !== DISPLAY_PATH) throw new Error(`file ${String(error.file)}`);
      return error.code;
    },
  );
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

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
    const file = path.join(await makeTempDir('xlmerge-fuzz-'), 'seed.ods');
    for (const seed of seeds) {
      await fs.writeFile(file, seed.bytes);
      expect([seed.name, await runCase(file)]).toEqual([seed.name, 'ok']);
    }
  });

  Object.entries(STRATEGIES).forEach(([name, strategy], index) => {
    it(`${name}: ${RUNS} cases`, { timeout: 60_000 + RUNS * 100 }, async () => {
      const file = path.join(await makeTempDir('xlmerge-fuzz-'), 'mutant.ods');
      const problems: string[] = [];
      const results = new Map<string, number>();
      for (let run = 0; run < RUNS; run++) {
        const caseSeed = BASE_SEED * 1_000_003 + index * 100_000_007 + run;
        const random = makeRandom(caseSeed);
        const seed = pick(random, seeds);
        await fs.writeFile(file, await strategy(random, seed));
        try {
          const result = await runCase(file);
          results.set(result, (results.get(result) ?? 0) + 1);
        } catch (error) {
          problems.push(`seed ${caseSeed} (${seed.name}): ${String(error)}`);
        }
      }
      expect(problems).toEqual([]);
      for (const result of REACHES[name] ?? []) {
        expect(results.get(result) ?? 0, result).toBeGreaterThan(0);
      }
    });
  });
});
