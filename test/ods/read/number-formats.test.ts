/**
 * The number formats of the .ods reader (readFormatIds and each cell's style) against
 * LibreOffice's own: formats/openpyxl.xlsx converted to .ods gives every cell the format code
 * LibreOffice writes for it when it converts the same file to .xlsx (formats/libreoffice.xlsx),
 * except where the .ods does not say what Excel needs.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkbookReader } from '../../../src/reader/workbook-reader.js';
import { openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { FIXTURES, openFile, readRowsOf } from './ods-fixtures.js';

/** Each cell's format code (`General` for id 0), by row, then column. */
async function formatCodes(reader: WorkbookReader): Promise<Map<number, string[]>> {
  const found = await reader.readFormatIds();
  if (found === null) throw new Error('no formats');
  const codes = new Map(found.codes);
  const identity = new Uint32Array(found.ids.length).map((_, index) => index);
  const byRow = new Map<number, string[]>();
  for (const row of await readRowsOf(reader, 0, identity)) {
    byRow.set(
      row.number,
      row.cells.map((_, column) => {
        const id = found.ids[row.styles?.[column] ?? 0] ?? 0;
        return id === 0 ? 'General' : (codes.get(id) ?? `built-in ${id}`);
      }),
    );
  }
  return byRow;
}

describe('.ods number formats', () => {
  it('are the codes LibreOffice writes to .xlsx for the same cells', async () => {
    const ods = await formatCodes(await openFile(path.join(FIXTURES, 'ods/formats/openpyxl.ods')));
    const xlsx = await formatCodes(
      await openWorkbook(path.join(FIXTURES, 'formats/libreoffice.xlsx')),
    );
    expect(ods.size).toBe(xlsx.size);
    for (const [number, codes] of xlsx) {
      const expected = codes.map((code, column) =>
        // F: `$#,##0.00;[Red]-$#,##0.00`, whose symbol the .ods leaves to the reader's locale
        // (an empty number:currency-symbol): General. (LibreOffice writes the symbol of the
        // locale it runs in, `\$`, in the .xlsx.)
        column === 5 && number > 1 ? 'General' : code.replace('[RED]', '[Red]'),
      );
      expect([number, ods.get(number)]).toEqual([number, expected]);
    }
    expect(ods.get(2)).toEqual([
      '00000',
      '00000',
      '000\\-000\\-0000',
      '0.0%',
      '#,##0.00\\ [$€-407]',
      'General',
      '# ?/?',
      '0.00E+00',
      '@',
      'dd\\.mm\\.yyyy',
      'mmm\\ yyyy',
      'd\\-mmm\\-yy',
      '[$-409]dddd", "mmmm\\ d", "yyyy',
      'dd\\.mm\\.yyyy\\ hh:mm',
      'h:mm\\ AM/PM',
      '[h]:mm:ss',
      '0.00',
      '#,##0',
      '0%',
      'm/d/yyyy',
      'h:mm',
      'General',
      '0.00%',
    ]);
  });
});
