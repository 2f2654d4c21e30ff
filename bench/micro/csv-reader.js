#!/usr/bin/env node
// @ts-check
/**
 * Benchmark of the CSV reader: `npm run build && node bench/micro/csv-reader.js [--mb 100]`.
 * Writes a deterministic CSV of about `--mb` MB into bench/data/csv/ (git-ignored), then times
 *
 * - the whole reader (`openCsv`: read, decode, parse, rows), as text and with `types`;
 * - the parser core alone, on the decoded text;
 *
 * and prints rows/s, MB/s (of file bytes), the best of `--rounds` wall times, and the peak heap
 * and RSS seen while reading. Run it with `node --max-old-space-size=64` to see that the
 * reader's memory does not grow with the file (the core test then runs out: it holds the text). With `--compare DIR`, also times csv-parse from DIR/node_modules on the same
 * file (install it there with `npm install csv-parse`; it is not a dependency of xlmerge).
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CsvParser } from '../../dist/csv/read/csv-parser.js';
import { openCsv } from '../../dist/csv/read/open-csv.js';
import { Random } from '../lib/prng.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    compare: { type: 'string' },
  },
});
const TARGET_BYTES = Number(values.mb) * 1e6;
const ROUNDS = Number(values.rounds);
const DATA_DIR = fileURLToPath(new URL('../data/csv/', import.meta.url));

const FIRST = ['Ann', 'Zoë', 'José', 'Łukasz', 'Søren', 'Ana María', '李', 'Chloé', 'Noah'];
const LAST = ['Smith', 'Müller', "O'Brien", 'García', 'Nguyễn', '山田', 'Dubois', 'Kowalski'];
const CITIES = ['Zürich', 'München', 'São Paulo', 'Москва', '東京', 'Kraków', 'Reykjavík', 'Oslo'];

/** A CSV of about `bytes` bytes: 10 columns, quoted fields with commas, quotes and line breaks. */
async function writeData(bytes) {
  const file = path.join(DATA_DIR, `data-${Math.round(bytes / 1e6)}mb.csv`);
  const stat = await fs.stat(file).catch(() => null);
  if (stat !== null) return file;
  await fs.mkdir(DATA_DIR, { recursive: true });
  const random = new Random(20240301);
  const lines = ['id,email,name,city,amount,quantity,order date,code,paid,note'];
  let size = 0;
  const handle = await fs.open(`${file}.tmp`, 'w');
  for (let id = 1; size < bytes; id += 1) {
    const first = random.pick(FIRST);
    const name = `${first} ${random.pick(LAST)}`;
    const day = String(1 + random.int(28)).padStart(2, '0');
    const month = String(1 + random.int(12)).padStart(2, '0');
    const note = random.chance(0.1)
      ? `"Called, left a ""message""${random.chance(0.3) ? '\r\nsecond line' : ''}"`
      : random.chance(0.5)
        ? ''
        : 'ok';
    lines.push(
      [
        id,
        `user${id}@example.com`,
        random.chance(0.2) ? `"${name}, Jr."` : name,
        random.pick(CITIES),
        (random.int(1_000_000) / 100).toFixed(2),
        random.int(50),
        `2024-${month}-${day}`,
        String(random.int(100_000)).padStart(6, '0'),
        random.chance(0.5) ? 'TRUE' : 'FALSE',
        note,
      ].join(','),
    );
    if (lines.length === 10_000) {
      const chunk = `${lines.join('\r\n')}\r\n`;
      size += Buffer.byteLength(chunk);
      await handle.write(chunk);
      lines.length = 0;
    }
  }
  await handle.close();
  await fs.rename(`${file}.tmp`, file);
  return file;
}

/** Runs `body` `ROUNDS` times and keeps the fastest, with the peak heap and RSS seen. */
async function measure(name, size, body) {
  let best = Infinity;
  let rows = 0;
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  };
  const timer = setInterval(sample, 20);
  for (let round = 0; round < ROUNDS; round += 1) {
    globalThis.gc?.();
    const start = performance.now();
    rows = await body(sample);
    best = Math.min(best, performance.now() - start);
  }
  clearInterval(timer);
  const seconds = best / 1000;
  console.log(
    `${name.padEnd(34)} ${(rows / seconds / 1e6).toFixed(2).padStart(6)} M rows/s ` +
      `${(size / seconds / 1e6).toFixed(0).padStart(5)} MB/s  ${best.toFixed(0).padStart(6)} ms  ` +
      `peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB, rss ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
}

async function readerRows(file, options, sample) {
  const reader = await openCsv(file, options);
  let rows = 0;
  try {
    for await (const batch of reader.readRows(reader.sheets[0])) {
      rows += batch.length;
      sample();
    }
  } finally {
    await reader.close();
  }
  return rows;
}

const file = await writeData(TARGET_BYTES);
const size = (await fs.stat(file)).size;
console.log(`${path.relative(process.cwd(), file)}: ${(size / 1e6).toFixed(1)} MB`);

await measure('openCsv (file to rows, text)', size, (sample) => readerRows(file, {}, sample));
await measure('openCsv --csv-types', size, (sample) => readerRows(file, { types: true }, sample));

if (values.compare !== undefined) {
  const modulePath = path.resolve(values.compare, 'node_modules/csv-parse/lib/index.js');
  const { parse } = await import(modulePath);
  await measure('csv-parse 5 (stream, same file)', size, async (sample) => {
    let rows = 0;
    const parser = createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(
      parse({ relax_quotes: true, relax_column_count: true }),
    );
    for await (const _record of parser) {
      rows += 1;
      if (rows % 1000 === 0) sample();
    }
    return rows;
  });
}

// Last, as it holds the whole text: the parser alone, on the text in the reader's pieces.
const text = await fs.readFile(file, 'utf8');
const pieces = [];
for (let i = 0; i < text.length; i += 64 * 1024) {
  pieces.push(Buffer.from(text.slice(i, i + 64 * 1024)).toString());
}
await measure('parser core (decoded text)', size, async () => {
  const parser = new CsvParser({ delimiter: ',', maxRecordChars: 2 ** 28 });
  let rows = 0;
  for (const piece of pieces) rows += parser.push(piece).length;
  return rows + parser.end().length;
});
