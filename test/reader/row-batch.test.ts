import { describe, expect, test } from 'vitest';
import { MAX_BATCH_CELLS } from '../../src/reader/row-batch.js';
import { SheetScanner } from '../../src/xlsx/read/sheet-scanner.js';
import { CONTEXT, sheet } from '../helpers/sheet-scan.js';

describe("RowBatch: the scanner's batches are cut by cells", () => {
  // Found by the decompression-bomb tests: 24 characters of XML make 16,384 cells, so one
  // 512 KiB chunk of such rows held gigabytes of nulls before batches were cut by cells.
  const wideRow = (n: number) => `<row r="${n}"><c r="XFD${n}"/></row>`;
  const wideRows = (count: number) =>
    sheet(Array.from({ length: count }, (_, i) => wideRow(i + 1)).join(''));

  test('a full batch leaves the rest of the text to drain()', () => {
    const scanner = new SheetScanner(CONTEXT);
    const sizes = [scanner.push(wideRows(150)).length];
    for (let rows = scanner.drain(); rows.length > 0; rows = scanner.drain()) {
      sizes.push(rows.length);
    }
    expect(MAX_BATCH_CELLS / 16_384).toBe(64);
    expect(sizes).toEqual([64, 64, 22]);
    expect(scanner.end()).toEqual([]);
  });

  test('the rows come out the same, in order, in pieces of any size', () => {
    const scanner = new SheetScanner(CONTEXT);
    const numbers: number[] = [];
    const xml = wideRows(150);
    for (let at = 0; at < xml.length; at += 1000) {
      for (let rows = scanner.push(xml.slice(at, at + 1000)); rows.length > 0; ) {
        numbers.push(...rows.map((row) => row.number));
        expect(rows.length).toBeLessThanOrEqual(64);
        rows = scanner.drain();
      }
    }
    numbers.push(...scanner.end().map((row) => row.number));
    expect(numbers).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });

  test('end() returns whatever a caller left undrained, in one batch', () => {
    const scanner = new SheetScanner(CONTEXT);
    expect(scanner.push(wideRows(100)).length).toBe(64);
    const last = scanner.end();
    expect(last.map((row) => row.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 65));
    expect(last[0]?.cells.length).toBe(16_384);
  });

  test('the general path cuts batches too', () => {
    // Comments between the cells keep the fast path out.
    const rows = Array.from(
      { length: 70 },
      (_, i) => `<row r="${i + 1}"><!-- --><c r="XFD${i + 1}"><v>1</v></c></row>`,
    );
    const scanner = new SheetScanner(CONTEXT);
    expect(scanner.push(sheet(rows.join(''))).length).toBe(64);
    expect(scanner.drain().length).toBe(6);
    expect(scanner.drain()).toEqual([]);
  });

  test('a drain() with no full batch before it returns no rows', () => {
    const scanner = new SheetScanner(CONTEXT);
    expect(scanner.drain()).toEqual([]);
    expect(scanner.push(sheet('<row r="1"><c><v>1</v></c></row>'))).toEqual([
      { number: 1, cells: [1] },
    ]);
    expect(scanner.drain()).toEqual([]);
  });
});

describe('RowBatch: rows carry their cells’ output styles when asked', () => {
  // Style 0 → none, 1 (a date style) → 7, 2 → none, 3 → 9, 4 → 12; style 5 is past the table.
  const outputStyles = Uint32Array.from([0, 7, 0, 9, 12]);
  const xml = sheet(
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>5</v></c></row>' +
      // Plain cells, which the fast path reads.
      '<row r="2"><c r="A2" s="4"><v>123</v></c><c r="B2" s="1"><v>45000</v></c><c r="D2" s="5"><v>1</v></c></row>' +
      // An inline string and a formula, which the general path reads; an empty styled cell.
      '<row r="3"><c r="A3" s="3" t="inlineStr"><is><t>x</t></is></c><c r="B3" s="9"/><c r="C3" s="4"><f>1+1</f><v>2</v></c></row>' +
      // No styled cell: no array.
      '<row r="4"><c r="A4"><v>1</v></c><c r="B4" s="2" t="b"><v>1</v></c></row>',
  );
  const expected = [
    { number: 1, cells: ['zero', 5], styles: [0, 9] },
    { number: 2, cells: [123, { kind: 'date', serial: 45000 }, null, 1], styles: [12, 7] },
    { number: 3, cells: ['x', null, 2], styles: [9, 0, 12] },
    { number: 4, cells: [1, true], styles: null },
  ];

  test('by the fast path and the general path alike, in pieces of any size', () => {
    for (const size of [xml.length, 97, 13, 1]) {
      const scanner = new SheetScanner({ ...CONTEXT, outputStyles });
      const rows = [];
      for (let at = 0; at < xml.length; at += size)
        rows.push(...scanner.push(xml.slice(at, at + size)));
      rows.push(...scanner.end());
      expect(rows).toEqual(expected);
    }
  });

  test('and carry nothing when not asked', () => {
    const rows = new SheetScanner(CONTEXT).push(xml);
    expect(rows.map((row) => row.cells)).toEqual(expected.map((row) => row.cells));
    expect(rows.filter((row) => 'styles' in row)).toEqual([]);
  });
});
