import { ErrorCode, XlmergeError } from '../errors.js';
import { MAX_COLUMNS } from './excel-limits.js';
/**
 * Column letters of a 0-based column index, as spreadsheets name columns: 0 → `A`, 25 → `Z`,
 * 26 → `AA`, 16,383 → `XFD` (Excel's last column), and on past it (16,384 → `XFE`): a CSV file
 * has no column limit, and its columns without a header are named by their letters too.
 */
export function lettersOfColumn(index: number): string {
  let letters = '';
  let n = index + 1;
  while (n > 0) {
    const digit = (n - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    n = (n - 1 - digit) / 26;
  }
  return letters;
}

const LETTERS: readonly string[] = buildLetters();

function buildLetters(): string[] {
  const table: string[] = new Array(MAX_COLUMNS);
  for (let index = 0; index < MAX_COLUMNS; index++) table[index] = lettersOfColumn(index);
  return table;
}

/**
 * Column letters for a 0-based index: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD". Cached
 * table. Throws `TOO_MANY_COLUMNS` past XFD.
 */
export function columnLetters(index: number): string {
  const letters = LETTERS[index];
  if (letters === undefined) {
    throw new XlmergeError(
      ErrorCode.TooManyColumns,
      `Column number ${index + 1} is past the last column Excel allows (XFD, ${MAX_COLUMNS.toLocaleString('en-US')} columns)`,
    );
  }
  return letters;
}
