#!/usr/bin/env node
// @ts-check
/**
 * An experiment, not part of xlmerge: what one workbook of the medium set costs a worker today,
 * against what a minimal per-cell loop costs in JavaScript and in WebAssembly (engine.c).
 *
 *   npm run build && npm run bench:generate && node bench/micro/row-engine/row-engine.js
 *
 * Both minimal loops do the medium set's common case only (plain cells, shared strings, short
 * and long decimals, the (id, email) key, repeats dropped inside the file) with no checks and
 * no fallback, so they are a floor, not a design. They must agree byte for byte: the script
 * fails when they do not. xlmerge's own figure is `parseFile`, the whole worker task (inflate,
 * shared strings, scan, keys, render) on the same file, in this thread.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import yauzl from 'yauzl';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const { values } = parseArgs({
  options: {
    file: { type: 'string', default: join(root, 'bench', 'data', 'medium', 'orders-001.xlsx') },
    rounds: { type: 'string', default: '9' },
  },
});
const file = /** @type {string} */ (values.file);
const rounds = Number(values.rounds);

const { parseFile } = await import(join(root, 'dist', 'worker', 'parse-file.js'));
const { DEFAULT_READ_LIMITS } = await import(join(root, 'dist', 'xlsx', 'read', 'types.js'));

/** The inflated bytes of the named zip entries. */
function readEntries(/** @type {string} */ path, /** @type {string[]} */ names) {
  return new Promise((resolve, reject) => {
    /** @type {Map<string, Buffer>} */
    const found = new Map();
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry) => {
        if (!names.includes(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          /** @type {Buffer[]} */
          const chunks = [];
          stream.on('data', (chunk) => chunks.push(chunk));
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(found));
      zip.readEntry();
    });
  });
}

const parts = /** @type {Map<string, Buffer>} */ (
  await readEntries(file, ['xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml'])
);
const sheet = /** @type {Buffer} */ (parts.get('xl/worksheets/sheet1.xml'));
const sharedStrings = /** @type {Buffer} */ (parts.get('xl/sharedStrings.xml'));

/**
 * Shared strings as both loops use them: each entry's cell body, pre-rendered once, and its
 * text (the key part), all in one blob.
 */
function prepareSharedStrings() {
  const head = Buffer.from(' t="inlineStr"><is><t>');
  const tail = Buffer.from('</t></is></c>');
  const bodies = Buffer.allocUnsafe(sharedStrings.length * 2);
  /** @type {number[]} */
  const starts = [];
  /** @type {number[]} */
  const lengths = [];
  /** @type {number[]} */
  const keyText = [];
  let at = 0;
  let item = sharedStrings.indexOf('<si>');
  while (item >= 0) {
    const open = sharedStrings.indexOf(62, sharedStrings.indexOf('<t', item));
    const close = sharedStrings.indexOf('</t>', open);
    starts.push(at);
    at += head.copy(bodies, at);
    keyText.push(at, close - open - 1);
    at += sharedStrings.copy(bodies, at, open + 1, close);
    at += tail.copy(bodies, at);
    lengths.push(at - (starts.at(-1) ?? 0));
    item = sharedStrings.indexOf('<si>', close);
  }
  return {
    bodies: bodies.subarray(0, at),
    starts: Uint32Array.from(starts),
    lengths: Uint32Array.from(lengths),
    keyText: Uint32Array.from(keyText),
  };
}

/** The same loop as engine.c, in JavaScript; returns the rendered rows. */
function renderInJs(/** @type {ReturnType<typeof prepareSharedStrings>} */ shared) {
  const { bodies, starts, lengths, keyText } = shared;
  const out = Buffer.allocUnsafe(sheet.length * 2);
  const seen = new Set();
  let o = 0;
  let p = sheet.indexOf('<sheetData>') + 11;
  for (;;) {
    p = sheet.indexOf('<row', p);
    if (p < 0) break;
    p = sheet.indexOf(62, p) + 1;
    const rowStart = o;
    let key = '';
    for (;;) {
      if (sheet[p + 1] === 47) {
        p += 6;
        break;
      }
      p += 3;
      let column = -1;
      let style = 0;
      let type = 0;
      for (;;) {
        const b = sheet[p];
        if (b === 62 || b === 47) break;
        if (b === 32) {
          p++;
          continue;
        }
        const name = b;
        while (sheet[p] !== 34) p++;
        const value = ++p;
        while (sheet[p] !== 34) p++;
        if (name === 114) column = /** @type {number} */ (sheet[value]) - 65;
        else if (name === 115) {
          style = 0;
          for (let k = value; k < p; k++)
            style = style * 10 + /** @type {number} */ (sheet[k]) - 48;
        } else if (name === 116) type = sheet[value] === 115 ? 1 : sheet[value] === 98 ? 2 : 0;
        p++;
      }
      if (sheet[p] === 47) {
        p += 2;
        continue;
      }
      p += 4;
      const v = p;
      while (sheet[p] !== 60) p++;
      const vEnd = p;
      p += 8;
      o += out.write('<c r="', o, 'latin1');
      out[o++] = 65 + column;
      out[o++] = 0;
      out[o++] = 34;
      if (type === 1) {
        let index = 0;
        for (let k = v; k < vEnd; k++) index = index * 10 + /** @type {number} */ (sheet[k]) - 48;
        const start = /** @type {number} */ (starts[index]);
        const end = start + /** @type {number} */ (lengths[index]);
        for (let k = start; k < end; k++) out[o++] = /** @type {number} */ (bodies[k]);
        if (column === 1) {
          const at = /** @type {number} */ (keyText[2 * index]);
          key += bodies.toString('utf8', at, at + /** @type {number} */ (keyText[2 * index + 1]));
        }
        continue;
      }
      if (style === 2 || style === 3) o += out.write(' s="2"', o, 'latin1');
      if (type === 2) o += out.write(' t="b"', o, 'latin1');
      o += out.write('><v>', o, 'latin1');
      let digits = 0;
      let plain = true;
      let point = -1;
      for (let k = v; k < vEnd; k++) {
        const b = /** @type {number} */ (sheet[k]);
        if (b === 46) point = k;
        else if (b >= 48 && b <= 57) digits++;
        else plain = false;
      }
      if (plain && digits <= 15 && (point < 0 || sheet[vEnd - 1] !== 48)) {
        for (let k = v; k < vEnd; k++) out[o++] = /** @type {number} */ (sheet[k]);
        if (column === 0) key += `${sheet.latin1Slice(v, vEnd)}\u0000`;
      } else {
        o += out.write(String(Number(sheet.latin1Slice(v, vEnd))), o, 'latin1');
      }
      o += out.write('</v></c>', o, 'latin1');
    }
    if (seen.has(key)) o = rowStart;
    else seen.add(key);
  }
  return out.subarray(0, o);
}

const MiB = 1 << 20;
const layout = {
  sheet: 16 * MiB,
  bodies: 48 * MiB,
  starts: 56 * MiB,
  lengths: 57 * MiB,
  keyText: 58 * MiB,
  out: 64 * MiB,
  rowKey: 120 * MiB,
  keys: 121 * MiB,
};
const memory = new WebAssembly.Memory({ initial: (200 * MiB) / 65536, maximum: 32768 });
const memoryBytes = Buffer.from(memory.buffer);
/** Calls to `format_number` and the time spent in them (timing each call adds a little). */
const formatting = { calls: 0, ms: 0 };
const { instance } = await WebAssembly.instantiate(readFileSync(join(here, 'engine.wasm')), {
  env: {
    memory,
    format_number(
      /** @type {number} */ text,
      /** @type {number} */ length,
      /** @type {number} */ out,
    ) {
      const started = performance.now();
      const shortest = String(Number(memoryBytes.latin1Slice(text, text + length)));
      const written = memoryBytes.write(shortest, out, 'latin1');
      formatting.calls += 1;
      formatting.ms += performance.now() - started;
      return written;
    },
  },
});
const render = /** @type {(...args: number[]) => number} */ (instance.exports.render);
if (sheet.length > 32 * MiB)
  throw new Error('The experiment lays out memory for sheets of up to 32 MiB');

/** The WebAssembly loop, the sheet and shared strings copied into its memory first. */
function renderInWasm(/** @type {ReturnType<typeof prepareSharedStrings>} */ shared) {
  sheet.copy(memoryBytes, layout.sheet);
  shared.bodies.copy(memoryBytes, layout.bodies);
  new Uint32Array(memory.buffer, layout.starts, shared.starts.length).set(shared.starts);
  new Uint32Array(memory.buffer, layout.lengths, shared.lengths.length).set(shared.lengths);
  new Uint32Array(memory.buffer, layout.keyText, shared.keyText.length).set(shared.keyText);
  const written = render(
    layout.sheet,
    sheet.length,
    layout.starts,
    layout.lengths,
    layout.bodies,
    layout.keyText,
    layout.out,
    layout.rowKey,
    layout.keys,
    1 << 16,
  );
  return memoryBytes.subarray(layout.out, layout.out + written);
}

const task = {
  file,
  display: file,
  sheet: { kind: 'first' },
  headerRow: null,
  headers: { rename: {}, match: 'exact' },
  columns: null,
  keyColumns: ['id', 'email'],
  key: { ignoreCase: false, trim: false, keysAsText: false },
  keep: 'first',
  render: 'xlsx',
  columnOffset: 0,
  limits: DEFAULT_READ_LIMITS,
  truncateLong: false,
  limitCellText: true,
  reportDuplicates: false,
  csvDelimiter: null,
  csvTypes: false,
};

/** @type {Record<string, number[]>} */
const times = { parseFile: [], sharedStrings: [], js: [], wasm: [], formatting: [] };
/** @type {number} */
let formatCalls = 0;
for (let round = 0; round < rounds + 1; round++) {
  let started = performance.now();
  await parseFile(task);
  const parsed = performance.now() - started;
  started = performance.now();
  const shared = prepareSharedStrings();
  const prepared = performance.now() - started;
  started = performance.now();
  const js = renderInJs(shared);
  const inJs = performance.now() - started;
  formatting.calls = 0;
  formatting.ms = 0;
  started = performance.now();
  const wasm = renderInWasm(shared);
  const inWasm = performance.now() - started;
  formatCalls = formatting.calls;
  if (!js.equals(wasm)) throw new Error('The JavaScript and WebAssembly loops disagree');
  if (round === 0) continue; // warm-up
  times.parseFile?.push(parsed);
  times.sharedStrings?.push(prepared);
  times.js?.push(inJs);
  times.wasm?.push(inWasm);
  times.formatting?.push(formatting.ms);
}

const median = (/** @type {number[]} */ list) =>
  /** @type {number} */ ([...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]);
console.log(`${file}: sheet ${(sheet.length / MiB).toFixed(1)} MiB, medians of ${rounds} rounds`);
console.log(
  `  xlmerge parseFile (whole worker task):       ${median(times.parseFile ?? []).toFixed(0)} ms`,
);
console.log(
  `  minimal loops, shared strings prepared once: ${median(times.sharedStrings ?? []).toFixed(0)} ms`,
);
console.log(
  `  minimal loop in JavaScript:                  ${median(times.js ?? []).toFixed(0)} ms`,
);
console.log(
  `  minimal loop in WebAssembly (with copy-in):  ${median(times.wasm ?? []).toFixed(0)} ms`,
);
console.log(
  `    of which JavaScript formatting ${formatCalls} longer decimals: ${median(times.formatting ?? []).toFixed(0)} ms`,
);
