/**
 * Number formats kept (issue 15), on the workbooks of fixtures/formats written by openpyxl,
 * LibreOffice and gnumeric: each data cell of the merged workbook has its source cell's format
 * (read from both packages' XML by a reader of this test's own), and, where LibreOffice is
 * installed, shows the very text its source showed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspect, merge } from '../../dist/index.js';
import { lettersOfColumn } from '../../src/core/column-letters.js';
import { MAX_KEPT_FORMATS } from '../../src/render/cell-styles.js';
import { loadFormatFixtures, recordedCells } from '../fixtures/format-fixtures.js';
import { displayedTexts, NO_SOFFICE, sofficePath } from '../helpers/displayed-text.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { stylesXml, worksheetXml, writeWorkbookParts } from '../helpers/xlsx-builder.js';
import { readPart } from '../xlsx/write/read-back.js';

const fixtures = await loadFormatFixtures();

/** A cell's number format as the package says: a custom code, a built-in id, or General. */
type SeenFormat = { code: string } | { builtIn: number } | 'General';

/** Each cell's number format, by reference, read from the sheet's `s`, cellXfs and numFmts. */
async function formatsOf(file: string, sheetPart: string): Promise<Map<string, SeenFormat>> {
  const styles = await readPart(file, 'xl/styles.xml');
  const codes = new Map<number, string>();
  const numFmts = /<numFmts[^>]*>(.*?)<\/numFmts>/s.exec(styles)?.[1] ?? '';
  for (const match of numFmts.matchAll(/<numFmt ([^>]*?)\/?>/g)) {
    const attributes = match[1] ?? '';
    const id = Number(/numFmtId="(\d+)"/.exec(attributes)?.[1]);
    const code = /formatCode="([^"]*)"/.exec(attributes)?.[1] ?? '';
    codes.set(id, decodeAttribute(code));
  }
  const cellXfs = /<cellXfs[^>]*>(.*?)<\/cellXfs>/s.exec(styles)?.[1] ?? '';
  const xfFormats = [...cellXfs.matchAll(/<xf\b([^>]*?)\/?>/g)].map((match) =>
    Number(/numFmtId="(\d+)"/.exec(match[1] ?? '')?.[1] ?? 0),
  );
  const sheet = await readPart(file, sheetPart);
  const formats = new Map<string, SeenFormat>();
  for (const match of sheet.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)\/?>/g)) {
    const style = Number(/\bs="(\d+)"/.exec(match[2] ?? '')?.[1] ?? 0);
    const id = xfFormats[style] ?? 0;
    const code = codes.get(id);
    let format: SeenFormat;
    if (code !== undefined) format = code.toLowerCase() === 'general' ? 'General' : { code };
    else format = id === 0 ? 'General' : { builtIn: id };
    formats.set(match[1] ?? '', format);
  }
  return formats;
}

function decodeAttribute(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** The data rows' cells of a fixture's record, by reference (the header row is not a format's). */
function recordedData(name: string) {
  const fixture = fixtures.find((each) => each.name === name);
  if (fixture === undefined) throw new Error(`no fixture ${name}`);
  return recordedCells(fixture.expected).filter((cell) => !/^[A-Z]+1$/.test(cell.ref));
}

async function mergeOne(file: string, formats: 'keep' | 'plain'): Promise<string> {
  const output = path.join(await makeTempDir(), `merged-${formats}.xlsx`);
  await merge({ inputs: [file], output, formats, jobs: 1 });
  return output;
}

describe('formats keep', () => {
  it('has fixtures from three writers, in both date systems', () => {
    expect(fixtures.map((fixture) => fixture.name)).toEqual([
      'gnumeric-1904.xlsx',
      'gnumeric.xlsx',
      'libreoffice-1904.xlsx',
      'libreoffice.xlsx',
      'openpyxl-1904.xlsx',
      'openpyxl.xlsx',
    ]);
  });

  for (const fixture of fixtures) {
    it(`gives each data cell of ${fixture.name} its source's number format`, async () => {
      const output = await mergeOne(fixture.path, 'keep');
      const source = await formatsOf(fixture.path, 'xl/worksheets/sheet1.xml');
      const merged = await formatsOf(output, 'xl/worksheets/sheet1.xml');
      const cells = recordedData(fixture.name).filter((cell) => cell.value !== null);
      expect(cells.length).toBeGreaterThan(15);
      for (const cell of cells) {
        expect([cell.ref, merged.get(cell.ref)]).toEqual([cell.ref, source.get(cell.ref)]);
      }
      // Not a format in sight when they are not kept.
      const plain = await formatsOf(
        await mergeOne(fixture.path, 'plain'),
        'xl/worksheets/sheet1.xml',
      );
      const customs = [...plain.values()].filter((format) => typeof format === 'object');
      for (const format of customs) {
        expect(['yyyy-mm-dd', 'yyyy-mm-dd hh:mm:ss', 'hh:mm:ss', '[h]:mm:ss']).toContain(
          'code' in format ? format.code : '',
        );
      }
    });
  }

  it('writes each distinct format once, the same bytes whatever the number of workers', async () => {
    const dir = await makeTempDir();
    const outputs = [];
    for (const jobs of [1, 2]) {
      const output = path.join(dir, `all-${jobs}.xlsx`);
      await merge({
        inputs: fixtures.map((fixture) => fixture.path),
        output,
        jobs,
        formats: 'keep',
      });
      outputs.push(await fs.readFile(output));
    }
    expect(outputs[0]?.equals(outputs[1] as Buffer)).toBe(true);
    const styles = await readPart(path.join(dir, 'all-1.xlsx'), 'xl/styles.xml');
    const codes = [...styles.matchAll(/formatCode="([^"]*)"/g)].map((match) => match[1]);
    expect(new Set(codes).size).toBe(codes.length);
    const xfs = [
      ...styles.matchAll(/<xf numFmtId="(\d+)" fontId="0" fillId="0" borderId="0" xfId="0"/g),
    ];
    expect(new Set(xfs.map((match) => match[1])).size).toBe(xfs.length);
  });

  it('compares keys as values: 123 shown 00123 and 123 shown 123 are one key', async () => {
    const output = path.join(await makeTempDir(), 'deduped.xlsx');
    const summary = await merge({
      inputs: [fixtures.find((fixture) => fixture.name === 'openpyxl.xlsx')?.path ?? ''],
      output,
      dedupe: ['id'],
      formats: 'keep',
    });
    const ids = recordedData('openpyxl.xlsx').filter((cell) => cell.ref.startsWith('A'));
    expect(ids.map((cell) => [cell.value, cell.shown])).toEqual([
      [123, '00123'],
      [7, '7'],
      [123, '123'],
      [45, '45'],
      [45.4, '45'],
      [8, '8.00'],
    ]);
    // The second 123 goes; 45 and 45.4 show alike but are two values.
    expect([summary.rowsRead, summary.duplicates, summary.rowsKept]).toEqual([6, 1, 5]);
  });

  it.skipIf(sofficePath() === null)(
    `shows every data cell's text as its source shows it (${NO_SOFFICE})`,
    async () => {
      const outputs = await Promise.all(fixtures.map((fixture) => mergeOne(fixture.path, 'keep')));
      const shown = await displayedTexts(outputs);
      fixtures.forEach((fixture, index) => {
        const rows = shown[index] ?? [];
        for (const cell of recordedData(fixture.name)) {
          const column = cell.ref.charCodeAt(0) - 65;
          const row = Number(cell.ref.slice(1)) - 1;
          expect([fixture.name, cell.ref, rows[row]?.[column] ?? '']).toEqual([
            fixture.name,
            cell.ref,
            cell.shown,
          ]);
        }
      });
    },
    120_000,
  );
});

describe('formats keep past the cap', () => {
  it('keeps 196 custom formats; the cells of the others are written plain, and counted', async () => {
    const dir = await makeTempDir();
    const file = path.join(dir, 'many-formats.xlsx');
    const count = MAX_KEPT_FORMATS + 4;
    // One column per format: a header, then one number and one date in each.
    const cells = (row: number, value: (column: number) => string) =>
      Array.from({ length: count }, (_, column) => {
        const ref = `${lettersOfColumn(column)}${row}`;
        return `<c r="${ref}" s="${row === 1 ? 0 : column + 1}"${value(column)}</c>`;
      }).join('');
    await writeWorkbookParts(file, {
      sheets: [
        {
          name: 'Data',
          xml: worksheetXml(
            `<row r="1">${cells(1, (column) => ` t="inlineStr"><is><t>c${column}</t></is>`)}</row>` +
              `<row r="2">${cells(2, (column) => `><v>${column}.5</v>`)}</row>`,
          ),
        },
      ],
      styles: stylesXml({
        numFmts: Array.from({ length: count }, (_, index) => ({
          id: 164 + index,
          code: `0.${'0'.repeat(index)}" u${index}"`,
        })),
        cellFormatIds: [0, ...Array.from({ length: count }, (_, index) => 164 + index)],
      }),
    });
    const output = path.join(dir, 'out.xlsx');
    const summary = await merge({ inputs: [file], output, formats: 'keep' });
    expect(summary.numberFormats).toEqual({
      kept: MAX_KEPT_FORMATS,
      refused: 4,
      cellsWithoutFormat: 4,
    });
    expect(summary.files[0]?.cellsWithoutFormat).toBe(4);
    const merged = await formatsOf(output, 'xl/worksheets/sheet1.xml');
    const last = lettersOfColumn(count - 1);
    expect(merged.get('A2')).toEqual({ code: '0." u0"' });
    expect(merged.get(`${lettersOfColumn(MAX_KEPT_FORMATS - 1)}2`)).toEqual({
      code: `0.${'0'.repeat(MAX_KEPT_FORMATS - 1)}" u${MAX_KEPT_FORMATS - 1}"`,
    });
    expect(merged.get(`${last}2`)).toBe('General');
    // And plain: no format kept, nothing to count.
    const plain = await merge({ inputs: [file], output, formats: 'plain', force: true });
    expect(plain.numberFormats).toBeNull();
    expect(plain.files[0]?.cellsWithoutFormat).toBe(0);
  });
});

describe('inspect', () => {
  it('counts the distinct number formats of each file’s data, General aside', async () => {
    const report = await inspect({ inputs: fixtures.map((fixture) => fixture.path) });
    expect(report.files.map((file) => [file.file.split('/').pop(), file.numberFormats])).toEqual([
      ['gnumeric-1904.xlsx', 5],
      ['gnumeric.xlsx', 25],
      ['libreoffice-1904.xlsx', 5],
      ['libreoffice.xlsx', 25],
      ['openpyxl-1904.xlsx', 5],
      ['openpyxl.xlsx', 25],
    ]);
    // As many as the record's data cells show, told apart by id or code.
    const openpyxl = recordedData('openpyxl.xlsx').filter(
      (cell) => cell.value !== null && cell.format !== 'General',
    );
    expect(new Set(openpyxl.map((cell) => cell.format)).size).toBe(25);
  });
});

describe('the duplicates report', () => {
  it('gives each dropped row’s cells their source formats, as the merged workbook does', async () => {
    const dir = await makeTempDir();
    const source = fixtures.find((fixture) => fixture.name === 'openpyxl.xlsx')?.path ?? '';
    const output = path.join(dir, 'merged.xlsx');
    const report = path.join(dir, 'dups.xlsx');
    const summary = await merge({
      inputs: [source],
      output,
      dedupe: ['id'],
      duplicatesReport: report,
      sourceColumn: true,
    });
    expect(summary.duplicates).toBe(1);
    // The dropped row is source row 4 (the second 123); in the report it is row 2, its cells
    // after the seven provenance columns (and the Source column's place, which it skips).
    const sourceFormats = await formatsOf(source, 'xl/worksheets/sheet1.xml');
    const reportFormats = await formatsOf(report, 'xl/worksheets/sheet1.xml');
    const dropped = recordedData('openpyxl.xlsx').filter(
      (cell) => /^[A-Z]+4$/.test(cell.ref) && cell.value !== null,
    );
    expect(dropped.length).toBeGreaterThan(15);
    for (const cell of dropped) {
      const column = cell.ref.charCodeAt(0) - 65;
      const at = `${lettersOfColumn(7 + column)}2`;
      expect([cell.ref, reportFormats.get(at)]).toEqual([cell.ref, sourceFormats.get(cell.ref)]);
    }
    // The report's styles part is the merged workbook's, so the same ids mean the same formats.
    expect(await readPart(report, 'xl/styles.xml')).toBe(await readPart(output, 'xl/styles.xml'));
  });
});

describe('formats keep on the other writers’ fixtures', () => {
  const WRITERS = fileURLToPath(new URL('../../fixtures/writers/', import.meta.url));
  /** How many cells below row 1 have each format, by its key. */
  function census(formats: Map<string, SeenFormat>): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [ref, format] of formats) {
      if (/^[A-Z]+1$/.test(ref)) continue;
      const key = typeof format === 'string' ? format : JSON.stringify(format);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  for (const name of [
    'gnumeric.xlsx',
    'libreoffice-formulas.xlsx',
    'openpyxl-1904.xlsx',
    'openpyxl-richtext-formulas.xlsx',
    'pandas.xlsx',
    'xlsxwriter-constant-memory.xlsx',
    'xlsxwriter.xlsx',
  ]) {
    it(`keeps every data cell's format of ${name}`, async () => {
      const file = path.join(WRITERS, name);
      const output = await mergeOne(file, 'keep');
      const source = census(await formatsOf(file, 'xl/worksheets/sheet1.xml'));
      const merged = census(await formatsOf(output, 'xl/worksheets/sheet1.xml'));
      expect(merged).toEqual(source);
    });
  }
});
