// @ts-check
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * @typedef {object} Measurement
 * @property {number} wallMs spawn to exit, seen from the runner
 * @property {number} cpuMs user + system CPU of the child
 * @property {number} userCpuMs
 * @property {number} systemCpuMs
 * @property {number} peakRssMiB
 */

/**
 * Runs `script args…` as a child process under measure.js and reports what it cost. Wall time
 * is taken here, from spawn to exit, so Node's start-up is in.
 * @param {object} options
 * @param {string} options.script relative to `cwd`
 * @param {readonly string[]} options.args
 * @param {string} options.cwd
 * @param {string} options.measureFile scratch file for measure.js's report
 * @returns {Promise<Measurement & { stdout: string }>}
 * @throws when the child exits with another status than 0 (the message ends with its stderr)
 */
export async function runMeasured({ script, args, cwd, measureFile }) {
  await rm(measureFile, { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [join(benchDir, 'measure.js'), script, ...args], {
    cwd,
    env: { ...process.env, BENCH_MEASURE_FILE: measureFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? signal));
  });
  const wallMs = performance.now() - started;
  if (exitCode !== 0) {
    throw new Error(`exit ${exitCode}\n${stderr.trim()}`);
  }
  const usage = JSON.parse(await readFile(measureFile, 'utf8'));
  await rm(measureFile, { force: true });
  return {
    wallMs,
    cpuMs: usage.userCpuMs + usage.systemCpuMs,
    userCpuMs: usage.userCpuMs,
    systemCpuMs: usage.systemCpuMs,
    peakRssMiB: usage.maxRssKiB / 1024,
    stdout,
  };
}
