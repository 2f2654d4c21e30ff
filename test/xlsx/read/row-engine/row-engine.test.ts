/**
 * The row engine against the JavaScript path: the same file must give the same result (rows,
 * bytes, keys, widths, counts, or the same error) with the engine on and off, at every chunk
 * boundary, for workbooks from real writers, for random sheets that mix what the engine reads
 * with what it leaves to the scanner, and for damaged sheet XML. Its shared strings tables are
 * engine-strings.test.ts's, hostile workbooks read-with-engine.test.ts's.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DIR, WRITERS_DIR } from '../../../fixtures/writer-fixtures.js';
import { makeRandom, pick, type Random, randomInt } from '../../../fuzz/mutants.js';
import {
  cutter,
  engineThread,
  expectSameBothWays,
  parseWith,
} from '../../../helpers/engine-paths.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import {
  escapeXml,
  stylesXml,
  worksheetXml,
  writeWorkbookParts,
} from '../../../helpers/xlsx-builder.js';

describe('the row engine', () => {
  it('reads workbooks from real writers as the scanner does, keyed on their first column', async () => {
    const files = [
      ...readdirSync(WRITERS_DIR).map((name) => path.join(WRITERS_DIR, name)),
      ...readdirSync(DEMO_DIR).map((name) => path.join(DEMO_DIR, name)),
    ].filter((file) => file.endsWith('.xlsx'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const plain = await expectSameBothWays(file, { sheet: 'all' });
      if (!('result' in plain)) continue;
      const sheets = (plain.result as { sheets: { columns: { name: string }[] }[] }).sheets;
      const first = sheets[0]?.columns[0]?.name;
      if (first === undefined) continue;
      await expectSameBothWays(file, { dedupe: [first] });
      await expectSameBothWays(
        file,
        { dedupe: [first], sourceColumn: true },
        cutter(makeRandom(7), 13),
      );
    }
  });

  it('reads random sheets as the scanner does, at every chunk boundary', async () => {
    const dir = await makeTempDir();
    const before = engineThread.engineRows;
    for (let seed = 1; seed <= 60; seed++) {
      const random = makeRandom(seed);
      const file = path.join(dir, `random-${seed}.xlsx`);
      const { keys } = await writeRandomWorkbook(file, random, { bails: seed % 3 === 0 });
      const cut = seed % 2 === 0 ? cutter(random, randomInt(random, 1, 40)) : null;
      const loose = seed % 4 === 1 ? { ignoreCase: true, trim: true } : {};
      await expectSameBothWays(file, { dedupe: keys, sourceColumn: seed % 5 === 0, ...loose }, cut);
    }
    // The engine did read rows (had it always handed over, this would prove nothing).
    expect(engineThread.engineRows - before).toBeGreaterThan(1000);
  });

  it('finds the header below title lines, and a narrow header, as the scanner does', async () => {
    const dir = await makeTempDir();
    const cell = (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`;
    const blank = (r: number) => `<row r="${r}"><c r="A${r}" s="1"/></row>`;
    // `count` data rows from row `from`, a blank row after every fifth (rows ascend).
    const data = (from: number, count: number, columns: string[]) => {
      let xml = '';
      let r = from;
      for (let i = 1; i <= count; i++, r++) {
        const cells = columns.map((letter, k) =>
          k === 0 ? `<c r="${letter}${r}"><v>${r % 7}</v></c>` : cell(`${letter}${r}`, 5),
        );
        xml += `<row r="${r}">${cells.join('')}</row>`;
        if (i % 5 === 0) xml += blank(++r);
      }
      return xml;
    };
    const strings = ['Monthly report', 'id', 'name', 'city', 'when', 'x'];
    const sheets = {
      // A title, a blank row with a styled empty cell, then the header (all shared strings).
      title: `<row r="1">${cell('A1', 0)}</row>${blank(2)}<row r="3">${cell('A3', 1)}${cell('B3', 2)}${cell('C3', 3)}</row>${data(4, 297, ['A', 'B', 'C'])}`,
      // A header of two: held while the next rows are looked at, blank rows among them.
      narrow: `<row r="1">${cell('A1', 1)}${cell('B1', 2)}</row>${blank(2)}${data(3, 298, ['A', 'B'])}`,
      // A first row of two, then a text row of three (not twice as wide): not a title.
      'not-title': `<row r="1">${cell('A1', 1)}${cell('B1', 2)}</row><row r="2">${cell('A2', 5)}${cell('B2', 5)}${cell('C2', 5)}</row>${data(3, 48, ['A', 'B'])}`,
    };
    for (const [name, xml] of Object.entries(sheets)) {
      const file = path.join(dir, `${name}.xlsx`);
      await writeWorkbookParts(file, {
        sheets: [{ name: 'Data', xml: worksheetXml(xml) }],
        sharedStrings: strings,
      });
      for (const cut of [null, cutter(makeRandom(11), 17)]) {
        const before = engineThread.engineRows;
        const outcome = await expectSameBothWays(file, { dedupe: ['id'] }, cut);
        // The engine goes on once the header is known, below a title line too.
        expect(engineThread.engineRows - before).toBeGreaterThan(name === 'not-title' ? 30 : 250);
        const sheet = (
          outcome as { result: { sheets: { headerRow: number; titleLines: number[] }[] } }
        ).result.sheets[0];
        expect([name, sheet?.headerRow, sheet?.titleLines]).toEqual(
          name === 'title' ? [name, 3, [1]] : [name, 1, []],
        );
      }
    }
  });

  it('reads formulas as their cached values, and goes on after a row it leaves', async () => {
    const file = path.join(await makeTempDir(), 'formulas.xlsx');
    let rows =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2024</v></c>' +
      '<c r="C1" t="s"><v>2</v></c></row>';
    for (let r = 2; r <= 401; r++) {
      const total = r % 10 === 0 ? `<c r="C${r}"><f>A${r}*2</f><v>${r * 2}</v></c>` : '';
      rows += `<row r="${r}"><c r="A${r}"><v>${r % 150}</v></c><c r="B${r}" t="s"><v>1</v></c>${total}</row>`;
    }
    await writeWorkbookParts(file, {
      sheets: [{ name: 'Data', xml: worksheetXml(rows) }],
      sharedStrings: ['id', 'text', 'total'],
    });
    const before = engineThread.engineRows;
    const outcome = await expectSameBothWays(file, { dedupe: ['id'] }, cutter(makeRandom(3), 50));
    expect(outcome).toMatchObject({ result: { rowsRead: 400, duplicatesInFile: 250 } });
    // The header (with a number) is the scanner's; the engine reads every data row, formulas
    // included (as their cached values).
    expect(engineThread.engineRows - before).toBe(400);
  });

  it('leaves text too long for a cell to the scanner, which reports it with its place', async () => {
    const file = path.join(await makeTempDir(), 'long.xlsx');
    // Three columns: a header of one or two could be a title line, and the rows below it
    // would go to the scanner while that is decided.
    const rows =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>4</v></c></row>' +
      '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>' +
      '<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="s"><v>3</v></c></row>';
    await writeWorkbookParts(file, {
      sheets: [{ name: 'Data', xml: worksheetXml(rows) }],
      sharedStrings: ['id', 'text', 'short', 'x'.repeat(40_000), 'note'],
    });
    const before = engineThread.engineRows;
    const outcome = await expectSameBothWays(file, { dedupe: ['id'] });
    expect(outcome).toMatchObject({ error: { code: 'CELL_TOO_LONG' } });
    expect(engineThread.engineRows - before).toBe(1);
  });

  it('succeeds alike, or fails alike, on damaged sheet XML', async () => {
    const dir = await makeTempDir();
    for (let seed = 1; seed <= 80; seed++) {
      const random = makeRandom(1000 + seed);
      const file = path.join(dir, `damaged-${seed}.xlsx`);
      // Every column named: a damaged file then has one thing wrong, which both paths report.
      const { keys } = await writeRandomWorkbook(file, random, {
        bails: false,
        damage: true,
        allNamed: true,
      });
      // Both succeed alike, or both fail. Which error comes first may differ when the damage
      // makes several (a header without a key column, then malformed XML), as it may with the
      // scanner alone when the XML arrives in other chunks: the engine hands a row it leaves
      // to the sheet before the scanner has read what follows.
      const scanner = await parseWith(file, { dedupe: keys }, false);
      const engine = await parseWith(file, { dedupe: keys }, true);
      if ('result' in scanner || 'result' in engine) expect(engine).toEqual(scanner);
    }
  });
});

/** Cell kinds a random sheet mixes; the last ones are what the engine leaves to the scanner. */
const STRINGS = [
  'alpha',
  'Alpha ',
  '   ',
  'STRASSE',
  'straße',
  'beta',
  '',
  ' leading',
  'trailing ',
  'a & b < c > d',
  'two\nlines',
  'tab\there',
  '_x000D_ literal',
  'Zoë García',
  '😀 emoji',
  '"quoted"',
  '12345',
  'dup',
];
const NUMBER_TEXTS = [
  '0',
  '7',
  '-42',
  '3.5',
  '-0.25',
  '1234567.89',
  '0.000123',
  '123456789012345',
  '44282.27916666667',
  '0.30000000000000004',
  '1E3',
  '-0',
  '0.0000001',
  '1.50',
  '007',
  '12345678901234567890123',
  '+5',
  '.5',
  '9007199254740991',
  '9007199254740993',
  '-0.0000000000000001',
  '0.1234567890123456789012',
  '123456789.12345678',
  '1234.000000000000',
];
/** Styles: 0 general, 1 a date (14), 2 date and time (custom), 3 elapsed ([h]:mm), 4 money (4). */
const STYLES = stylesXml({
  numFmts: [
    { id: 164, code: 'yyyy-mm-dd hh:mm' },
    { id: 165, code: '[h]:mm' },
  ],
  cellFormatIds: [0, 14, 164, 165, 4],
});

interface RandomOptions {
  /** Put rows the engine hands over (formulas, inline strings, rows without `r`, …). */
  readonly bails: boolean;
  /** Damage the sheet XML at one random place. */
  readonly damage?: boolean;
  /** Name every column (else a few are left without a header). */
  readonly allNamed?: boolean;
}

async function writeRandomWorkbook(
  file: string,
  random: Random,
  options: RandomOptions,
): Promise<{ keys: string[] }> {
  const columns = randomInt(random, 1, 8);
  const strings = [...STRINGS];
  const stringIndex = (text: string): number => {
    let index = strings.indexOf(text);
    if (index < 0) index = strings.push(text) - 1;
    return index;
  };
  const names = Array.from({ length: columns }, (_, i) => `col ${i}`);
  const letters = (column: number): string => String.fromCharCode(65 + column);
  let xml = '';
  let rowNumber = 0;
  if (random() < 0.2) xml += `<row r="${++rowNumber}"><c r="A${rowNumber}" s="1"/></row>`;
  rowNumber += 1;
  xml += `<row r="${rowNumber}" spans="1:${columns}">`;
  names.forEach((name, column) => {
    if (column > 0 && options.allNamed !== true && random() < 0.1) return; // an unnamed column
    xml += `<c r="${letters(column)}${rowNumber}" t="s"><v>${stringIndex(name)}</v></c>`;
  });
  xml += '</row>';
  const rows = randomInt(random, 0, 120);
  for (let row = 0; row < rows; row++) {
    rowNumber += random() < 0.1 ? randomInt(random, 2, 4) : 1;
    const bail = options.bails && random() < 0.04;
    const withoutR = bail && random() < 0.3;
    xml += withoutR
      ? '<row>'
      : `<row r="${rowNumber}"${random() < 0.3 ? ' ht="20" customHeight="1"' : ''}>`;
    if (random() < 0.05) {
      xml += '</row>';
      continue;
    }
    for (let column = 0; column < columns; column++) {
      if (random() < 0.15) continue;
      const ref = withoutR ? '' : ` r="${letters(column)}${rowNumber}"`;
      xml += reorderAttributes(random, randomCell(random, ref, column, stringIndex, bail));
    }
    xml += '</row>';
    if (options.bails && random() < 0.02) xml += '\n';
  }
  let sheet = worksheetXml(xml);
  if (options.damage === true) sheet = damage(random, sheet);
  await writeWorkbookParts(file, {
    sheets: [{ name: 'Data', xml: sheet }],
    sharedStrings: strings,
    styles: STYLES,
  });
  const keyCount = Math.min(columns, randomInt(random, 1, 2));
  return { keys: names.slice(0, keyCount) };
}

function randomCell(
  random: Random,
  ref: string,
  column: number,
  stringIndex: (text: string) => number,
  bail: boolean,
): string {
  const roll = random();
  if (bail && roll < 0.3) {
    return pick(random, [
      `<c${ref}><f>1+1</f><v>2</v></c>`,
      `<c${ref} s="1"><f t="shared" ref="A1:A9" si="0"/><v>45000.25</v></c>`,
      `<c${ref}><f>A1&amp;B1</f><v>3</v></c>`,
      `<c${ref}><f>NOW()</f></c>`,
      `<c${ref} t="str"><f>"a"</f><v>a</v></c>`,
      `<c${ref} t="inlineStr"><is><t>inline</t></is></c>`,
      `<c${ref} t="e"><v>#N/A</v></c>`,
      `<c${ref} t="b"><v>true</v></c>`,
      `<c${ref} t="str"><v>text</v></c>`,
      `<c${ref} t="s"><v>&#49;</v></c>`,
    ]);
  }
  if (column === 0 && roll < 0.5) {
    // Key values from a small pool, so that rows repeat.
    return `<c${ref}><v>${randomInt(random, 1, 30)}</v></c>`;
  }
  if (roll < 0.35) {
    const text = random() < 0.8 ? pick(random, STRINGS) : `s${randomInt(random, 1, 50)}`;
    return `<c${ref} t="s"><v>${stringIndex(text)}</v></c>`;
  }
  if (roll < 0.65) {
    // Listed texts; what String() writes; 16 digits, which are the shortest text of their
    // double or not (between 8 and 16 two 16-digit decimals can read as one double).
    const roll = random();
    const text =
      roll < 0.4
        ? pick(random, NUMBER_TEXTS)
        : roll < 0.7
          ? String(random() * 1000 - 500)
          : ((random() < 0.5 ? 8 : 0) + random() * 8).toPrecision(16);
    const style = pick(random, [0, 0, 4, 5]);
    return `<c${ref}${style === 0 ? '' : ` s="${style}"`}><v>${text}</v></c>`;
  }
  if (roll < 0.8) {
    const serial = pick(random, ['45000', '45000.5', '0.25', '0', '61', '60.75', '-1', '1.5E2']);
    return `<c${ref} s="${randomInt(random, 1, 3)}"><v>${serial}</v></c>`;
  }
  if (roll < 0.9) return `<c${ref} t="b"><v>${randomInt(random, 0, 1)}</v></c>`;
  return `<c${ref} s="1"/>`;
}

/**
 * Now and then, a cell's attributes in another order or with one more (`r` last, `cm`), as
 * some writers write them: the engine reads the usual form directly and the others in general.
 */
function reorderAttributes(random: Random, cell: string): string {
  const roll = random();
  if (roll < 0.04) return cell.replace(/^<c( r="[^"]*")((?: [st]="[^"]*")*)/, '<c$2$1');
  if (roll < 0.08) return cell.replace(/^<c( r="[^"]*")/, '<c$1 cm="1"');
  if (roll < 0.1) return cell.replace(/^<c( r="[^"]*")/, '<c$1  ');
  return cell;
}

/** The sheet XML with one random character inside `<sheetData>` changed, dropped or doubled. */
function damage(random: Random, sheet: string): string {
  const start = sheet.indexOf('<sheetData>') + 11;
  const end = sheet.indexOf('</sheetData>');
  if (end <= start) return sheet;
  const at = randomInt(random, start, end - 1);
  const replacement = pick(random, [
    '',
    '<',
    '>',
    '"',
    "'",
    '=',
    '/',
    ' ',
    '\t',
    '\n',
    '\u0001',
    'é',
    'x',
    '0',
    '&',
    escapeXml('<'),
    '<row>',
    '</c>',
  ]);
  return sheet.slice(0, at) + replacement + sheet.slice(at + (random() < 0.5 ? 1 : 0));
}
