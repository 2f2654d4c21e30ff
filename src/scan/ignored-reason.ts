/**
 * Why a file in an input folder is not read, in words, by its name. Pure: the scanner asks it
 * for every file its patterns did not take.
 */
import path from 'node:path';
import type { IgnoredFile } from '../summary.js';

/**
 * Spreadsheet files xlmerge does not read, by extension (lower case), and what they are. Such a
 * file in an input folder is named in the report, never passed over without a word: it usually
 * holds data the user expected in the merge.
 */
const UNREAD_SPREADSHEETS: Readonly<Record<string, string>> = {
  '.xls': 'an Excel 97-2003 workbook (.xls), which xlmerge does not read: save it as .xlsx',
  '.xlsb': 'an Excel binary workbook (.xlsb), which xlmerge does not read: save it as .xlsx',
  '.ods': 'an OpenDocument spreadsheet (.ods), which xlmerge does not read: save it as .xlsx',
  '.fods': 'a flat OpenDocument spreadsheet (.fods), which xlmerge does not read: save it as .xlsx',
  '.numbers': 'an Apple Numbers file, which xlmerge does not read: export it as .xlsx',
  '.xltx': 'an Excel template (.xltx), not read from folders: name the file to read it',
  '.xltm': 'an Excel template (.xltm), not read from folders: name the file to read it',
  '.xlam': 'an Excel add-in (.xlam), which holds no data to merge',
  '.xla': 'an Excel add-in (.xla), which holds no data to merge',
  '.xlt': 'an Excel 97-2003 template (.xlt), which xlmerge does not read',
  '.tsv': 'a tab-separated text file (.tsv): only .csv files are read as delimited text',
  '.tab': 'a tab-separated text file (.tab): only .csv files are read as delimited text',
};

/** The kind and reason for a file in an input folder that the patterns did not take. */
export function ignoredReason(
  name: string,
  patterns: readonly string[],
  defaultPatterns: readonly string[],
): { kind: IgnoredFile['kind']; reason: string } {
  const unread = UNREAD_SPREADSHEETS[path.extname(name).toLowerCase()];
  if (unread !== undefined) return { kind: 'unsupported', reason: unread };
  const custom =
    patterns.length !== defaultPatterns.length ||
    patterns.some((pattern, index) => pattern !== defaultPatterns[index]);
  return {
    kind: 'other',
    reason: custom
      ? `not matched by \`pattern\` ${patterns.join(', ')}`
      : `only ${listed(defaultPatterns)} files are read`,
  };
}

/** `*.xlsx, *.xlsm and *.csv`. */
function listed(patterns: readonly string[]): string {
  return patterns.length < 2
    ? patterns.join('')
    : `${patterns.slice(0, -1).join(', ')} and ${patterns.at(-1)}`;
}
