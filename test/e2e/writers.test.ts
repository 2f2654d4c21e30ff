/**
 * Workbooks written by other programs (openpyxl, XlsxWriter, LibreOffice, gnumeric, pandas)
 * go through the whole merge and come out with every value intact: the merged output, read
 * back, holds exactly the cells each writer was given (fixtures/writers/*.expected.json).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { merge } from '../../dist/index.js';
import { type CellValue, isEmptyCell } from '../../src/core/cell.js';
import { openWorkbook } from '../../src/xlsx/read/open-workbook.js';
import { expectedRows, loadWriterFixtures, trimRow } from '../fixtures/writer-fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Cells of the first sheet, as the merge should lay them out: header, then data rows. */
function expectedOutput(rows: Map<number, CellValue[]>): CellValue[][] {
  const nonBlank = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, cells]) => cells)
    .filter((cells) => !cells.every(isEmptyCell));
  const used = new Set<number>();
  for (const cells of nonBlank) {
    cells.forEach((cell, i) => {
      if (!isEmptyCell(cell)) used.add(i);
    });
  }
  const columns = [...used].sort((a, b) => a - b);
  return nonBlank.slice(1).map((cells) => trimRow(columns.map((i) => cells[i] ?? null)));
}

async function readOutput(file: string): Promise<CellValue[][]> {
  const reader = await openWorkbook(file);
  const rows: CellValue[][] = [];
  try {
    const sheet = reader.sheets[0];
    if (sheet === undefined) throw new Error('no sheet');
    for await (const batch of reader.readRows(sheet)) {
      for (const row of batch)
        rows.push(trimRow(row.cells.map((cell) => (cell === '' ? null : cell))));
    }
  } finally {
    await reader.close();
  }
  return rows.slice(1);
}

describe('workbooks from other writers, merged', async () => {
  const fixtures = await loadWriterFixtures();

  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
    '%s',
    async (_name, fixture) => {
      const dir = await makeTempDir();
      const output = path.join(dir, 'out.xlsx');
      const first = fixture.expected.sheets[0];
      if (first === undefined) throw new Error('fixture without sheets');
      await merge({ inputs: [fixture.path], output, jobs: 1 });
      expect(await readOutput(output)).toEqual(expectedOutput(expectedRows(first)));
    },
  );
});
