import type { CsvFacts, InspectedFile, InspectProblem, InspectReport } from '../inspect/report.js';
import { misnamedNote } from '../reader/format-names.js';
import { printable, printableLines } from './printable.js';
import { asFlags, describeHiddenSheets, describeTitleLines, formatIgnored } from './report.js';

/** Column names in the matrix are cut to this many characters (the full names are listed above it). */
const MATRIX_NAME_WIDTH = 12;

/**
 * The inspect report as a person reads it: a line per file and read sheet (header row, data
 * rows, column count, problems), the problems in words, then the file × column matrix.
 */
export function formatInspectReport(report: InspectReport): string {
  const lines: string[] = [];
  const rows = report.files.reduce((sum, file) => sum + file.rows, 0);
  const keys =
    report.keyColumns === null
      ? 'no key columns'
      : report.keyColumns === 'all'
        ? 'key: all columns'
        : `key columns ${report.keyColumns.join(', ')}`;
  lines.push(
    `${plural(report.files.length, 'file')} in merge order, ${plural(rows, 'data row')}, ` +
      `${plural(report.columns.length, 'column')}; ${keys}`,
  );
  lines.push('');
  lines.push(
    ...formatTable(
      ['file', 'sheet', 'header', 'rows', 'columns', 'formats', 'problems'],
      fileRows(report),
      [2, 3, 4, 5],
    ),
  );

  const others = report.files.flatMap((file) => otherSheets(file));
  if (others.length > 0) {
    lines.push('', 'Sheets not read:', ...others.map((line) => `  ${line}`));
  }
  const notes = report.files.flatMap((file) => [
    ...misnamed(file),
    ...file.read.flatMap((sheet) =>
      sheet.headerRow === null || sheet.titleLines.length === 0
        ? []
        : [`  ${file.file}: ${describeTitleLines(sheet.name, sheet.headerRow, sheet.titleLines)}`],
    ),
    ...(file.hiddenSheets.length === 0
      ? []
      : [`  ${file.file}: ${describeHiddenSheets(file.hiddenSheets)}`]),
  ]);
  if (notes.length > 0) lines.push('', 'Notes:', ...notes);
  const csvFiles = report.files.flatMap((file) =>
    file.csv === undefined ? [] : [`  ${file.file}: ${describeCsv(file.csv)}`],
  );
  if (csvFiles.length > 0) lines.push('', 'CSV files read as:', ...csvFiles);
  const problems = [
    ...report.runProblems.map((problem) => `  ${asFlags(problem.description)}`),
    ...report.files.flatMap((file) =>
      file.problems.map((problem) => `  ${file.file}: ${describeProblem(problem)}`),
    ),
  ];
  if (problems.length > 0) lines.push('', 'Problems:', ...problems);
  const warnings = report.warnings.map((warning) => `  ${asFlags(warning.message)}`);
  if (warnings.length > 0) lines.push('', 'Warnings:', ...warnings);
  lines.push(...formatIgnored(report.ignored));

  lines.push('', `Columns (✓ has it, · lacks it, - not read): ${report.columns.join(', ')}`, '');
  lines.push(...formatMatrix(report));
  lines.push('');
  const bad = report.files.filter((file) => file.problems.length > 0).length;
  const run = report.runProblems.length;
  lines.push(
    run > 0
      ? `${plural(run, 'problem')} of the run${bad > 0 ? ` and ${plural(bad, 'file')} with problems` : ''}: the merge would fail.`
      : bad === 0
        ? 'No problems found.'
        : `${plural(bad, 'file')} with problems: the merge would fail.`,
  );
  return `${printableLines(lines)}\n`;
}

/** The note on a file whose content is another format than its name says. */
function misnamed(file: InspectedFile): string[] {
  const note = file.format === null ? null : misnamedNote(file.file, file.format);
  return note === null ? [] : [`  ${file.file}: ${note}`];
}

/** One row per read sheet; a file with no sheet read gets one row of dashes. */
function fileRows(report: InspectReport): string[][] {
  return report.files.flatMap((file) => {
    const summary = problemSummary(file.problems);
    if (file.read.length === 0) return [[file.file, '-', '-', '-', '-', '-', summary]];
    return file.read.map((sheet, i) => [
      i === 0 ? file.file : '',
      withState(file, sheet.name),
      sheet.headerRow === null ? '-' : String(sheet.headerRow),
      count(sheet.rows),
      String(sheet.columns.length),
      // Of the file's data, over its sheets: what a merge keeps of it.
      i === 0 ? String(file.numberFormats) : '',
      i === 0 ? summary : '',
    ]);
  });
}

function withState(file: InspectedFile, name: string): string {
  const state = file.sheets.find((sheet) => sheet.name === name)?.state ?? 'visible';
  return state === 'visible' ? name : `${name} (${state})`;
}

function otherSheets(file: InspectedFile): string[] {
  const read = new Set(file.read.map((sheet) => sheet.name));
  const others = file.sheets.filter((sheet) => !read.has(sheet.name));
  if (others.length === 0 || file.read.length === 0) return [];
  const names = others.map((sheet) =>
    sheet.state === 'visible' ? `"${sheet.name}"` : `"${sheet.name}" (${sheet.state})`,
  );
  return [`${file.file}: ${names.join(', ')}`];
}

/** `UTF-8 with BOM, delimiter ";" (detected)`; `(given)`; `(from its sep= line)`. */
function describeCsv(csv: CsvFacts): string {
  const encoding = ENCODING_NAMES[csv.encoding];
  const delimiter = csv.delimiter === '\t' ? 'TAB' : `"${csv.delimiter}"`;
  const how = csv.sepLine ? 'from its sep= line' : csv.delimiterDetected ? 'detected' : 'given';
  return `${encoding}${csv.bom ? ' with BOM' : ''}, delimiter ${delimiter} (${how})`;
}

const ENCODING_NAMES: Readonly<Record<CsvFacts['encoding'], string>> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1252': 'windows-1252',
};

/** The problems' kinds in a few words, for the table. */
function problemSummary(problems: readonly InspectProblem[]): string {
  return problems
    .map((problem) => {
      if (problem.kind === 'unreadable') return `unreadable (${problem.code})`;
      if (problem.kind === 'missingKeyColumns') return `lacks ${problem.columns.join(', ')}`;
      return 'empty';
    })
    .join('; ');
}

function describeProblem(problem: InspectProblem): string {
  if (problem.kind === 'unreadable') return `[${problem.code}] ${asFlags(problem.description)}`;
  if (problem.kind === 'missingKeyColumns') {
    const noun = problem.columns.length === 1 ? 'column' : 'columns';
    const names = problem.columns.map((name) => `"${name}"`).join(', ');
    return `sheet "${problem.sheet}" lacks the key ${noun} ${names}`;
  }
  const sheets = problem.sheets.map((name) => `"${name}"`).join(', ');
  return `nothing to merge: sheet ${sheets} ${problem.sheets.length === 1 ? 'is' : 'are'} empty`;
}

/** Files down, columns across; names longer than {@link MATRIX_NAME_WIDTH} are cut with `…`. */
function formatMatrix(report: InspectReport): string[] {
  const header = ['', ...report.columns.map((name) => shorten(name, MATRIX_NAME_WIDTH))];
  const rows = report.files.map((file) => {
    if (file.read.length === 0) return [file.file, ...report.columns.map(() => '-')];
    return [file.file, ...file.hasColumns.map((has) => (has ? '✓' : '·'))];
  });
  return formatTable(header, rows, []);
}

function shorten(text: string, width: number): string {
  const characters = [...text];
  return characters.length <= width ? text : `${characters.slice(0, width - 1).join('')}…`;
}

/** Columns padded to their widest cell, the `right` ones aligned to the right. */
function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[],
): string[] {
  // Escaped before they are measured, so a name with control characters keeps its column.
  const all = [header, ...rows].map((row) => row.map(printable));
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => [...(row[column] ?? '')].length)),
  );
  return all.map((row) =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat(Math.max(0, (widths[column] ?? 0) - [...cell].length));
        return right.includes(column) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}
