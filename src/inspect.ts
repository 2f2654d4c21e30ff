import {
  keyColumnsInNoFile,
  type OptionMistake,
  renamesInNoFile,
  sheetsInNoFile,
} from './core/option-mistakes.js';
import { throwIfAborted, type XlmergeError } from './errors.js';
import { describeWanted } from './input/select-sheets.js';
import { type FileFacts, inspectFile, type NamesInFile } from './inspect/inspect-file.js';
import type { InspectedFile, InspectReport, RunProblem } from './inspect/report.js';
import { type MergeOptions, normalizeOptions, type Settings } from './options.js';
import { outputAmongInputs } from './output/check-output.js';
import { ColumnUnion } from './reduce/column-union.js';
import { scanInputs } from './scan/scan-inputs.js';
import type { RunWarning } from './summary.js';

/**
 * Files read at once. Inspecting is file I/O and light parsing in the main thread, so a few at
 * a time keep the disk busy without holding many workbooks' shared strings in memory.
 */
const CONCURRENT_FILES = 4;

/**
 * Shows, before merging, what {@link merge} would see with the same options: the files in merge
 * order, their sheets, each read sheet's header row, data rows and column names, the merged
 * header and which file has which column, and the problems that would fail the merge (a file
 * that cannot be read, a missing key column, an empty sheet). Writes nothing.
 *
 * A bad file is reported in its entry, not thrown. Throws an {@link XlmergeError} for bad
 * options, inputs that name no workbook, and cancellation through `signal` (`ABORTED`).
 */
export async function inspect(options: MergeOptions): Promise<InspectReport> {
  const settings = normalizeOptions(options);
  const scan = await scanInputs(settings);
  throwIfAborted(settings.signal);
  const outputIsInput = await outputAmongInputs(settings, scan.files);
  const inspected = await mapBounded(scan.files, CONCURRENT_FILES, (file) =>
    inspectFile(file, settings),
  );
  throwIfAborted(settings.signal);
  // All columns, even with `columns` chosen: inspecting is how one sees what there is to choose.
  const union = new ColumnUnion(0, { match: settings.matchHeaders, selected: null });
  for (const { facts } of inspected) {
    for (const sheet of facts.read) {
      union.add(sheet.columns.map((name, source) => ({ source, name })));
    }
  }
  const columns = union.dataNames;
  const files = inspected.map(
    ({ facts }): InspectedFile => withColumnMarks(facts, columns, union.keyOf),
  );
  const runProblems = findRunProblems(
    settings,
    inspected.map(({ names }) => names),
    outputIsInput,
  );
  const used = new Set(inspected.flatMap(({ names }) => names.renamesUsed));
  const warnings = renamesInNoFile(settings.rename, used, columns).map(
    (message): RunWarning => ({ kind: 'unusedRename', message }),
  );
  return {
    files,
    columns,
    keyColumns: settings.keyColumns,
    ignored: scan.ignored,
    runProblems,
    warnings,
    ok: runProblems.length === 0 && files.every((file) => file.problems.length === 0),
  };
}

/**
 * What would stop the merge before any file is its own problem: the output among the inputs, a
 * key column or a sheet that no file has.
 */
function findRunProblems(
  settings: Settings,
  names: readonly NamesInFile[],
  outputIsInput: XlmergeError | null,
): RunProblem[] {
  const problems: RunProblem[] = [];
  if (outputIsInput !== null) {
    problems.push({ kind: 'outputIsInput', description: outputIsInput.describe() });
  }
  const keys = names.flatMap((file) => (file.keys === null ? [] : [file.keys]));
  const keyMistake = Array.isArray(settings.keyColumns)
    ? keyColumnsInNoFile(settings.keyColumns, keys, settings.matchHeaders)
    : null;
  if (keyMistake !== null) {
    problems.push({ kind: 'keyColumnsInNoFile', description: describeMistake(keyMistake) });
  }
  const sheets = names.flatMap((file) => (file.sheets === null ? [] : [file.sheets]));
  const sheetMistake =
    settings.sheet.kind === 'pick'
      ? sheetsInNoFile(settings.sheet.wanted.map(describeWanted), sheets)
      : null;
  if (sheetMistake !== null) {
    problems.push({ kind: 'sheetsInNoFile', description: describeMistake(sheetMistake) });
  }
  return problems;
}

function describeMistake(mistake: OptionMistake): string {
  const message = mistake.message.charAt(0).toUpperCase() + mistake.message.slice(1);
  return `${message}${message.endsWith('?') ? '' : '.'} ${mistake.hint}`;
}

/** The file with its row of the matrix; names compare as the merge compares them. */
function withColumnMarks(
  file: FileFacts,
  columns: readonly string[],
  keyOf: (name: string) => string,
): InspectedFile {
  const own = new Set(file.columns.map(keyOf));
  return { ...file, hasColumns: columns.map((name) => own.has(keyOf(name))) };
}

/**
 * `run` over `items` with at most `limit` calls in flight; results in the order of `items`,
 * whatever order the calls end in. Waits for every call to end before it rejects, so no file
 * is still open when the caller hears of a failure.
 */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await run(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(limit, items.length) }, lane);
  const outcomes = await Promise.allSettled(lanes);
  const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return results;
}
