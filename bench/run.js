#!/usr/bin/env node
// @ts-check
/**
 * The benchmark runner: `node bench/run.js [--set small|medium|medium-double|all] [--runs N]
 * [--commands xlmerge-j1,xlmerge-j2,baseline,xlmerge-j1-csv,xlmerge-j2-csv] [--convert xls,ods]
 * [--check]`.
 *
 * Each command runs as a child process under `measure.js`, which reports the child's CPU time
 * and peak RSS (worker threads included); wall time is taken here, from spawn to exit.
 * Prints a table per set, checks that xlmerge writes the same bytes with 1 and 2 workers and
 * that every command keeps the expected number of rows, and writes the results as JSON to
 * `bench/out/`. Exits non-zero when a command fails, outputs differ or a row count is wrong;
 * with `--check`, also when a target in `bench/README.md` is missed.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONVERT_FORMATS, convertSet, libreOfficeVersion } from './lib/convert.js';
import { generateSet, SETS } from './lib/dataset.js';
import {
  compareCsvRows,
  countCsvRecords,
  countSheetRows,
  hashFile,
  readThrough,
} from './lib/inspect.js';
import { runMeasured } from './lib/measured-run.js';
import { measureStartup } from './lib/startup.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootDir = dirname(benchDir);
const outDir = join(benchDir, 'out');

/** Targets, as stated in bench/README.md. */
const TARGETS = Object.freeze({
  /** medium: baseline wall time / xlmerge --jobs 2 wall time */
  minSpeedup: 12,
  /** medium: peak RSS of each xlmerge command */
  maxRssMiB: 400,
  /** peak RSS on medium-double / on medium, per xlmerge command */
  maxDoubleRssRatio: 1.5,
  /** medium converted to .xls (`--convert xls`): its wall time / the .xlsx set's, per command */
  maxXlsWallRatio: 1.5,
  /** `xlmerge --version`: at most this much more wall time than `node -e 0` */
  maxVersionOverNodeMs: 100,
});

/**
 * @typedef {object} Command
 * @property {string} id
 * @property {string} label shown in the table
 * @property {string} script relative to the repository root
 * @property {'xlsx' | 'csv'} format what it writes
 * @property {(input: string, output: string) => string[]} args
 * @property {() => string | undefined} missing why it cannot run, if it cannot
 * @property {string} [rowCountCaveat] when set, a wrong row count is reported with this
 *   explanation instead of failing the run
 * @property {string} [inputDir] the folder it merges, when not the set's own (a converted copy)
 * @property {string} [convertedFrom] the id of the command it repeats on the .xlsx set
 * @property {string} [convertedTo] the format of that copy
 */

/**
 * @param {number} jobs
 * @param {'xlsx' | 'csv'} format
 * @returns {Command}
 */
function xlmergeCommand(jobs, format = 'xlsx') {
  const csv = format === 'csv';
  return {
    id: `xlmerge-j${jobs}${csv ? '-csv' : ''}`,
    label: `xlmerge --jobs ${jobs}${csv ? ' to CSV' : ''}`,
    script: 'bin/xlmerge.js',
    format,
    args: (input, output) => [
      input,
      '--dedupe',
      'id,email',
      '-o',
      output,
      '--jobs',
      String(jobs),
      '--force',
      '--quiet',
    ],
    missing: () =>
      ['bin/xlmerge.js', 'dist/index.js', 'dist/cli/cli.js'].every((path) =>
        existsSync(join(rootDir, path)),
      )
        ? undefined
        : 'dist/ not built (run npm run build)',
  };
}

/** @type {readonly Command[]} */
const COMMANDS = [
  xlmergeCommand(1),
  xlmergeCommand(2),
  {
    id: 'baseline',
    label: 'exceljs baseline',
    script: 'bench/baseline-exceljs.js',
    format: 'xlsx',
    args: (input, output) => [input, '-o', output, '--dedupe', 'id,email'],
    missing: () => undefined,
    // exceljs decodes each inflated chunk on its own, so a character split between two chunks
    // becomes U+FFFD (exceljs issues #2084, #2316); a corrupted key counts as a new key.
    rowCountCaveat:
      'exceljs 4.4.0 turns multi-byte characters split across stream chunks into U+FFFD (exceljs#2084), so some keys no longer match',
  },
  xlmergeCommand(1, 'csv'),
  xlmergeCommand(2, 'csv'),
];
/** What runs without --commands: the xlsx merge and its baseline. */
const DEFAULT_COMMANDS = ['xlmerge-j1', 'xlmerge-j2', 'baseline'];

/** @typedef {import('./lib/measured-run.js').Measurement} Measurement */

/**
 * @typedef {object} CommandResult
 * @property {string} id
 * @property {string} label
 * @property {string} [skipped] why the command did not run
 * @property {string} [failed] exit status and the end of stderr
 * @property {Measurement[]} runs
 * @property {Measurement} [median] per field, over the runs
 * @property {number} [rowsPerSecond] input data rows / median wall time
 * @property {number} [rowsWritten] data rows in the output
 * @property {string} [outputSha256]
 * @property {string} [output]
 */

/**
 * Runs one command once under measure.js.
 * @param {Command} command
 * @param {string} input
 * @param {string} output
 * @returns {Promise<Measurement>}
 */
async function runOnce(command, input, output) {
  await rm(output, { force: true });
  const { stdout: _stdout, ...measurement } = await runMeasured({
    script: command.script,
    args: command.args(input, output),
    cwd: rootDir,
    measureFile: join(outDir, `.measure-${process.pid}.json`),
  });
  return measurement;
}

/** @param {number[]} values non-empty */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

/** @param {Measurement[]} runs non-empty @returns {Measurement} */
function medianOf(runs) {
  return {
    wallMs: median(runs.map((run) => run.wallMs)),
    cpuMs: median(runs.map((run) => run.cpuMs)),
    userCpuMs: median(runs.map((run) => run.userCpuMs)),
    systemCpuMs: median(runs.map((run) => run.systemCpuMs)),
    peakRssMiB: median(runs.map((run) => run.peakRssMiB)),
  };
}

/** @param {string[][]} rows first row is the header; numbers right-aligned */
function formatTable(rows) {
  const widths = /** @type {string[]} */ (rows[0]).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'medium' },
    runs: { type: 'string', default: '1' },
    commands: { type: 'string', default: DEFAULT_COMMANDS.join(',') },
    check: { type: 'boolean', default: false },
    incremental: { type: 'boolean', default: false },
    convert: { type: 'string', default: '' },
  },
});
const convertTo = values.convert === '' ? [] : String(values.convert).split(',');

const setNames = values.set === 'all' ? Object.keys(SETS) : String(values.set).split(',');
const runs = Number(values.runs);
const commandIds = String(values.commands).split(',');
/** @type {string[]} */
const usageErrors = [];
for (const name of setNames) {
  if (!(name in SETS)) {
    usageErrors.push(
      `Invalid --set: expected ${Object.keys(SETS).join(', ')} or all, got "${name}"`,
    );
  }
}
for (const to of convertTo) {
  if (!CONVERT_FORMATS.includes(to)) {
    usageErrors.push(`Invalid --convert: expected ${CONVERT_FORMATS.join(', ')}, got "${to}"`);
  }
}
if (!Number.isInteger(runs) || runs < 1) {
  usageErrors.push(`Invalid --runs: expected a positive integer, got "${values.runs}"`);
}
for (const id of commandIds) {
  if (!COMMANDS.some((command) => command.id === id)) {
    usageErrors.push(
      `Invalid --commands: expected ${COMMANDS.map((command) => command.id).join(', ')}, got "${id}"`,
    );
  }
}
if (usageErrors.length > 0) {
  console.error(usageErrors.join('\n'));
  process.exit(2);
}
const commands = COMMANDS.filter((command) => commandIds.includes(command.id));

await mkdir(outDir, { recursive: true });
/** @type {string[]} */
const failures = [];
/** @type {string[]} */
const missedTargets = [];
/** @type {string[]} */
const warnings = [];
/** @type {Record<string, { rows: number, uniqueKeys: number, bytes: number, files: number, identical?: boolean, commands: CommandResult[] }>} */
const results = {};

const cpuList = cpus();
console.log(
  `node ${process.version}, ${platform()} ${release()}, ${cpuList.length} × ${cpuList[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; ${runs} run(s) per command, median shown`,
);

if (values.incremental) {
  // A scenario of its own (bench/lib/incremental.js): none of the commands above run.
  const { runIncremental } = await import('./lib/incremental.js');
  /** @type {Record<string, unknown>} */
  const incremental = {};
  for (const name of setNames) {
    const result = await runIncremental({
      name,
      runs,
      rootDir,
      benchDir,
      outDir,
      medianOf,
      formatTable,
    });
    incremental[name] = result;
    failures.push(...result.failures);
  }
  const startedAt = new Date().toISOString();
  const json = `${JSON.stringify({ startedAt, node: process.version, cpus: cpuList.length, cpuModel: cpuList[0]?.model, runs, incremental, failures }, null, 2)}\n`;
  const file = join(outDir, `incremental-${startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, json);
  await writeFile(join(outDir, 'latest-incremental.json'), json);
  console.log(`\nresults: ${relative(process.cwd(), file)}`);
  if (failures.length > 0) console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
  // Nothing is pending here; the comparison below is skipped.
  process.exit(failures.length > 0 ? 1 : 0);
}

for (const name of setNames) {
  const dataDir = join(benchDir, 'data', name);
  const { manifest, generated } = await generateSet({ name, dir: dataDir });
  console.log(
    `\n== ${name}: ${manifest.files.length} workbooks, ${manifest.rows.toLocaleString('en')} rows, ${manifest.uniqueKeys.toLocaleString('en')} unique keys, ${(manifest.bytes / 2 ** 20).toFixed(1)} MiB${generated ? ' (generated now)' : ''}`,
  );
  for (const file of manifest.files) await readThrough(join(dataDir, file.name));
  /** @type {Command[]} */
  const setCommands = [...commands];
  const converter = convertTo.length > 0 ? libreOfficeVersion() : undefined;
  for (const to of convertTo) {
    if (converter === undefined) {
      warnings.push(`${name}: --convert ${to} skipped, LibreOffice (soffice) is not installed`);
      continue;
    }
    const started = Date.now();
    const converted = await convertSet({ dataDir, manifest, to });
    console.log(
      `${name} as .${to}: ${(converted.bytes / 2 ** 20).toFixed(1)} MiB${converted.converted ? `, converted now by ${converter} in ${((Date.now() - started) / 1000).toFixed(0)} s` : ''}`,
    );
    for (const command of commands) {
      if (!command.id.startsWith('xlmerge')) continue;
      setCommands.push({
        ...command,
        id: `${command.id}-${to}`,
        label: `${command.label}, .${to} input`,
        inputDir: converted.dir,
        convertedFrom: command.id,
        convertedTo: to,
      });
    }
  }

  const setOutDir = join(outDir, name);
  await mkdir(setOutDir, { recursive: true });
  /** @type {CommandResult[]} */
  const commandResults = setCommands.map((command) => {
    /** @type {CommandResult} */
    const result = { id: command.id, label: command.label, runs: [] };
    const missing = command.missing();
    if (missing) {
      result.skipped = missing;
      console.log(`${command.label}: skipped, ${missing}`);
    }
    return result;
  });
  const outputOf = (/** @type {Command} */ command) =>
    join(setOutDir, `${command.id}.${command.format}`);
  // Rounds: every command once per round, so a machine that speeds up or slows down during the
  // run weighs on all commands alike, and each round gives a paired speed-up.
  for (let run = 0; run < runs; run++) {
    for (const [index, command] of setCommands.entries()) {
      const result = /** @type {CommandResult} */ (commandResults[index]);
      if (result.skipped || result.failed) continue;
      process.stdout.write(`${command.label}: run ${run + 1}/${runs}… `);
      try {
        const input = relative(rootDir, command.inputDir ?? dataDir);
        const measurement = await runOnce(command, input, outputOf(command));
        result.runs.push(measurement);
        console.log(`${(measurement.wallMs / 1000).toFixed(2)} s`);
      } catch (error) {
        result.failed = error instanceof Error ? error.message : String(error);
        console.log(`FAILED\n${result.failed}`);
        failures.push(`${name}: ${command.label} failed`);
      }
    }
  }
  for (const [index, command] of setCommands.entries()) {
    const result = /** @type {CommandResult} */ (commandResults[index]);
    if (result.skipped || result.failed) continue;
    const output = outputOf(command);
    result.median = medianOf(result.runs);
    result.rowsPerSecond = manifest.rows / (result.median.wallMs / 1000);
    result.output = relative(rootDir, output);
    result.outputSha256 = await hashFile(output);
    try {
      result.rowsWritten =
        (command.format === 'csv' ? await countCsvRecords(output) : await countSheetRows(output)) -
        1;
    } catch (error) {
      failures.push(`${name}: ${command.label} wrote an unreadable workbook: ${String(error)}`);
      continue;
    }
    if (result.rowsWritten !== manifest.uniqueKeys && command.rowCountCaveat) {
      warnings.push(
        `${name}: ${command.label} wrote ${result.rowsWritten} data rows, expected ${manifest.uniqueKeys}: ${command.rowCountCaveat}`,
      );
    } else if (result.rowsWritten !== manifest.uniqueKeys) {
      failures.push(
        `${name}: ${command.label} wrote ${result.rowsWritten} data rows, expected ${manifest.uniqueKeys}`,
      );
    }
  }

  const baseline = commandResults.find((result) => result.id === 'baseline')?.median;
  /** @type {string[][]} */
  const table = [
    ['command', 'wall s', 'CPU s', 'peak RSS MiB', 'rows/s', 'baseline/this', 'rows out'],
  ];
  for (const result of commandResults) {
    const m = result.median;
    if (!m) {
      table.push([result.label, result.skipped ? 'skipped' : 'FAILED', '', '', '', '', '']);
      continue;
    }
    table.push([
      result.label,
      (m.wallMs / 1000).toFixed(2),
      (m.cpuMs / 1000).toFixed(2),
      m.peakRssMiB.toFixed(0),
      Math.round(result.rowsPerSecond ?? 0).toLocaleString('en'),
      baseline ? `${(baseline.wallMs / m.wallMs).toFixed(1)}×` : '–',
      result.rowsWritten === undefined
        ? 'UNREADABLE'
        : `${result.rowsWritten.toLocaleString('en')}${result.rowsWritten === manifest.uniqueKeys ? '' : ` (expected ${manifest.uniqueKeys.toLocaleString('en')})`}`,
    ]);
  }
  console.log(`\n${formatTable(table)}`);

  const one = commandResults.find((result) => result.id === 'xlmerge-j1');
  const two = commandResults.find((result) => result.id === 'xlmerge-j2');
  /** @type {boolean | undefined} */
  let identical;
  for (const suffix of ['', '-csv']) {
    const first = commandResults.find((result) => result.id === `xlmerge-j1${suffix}`);
    const second = commandResults.find((result) => result.id === `xlmerge-j2${suffix}`);
    if (!first?.outputSha256 || !second?.outputSha256) continue;
    const same = first.outputSha256 === second.outputSha256;
    identical = (identical ?? true) && same;
    const what = suffix === '' ? 'xlmerge output' : 'xlmerge CSV output';
    console.log(`${what}, --jobs 1 vs --jobs 2: ${same ? 'OK (byte-identical)' : 'DIFFERENT'}`);
    if (!same) failures.push(`${name}: ${what}s differ between --jobs 1 and --jobs 2`);
  }

  for (const [index, command] of setCommands.entries()) {
    const result = commandResults[index];
    const source = commandResults.find((candidate) => candidate.id === command.convertedFrom);
    if (!result?.median || !source?.median) continue;
    // Paired by round, as the speed-up is: each round ran both.
    const pairs = result.runs.flatMap((run, round) => {
      const other = source.runs[round];
      return other ? [run.wallMs / other.wallMs] : [];
    });
    const ratio = median(pairs);
    const same = result.outputSha256 === source.outputSha256;
    const target = command.convertedTo === 'xls' && name === 'medium';
    const ok = ratio <= TARGETS.maxXlsWallRatio;
    /** @type {string} */
    let output = same ? "byte-identical to the .xlsx set's" : 'not byte-identical';
    // A CSV has no number formats, which a conversion may spell differently: its rows must be
    // the same, but for LibreOffice's 15 significant digits.
    if (!same && command.format === 'csv' && result.output && source.output) {
      const compared = await compareCsvRows(
        join(rootDir, source.output),
        join(rootDir, result.output),
      );
      output = compared.same
        ? `the same rows as the .xlsx set's (${compared.rounded.toLocaleString('en')} numbers rounded to 15 significant digits by LibreOffice's conversion)`
        : `DIFFERENT rows from the .xlsx set's: ${compared.difference}`;
      if (!compared.same) {
        failures.push(`${name}: ${result.label} wrote other rows than the .xlsx set`);
      }
    }
    console.log(
      `${result.label} / .xlsx input, wall: ${ratio.toFixed(2)}×${target ? ` (target ≤ ${TARGETS.maxXlsWallRatio}×: ${ok ? 'met' : 'MISSED'})` : ''}; output ${output}`,
    );
    if (target && !ok) {
      missedTargets.push(`medium .xls / .xlsx wall ×${ratio.toFixed(2)} for ${source.label}`);
    }
  }

  if (name === 'medium') {
    const baselineRuns = commandResults.find((result) => result.id === 'baseline')?.runs ?? [];
    const pairs = baselineRuns.flatMap((run, round) => {
      const mine = two?.median ? two.runs[round] : undefined;
      return mine ? [run.wallMs / mine.wallMs] : [];
    });
    // The median of the rounds' ratios: each compares two runs made minutes apart.
    const speedup = pairs.length > 0 ? median(pairs) : undefined;
    if (pairs.length > 1) {
      console.log(
        `speed-up per round (--jobs 2): ${pairs.map((ratio) => `${ratio.toFixed(1)}×`).join(', ')}`,
      );
    }
    if (speedup !== undefined) {
      const ok = speedup >= TARGETS.minSpeedup;
      console.log(
        `target speed-up ≥ ${TARGETS.minSpeedup}× (--jobs 2): ${speedup.toFixed(1)}× ${ok ? 'met' : 'MISSED'}`,
      );
      if (!ok)
        missedTargets.push(`medium speed-up ${speedup.toFixed(1)}× < ${TARGETS.minSpeedup}×`);
    }
    for (const result of [one, two]) {
      if (!result?.median) continue;
      const ok = result.median.peakRssMiB <= TARGETS.maxRssMiB;
      console.log(
        `target peak RSS ≤ ${TARGETS.maxRssMiB} MiB (${result.label}): ${result.median.peakRssMiB.toFixed(0)} MiB ${ok ? 'met' : 'MISSED'}`,
      );
      if (!ok)
        missedTargets.push(
          `medium ${result.label} peak RSS ${result.median.peakRssMiB.toFixed(0)} MiB`,
        );
    }
  }
  results[name] = {
    rows: manifest.rows,
    uniqueKeys: manifest.uniqueKeys,
    bytes: manifest.bytes,
    files: manifest.files.length,
    identical,
    commands: commandResults,
  };
}

/** @type {Record<string, number>} */
const doubleRssRatio = {};
/** @type {Record<string, boolean>} */
const doubleSameOutput = {};
const medium = results.medium;
const double = results['medium-double'];
if (medium && double) {
  // With keep-first, repeating every row changes nothing in the result.
  console.log('\nmedium-double vs medium, same output bytes:');
  for (const result of double.commands) {
    const single = medium.commands.find((candidate) => candidate.id === result.id);
    if (!result.outputSha256 || !single?.outputSha256) continue;
    doubleSameOutput[result.id] = result.outputSha256 === single.outputSha256;
    console.log(`  ${result.label}: ${doubleSameOutput[result.id] ? 'yes' : 'no'}`);
  }
  console.log('medium-double vs medium, peak RSS:');
  for (const result of double.commands) {
    const single = medium.commands.find((candidate) => candidate.id === result.id)?.median;
    if (!result.median || !single) continue;
    const ratio = result.median.peakRssMiB / single.peakRssMiB;
    doubleRssRatio[result.id] = ratio;
    const verdict = result.id.startsWith('xlmerge')
      ? ratio <= TARGETS.maxDoubleRssRatio
        ? ` (target ≤ ${TARGETS.maxDoubleRssRatio}: met)`
        : ` (target ≤ ${TARGETS.maxDoubleRssRatio}: MISSED)`
      : '';
    console.log(
      `  ${result.label}: ${single.peakRssMiB.toFixed(0)} → ${result.median.peakRssMiB.toFixed(0)} MiB, ×${ratio.toFixed(2)}${verdict}`,
    );
    if (result.id.startsWith('xlmerge') && ratio > TARGETS.maxDoubleRssRatio) {
      missedTargets.push(`medium-double/medium peak RSS ×${ratio.toFixed(2)} for ${result.label}`);
    }
  }
}

// Start-up, for scripts that call xlmerge many times.
const startup = measureStartup({ rootDir, rounds: 10, median });
const versionOver = startup.versionMs - startup.nodeMs;
const versionOk = versionOver <= TARGETS.maxVersionOverNodeMs;
console.log(
  `\nstart-up, median of ${startup.rounds} rounds: node -e 0 ${startup.nodeMs.toFixed(0)} ms, xlmerge --version ${startup.versionMs.toFixed(0)} ms (+${versionOver.toFixed(0)} ms; target ≤ +${TARGETS.maxVersionOverNodeMs} ms: ${versionOk ? 'met' : 'MISSED'}), a merge of one 12-row workbook ${startup.oneFileMs.toFixed(0)} ms`,
);
if (!versionOk)
  missedTargets.push(`xlmerge --version +${versionOver.toFixed(0)} ms over node -e 0`);

const report = {
  startedAt: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpus: cpuList.length,
  cpuModel: cpuList[0]?.model,
  totalMemoryGiB: totalmem() / 2 ** 30,
  runs,
  targets: TARGETS,
  sets: results,
  doubleRssRatio,
  doubleSameOutput,
  startup,
  failures,
  warnings,
  missedTargets,
};
const stamp = report.startedAt.replace(/[:.]/g, '-');
const json = `${JSON.stringify(report, null, 2)}\n`;
await writeFile(join(outDir, `results-${stamp}.json`), json);
await writeFile(join(outDir, 'latest.json'), json);
console.log(`\nresults: ${relative(process.cwd(), join(outDir, `results-${stamp}.json`))}`);

if (warnings.length > 0) console.warn(`\nWarnings:\n  ${warnings.join('\n  ')}`);
if (failures.length > 0) {
  console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else if (values.check && missedTargets.length > 0) {
  console.error(`\nTargets missed:\n  ${missedTargets.join('\n  ')}`);
  process.exitCode = 1;
}
