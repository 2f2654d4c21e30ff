/**
 * The row engine's tests run the same file down both paths, the engine's (read-with-engine.ts)
 * and the scanner's alone, in one thread each kept over the tests as a worker keeps its own,
 * and compare what they give.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { type MergeOptions, normalizeOptions } from '../../src/options.js';
import { parseFile } from '../../src/worker/parse-file.js';
import { parseTaskFor } from '../../src/worker/parse-task.js';
import { ParseThread } from '../../src/worker/parse-thread.js';
import type { ParseTask } from '../../src/worker/protocol.js';
import type { ChunkCutter } from '../../src/xlsx/read/row-engine/read-with-engine.js';
import { type Random, randomInt } from '../fuzz/mutants.js';

/** One thread with the engine and one without, each kept over the tests as a worker keeps its own. */
export const engineThread = new ParseThread();
export const scannerThread = new ParseThread({ engine: false });

export type Outcome =
  | { readonly result: unknown }
  | { readonly error: { code: unknown; message: string } };

/** The task a merge of `file` to xlsx with `options` gives a worker. */
export function xlsxTaskFor(file: string, options: Partial<MergeOptions>): ParseTask {
  const settings = normalizeOptions({ inputs: [file], output: `${file}.out.xlsx`, ...options });
  const display = path.basename(file);
  return parseTaskFor({ path: file, display, source: display, input: file }, settings, 'xlsx');
}

/** Parses `file` as a worker does, with the engine or with the scanner alone. */
export async function parseWith(
  file: string,
  options: Partial<MergeOptions>,
  engine: boolean,
  cut: ChunkCutter | null = null,
): Promise<Outcome> {
  const task = xlsxTaskFor(file, options);
  const thread = engine ? engineThread : scannerThread;
  thread.cut = cut;
  try {
    return { result: await parseFile(task, thread) };
  } catch (error) {
    const { code, message } = error as { code: unknown; message: string };
    return { error: { code, message } };
  } finally {
    thread.cut = null;
  }
}

/** Pieces of 1 to `most` bytes, from a seeded PRNG. */
export function cutter(random: Random, most: number): ChunkCutter {
  return (chunk) => {
    const pieces: Buffer[] = [];
    for (let at = 0; at < chunk.length; ) {
      const size = randomInt(random, 1, most);
      pieces.push(chunk.subarray(at, at + size));
      at += size;
    }
    return pieces;
  };
}

/** Parses `file` down both paths, expects the same outcome, and returns it. */
export async function expectSameBothWays(
  file: string,
  options: Partial<MergeOptions>,
  cut: ChunkCutter | null = null,
): Promise<Outcome> {
  const scanner = await parseWith(file, options, false);
  const engine = await parseWith(file, options, true, cut);
  expect(engine).toEqual(scanner);
  return scanner;
}
