import { type FileFacts, inspectFile } from './inspect/inspect-file.js';
import type { InspectedFile, InspectReport } from './inspect/report.js';
import { type MergeOptions, normalizeOptions } from './options.js';
import { ColumnUnion } from './reduce/column-union.js';
import { throwIfAborted } from './reduce/parse-in-order.js';
import { scanInputs } from './scan/scan-inputs.js';

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
  const facts = await mapBounded(scan.files, CONCURRENT_FILES, (file) =>
    inspectFile(file, settings),
  );
  throwIfAborted(settings.signal);
  // All columns, even with `columns` chosen: inspecting is how one sees what there is to choose.
  const union = new ColumnUnion(0, { match: settings.matchHeaders, selected: null });
  for (const file of facts) {
    for (const sheet of file.read) {
      union.add(sheet.columns.map((name, source) => ({ source, name })));
    }
  }
  const columns = union.dataNames;
  const files = facts.map((file): InspectedFile => withColumnMarks(file, columns, union.keyOf));
  return {
    files,
    columns,
    keyColumns: settings.keyColumns,
    ignored: scan.ignored,
    ok: files.every((file) => file.problems.length === 0),
  };
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
