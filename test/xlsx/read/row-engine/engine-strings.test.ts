/**
 * The engine's shared strings tables (engine-strings.c and engine-strings.ts) against the
 * scanner's: tables read from the part's bytes item by item, random and damaged, with each key
 * option; a table the engine's memory cannot hold; a table laid out past 2 GiB, and past 4 GiB.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../../src/options.js';
import { parseFile } from '../../../../src/worker/parse-file.js';
import { parseTaskFor } from '../../../../src/worker/parse-task.js';
import { ParseThread } from '../../../../src/worker/parse-thread.js';
import { makeRandom, pick, type Random, randomInt } from '../../../fuzz/mutants.js';
import {
  cutter,
  engineThread,
  expectSameBothWays,
  parseWith,
} from '../../../helpers/engine-paths.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { worksheetXml, writeWorkbookParts } from '../../../helpers/xlsx-builder.js';

describe("the row engine's shared strings", () => {
  it('reads shared strings tables from bytes as the scanner reads them, item by item', async () => {
    const dir = await makeTempDir();
    const before = engineThread.engineRows;
    let failed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const random = makeRandom(5000 + seed);
      const file = path.join(dir, `strings-${seed}.xlsx`);
      const damaged = seed % 6 === 0;
      const { keys } = await writeStringsWorkbook(file, random, damaged);
      const loose = pick(random, [
        {},
        { ignoreCase: true },
        { trim: true },
        { ignoreCase: true, trim: true },
      ]);
      const cut = seed % 2 === 0 ? cutter(random, randomInt(random, 1, 40)) : null;
      // Now and then a limit the long item is over: the whole table is then read by JavaScript,
      // which reports it.
      const limits = seed % 5 === 0 ? { limits: { maxElementChars: 20_000 } } : {};
      const outcome = await expectSameBothWays(file, { dedupe: keys, ...loose, ...limits }, cut);
      if ('error' in outcome) failed += 1;
    }
    // Damaged tables failed (alike), and the engine read rows of the others.
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(30);
    expect(engineThread.engineRows - before).toBeGreaterThan(1000);
  });

  it('leaves a sheet to the scanner when its shared strings do not fit in its memory', async () => {
    const file = path.join(await makeTempDir(), 'many-strings.xlsx');
    const strings = ['id', 'text'];
    let rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>';
    for (let r = 2; r <= 60_001; r++) {
      strings.push(`a string long enough to fill the memory, number ${r}`);
      rows += `<row r="${r}"><c r="A${r}"><v>${r % 40_000}</v></c><c r="B${r}" t="s"><v>${r}</v></c></row>`;
    }
    await writeWorkbookParts(file, {
      sheets: [{ name: 'Data', xml: worksheetXml(rows) }],
      sharedStrings: strings,
    });
    const scanner = await parseWith(file, { dedupe: ['id'] }, false);
    // An engine whose memory cannot grow past its first 8 MiB: the table (about 3 MB, and
    // twice that rendered and keyed) does not fit, and the sheet goes to the scanner whole.
    const thread = new ParseThread({ engineOptions: { maxMemoryPages: 128 } });
    const settings = normalizeOptions({
      inputs: [file],
      output: `${file}.out.xlsx`,
      dedupe: ['id'],
    });
    const task = parseTaskFor(
      { path: file, display: 'many-strings.xlsx', source: 'many-strings.xlsx', input: file },
      settings,
      'xlsx',
    );
    // Deep-equal, compared by Node: vitest's toEqual takes minutes over megabytes of bytes.
    expect(isDeepStrictEqual({ result: await parseFile(task, thread) }, scanner)).toBe(true);
    expect(thread.engineRows).toBe(0);
    expect(scanner).toMatchObject({ result: { rowsRead: 60_000, duplicatesInFile: 20_000 } });
  });

  it('lays a shared strings table out past 2 GiB, and leaves one past 4 GiB to the scanner', async () => {
    const file = path.join(await makeTempDir(), 'high-strings.xlsx');
    const strings = ['id', 'text'];
    let rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>';
    for (let r = 2; r <= 3_001; r++) {
      strings.push(`string number ${r}`);
      rows += `<row r="${r}"><c r="A${r}"><v>${r % 2_000}</v></c><c r="B${r}" t="s"><v>${r}</v></c></row>`;
    }
    await writeWorkbookParts(file, {
      sheets: [{ name: 'Data', xml: worksheetXml(rows) }],
      sharedStrings: strings,
    });
    const scanner = await parseWith(file, { dedupe: ['id'] }, false);
    expect(scanner).toMatchObject({ result: { rowsRead: 3_000, duplicatesInFile: 1_000 } });
    // The table (about 100 KB, 400 KB rendered and keyed) starts 256 KiB below 2 GiB and ends
    // past it; then 256 KiB below 4 GiB, where the memory (allowed all of WebAssembly's 4 GiB)
    // cannot grow to hold it. The memory below is never touched: address space, not RAM. (The engine reads all rows
    // but the first ten, which the scanner reads while the header is decided.)
    for (const [filesAt, byEngine] of [
      [2 ** 31 - 256 * 1024, 2_990],
      [2 ** 32 - 256 * 1024, 0],
    ] as const) {
      const thread = new ParseThread({ engineOptions: { filesAt, maxMemoryPages: 65_536 } });
      const settings = normalizeOptions({
        inputs: [file],
        output: `${file}.out.xlsx`,
        dedupe: ['id'],
      });
      const task = parseTaskFor(
        { path: file, display: 'high-strings.xlsx', source: 'high-strings.xlsx', input: file },
        settings,
        'xlsx',
      );
      expect(isDeepStrictEqual({ result: await parseFile(task, thread) }, scanner)).toBe(true);
      expect(thread.engineRows).toBe(byEngine);
    }
  });
});

/**
 * Items of a shared strings table as writers write them (the XML of each): plain text with
 * entities, spaces, line breaks and any script, and what engine.c leaves to JavaScript (rich
 * text, phonetic runs, numeric references, Excel's escapes, CR, U+FFFE, text over a cell's limit).
 */
const ITEMS = [
  '<si><t>alpha</t></si>',
  '<si><t>Alpha</t></si>',
  '<si><t xml:space="preserve"> padded </t></si>',
  '<si><t xml:space="preserve">   </t></si>',
  '<si><t xml:space="preserve">trailing\t</t></si>',
  '<si><t>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos;</t></si>',
  '<si><t>A &amp; B</t></si>',
  '<si><t>num &#38; &#x41;</t></si>',
  '<si><r><t xml:space="preserve">rich </t></r><r><rPr><b/></rPr><t>Text</t></r></si>',
  '<si><t>漢字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>',
  '<si><t>_x000D_ escaped</t></si>',
  '<si><t>_X0041_ upper</t></si>',
  '<si><t>snake_case_name</t></si>',
  '<si><t>line\r\nbreak</t></si>',
  '<si><t>tab\there\nand LF</t></si>',
  '<si><t/></si>',
  '<si/>',
  '<si><t></t></si>',
  '<si><t>Zoë ÄÖÜ</t></si>',
  '<si><t>zoë äöü</t></si>',
  '<si><t>straße</t></si>',
  '<si><t>STRASSE</t></si>',
  '<si><t xml:space="preserve">\u00A0nbsp\u00A0</t></si>',
  '<si><t xml:space="preserve">  Mixed Case  </t></si>',
  '<si><t>mixed case</t></si>',
  '<si><t xml:space="preserve"> é </t></si>',
  '<si><t>😀 astral 𝄞</t></si>',
  '<si><t>\uFFFE odd</t></si>',
  '<si><t>a > b</t></si>',
  '<si><t>12345</t></si>',
];
/** Text over a cell's limit: a cell with it fails either way (CELL_TOO_LONG), so few have it. */
const LONG_ITEM = `<si><t>${'y'.repeat(33_000)}</t></si>`;
/** What may stand between items, or in them, in a damaged table. */
const BETWEEN = ['', '', '', '\n', '\r\n  ', '<!-- note -->', '<?pi x?>'];
const ITEM_DAMAGE = [
  '<si><t>bad &entity; here</t></si>',
  '<si><t>unclosed</si>',
  '<si><t>x</t>',
  '<si><t>&#0;</t></si>',
  '<si><t>a</t></si>trailing',
];
const SST_OPENINGS = [
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">',
  '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
  '\uFEFF<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="9">',
  '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" extra="1">',
];

/**
 * A workbook whose shared strings table is random items (header names among them), with a
 * sheet of rows of them: keyed on the first one or two columns.
 */
async function writeStringsWorkbook(
  file: string,
  random: Random,
  damaged: boolean,
): Promise<{ keys: string[] }> {
  const items: string[] = [];
  const count = randomInt(random, 5, 60);
  for (let i = 0; i < count; i++) items.push(pick(random, ITEMS));
  const columns = randomInt(random, 1, 6);
  // The header: names the engine reads from its tables, or JavaScript's items.
  const names = Array.from({ length: columns }, (_, column) =>
    pick(random, [
      `<si><t>col ${column}</t></si>`,
      `<si><r><t>col </t></r><r><t>${column}</t></r></si>`,
      `<si><t>col&#32;${column}</t></si>`,
      `<si><t>col &amp; ${column}</t></si>`,
    ]),
  );
  const nameAt = names.map((name) => items.push(name) - 1);
  const long = random() < 0.3 ? items.push(LONG_ITEM) - 1 : -1;
  const separator = (): string => (random() < 0.2 ? pick(random, BETWEEN.slice(0, 5)) : '');
  let body = items.map((item) => item + separator()).join('');
  if (damaged) {
    const at = randomInt(random, 0, items.length - 1);
    const xml = items.map((item) => item);
    xml.splice(at, 0, pick(random, [...ITEM_DAMAGE, ...BETWEEN.slice(5)]));
    body = xml.join('');
  }
  const sst = `${pick(random, damaged ? SST_OPENINGS.slice(0, 3) : SST_OPENINGS)}${body}</sst>`;
  const letters = (column: number): string => String.fromCharCode(65 + column);
  let xml = '<row r="1">';
  nameAt.forEach((index, column) => {
    xml += `<c r="${letters(column)}1" t="s"><v>${index}</v></c>`;
  });
  xml += '</row>';
  const rows = randomInt(random, 20, 80);
  for (let r = 2; r < rows + 2; r++) {
    xml += `<row r="${r}">`;
    for (let column = 0; column < columns; column++) {
      if (random() < 0.1) continue;
      const index = long >= 0 && random() < 0.003 ? long : randomInt(random, 0, count - 1);
      xml += `<c r="${letters(column)}${r}" t="s"><v>${index}</v></c>`;
    }
    xml += '</row>';
  }
  await writeWorkbookParts(file, {
    sheets: [{ name: 'Data', xml: worksheetXml(xml) }],
    sharedStrings: sst,
  });
  // The names as the JavaScript reader reads them.
  const keys = names.slice(0, Math.min(columns, randomInt(random, 1, 2))).map((name) =>
    name
      .replace(/<[^>]*>/g, '')
      .replace('&#32;', ' ')
      .replace('&amp;', '&'),
  );
  return { keys };
}
