// @ts-check
/**
 * The incremental scenario (`node bench/run.js --incremental`): merge a set with `--cache` into
 * an empty cache (cold), merge again with nothing changed, add one workbook and merge again
 * (warm), and merge the grown folder without the cache (the reference the warm run should beat).
 *
 * The added workbook is the next one the generator makes: the set generated with one file more
 * starts with the same bytes, file for file, so it is `<set>-plus-one` whose first files are
 * linked into the work folder, then its last one.
 */
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { generateSet, SETS } from './dataset.js';
import { countSheetRows, hashFile, readThrough } from './inspect.js';
import { runMeasured } from './measured-run.js';

/** Worker threads for every run, as the main bench's `xlmerge --jobs 2`. */
const JOBS = 2;

/**
 * @typedef {object} StepResult
 * @property {string} id
 * @property {string} label
 * @property {number} files input workbooks
 * @property {{ hits: number, misses: number, rebuilt: number, segmentsReused: number } | null} cache
 * @property {import('./measured-run.js').Measurement[]} runs
 * @property {import('./measured-run.js').Measurement} [median]
 * @property {string} [outputSha256]
 */

/**
 * @param {object} options
 * @param {string} options.name a key of SETS
 * @param {number} options.runs
 * @param {string} options.rootDir
 * @param {string} options.benchDir
 * @param {string} options.outDir
 * @param {(runs: import('./measured-run.js').Measurement[]) => import('./measured-run.js').Measurement} options.medianOf
 * @param {(rows: string[][]) => string} options.formatTable
 * @returns {Promise<{ steps: StepResult[], failures: string[], figures: Record<string, number> }>}
 */
export async function runIncremental({
  name,
  runs,
  rootDir,
  benchDir,
  outDir,
  medianOf,
  formatTable,
}) {
  const spec = SETS[/** @type {keyof typeof SETS} */ (name)];
  /** @type {string[]} */
  const failures = [];
  const base = await generateSet({ name, dir: join(benchDir, 'data', name) });
  const grownName = `${name}-plus-one`;
  const grownDir = join(benchDir, 'data', grownName);
  const grown = await generateSet({
    name: grownName,
    dir: grownDir,
    spec: { ...spec, files: spec.files + 1 },
  });
  const files = grown.manifest.files;
  for (const [index, file] of base.manifest.files.entries()) {
    if (files[index]?.sha256 !== file.sha256) {
      throw new Error(
        `${grownName}: ${file.name} differs from ${name}'s; the generator is not deterministic`,
      );
    }
  }
  const added = /** @type {(typeof files)[number]} */ (files.at(-1));
  console.log(
    `\n== ${name} incremental: ${spec.files} workbooks, then ${added.name} added (${(added.bytes / 2 ** 20).toFixed(1)} MiB, ${added.rows.toLocaleString('en')} rows); --jobs ${JOBS}`,
  );
  for (const file of files) await readThrough(join(grownDir, file.name));

  const workDir = join(outDir, `${name}-incremental`);
  const inputDir = join(workDir, 'input');
  const cacheDir = join(workDir, 'cache');
  /** @type {StepResult[]} */
  const steps = [
    { id: 'cold', label: 'cold: empty cache', files: spec.files, cache: null, runs: [] },
    { id: 'unchanged', label: 'again, nothing changed', files: spec.files, cache: null, runs: [] },
    { id: 'warm', label: 'warm: one file added', files: spec.files + 1, cache: null, runs: [] },
    {
      id: 'reference',
      label: 'same inputs, no cache',
      files: spec.files + 1,
      cache: null,
      runs: [],
    },
  ];
  const measureFile = join(outDir, `.measure-${process.pid}.json`);
  for (let run = 0; run < runs; run++) {
    await rm(workDir, { recursive: true, force: true });
    await mkdir(inputDir, { recursive: true });
    for (const file of files.slice(0, -1))
      await linkOrCopy(join(grownDir, file.name), join(inputDir, file.name));
    for (const step of steps) {
      if (step.id === 'warm')
        await linkOrCopy(join(grownDir, added.name), join(inputDir, added.name));
      const output = join(workDir, `${step.id}.xlsx`);
      const args = [
        relative(rootDir, inputDir),
        '--dedupe',
        'id,email',
        '-o',
        relative(rootDir, output),
        '--jobs',
        String(JOBS),
        '--force',
        '--json',
        ...(step.id === 'reference' ? [] : ['--cache', relative(rootDir, cacheDir)]),
      ];
      process.stdout.write(`${step.label}: run ${run + 1}/${runs}… `);
      const { stdout, ...measurement } = await runMeasured({
        script: 'bin/xlmerge.js',
        args,
        cwd: rootDir,
        measureFile,
      });
      step.runs.push(measurement);
      const summary = JSON.parse(stdout);
      step.cache =
        summary.cache === null
          ? null
          : {
              hits: summary.cache.hits,
              misses: summary.cache.misses,
              rebuilt: summary.cache.rebuilt,
              segmentsReused: summary.cache.segmentsReused,
            };
      step.outputSha256 = await hashFile(output);
      console.log(`${(measurement.wallMs / 1000).toFixed(2)} s`);
    }
  }
  for (const step of steps) step.median = medianOf(step.runs);

  const byId = Object.fromEntries(steps.map((step) => [step.id, step]));
  const wall = (/** @type {string} */ id) => byId[id]?.median?.wallMs ?? Number.NaN;
  const cpu = (/** @type {string} */ id) => byId[id]?.median?.cpuMs ?? Number.NaN;
  /** @type {string[][]} */
  const table = [
    [
      'run',
      'files',
      'parsed',
      'reused',
      'segments reused',
      'wall s',
      'CPU s',
      'peak RSS MiB',
      'wall / cold',
      'CPU / cold',
    ],
  ];
  for (const step of steps) {
    const m = /** @type {import('./measured-run.js').Measurement} */ (step.median);
    table.push([
      step.label,
      String(step.files),
      step.cache === null ? String(step.files) : String(step.cache.misses),
      step.cache === null ? '–' : String(step.cache.hits),
      step.cache === null ? '–' : String(step.cache.segmentsReused),
      (m.wallMs / 1000).toFixed(2),
      (m.cpuMs / 1000).toFixed(2),
      m.peakRssMiB.toFixed(0),
      `${((m.wallMs / wall('cold')) * 100).toFixed(0)} %`,
      `${((m.cpuMs / cpu('cold')) * 100).toFixed(0)} %`,
    ]);
  }
  console.log(`\n${formatTable(table)}`);
  const figures = {
    warmOverColdWall: wall('warm') / wall('cold'),
    warmOverReferenceWall: wall('warm') / wall('reference'),
    warmOverReferenceCpu: cpu('warm') / cpu('reference'),
    coldOverReferenceWall: wall('cold') / wall('reference'),
  };
  console.log(
    `warm run (one file added) / cold run: ${(figures.warmOverColdWall * 100).toFixed(0)} % of the wall time; ` +
      `/ the same merge without the cache: ${(figures.warmOverReferenceWall * 100).toFixed(0)} % of the wall time, ${(figures.warmOverReferenceCpu * 100).toFixed(0)} % of the CPU time`,
  );
  console.log(
    `cold run / the same merge without the cache: ${(figures.coldOverReferenceWall * 100).toFixed(0)} % of the wall time`,
  );

  // The added workbook sorts last, so every earlier file's rows stay where they were: each
  // file's compressed rows (one output segment per file) are reused.
  const expected = {
    cold: { hits: 0, misses: spec.files, rebuilt: 0, segmentsReused: 0 },
    unchanged: { hits: spec.files, misses: 0, rebuilt: 0, segmentsReused: spec.files },
    warm: { hits: spec.files, misses: 1, rebuilt: 0, segmentsReused: spec.files },
  };
  for (const [id, counts] of Object.entries(expected)) {
    const got = byId[id]?.cache;
    if (JSON.stringify(got) !== JSON.stringify(counts)) {
      failures.push(
        `${name} incremental: ${id} run's cache counts ${JSON.stringify(got)}, expected ${JSON.stringify(counts)}`,
      );
    }
  }
  const same = (/** @type {string} */ a, /** @type {string} */ b) =>
    byId[a]?.outputSha256 === byId[b]?.outputSha256;
  console.log(
    `outputs: warm = reference ${same('warm', 'reference') ? 'OK (byte-identical)' : 'DIFFERENT'}, unchanged = cold ${same('unchanged', 'cold') ? 'OK (byte-identical)' : 'DIFFERENT'}`,
  );
  if (!same('warm', 'reference'))
    failures.push(`${name} incremental: the warm output differs from the reference`);
  if (!same('unchanged', 'cold'))
    failures.push(`${name} incremental: the unchanged re-run's output differs from the cold run's`);
  const rows = (await countSheetRows(join(workDir, 'warm.xlsx'))) - 1;
  if (rows !== grown.manifest.uniqueKeys) {
    failures.push(
      `${name} incremental: the warm run wrote ${rows} rows, expected ${grown.manifest.uniqueKeys}`,
    );
  }
  return { steps, failures, figures };
}

/**
 * Hard-links `from` to `to` (no copy of the bytes; the cache only sees content), or copies it
 * where links are not allowed.
 * @param {string} from
 * @param {string} to
 */
async function linkOrCopy(from, to) {
  await link(from, to).catch(() => copyFile(from, to));
}
