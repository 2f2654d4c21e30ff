// @ts-check
/**
 * Start-up, for scripted batch jobs that call xlmerge many times: `node -e 0`, `xlmerge
 * --version` and a merge of one small workbook, each spawned as it would be from a script,
 * interleaved over the rounds, wall time from spawn to exit.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @typedef {object} StartupFigures
 * @property {number} nodeMs median wall time of `node -e 0`
 * @property {number} versionMs of `xlmerge --version`
 * @property {number} oneFileMs of a merge of `fixtures/demo/north.xlsx` (12 rows) to xlsx
 * @property {number} rounds
 */

/**
 * @param {object} options
 * @param {string} options.rootDir the repository, with `dist/` built
 * @param {number} options.rounds
 * @param {(values: number[]) => number} options.median
 * @returns {StartupFigures}
 */
export function measureStartup({ rootDir, rounds, median }) {
  const output = join(tmpdir(), `xlmerge-bench-startup-${process.pid}.xlsx`);
  const commands = {
    nodeMs: ['-e', '0'],
    versionMs: ['bin/xlmerge.js', '--version'],
    oneFileMs: ['bin/xlmerge.js', 'fixtures/demo/north.xlsx', '-o', output, '--force', '--quiet'],
  };
  /** @type {Record<string, number[]>} */
  const times = { nodeMs: [], versionMs: [], oneFileMs: [] };
  try {
    // One run of each first, so the file system cache is warm for every round.
    for (const args of Object.values(commands)) spawnSync(process.execPath, args, { cwd: rootDir });
    for (let round = 0; round < rounds; round++) {
      for (const [name, args] of Object.entries(commands)) {
        const started = process.hrtime.bigint();
        const run = spawnSync(process.execPath, args, { cwd: rootDir, encoding: 'utf8' });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (run.status !== 0) {
          throw new Error(`node ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
        }
        times[name]?.push(ms);
      }
    }
  } finally {
    rmSync(output, { force: true });
  }
  return {
    nodeMs: median(times.nodeMs ?? []),
    versionMs: median(times.versionMs ?? []),
    oneFileMs: median(times.oneFileMs ?? []),
    rounds,
  };
}
