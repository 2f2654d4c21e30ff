import path from 'node:path';
import { XlmergeError } from '../errors.js';
import type { MergeSummary } from '../summary.js';

/** The end-of-run report a person reads in the terminal. */
export function formatSummary(summary: MergeSummary, cwd: string): string {
  const lines: string[] = [];
  const within = summary.files.reduce((sum, file) => sum + file.duplicatesInFile, 0);
  const across = summary.duplicates - within;
  const output = summary.output === null ? '' : ` into ${relative(summary.output, cwd)}`;
  const sheets = summary.sheets.length > 1 ? ` (sheets ${summary.sheets.join(', ')})` : '';
  lines.push(`Merged ${plural(summary.files.length, 'file')}${output}${sheets}:`);
  lines.push(
    `  ${count(summary.rowsRead)} rows read, ${count(summary.rowsKept)} kept, ` +
      `${plural(summary.duplicates, 'duplicate')} dropped (${count(within)} within files, ${count(across)} across files)`,
  );
  lines.push(`  ${plural(summary.columns.length, 'column')}: ${summary.columns.join(', ')}`);
  for (const file of summary.files) {
    const notes = [`${count(file.rowsRead)} rows`, `${count(file.rowsKept)} kept`];
    if (file.duplicatesInFile > 0)
      notes.push(`${plural(file.duplicatesInFile, 'duplicate')} in the file`);
    if (file.duplicatesAcrossFiles > 0) {
      notes.push(`${plural(file.duplicatesAcrossFiles, 'duplicate')} of other files`);
    }
    if (file.blankRows > 0) notes.push(`${plural(file.blankRows, 'blank row')} left out`);
    if (file.formulasWithoutValue > 0) {
      notes.push(`${plural(file.formulasWithoutValue, 'formula')} without a saved value (empty)`);
    }
    if (file.truncatedCells > 0) {
      notes.push(`${plural(file.truncatedCells, 'long text')} cut to 32,767 characters`);
    }
    lines.push(`  ${file.file}: ${notes.join(', ')}`);
    if (file.addedColumns.length > 0 && file !== summary.files[0]) {
      lines.push(`    adds ${quoteList(file.addedColumns)}`);
    }
    if (file.missingColumns.length > 0) lines.push(`    lacks ${quoteList(file.missingColumns)}`);
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
  const lines = [`xlmerge: ${error.describe()}`];
  for (const failure of error.failures ?? []) {
    lines.push(`  ${failure.describe()} [${failure.code}]`);
    if (verbose && failure.stack !== undefined) lines.push(indent(failure.stack));
  }
  if (verbose && error.stack !== undefined) lines.push(indent(error.stack));
  return `${lines.join('\n')}\n`;
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

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
