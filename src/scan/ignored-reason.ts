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
  '.fods':
    'a flat OpenDocument spreadsheet (.fods), which xlmerge does not read: save it as .ods or .xlsx',
  '.ots':
    'an OpenDocument spreadsheet template (.ots), which xlmerge does not read: save it as .ods or .xlsx',
  '.numbers': 'an Apple Numbers file, which xlmerge does not read: export it as .xlsx',
  '.gsheet':
    'a Google Sheets shortcut, which holds no data: download the sheet as .xlsx (File > Download)',
  '.xltx': 'an Excel template (.xltx), not read from folders: name the file to read it',
  '.xltm': 'an Excel template (.xltm), not read from folders: name the file to read it',
  '.xlt': 'an Excel 97-2003 template (.xlt), not read from folders: name the file to read it',
  '.xlam': 'an Excel add-in (.xlam), which holds no data to merge',
  '.xla': 'an Excel add-in (.xla), which holds no data to merge',
  '.xlw': 'an Excel 4.0 workbook (.xlw), which xlmerge does not read: save it as .xlsx',
  '.xlr': 'a Microsoft Works spreadsheet (.xlr), which xlmerge does not read: save it as .xlsx',
  '.et': 'a WPS Spreadsheets file (.et), which xlmerge does not read: save it as .xlsx',
  '.sxc':
    'a StarOffice/OpenOffice.org 1 spreadsheet (.sxc), which xlmerge does not read: save it as .ods or .xlsx',
  '.wk1': 'a Lotus 1-2-3 spreadsheet (.wk1), which xlmerge does not read: save it as .xlsx',
  '.wk3': 'a Lotus 1-2-3 spreadsheet (.wk3), which xlmerge does not read: save it as .xlsx',
  '.wk4': 'a Lotus 1-2-3 spreadsheet (.wk4), which xlmerge does not read: save it as .xlsx',
  '.wks':
    'a Lotus 1-2-3 or Works spreadsheet (.wks), which xlmerge does not read: save it as .xlsx',
  '.123': 'a Lotus 1-2-3 spreadsheet (.123), which xlmerge does not read: save it as .xlsx',
  '.qpw': 'a Quattro Pro spreadsheet (.qpw), which xlmerge does not read: save it as .xlsx',
  '.slk': 'a SYLK spreadsheet (.slk), which xlmerge does not read: save it as .xlsx',
  '.dif': 'a DIF spreadsheet (.dif), which xlmerge does not read: save it as .xlsx',
  '.dbf': 'a dBASE table (.dbf), which xlmerge does not read: save it as .xlsx or .csv',
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

/** `*.xlsx, *.xlsm, *.xlsb, *.xls, *.ods and *.csv`. */
function listed(patterns: readonly string[]): string {
  return patterns.length < 2
    ? patterns.join('')
    : `${patterns.slice(0, -1).join(', ')} and ${patterns.at(-1)}`;
}
