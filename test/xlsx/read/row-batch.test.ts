import { describe, expect, test } from 'vitest';
import { MAX_BATCH_CELLS } from '../../../src/xlsx/read/row-batch.js';
import { SheetScanner } from '../../../src/xlsx/read/sheet-scanner.js';
import { CONTEXT, sheet } from '../../helpers/sheet-scan.js';

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
