#!/usr/bin/env node
// @ts-check
/**
 * The baseline xlmerge is measured against: what one would write with exceljs 4.4.0 alone.
 * Single thread; exceljs's streaming reader over the workbooks in path order; keep the first
 * row of each (id, email) key across files, with typed keys like xlmerge (the number 5 and the
 * text "5" differ); columns are the union of the headers in order of first appearance; written
 * with exceljs's streaming writer.
 *
 * Usage: node bench/baseline-exceljs.js <dir> -o <file> [--dedupe id,email]
 * Prints a JSON summary on stdout.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    output: { type: 'string', short: 'o' },
    dedupe: { type: 'string', default: 'id,email' },
  },
});
const inputDir = positionals[0];
if (inputDir === undefined || values.output === undefined) {
  throw new Error('Usage: node bench/baseline-exceljs.js <dir> -o <file> [--dedupe id,email]');
}
const keyNames = (values.dedupe ?? 'id,email').split(',');

/**
 * A typed part of a key: the type tag keeps 5 and "5" apart; rich text counts as its text.
 * @param {unknown} value a cell value as exceljs reads it
 */
function keyPart(value) {
  if (value === null || value === undefined) return 'e:';
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value === 'string') return `s:${value}`;
  if (typeof value === 'boolean') return `b:${value}`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (typeof value === 'object') {
    const object = /** @type {Record<string, unknown>} */ (value);
    if (Array.isArray(object.richText)) {
      return `s:${object.richText.map((run) => run.text).join('')}`;
    }
    if ('result' in object) return keyPart(object.result);
    if ('error' in object) return `x:${object.error}`;
    if ('text' in object) return `s:${object.text}`;
  }
  return `?:${String(value)}`;
}

const files = (await readdir(inputDir))
  .filter((name) => name.toLowerCase().endsWith('.xlsx') && !name.startsWith('~$'))
  .sort()
  .map((name) => join(inputDir, name));

const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
  filename: values.output,
  useSharedStrings: false,
  useStyles: true,
});
const sheet = writer.addWorksheet('Merged');

/** @type {Map<string, number>} header → output column (0-based) */
const outputColumns = new Map();
/**
 * Kept rows wait here until every header is known, because the header row is written first.
 * @type {unknown[][]}
 */
const keptRows = [];
/** @type {Set<string>} */
const seen = new Set();
let rowsRead = 0;
let duplicates = 0;

for (const file of files) {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const worksheet of reader) {
    /** @type {number[]} input column (1-based) → output column */
    let columnMap = [];
    /** @type {number[]} input columns of the key */
    let keyColumns = [];
    for await (const row of /** @type {AsyncIterable<any>} */ (worksheet)) {
      const cells = /** @type {unknown[]} */ (row.values);
      if (row.number === 1) {
        columnMap = [];
        for (let column = 1; column < cells.length; column++) {
          const title = cells[column];
          if (title === undefined || title === null) continue;
          const name = keyPart(title).slice(2);
          let target = outputColumns.get(name);
          if (target === undefined) {
            target = outputColumns.size;
            outputColumns.set(name, target);
          }
          columnMap[column] = target;
        }
        keyColumns = keyNames.map((name) => {
          const target = outputColumns.get(name);
          const column = target === undefined ? -1 : columnMap.indexOf(target);
          if (column < 0) throw new Error(`${file}: no column "${name}"`);
          return column;
        });
        continue;
      }
      rowsRead++;
      const key = keyColumns.map((column) => keyPart(cells[column])).join('\u0000');
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      /** @type {unknown[]} */
      const out = [];
      for (let column = 1; column < cells.length; column++) {
        const target = columnMap[column];
        if (target !== undefined && cells[column] !== undefined) out[target] = cells[column];
      }
      keptRows.push(out);
    }
  }
}

sheet.addRow([...outputColumns.keys()]).commit();
for (const out of keptRows) sheet.addRow(out).commit();
await sheet.commit();
await writer.commit();

console.log(
  JSON.stringify({ files: files.length, rowsRead, rowsKept: keptRows.length, duplicates }),
);
