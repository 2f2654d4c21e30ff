// @ts-check
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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
