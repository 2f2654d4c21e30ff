#!/usr/bin/env node
// @ts-check
/**
 * Benchmark of the .ods reader: `npm run build && node bench/micro/ods-reader.js FILE.ods
 * [FILE.xlsx] [--rounds 7]`. Reads every sheet of each file through the built reader
 * (`openInput`, then `readRows`), counting rows and cells, and prints for each file the best and
 * the median wall time of the rounds: opening (listing the sheets), reading the rows, and both.
 * Given the .xlsx the .ods was converted from, it times it alike (the JavaScript sheet scanner,
 * not the row engine) and prints the ratio of the medians. The files alternate within a round,
 * so a machine that slows down weighs on both.
 *
 * Make the file: `node bench/generate.js --set medium` then
 * `soffice --headless --convert-to ods --outdir /tmp/ods-bench bench/data/medium/orders-001.xlsx`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openInput } from '../../dist/input/open-input.js';
import { DEFAULT_READ_LIMITS } from '../../dist/reader/read-limits.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '7' } },
});
const ROUNDS = Number(values.rounds);
if (positionals.length === 0 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error('usage: node bench/micro/ods-reader.js FILE.ods [FILE.xlsx] [--rounds N]');
  process.exit(2);
}

/** Opens and reads one file: the times in ms, and what was read. @param {string} file */
async function readOnce(file) {
  const start = performance.now();
  const reader = await openInput(file, {
    displayPath: path.basename(file),
    limits: DEFAULT_READ_LIMITS,
    csvDelimiter: null,
    csvTypes: false,
  });
  const opened = performance.now();
  let rows = 0;
  let cells = 0;
  try {
    for (const sheet of reader.sheets) {
      for await (const batch of reader.readRows(sheet)) {
        rows += batch.length;
        for (const row of batch) cells += row.cells.length;
      }
    }
  } finally {
    await reader.close();
  }
  const end = performance.now();
  return { open: opened - start, rows: end - opened, total: end - start, rowCount: rows, cells };
}

/** @param {number[]} times */
const median = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
};

/** @type {Map<string, {open: number[], rows: number[], total: number[], rowCount: number, cells: number}>} */
const results = new Map();
// One read of each first, unmeasured: the page cache and V8's compiled code warm up.
for (const file of positionals) await readOnce(file);
for (let round = 0; round < ROUNDS; round++) {
  for (const file of positionals) {
    const run = await readOnce(file);
    const entry = results.get(file) ?? {
      open: [],
      rows: [],
      total: [],
      rowCount: run.rowCount,
      cells: run.cells,
    };
    entry.open.push(run.open);
    entry.rows.push(run.rows);
    entry.total.push(run.total);
    results.set(file, entry);
  }
}

const format = (/** @type {number} */ ms) => `${ms.toFixed(0)} ms`;
console.log(`${ROUNDS} rounds (best / median)`);
for (const [file, entry] of results) {
  console.log(
    `${path.basename(file)}: ${entry.rowCount} rows, ${entry.cells} cells; ` +
      `open ${format(Math.min(...entry.open))} / ${format(median(entry.open))}, ` +
      `rows ${format(Math.min(...entry.rows))} / ${format(median(entry.rows))}, ` +
      `total ${format(Math.min(...entry.total))} / ${format(median(entry.total))}`,
  );
}
const [first, second] = [...results.values()];
if (first !== undefined && second !== undefined) {
  console.log(
    `${path.basename(positionals[0] ?? '')} / ${path.basename(positionals[1] ?? '')}: ` +
      `${(median(first.total) / median(second.total)).toFixed(2)}× (medians of the totals)`,
  );
}
