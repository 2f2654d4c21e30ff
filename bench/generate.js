#!/usr/bin/env node
// @ts-check
/**
 * Generates a benchmark data set: `node bench/generate.js --set small [--out DIR] [--force]`.
 * Without `--out` the set goes to `bench/data/<set>/`. Skips the work when the folder already
 * holds the set (checked through its manifest).
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSet, SETS } from './lib/dataset.js';

const benchDir = dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'small' },
    out: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
});
const names = values.set === 'all' ? Object.keys(SETS) : (values.set ?? 'small').split(',');
if (values.out !== undefined && names.length > 1) {
  console.error('--out takes a single set');
  process.exitCode = 2;
} else {
  for (const name of names) {
    if (!(name in SETS)) {
      console.error(`Unknown set "${name}": expected one of ${Object.keys(SETS).join(', ')}, all`);
      process.exitCode = 2;
      break;
    }
    const dir = values.out ?? join(benchDir, 'data', name);
    const started = performance.now();
    const { manifest, generated } = await generateSet({ name, dir, force: values.force });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const megabytes = (manifest.bytes / 2 ** 20).toFixed(1);
    console.log(
      `${name}: ${manifest.files.length} workbooks, ${manifest.rows} rows, ${manifest.uniqueKeys} unique keys, ${megabytes} MiB in ${relative(process.cwd(), dir) || '.'} (${generated ? `generated in ${seconds} s` : 'up to date'})`,
    );
  }
}
