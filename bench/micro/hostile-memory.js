#!/usr/bin/env node
// @ts-check
/**
 * Small workbooks that inflate to what costs memory, merged by the built command line (run
 * `npm run build` first): prints each run's exit code, error code, wall time and peak RSS (of
 * the whole process, workers included). `node bench/micro/hostile-memory.js [--all]`; `--all`
 * adds a 52 MB workbook of 20 million distinct shared strings (slow to make).
 *
 * A run that V8 aborts ("FATAL ERROR … heap out of memory") shows as `died` with its signal.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  APP_PROPS,
  CONTENT_TYPES,
  CORE_PROPS,
  ROOT_RELS,
  SHEET_TAIL,
  STYLES,
  sheetHead,
  WORKBOOK,
  WORKBOOK_RELS,
} from '../lib/xlsx-parts.js';
import { writeZip } from '../lib/zip-writer.js';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const SST = (/** @type {number} */ n) =>
  `${HEAD}<sst xmlns="${NS}" count="${n}" uniqueCount="${n}">`;
const ROWS =
  '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>';

/** `prefix`, `count` copies of `unit`, `suffix`, as one buffer (made by doubling copies). */
function repeated(
  /** @type {string} */ prefix,
  /** @type {string} */ unit,
  /** @type {number} */ count,
  /** @type {string} */ suffix,
) {
  const head = Buffer.from(prefix);
  const one = Buffer.from(unit);
  const tail = Buffer.from(suffix);
  const total = one.length * count;
  const buffer = Buffer.allocUnsafe(head.length + total + tail.length);
  head.copy(buffer, 0);
  one.copy(buffer, head.length);
  for (let filled = one.length; filled < total; filled *= 2) {
    buffer.copy(
      buffer,
      head.length + filled,
      head.length,
      head.length + Math.min(filled, total - filled),
    );
  }
  tail.copy(buffer, head.length + total);
  return buffer;
}

/**
 * @param {string} file
 * @param {{ strings?: Buffer | string, styles?: Buffer | string, sheet?: Buffer | string }} parts
 */
function writeWorkbook(file, parts) {
  /** @param {string} name @param {Buffer | string} data */
  const entry = (name, data) => ({
    name,
    data: typeof data === 'string' ? Buffer.from(data) : data,
  });
  return writeZip(file, [
    entry('[Content_Types].xml', CONTENT_TYPES),
    entry('_rels/.rels', ROOT_RELS),
    entry('xl/workbook.xml', WORKBOOK),
    entry('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    entry('xl/worksheets/sheet1.xml', parts.sheet ?? `${sheetHead('A1:A2')}${ROWS}${SHEET_TAIL}`),
    entry('xl/styles.xml', parts.styles ?? STYLES),
    entry('xl/sharedStrings.xml', parts.strings ?? `${SST(1)}<si><t>x</t></si></sst>`),
    entry('docProps/core.xml', CORE_PROPS),
    entry('docProps/app.xml', APP_PROPS),
  ]);
}

const cellXfs = STYLES.indexOf('</cellXfs>');

/** @type {{ name: string, memory: number, make: (file: string) => Promise<unknown> }[]} */
const CASES = [
  {
    name: '2^26 empty shared strings',
    memory: 64,
    make: (file) =>
      writeWorkbook(file, { strings: repeated(SST(2 ** 26), '<si/>', 2 ** 26, '</sst>') }),
  },
  {
    name: 'one shared string of 11 million runs',
    memory: 64,
    make: (file) =>
      writeWorkbook(file, {
        strings: repeated(
          `${SST(1)}<si>`,
          '<r><t>a</t></r><r><t>b</t></r>',
          5_500_000,
          '</si></sst>',
        ),
      }),
  },
  {
    name: '5.5 million shared strings of two runs',
    memory: 64,
    make: (file) =>
      writeWorkbook(file, {
        strings: repeated(
          SST(5_500_000),
          '<si><r><t>a</t></r><r><t>b</t></r></si>',
          5_500_000,
          '</sst>',
        ),
      }),
  },
  {
    name: '2.9 million cell formats',
    memory: 64,
    make: (file) =>
      writeWorkbook(file, {
        styles: repeated(
          STYLES.slice(0, cellXfs),
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
          2_900_000,
          STYLES.slice(cellXfs),
        ),
      }),
  },
  {
    name: 'a cell of 51 million attributes',
    memory: 256,
    make: (file) =>
      writeWorkbook(file, {
        sheet: repeated(
          `${sheetHead('A1:A2')}<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"`,
          '\tx=""',
          51_000_000,
          `><v>1</v></c></row>${SHEET_TAIL}`,
        ),
      }),
  },
];

if (process.argv.includes('--all')) {
  CASES.push({
    name: '20 million distinct shared strings',
    memory: 1024,
    make: (file) => {
      const items = [SST(20_000_000)];
      for (let i = 0; i < 20_000_000; i++) items.push(`<si><t>s${i.toString(36)}</t></si>`);
      items.push('</sst>');
      return writeWorkbook(file, { strings: Buffer.from(items.join('')) });
    },
  });
}

/**
 * Runs the built CLI on `folder` under measure.js.
 * @param {string} folder
 * @param {string[]} args
 * @param {string} scratch
 */
async function merge(folder, args, scratch) {
  const report = join(scratch, 'measure.json');
  await rm(report, { force: true });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(root, 'bench/measure.js'),
      join(root, 'bin/xlmerge.js'),
      folder,
      '-o',
      join(scratch, 'out.xlsx'),
      '--force',
      ...args,
    ],
    { env: { ...process.env, BENCH_MEASURE_FILE: report }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code, signal] = await new Promise((resolve) =>
    child.on('close', (...end) => resolve(end)),
  );
  const seconds = (performance.now() - started) / 1000;
  const error = /\[([A-Z_]+)\]/.exec(stderr)?.[1] ?? '';
  try {
    const usage = JSON.parse(await readFile(report, 'utf8'));
    return (
      `exit ${code} ${error}`.padEnd(24) +
      `${seconds.toFixed(1)} s  ${(usage.maxRssKiB / 1024).toFixed(0)} MiB`
    );
  } catch {
    return (
      `died (${signal ?? code})`.padEnd(24) +
      `${seconds.toFixed(1)} s  ${stderr.includes('FATAL ERROR') ? 'FATAL ERROR' : ''}`
    );
  }
}

/**
 * Makes case `index` in a process of its own: a child forked from a process that held the
 * inflated parts would start with their resident size (Linux keeps it in the child's peak).
 * @param {number} index
 * @param {string} file
 */
async function make(index, file) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), ...process.argv.slice(2), '--make', String(index), file],
    {
      stdio: 'inherit',
    },
  );
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`making case ${index} failed`);
}

const making = process.argv.indexOf('--make');
if (making >= 0) {
  const hostile = CASES[Number(process.argv[making + 1])];
  await hostile?.make(String(process.argv[making + 2]));
  process.exit(0);
}

const scratch = await mkdtemp(join(tmpdir(), 'xlmerge-hostile-'));
try {
  for (const [index, hostile] of CASES.entries()) {
    const folder = join(scratch, `case-${index}`);
    await mkdir(folder);
    const file = join(folder, 'hostile.xlsx');
    await make(index, file);
    const kb = Math.round((await stat(file)).size / 1024);
    console.log(`${hostile.name} (${kb} KB):`);
    console.log(`  default:                ${await merge(folder, [], scratch)}`);
    const limited = ['--worker-memory', String(hostile.memory)];
    console.log(
      `  --worker-memory ${String(hostile.memory).padEnd(6)} ${await merge(folder, limited, scratch)}`,
    );
    await rm(folder, { recursive: true, force: true });
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
