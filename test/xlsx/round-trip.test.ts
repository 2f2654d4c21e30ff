/**
 * Property: any table of typed values written by xlmerge's writer reads back through xlmerge's
 * reader as exactly the same values (text character for character, numbers bit for bit).
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { openWorkbook } from '../../src/xlsx/read/open-workbook.js';
import { createWorkbookWriter } from '../../src/xlsx/write/workbook-writer.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ERRORS = ['#NULL!', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#N/A'];

const cell: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constant(null),
  // Any UTF-16 text, lone surrogates and control characters included.
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc
    .double({ min: 0, max: 2_958_465, noNaN: true })
    .map((serial) => ({ kind: 'date' as const, serial })),
  fc.integer({ min: 0, max: 2_958_465 }).map((serial) => ({ kind: 'date' as const, serial })),
  fc
    .double({ min: 0, max: 10_000, noNaN: true })
    .map((serial) => ({ kind: 'date' as const, serial, elapsed: true })),
  fc.constantFrom(...ERRORS).map((code) => ({ kind: 'error' as const, code })),
);

const table = fc.array(fc.array(cell, { maxLength: 12 }), { minLength: 1, maxLength: 30 });

/** What a written value reads back as: "" is no cell, -0 is 0. */
function expected(value: CellValue): CellValue {
  if (value === '') return null;
  if (typeof value === 'number' && Object.is(value, -0)) return 0;
  return value;
}

function trim(cells: CellValue[]): CellValue[] {
  const copy = [...cells];
  while (copy.length > 0 && copy.at(-1) === null) copy.pop();
  return copy;
}

describe('writer → reader round trip', () => {
  it('gives back every value exactly', async () => {
    const dir = await makeTempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(table, async (rows) => {
        run += 1;
        const file = path.join(dir, `t${run}.xlsx`);
        const writer = createWorkbookWriter({ path: file });
        const sheet = writer.addSheet('Data');
        for (const row of rows) sheet.writeRow(row);
        const width = Math.max(1, ...rows.map((row) => row.length));
        await sheet.end({ columns: Array.from({ length: width }, (_, i) => `c${i}`) });
        await writer.commit();

        const reader = await openWorkbook(file);
        const read = new Map<number, CellValue[]>();
        try {
          for await (const batch of reader.readRows(reader.sheets[0] as never)) {
            for (const row of batch) read.set(row.number, trim(row.cells));
          }
        } finally {
          await reader.close();
        }
        rows.forEach((row, i) => {
          expect(read.get(i + 2) ?? []).toEqual(trim(row.map(expected)));
        });
      }),
      { numRuns: 60, seed: 20261126 },
    );
  });
});
