#!/usr/bin/env node
// @ts-check
/**
 * Runs a script in this process and, when the process exits, writes what it cost as JSON to
 * the file named by `BENCH_MEASURE_FILE`:
 * `{ wallMs, userCpuMs, systemCpuMs, maxRssKiB, exitCode }`.
 *
 * Usage: BENCH_MEASURE_FILE=out.json node bench/measure.js <script> [args…]
 *
 * `process.resourceUsage()` covers the whole process, worker threads included, from its start;
 * that is why the target runs in-process rather than as a grandchild.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const resultFile = process.env.BENCH_MEASURE_FILE;
const [script, ...args] = process.argv.slice(2);
if (script === undefined || resultFile === undefined) {
  throw new Error('Usage: BENCH_MEASURE_FILE=<file> node bench/measure.js <script> [args…]');
}
const scriptPath = resolve(script);

process.on('exit', (code) => {
  const usage = process.resourceUsage();
  writeFileSync(
    resultFile,
    JSON.stringify({
      // performance.now() counts from the start of the process, so Node's own startup is in.
      wallMs: performance.now(),
      userCpuMs: usage.userCPUTime / 1000,
      systemCpuMs: usage.systemCPUTime / 1000,
      maxRssKiB: usage.maxRSS,
      exitCode: code,
    }),
  );
});

// The target parses its arguments from process.argv as if it had been started directly.
process.argv = [/** @type {string} */ (process.argv[0]), scriptPath, ...args];
await import(pathToFileURL(scriptPath).href);
