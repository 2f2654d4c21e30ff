// @ts-check
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';

/**
 * The SHA-256 of a file, hex.
 * @param {string} path
 * @returns {Promise<string>}
 */
export async function hashFile(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Reads a whole file and drops the bytes, so the first command measured does not pay for a
 * cold page cache that later commands get for free.
 * @param {string} path
 */
export async function readThrough(path) {
  for await (const _chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    // nothing to do with the bytes
  }
}

/**
 * Counts the `<row>` elements of the first worksheet in a workbook (header included), without
 * parsing cells: enough to check that a merge kept the expected number of rows.
 * @param {string} path
 * @returns {Promise<number>}
 */
export function countSheetRows(path) {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(openError);
      let found = false;
      zip.on('error', reject);
      zip.on('end', () => {
        if (!found) reject(new Error(`${path}: no worksheet`));
      });
      zip.on('entry', (entry) => {
        if (found || !/^xl\/worksheets\/[^/]+\.xml$/.test(entry.fileName)) {
          zip.readEntry();
          return;
        }
        found = true;
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          let rows = 0;
          let tail = '';
          stream.setEncoding('latin1');
          stream.on('data', (/** @type {string} */ chunk) => {
            const text = tail + chunk;
            const matches = text.match(/<row[\s>/]/g);
            rows += matches ? matches.length : 0;
            // Keep the last few characters: a tag may straddle two chunks. "<row" plus one
            // more character cannot be counted twice because a match needs all five.
            tail = text.slice(-4);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            zip.close();
            resolve(rows);
          });
        });
      });
      zip.readEntry();
    });
  });
}

/**
 * Counts the records of a CSV file (header included): line feeds outside quoted fields. Enough
 * to check that a merge to CSV kept the expected number of rows, line breaks in text included.
 * @param {string} path
 * @returns {Promise<number>}
 */
export async function countCsvRecords(path) {
  let records = 0;
  let quoted = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = /** @type {Buffer} */ (chunk);
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 34) quoted = !quoted;
      else if (byte === 10 && !quoted) records++;
    }
  }
  return records;
}

/**
 * Compares two CSV outputs record by record, field by field. A number that differs only in
 * its 15th significant digit or past it (LibreOffice keeps 15 when it converts a workbook, so
 * `0.8` stands where the source had `0.7999999999999999`) is counted, not a difference.
 * @param {string} expectedPath
 * @param {string} actualPath
 * @returns {Promise<{ same: boolean, rounded: number, difference?: string }>}
 */
export async function compareCsvRows(expectedPath, actualPath) {
  const expected = parseCsv(await readFile(expectedPath, 'utf8'));
  const actual = parseCsv(await readFile(actualPath, 'utf8'));
  let rounded = 0;
  const records = Math.max(expected.length, actual.length);
  for (let record = 0; record < records; record++) {
    const want = expected[record] ?? [];
    const got = actual[record] ?? [];
    const fields = Math.max(want.length, got.length);
    for (let field = 0; field < fields; field++) {
      const a = want[field];
      const b = got[field];
      if (a === b) continue;
      if (a !== undefined && b !== undefined && sameTo15Digits(a, b)) {
        rounded++;
        continue;
      }
      return {
        same: false,
        rounded,
        difference: `record ${record + 1}, field ${field + 1}: expected ${JSON.stringify(a)}, found ${JSON.stringify(b)}`,
      };
    }
  }
  return { same: true, rounded };
}

/** @param {string} a @param {string} b */
function sameTo15Digits(a, b) {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() === '' || b.trim() === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
    return false;
  }
  if (Number(x.toPrecision(15)) === Number(y.toPrecision(15))) return true;
  // LibreOffice rounds the decimal digits it sees (51.33757358416915 to 51.3375735841692),
  // where toPrecision rounds the binary value (to 51.3375735841691): one unit of the 15th
  // digit apart.
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 14);
  return x !== 0 && Math.abs(x - y) <= unit * (1 + 1e-9);
}

/**
 * The records of CSV text as written by xlmerge (RFC 4180: `"` quotes, `""` inside quotes).
 * @param {string} text
 * @returns {string[][]}
 */
function parseCsv(text) {
  /** @type {string[][]} */
  const records = [];
  /** @type {string[]} */
  let record = [];
  let field = '';
  let quoted = false;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += text.slice(start, i + 1);
          i++;
          start = i + 1;
        } else {
          field += text.slice(start, i);
          quoted = false;
          start = i + 1;
        }
      }
      continue;
    }
    if (char === '"') {
      field += text.slice(start, i);
      quoted = true;
      start = i + 1;
    } else if (char === ',' || char === '\n') {
      const end = char === '\n' && text[i - 1] === '\r' ? i - 1 : i;
      record.push(field + text.slice(start, end));
      field = '';
      start = i + 1;
      if (char === '\n') {
        records.push(record);
        record = [];
      }
    }
  }
  if (start < text.length || record.length > 0) {
    record.push(field + text.slice(start));
    records.push(record);
  }
  return records;
}
