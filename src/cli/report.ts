import path from 'node:path';
import { XlmergeError } from '../errors.js';
import type { MergeSummary } from '../summary.js';

/** The end-of-run report a person reads in the terminal. */
export function formatSummary(summary: MergeSummary, cwd: string): string {
  const lines: string[] = [];
  const within = summary.files.reduce((sum, file) => sum + file.duplicatesInFile, 0);
  const across = summary.duplicates - within;
  const output =
    summary.output === null
      ? ' (dry run: nothing written)'
      : ` into ${relative(summary.output, cwd)}`;
  const sheets = summary.sheets.length > 1 ? ` (sheets ${summary.sheets.join(', ')})` : '';
  lines.push(`Merged ${plural(summary.files.length, 'file')}${output}${sheets}:`);
  lines.push(
    `  ${count(summary.rowsRead)} rows read, ${count(summary.rowsKept)} kept, ` +
      `${plural(summary.duplicates, 'duplicate')} dropped (${count(within)} within files, ${count(across)} across files)`,
  );
  lines.push(`  ${plural(summary.columns.length, 'column')}: ${summary.columns.join(', ')}`);
  if (summary.duplicatesReport !== null) {
    lines.push(`  dropped rows listed in ${relative(summary.duplicatesReport, cwd)}`);
  }
  const { cache } = summary;
  if (cache !== null) {
    const rebuilt =
      cache.rebuilt === 0
        ? ''
        : `; ${plural(cache.rebuilt, 'damaged entry', 'damaged entries')} rebuilt`;
    const segments =
      cache.segmentsReused === 0
        ? ''
        : `; compressed rows of ${plural(cache.segmentsReused, 'sheet')} reused`;
    lines.push(
      `  cache: ${count(cache.hits)} of ${plural(cache.hits + cache.misses, 'file')} reused from ${relative(cache.folder, cwd)}, ${count(cache.misses)} parsed${segments}${rebuilt}`,
    );
  }
  // The same lines as the Summary sheet (--summary), as a table.
  const table = summary.files.map((file) => [
    file.file,
    count(file.rowsRead),
    count(file.rowsKept),
    count(file.duplicatesInFile),
    count(file.duplicatesAcrossFiles),
    count(file.blankRows),
    file.addedColumns.join(', '),
    file.missingColumns.join(', '),
    ...(cache === null ? [] : [file.cached ? 'cached' : 'parsed']),
  ]);
  const header = ['file', 'read', 'kept', 'dup. in file', 'dup. of others', 'blank', 'adds'];
  header.push('lacks', ...(cache === null ? [] : ['cache']));
  lines.push('');
  lines.push(...formatTable(header, table).map((line) => `  ${line}`));
  for (const file of summary.files) {
    if (file.formulasWithoutValue > 0) {
      lines.push(
        `  ${file.file}: ${plural(file.formulasWithoutValue, 'formula')} without a saved value (written empty)`,
      );
    }
    if (file.truncatedCells > 0) {
      lines.push(
        `  ${file.file}: ${plural(file.truncatedCells, 'long text')} cut to 32,767 characters`,
      );
    }
  }
  for (const skipped of summary.skipped) lines.push(`  skipped ${skipped.reason}`);
  for (const ignored of summary.ignored)
    lines.push(`  ignored ${ignored.file} (${ignored.reason})`);
  return `${lines.join('\n')}\n`;
}

/** An error as a person should read it; the stack only when asked for. */
export function formatError(error: unknown, verbose: boolean): string {
  if (!(error instanceof XlmergeError)) {
    const text = error instanceof Error ? (verbose ? error.stack : error.message) : String(error);
    return `xlmerge: unexpected error: ${text}\n`;
  }
  const lines = [`xlmerge: ${asFlags(error.describe())}`];
  for (const failure of error.failures ?? []) {
    lines.push(`  ${failure.describe()} [${failure.code}]`);
    if (verbose && failure.stack !== undefined) lines.push(indent(failure.stack));
  }
  if (verbose && error.stack !== undefined) lines.push(indent(error.stack));
  return `${lines.join('\n')}\n`;
}

/** Columns of the per-file table holding numbers, which are aligned to the right. */
const NUMERIC_COLUMNS = new Set([1, 2, 3, 4, 5]);

/** Columns padded to their widest cell; numbers to the right. */
function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => [...(row[column] ?? '')].length)),
  );
  const numeric = (column: number) => NUMERIC_COLUMNS.has(column);
  return all.map((row) =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat((widths[column] ?? 0) - [...cell].length);
        return numeric(column) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Library option names that are not their flag's name in camel case. */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  inputs: 'inputs',
  workerMemoryMb: '--worker-memory',
  summarySheet: '--summary',
  duplicatesReport: '--duplicates',
  pattern: '--pattern',
};

/**
 * Speaks of options as the command line spells them: `Invalid option --header-row: …`, not
 * the library's `headerRow`.
 */
export function asFlags(message: string): string {
  return message.replace(
    /^Invalid option ([A-Za-z]+)(\.[A-Za-z]+)?:/,
    (_, name: string, sub = '') => {
      const flag =
        FLAG_NAMES[name] ?? `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      return `Invalid option ${flag}${sub}:`;
    },
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function relative(file: string, cwd: string): string {
  const result = path.relative(cwd, file);
  return result.startsWith('..') ? file : result;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}
