#!/usr/bin/env node
// @ts-check
/**
 * Micro-benchmark of the reader's hot path: `npm run build && node bench/micro/sheet-scanner.js`.
 * Feeds generated sheet XML to the SheetScanner in 64 KiB pieces and prints the time per row
 * and per cell (for the cells its fast path reads and for those it leaves to the general lexer),
 * then checks that a huge single cell and a very wide row stay linear.
 */
import { SharedStringsScanner } from '../../dist/xlsx/read/shared-strings-scanner.js';
import { SheetScanner } from '../../dist/xlsx/read/sheet-scanner.js';

const PIECE = 64 * 1024;
const ROWS = 25_000;
const ROUNDS = 15;

/** A row the way Excel writes it: 12 columns of numbers, shared strings, dates, booleans, formulas. */
function typicalRow(/** @type {number} */ r) {
  return (
    `<row r="${r}" spans="1:12" x14ac:dyDescent="0.25">` +
    `<c r="A${r}" s="3"><v>${r * 7}</v></c>` +
    `<c r="B${r}" t="s"><v>${r % 500}</v></c>` +
    `<c r="C${r}" t="s"><v>${(r * 13) % 500}</v></c>` +
    `<c r="D${r}" s="1"><v>${45000 + (r % 365)}</v></c>` +
    `<c r="E${r}" s="4"><v>${(r * 1.37).toFixed(2)}</v></c>` +
    `<c r="F${r}" t="b"><v>${r % 2}</v></c>` +
    `<c r="G${r}"><v>0.${r}1234567</v></c>` +
    `<c r="H${r}" t="s"><v>${r % 7}</v></c>` +
    `<c r="I${r}" t="str"><f>B${r}&amp;C${r}</f><v>item ${r}</v></c>` +
    `<c r="J${r}"><f>A${r}*2</f><v>${r * 14}</v></c>` +
    `<c r="K${r}" s="2"><v>${(r % 1440) / 1440}</v></c>` +
    `<c r="L${r}" t="s"><v>${(r * 31) % 500}</v></c>` +
    '</row>'
  );
}

function sheetXml(/** @type {string[]} */ rows) {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">' +
    '<dimension ref="A1:L25001"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>' +
    `<sheetFormatPr defaultRowHeight="15"/><sheetData>${rows.join('')}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  );
}

function split(/** @type {string} */ xml, /** @type {number} */ size) {
  const pieces = [];
  // Buffer round trip: flat strings, like the StringDecoder hands out.
  for (let i = 0; i < xml.length; i += size) {
    pieces.push(Buffer.from(xml.slice(i, i + size)).toString());
  }
  return pieces;
}

/** @param {number} maxElementChars */
function context(maxElementChars = 256 * 1024 ** 2) {
  return {
    sharedStrings: Array.from({ length: 500 }, (_, i) => `string ${i}`),
    dateStyles: Uint8Array.from([0, 1, 2, 0, 0]),
    date1904: false,
    maxElementChars,
    file: 'bench.xlsx',
    sheet: 'Sheet1',
    part: 'xl/worksheets/sheet1.xml',
  };
}

/** @param {string[]} pieces */
function scanSheet(pieces, maxElementChars = 256 * 1024 ** 2) {
  const scanner = new SheetScanner(context(maxElementChars));
  let rows = 0;
  let cells = 0;
  for (const piece of pieces) {
    for (const row of scanner.push(piece)) {
      rows++;
      cells += row.cells.length;
    }
  }
  for (const row of scanner.end()) {
    rows++;
    cells += row.cells.length;
  }
  return { rows, cells };
}

/**
 * The fastest of several runs, in milliseconds of CPU time used by this process: other work on
 * the machine (tests, builds) then disturbs the numbers much less than wall time would.
 * @param {() => unknown} run
 */
function best(run, rounds = ROUNDS) {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    fastest = Math.min(fastest, (used.user + used.system) / 1000);
  }
  return fastest;
}

const typical = split(sheetXml(Array.from({ length: ROWS }, (_, i) => typicalRow(i + 2))), PIECE);
const result = scanSheet(typical);
const typicalMs = best(() => scanSheet(typical));
console.log(
  `typical sheet: ${result.rows} rows, ${result.cells} cells in ${typicalMs.toFixed(1)} ms ` +
    `(${((typicalMs * 1e6) / result.cells).toFixed(0)} ns/cell, ` +
    `${((typicalMs * 25_000) / result.rows).toFixed(1)} ms per 25,000 rows)`,
);

// The same kind of data with inline strings, the way xlmerge's own writer writes text.
const inlineRow = (/** @type {number} */ r) =>
  `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>customer ${r % 500}</t></is></c>` +
  `<c r="B${r}" t="inlineStr"><is><t xml:space="preserve"> ${r} &amp; co </t></is></c>` +
  `<c r="C${r}" s="1"><v>${45000 + (r % 365)}</v></c><c r="D${r}"><v>${(r * 1.37).toFixed(2)}</v></c></row>`;
const inline = split(sheetXml(Array.from({ length: ROWS }, (_, i) => inlineRow(i + 2))), PIECE);
const inlineResult = scanSheet(inline);
const inlineMs = best(() => scanSheet(inline));
console.log(
  `inline strings: ${inlineResult.rows} rows, ${inlineResult.cells} cells in ${inlineMs.toFixed(1)} ms ` +
    `(${((inlineMs * 1e6) / inlineResult.cells).toFixed(0)} ns/cell)`,
);

// Cells the fast path leaves to the general lexer (rich text, comments): its speed still counts.
const unusualRow = (/** @type {number} */ r) =>
  `<row r="${r}"><c r="A${r}" t="inlineStr"><is><r><rPr><b/></rPr><t>rich ${r}</t></r></is></c>` +
  `<!-- note --><c r="B${r}"><v><![CDATA[${r}]]></v></c><c r="C${r}" t="str"><v>a&amp;b</v></c></row>`;
const unusual = split(sheetXml(Array.from({ length: ROWS }, (_, i) => unusualRow(i + 2))), PIECE);
const unusualResult = scanSheet(unusual);
const unusualMs = best(() => scanSheet(unusual), 5);
console.log(
  `unusual cells (general path): ${unusualResult.cells} cells in ${unusualMs.toFixed(1)} ms ` +
    `(${((unusualMs * 1e6) / unusualResult.cells).toFixed(0)} ns/cell)`,
);

// A 50 MB cell in 64 KiB pieces: a quadratic carry-over would take minutes here.
const big = 'x'.repeat(50 * 1024 * 1024);
const bigPieces = split(
  sheetXml([`<row r="1"><c r="A1" t="inlineStr"><is><t>${big}</t></is></c></row>`]),
  PIECE,
);
const bigMs = best(() => scanSheet(bigPieces), 3);
console.log(`one 50 MB inline-string cell in 64 KiB pieces: ${bigMs.toFixed(1)} ms`);

// One row of 16,384 columns (XFD), repeated: wide rows must not be quadratic either.
const wideRow = (/** @type {number} */ r) => {
  let xml = `<row r="${r}">`;
  for (let c = 0; c < 16_384; c++) xml += `<c t="s"><v>${c % 500}</v></c>`;
  return `${xml}</row>`;
};
const wide = split(sheetXml(Array.from({ length: 20 }, (_, i) => wideRow(i + 1))), PIECE);
const wideResult = scanSheet(wide);
const wideMs = best(() => scanSheet(wide), 5);
console.log(
  `wide sheet: ${wideResult.rows} rows × 16,384 columns in ${wideMs.toFixed(1)} ms ` +
    `(${((wideMs * 1e6) / wideResult.cells).toFixed(0)} ns/cell)`,
);

// The shared strings of a typical workbook: 100,000 strings, some rich text.
let sst =
  '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
for (let i = 0; i < 100_000; i++) {
  sst +=
    i % 10 === 0
      ? `<si><r><rPr><b/><sz val="11"/></rPr><t>rich ${i}</t></r><r><t xml:space="preserve"> tail</t></r></si>`
      : `<si><t>customer name number ${i} &amp; co</t></si>`;
}
sst += '</sst>';
const sstPieces = split(sst, PIECE);
const sstMs = best(() => {
  const scanner = new SharedStringsScanner({
    maxElementChars: 1e9,
    maxStrings: 1e6,
    file: 'bench.xlsx',
    part: 'sst',
  });
  for (const piece of sstPieces) scanner.push(piece);
  return scanner.end();
});
console.log(`shared strings: 100,000 strings in ${sstMs.toFixed(1)} ms`);
