/**
 * What the reader fuzz tests share: how many cases a strategy runs (`FUZZ_RUNS=5000` runs that
 * many of each), the seed of each case (`FUZZ_SEED=n` moves to other seeds), the limits, the
 * time one case may take, what a case may end in (read fully, or an XlmergeError of a code the
 * format expects that names the file, never another exception), and the test that runs one
 * strategy's cases and checks what they reached. A failure names its strategy, case seed and
 * source, which reproduce it alone.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { type InputReader, openInput } from '../../src/input/open-input.js';
import type { ReadLimits } from '../../src/reader/read-limits.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeRandom, pick, type Random } from './mutants.js';

/** Cases per strategy: `FUZZ_RUNS` when set, else the test's own count. */
export function fuzzRuns(defaultRuns: number): number {
  return Number(process.env.FUZZ_RUNS ?? defaultRuns);
}

const BASE_SEED = Number(process.env.FUZZ_SEED ?? 1);

/** Each case reads a file of a few KB (or refuses a bomb at once); 2 s means it hangs. */
const CASE_TIMEOUT_MS = 2000;

/** Mutants of files of a few KB inflate to little; growth past this means something is held on to. */
const MAX_RSS_GROWTH = 200 * 1024 ** 2;

export const FUZZ_LIMITS: ReadLimits = {
  maxEntryBytes: 64 * 1024 ** 2,
  maxFileBytes: 256 * 1024 ** 2,
  maxRunBytes: 1024 ** 3,
  maxElementChars: 16 * 1024 ** 2,
  maxSharedStrings: 1024 ** 2,
};

/**
 * The codes damaged input of a format may end in: those any input may end in before its own
 * format's layers (an empty file, not a zip, a damaged zip, an old or encrypted Office file,
 * another kind of file, no worksheets, a limit), and the format's own `formatCodes`. Anything
 * else (INTERNAL above all) is a bug.
 */
export function expectedCodes(...formatCodes: readonly ErrorCode[]): ReadonlySet<string> {
  return new Set([
    ErrorCode.EmptyFile,
    ErrorCode.NotZip,
    ErrorCode.CorruptZip,
    ErrorCode.LegacyXls,
    ErrorCode.Encrypted,
    ErrorCode.NotWorkbook,
    ErrorCode.NoSheets,
    ErrorCode.SizeLimit,
    ...formatCodes,
  ]);
}

/** Opens the file as a merge does (by its content, with the fuzz limits), named `displayPath`. */
export function openFuzzInput(file: string, displayPath: string): Promise<InputReader> {
  return openInput(file, {
    displayPath,
    limits: FUZZ_LIMITS,
    csvDelimiter: null,
    csvTypes: false,
  });
}

/** The reader a fuzz test feeds its mutants to. */
export interface FuzzTarget {
  /** The name the file is opened under: every error must carry it as its file. */
  readonly displayPath: string;
  /** The codes damaged input may end in; anything else (INTERNAL above all) is a bug. */
  readonly expectedCodes: ReadonlySet<string>;
  /**
   * Opens the file and reads all of it: the number of rows, and a digest of the rows where the
   * test compares a mutant's rows with its seed's.
   */
  readonly readEverything: (file: string) => Promise<{ count: number; digest?: string }>;
}

/** `ok` (with the rows' digest, if any) or an expected error code, or a problem (a bug) described. */
export type Outcome =
  | { ok: true; result: string; digest?: string }
  | { ok: false; problem: string };

/** Reads the file with the target, within the time one case may take. */
export async function runCase(file: string, target: FuzzTarget): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, problem: `no result after ${CASE_TIMEOUT_MS} ms` }),
      CASE_TIMEOUT_MS,
    );
  });
  const read = target.readEverything(file).then(
    ({ digest }): Outcome =>
      digest === undefined ? { ok: true, result: 'ok' } : { ok: true, result: 'ok', digest },
    (error: unknown): Outcome => {
      if (!(error instanceof XlmergeError)) return { ok: false, problem: `threw ${String(error)}` };
      if (!target.expectedCodes.has(error.code)) {
        return { ok: false, problem: `code ${error.code}: ${error.message}` };
      }
      if (error.file !== target.displayPath) {
        return { ok: false, problem: `file ${String(error.file)} in ${error.message}` };
      }
      return { ok: true, result: error.code };
    },
  );
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A path in a fresh temporary folder (removed after the test) to write seeds or mutants to. */
export async function fuzzFile(name: string): Promise<string> {
  return path.join(await makeTempDir('xlmerge-fuzz-'), name);
}

/** A workbook the mutants are made from. */
export interface FuzzSeed {
  readonly name: string;
}

/** A mutant's bytes, and for a hostile one what it must end in (see {@link StrategyTests.meets}). */
export interface Mutant {
  readonly bytes: Buffer;
  readonly expected?: string;
}

/** Makes one mutant of the seed, drawing every choice from `random`. */
export type Strategy<S> = (random: Random, seed: S) => Buffer | Mutant | Promise<Buffer | Mutant>;

/** What {@link testStrategies} runs. */
export interface StrategyTests<S extends FuzzSeed> {
  readonly target: FuzzTarget;
  /** The mutant's file name; its extension is the format's. */
  readonly fileName: string;
  /** The seeds, loaded by the test's `beforeAll`. */
  readonly seeds: () => readonly S[];
  readonly strategies: Readonly<Record<string, Strategy<S>>>;
  /** Cases per strategy, from {@link fuzzRuns}. */
  readonly runs: number;
  /** Strategies that run another count of cases. */
  readonly runsOf?: Readonly<Record<string, number>>;
  /** Outcomes each strategy must produce at least once, so a fuzzer that stopped reaching past the container shows. */
  readonly reaches: Readonly<Record<string, readonly string[]>>;
  /** Whether a mutant that says what it must end in (`expected`) did. */
  readonly meets?: (outcome: Outcome, expected: string, seed: S) => boolean;
}

/**
 * One test per strategy: its cases, each seeded from `FUZZ_SEED`, the strategy's place and the
 * case's number, must end as {@link runCase} allows (and as the mutant expects), reach every
 * outcome the strategy must reach, and leave the memory it found.
 */
export function testStrategies<S extends FuzzSeed>(tests: StrategyTests<S>): void {
  Object.entries(tests.strategies).forEach(([strategyName, strategy], strategyIndex) => {
    const runs = tests.runsOf?.[strategyName] ?? tests.runs;
    it(`${strategyName}: ${runs} cases`, { timeout: 60_000 + runs * 100 }, async () => {
      const file = await fuzzFile(tests.fileName);
      const seeds = tests.seeds();
      const problems: string[] = [];
      const results = new Map<string, number>();
      let slowest = 0;
      const rssBefore = process.memoryUsage().rss;
      for (let run = 0; run < runs; run++) {
        const caseSeed = BASE_SEED * 1_000_003 + strategyIndex * 100_000_007 + run;
        const random = makeRandom(caseSeed);
        const seed = pick(random, seeds);
        const made = await strategy(random, seed);
        const mutant: Mutant = Buffer.isBuffer(made) ? { bytes: made } : made;
        await fs.writeFile(file, mutant.bytes);
        const started = performance.now();
        const outcome = await runCase(file, tests.target);
        slowest = Math.max(slowest, performance.now() - started);
        if (outcome.ok) results.set(outcome.result, (results.get(outcome.result) ?? 0) + 1);
        else problems.push(`seed ${caseSeed} (${seed.name}): ${outcome.problem}`);
        const { expected } = mutant;
        if (outcome.ok && expected !== undefined && !tests.meets?.(outcome, expected, seed)) {
          const got = outcome.result === 'ok' ? 'other rows' : outcome.result;
          problems.push(`seed ${caseSeed} (${seed.name}): expected ${expected}, got ${got}`);
        }
      }
      if (process.env.FUZZ_RUNS !== undefined) {
        console.log(strategyName, Object.fromEntries(results), `slowest ${slowest.toFixed(0)} ms`);
      }
      expect(problems).toEqual([]);
      for (const result of tests.reaches[strategyName] ?? []) {
        expect(results.get(result) ?? 0, result).toBeGreaterThan(0);
      }
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(MAX_RSS_GROWTH);
    });
  });
}
