/**
 * Tells a binary file named `.csv` from CSV text by its first bytes, so that a workbook, an
 * archive, an image or a PDF fails with `NOT_CSV` instead of merging as rows of windows-1252
 * mojibake. Pure: bytes in, a finding out.
 */
import { utf16Encoding } from './text-decoder.js';

/** What a binary file looks like, and what to do about it. */
export interface BinaryFinding {
  /** What the file is, as its message says it: `The file is a gzip archive, not CSV text`. */
  readonly message: string;
  readonly hint: string;
}

/**
 * How much of the head is looked at for zero bytes, as git does (8,000 bytes) to tell binary
 * files from text: binary formats have zeros early (lengths, offsets, padding); text has none
 * unless it is UTF-16 (or UTF-32, below).
 */
export const ZERO_BYTE_SPAN = 8000;

const UTF32 =
  'The file is UTF-32 text (it starts with a UTF-32 byte order mark); xlmerge reads CSV text in UTF-8, UTF-16 or windows-1252';

const HINT = {
  archive: 'If it holds CSV files, unpack it and merge those; otherwise remove it from the inputs',
  workbook:
    'If it is a workbook, give it its .xlsx (or .xlsb, .ods) extension; if it is an archive, unpack it and merge the CSV files inside',
  office:
    'If it is an .xls workbook, give it its .xls extension (xlmerge reads .xls files); if it is password-protected, open it in Excel and save it without the password',
  other: 'Remove it from the inputs, or move it out of the input folder',
  text: 'Save it as CSV UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)")',
} as const;

interface Magic {
  readonly bytes: readonly (number | null)[];
  readonly message: string;
  readonly hint: string;
}

/**
 * A file that starts with `parts` (strings are ASCII; `null` is any byte) is `what`, "not CSV
 * text" unless `message` says it otherwise.
 */
function magic(
  parts: readonly (string | number | null)[],
  what: string,
  hint: string,
  message = `The file is ${what}, not CSV text`,
): Magic {
  const bytes: (number | null)[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const char of part) bytes.push(char.charCodeAt(0));
    else bytes.push(part);
  }
  return { bytes, message, hint };
}

/**
 * File signatures ("magic numbers") of what is often found in a folder of exports. Each is long
 * enough that no CSV text starts with it: the shortest, JPEG's FF D8 FF, is not even valid
 * UTF-8, and reads as `ÿØÿ` in windows-1252.
 */
const MAGICS: readonly Magic[] = [
  magic(
    ['PK', 3, 4],
    'a zip archive (probably an .xlsx workbook, or another Office document)',
    HINT.workbook,
  ),
  magic(['PK', 5, 6], 'an empty zip archive', HINT.other),
  magic(['PK', 7, 8], 'a zip archive (one part of a split archive)', HINT.archive),
  magic(
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    'a binary Office file (probably an .xls workbook, or a password-protected one)',
    HINT.office,
  ),
  magic([0x1f, 0x8b, 8], 'a gzip archive', HINT.archive),
  magic(['BZh', null, '1AY&SY'], 'a bzip2 archive', HINT.archive),
  magic([0xfd, '7zXZ', 0], 'an xz archive', HINT.archive),
  magic([0x28, 0xb5, 0x2f, 0xfd], 'a Zstandard archive', HINT.archive),
  magic(['7z', 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive', HINT.archive),
  magic(['Rar!', 0x1a, 7], 'a RAR archive', HINT.archive),
  magic(['%PDF-'], 'a PDF document', HINT.other),
  magic([0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG image', HINT.other),
  magic([0xff, 0xd8, 0xff], 'a JPEG image', HINT.other),
  magic(['GIF87a'], 'a GIF image', HINT.other),
  magic(['GIF89a'], 'a GIF image', HINT.other),
  magic(['II*', 0], 'a TIFF image', HINT.other),
  magic(['MM', 0, '*'], 'a TIFF image', HINT.other),
  magic([0x7f, 'ELF'], 'an ELF executable', HINT.other),
  magic(['SQLite format 3', 0], 'an SQLite database', HINT.other),
  // Before UTF-16's byte order marks, which these start with.
  magic([0xff, 0xfe, 0, 0], 'UTF-32 text', HINT.text, UTF32),
  magic([0, 0, 0xfe, 0xff], 'UTF-32 text', HINT.text, UTF32),
];

/**
 * What `head` (the first bytes of a file, as many as were read, at least
 * {@link ZERO_BYTE_SPAN} when the file has them) shows a binary file to be, or `null` when it
 * may be CSV text:
 *
 * 1. a known file signature at its start ({@link MAGICS});
 * 2. else a zero byte among its first {@link ZERO_BYTE_SPAN} bytes, unless the text decoder
 *    reads the file as UTF-16 (by its byte order mark, or by the zero bytes of mostly-ASCII
 *    UTF-16 without one: the same rule, on the same bytes, as `CsvTextDecoder`), where zero
 *    bytes are half of every ASCII character.
 */
export function findBinary(head: Uint8Array): BinaryFinding | null {
  for (const { bytes, message, hint } of MAGICS) {
    if (bytes.every((byte, i) => head[i] === byte || (byte === null && i < head.length))) {
      return { message, hint };
    }
  }
  if (utf16Encoding(head) !== null) return null;
  const zero = head.subarray(0, ZERO_BYTE_SPAN).indexOf(0);
  if (zero < 0) return null;
  return {
    message: `The file is binary data, not CSV text: the byte at offset ${zero} is zero, which text has only in UTF-16, and the file does not start like UTF-16`,
    hint: 'If it is text saved as UTF-16 ("Unicode Text") without a byte order mark, save it as CSV UTF-8; otherwise remove it from the inputs',
  };
}
