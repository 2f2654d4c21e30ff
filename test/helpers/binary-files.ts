/**
 * Binary files of the kinds often found in a folder of exports, as their first bytes plus
 * enough of a body to look real: what a `.csv` name may hide. Built here, so nothing binary is
 * committed.
 */
import { gzipSync } from 'node:zlib';
import { buildZip } from './xlsx-builder.js';

/** Bytes of `parts`: numbers are bytes, strings are Latin-1, byte arrays are copied. */
export function bytesOf(
  ...parts: readonly (string | number | readonly number[] | Uint8Array)[]
): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      if (typeof part === 'string') return Buffer.from(part, 'latin1');
      if (typeof part === 'number') return Buffer.from([part]);
      return Buffer.from(part);
    }),
  );
}

/** A body of deterministic bytes with no zero among them, so only the signature tells. */
function noise(length: number): Buffer {
  const body = Buffer.alloc(length);
  let state = 7;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    body[i] = 1 + ((state >>> 16) % 255);
  }
  return body;
}

/** One binary file: its name in the tests, its bytes, and what xlmerge should call it. */
export interface BinarySample {
  readonly name: string;
  readonly bytes: Buffer;
  /** The message of the `NOT_CSV` error it gets. */
  readonly message: string;
}

const not = (what: string) => `The file is ${what}, not CSV text`;

/** Every kind of binary file `findBinary` knows by its signature, plus bare binary data. */
export async function binarySamples(): Promise<BinarySample[]> {
  const csv = 'id,name\r\n1,Ann\r\n';
  const zip = await buildZip([{ name: 'xl/workbook.xml', content: '<workbook/>' }]);
  return [
    {
      name: 'book.csv',
      bytes: zip,
      message: not('a zip archive (probably an .xlsx workbook, or another Office document)'),
    },
    {
      name: 'old.csv',
      bytes: bytesOf([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], noise(504)),
      message: not('a binary Office file (probably an .xls workbook, or a password-protected one)'),
    },
    { name: 'export.csv', bytes: gzipSync(csv), message: not('a gzip archive') },
    {
      name: 'photo.csv',
      bytes: bytesOf([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], noise(200)),
      message: not('a PNG image'),
    },
    { name: 'scan.csv', bytes: bytesOf('%PDF-1.7\n%', noise(300)), message: not('a PDF document') },
    {
      name: 'jpeg.csv',
      bytes: bytesOf([0xff, 0xd8, 0xff, 0xe0], noise(300)),
      message: not('a JPEG image'),
    },
    { name: 'anim.csv', bytes: bytesOf('GIF89a', noise(100)), message: not('a GIF image') },
    { name: 'tiff.csv', bytes: bytesOf('II*', 0, noise(100)), message: not('a TIFF image') },
    {
      name: 'tool.csv',
      bytes: bytesOf([0x7f], 'ELF', noise(100)),
      message: not('an ELF executable'),
    },
    {
      name: 'seven.csv',
      bytes: bytesOf('7z', [0xbc, 0xaf, 0x27, 0x1c], noise(100)),
      message: not('a 7-Zip archive'),
    },
    {
      name: 'rar.csv',
      bytes: bytesOf('Rar!', [0x1a, 0x07], noise(100)),
      message: not('a RAR archive'),
    },
    { name: 'bz.csv', bytes: bytesOf('BZh91AY&SY', noise(100)), message: not('a bzip2 archive') },
    {
      name: 'xz.csv',
      bytes: bytesOf([0xfd], '7zXZ', 0, noise(100)),
      message: not('an xz archive'),
    },
    {
      name: 'zstd.csv',
      bytes: bytesOf([0x28, 0xb5, 0x2f, 0xfd], noise(100)),
      message: not('a Zstandard archive'),
    },
    {
      name: 'db.csv',
      bytes: bytesOf('SQLite format 3', 0, noise(100)),
      message: not('an SQLite database'),
    },
    {
      name: 'utf32.csv',
      bytes: Buffer.concat([bytesOf([0xff, 0xfe, 0, 0]), utf32le(csv)]),
      message:
        'The file is UTF-32 text (it starts with a UTF-32 byte order mark); xlmerge reads CSV text in UTF-8, UTF-16 or windows-1252',
    },
    {
      name: 'blob.csv',
      bytes: bytesOf('id,name\r\n1,', noise(40), 0, noise(40)),
      message:
        'The file is binary data, not CSV text: the byte at offset 51 is zero, which text has only in UTF-16, and the file does not start like UTF-16',
    },
  ];
}

/** UTF-32 little-endian bytes of ASCII `text`. */
function utf32le(text: string): Buffer {
  return Buffer.concat([...text].map((char) => bytesOf(char.charCodeAt(0), 0, 0, 0)));
}
