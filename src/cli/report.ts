import path from 'node:path';
import { XlmergeError } from '../errors.js';
import { misnamedNote } from '../reader/format-names.js';
import { MAX_KEPT_FORMATS } from '../render/cell-styles.js';
import type { IgnoredFile, MergeSummary } from '../summary.js';
import { printable, printableJson, printableLines } from './printable.js';

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
    `  ${plural(summary.rowsRead, 'row')} read, ${count(summary.rowsKept)} kept, ` +
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
    const misnamed = misnamedNote(file.file, file.format);
    if (misnamed !== null) lines.push(`  ${file.file}: ${misnamed}`);
    for (const sheet of file.sheets) {
      if (sheet.titleLines.length === 0) continue;
      lines.push(
        `  ${file.file}: ${describeTitleLines(sheet.name, sheet.headerRow, sheet.titleLines)}`,
      );
    }
    if (file.hiddenSheets.length > 0) {
      lines.push(`  ${file.file}: ${describeHiddenSheets(file.hiddenSheets)}`);
    }
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
    if (file.cellsWithoutFormat > 0) {
      lines.push(
        `  ${file.file}: ${plural(file.cellsWithoutFormat, 'cell')} written without ${file.cellsWithoutFormat === 1 ? 'its' : 'their'} number format (the output holds ${MAX_KEPT_FORMATS} custom formats at most)`,
      );
    }
  }
  for (const warning of summary.warnings) lines.push(`  warning: ${asFlags(warning.message)}`);
  for (const skipped of summary.skipped) lines.push(`  skipped ${asFlags(skipped.reason)}`);
  lines.push(...formatIgnored(summary.ignored).map((line) => `  ${line}`));
  return `${printableLines(lines)}\n`;
}

/** Why the header is not on the sheet's first row: the rows above it are title lines. */
export function describeTitleLines(
  sheet: string,
  headerRow: number,
  titleLines: readonly number[],
): string {
  const rows = titleLines.length === 1 ? `row ${titleLines[0]}` : `rows ${titleLines.join(', ')}`;
  return `sheet "${sheet}": header on row ${headerRow}, below ${rows} read as a title (narrower than the header); --header-row chooses another`;
}

/** Hidden sheets that were passed over, and how to read one. */
export function describeHiddenSheets(names: readonly string[]): string {
  const quoted = names.map((name) => `"${name}"`).join(', ');
  return `hidden sheet${names.length === 1 ? '' : 's'} ${quoted} passed over; name a hidden sheet with --sheet to read it`;
}

/** Past this many other files (not spreadsheets), they are one line, not one each. */
const OTHER_FILES_SHOWN = 5;

/**
 * A line for each thing an input folder held that was not read. Lock files, spreadsheets
 * xlmerge does not read, subfolders and the cache folder get a line each; other files too
 * when there are few, else one line that counts them and names the first few (`--json` lists
 * each).
 */
export function formatIgnored(ignored: readonly IgnoredFile[]): string[] {
  const others = ignored.filter((file) => file.kind === 'other');
  const grouped = others.length > OTHER_FILES_SHOWN;
  const lines: string[] = [];
  for (const file of ignored) {
    if (grouped && file.kind === 'other') continue;
    lines.push(`ignored ${file.file} (${asFlags(file.reason)})`);
  }
  if (grouped) {
    const reasons = [...new Set(others.map((file) => asFlags(file.reason)))].join('; ');
    const names = others.slice(0, 3).map((file) => file.file);
    lines.push(
      `ignored ${others.length} other files (${reasons}): ${names.join(', ')} and ${others.length - names.length} more`,
    );
  }
  return lines;
}

/** An error as a person should read it; the stack only when asked for. */
export function formatError(error: unknown, verbose: boolean): string {
  if (!(error instanceof XlmergeError)) {
    const text = error instanceof Error ? (verbose ? error.stack : error.message) : String(error);
    return `${printableLines(`xlmerge: unexpected error: ${text}`.split('\n'))}\n`;
  }
  const lines = [`xlmerge: ${asFlags(error.describe())}`];
  for (const failure of error.failures ?? []) {
    lines.push(`  ${asFlags(failure.describe())} [${failure.code}]`);
    if (verbose && failure.stack !== undefined) lines.push(...indent(failure.stack));
  }
  if (verbose && error.stack !== undefined) lines.push(...indent(error.stack));
  return `${printableLines(lines)}\n`;
}

/** Columns of the per-file table holding numbers, which are aligned to the right. */
const NUMERIC_COLUMNS = new Set([1, 2, 3, 4, 5]);

/** Columns padded to their widest cell; numbers to the right. */
function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  // Escaped before they are measured, so a name with control characters keeps its column.
  const all = [header, ...rows].map((row) => row.map(printable));
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

/** Library option names whose flag is not the name in kebab case. */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  inputs: 'inputs',
  output: '-o',
  workerMemoryMb: '--worker-memory',
  summarySheet: '--summary',
  duplicatesReport: '--duplicates',
  pattern: '--pattern',
};

/** Library options with no flag: their library name stays. */
const LIBRARY_ONLY = new Set(['limits', 'cwd', 'signal', 'onProgress']);

/** The flag of a library option: `headerRow` → `--header-row`; `null` when it has none. */
function flagOf(name: string): string | null {
  if (LIBRARY_ONLY.has(name.split('.')[0] as string)) return null;
  return FLAG_NAMES[name] ?? `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * Speaks of options as the command line spells them. The library names an option in backticks
 * with its library name and value (`force: true`, `overflow: 'split'`, `jobs: 1`, `sheet`),
 * and starts a bad option's message with `Invalid option headerRow:`; here they become
 * `--force`, `--overflow split`, `--jobs 1`, `--sheet` and `Invalid option --header-row:`.
 * Options the command line does not have (`limits.maxRunBytes`) keep their name.
 */
export function asFlags(message: string): string {
  return message
    .replace(/^Invalid option ([A-Za-z]+)(\.[A-Za-z]+)?:/, (whole, name: string, sub = '') => {
      const flag = flagOf(name);
      return flag === null ? whole : `Invalid option ${flag}${sub}:`;
    })
    .replace(/`([A-Za-z]+(?:\.[A-Za-z]+)?)(?:: ([^`]+))?`/g, (_, name: string, value?: string) => {
      const flag = flagOf(name);
      if (flag === null) return value === undefined ? name : `${name}: ${value}`;
      if (value === undefined || value === 'true') return flag;
      if (value === 'false') return flag.replace(/^--/, '--no-');
      return `${flag} ${value.replace(/^'(.*)'$/, '$1')}`;
    });
}

/** Fields of the `--json` output that hold words for people, which may name options. */
const WORDS_FIELDS = new Set(['reason', 'message', 'hint', 'description']);

/** `value` as the `--json` output prints it: options in the words named by their flags. */
export function toJsonText(value: unknown): string {
  return printableJson(
    JSON.stringify(
      value,
      (key, field: unknown) =>
        WORDS_FIELDS.has(key) && typeof field === 'string' ? asFlags(field) : field,
      2,
    ),
  );
}

/** A stack trace's lines, indented. */
function indent(text: string): string[] {
  return text.split('\n').map((line) => `    ${line}`);
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
