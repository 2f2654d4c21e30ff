/**
 * The built CLI merges .xlsb files Excel saved: the rows of both, duplicates dropped, every
 * value typed as in the source (dates in the 1900 system, the 1904 book's moved), and the date
 * cells keep their number formats.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { openWorkbook } from '../../src/xlsx/read/open-workbook.js';
import { xlmerge } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/xlsb/', import.meta.url));

const date = (serial: number): CellValue => ({ kind: 'date', serial });
const error = (code: string): CellValue => ({ kind: 'error', code });

describe('xlmerge on .xlsb files', () => {
  it('merges test.xlsb and test_1904.xlsb with --dedupe', async () => {
    const dir = await makeTempDir();
    for (const name of ['test.xlsb', 'test_1904.xlsb']) {
      await fs.copyFile(path.join(FIXTURES, name), path.join(dir, name));
    }
    const result = await xlmerge(dir, 'test.xlsb', 'test_1904.xlsb', '--dedupe', '-o', 'out.xlsx');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const merged = await openWorkbook(path.join(dir, 'out.xlsx'));
    const rows: { number: number; cells: CellValue[] }[] = [];
    const styles: (number[] | null | undefined)[] = [];
    const formats = await merged.readFormatIds();
    for await (const batch of merged.readRows(merged.sheets[0] as never, {
      outputStyles: new Uint32Array(formats.ids.length).map((_, i) => i),
    })) {
      for (const row of batch) {
        rows.push({ number: row.number, cells: row.cells });
        styles.push(row.styles);
      }
    }
    await merged.close();
    // The header row of test.xlsb (its row 1 is the header: A, B, A, B); its rows 2–4 are
    // the same in test_1904.xlsb and dropped there; row 5 differs (18:08 against 18:06).
    expect(rows).toEqual([
      {
        number: 1,
        cells: ['A', 'B', 'A (2)', 'B (2)', 'Column E', 'Column F', 'Column G', 'Column H'],
      },
      { number: 2, cells: [1, 42.1337, -1, -42.1337, 1, 42.1337, -1, -42.1337] },
      { number: 3, cells: [true, false, true, false] },
      { number: 4, cells: [error('#DIV/0!'), error('#REF!'), error('#DIV/0!'), error('#REF!')] },
      {
        number: 5,
        cells: [
          43096, 0.7541666666666668, 43096.75555555556, 43096, 0.7541666666666668,
          43096.75555555556,
        ].map(date),
      },
      {
        number: 6,
        cells: [
          43096, 1462.7541666666666, 43096.754166666666, 43096, 1462.7541666666666,
          43096.754166666666,
        ].map(date),
      },
    ]);
    // Each date cell keeps its source's built-in format: m/d/yyyy (14), h:mm AM/PM (18),
    // m/d/yy h:mm (22).
    const idOf = (style: number): number => formats.ids[style] as number;
    expect(styles[4]?.map(idOf)).toEqual([14, 18, 22, 14, 18, 22]);
    expect(styles[5]?.map(idOf)).toEqual([14, 18, 22, 14, 18, 22]);
  });
});
