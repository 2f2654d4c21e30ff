import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type MergeOptions, normalizeOptions } from '../../../../src/options.js';
import { parseFile } from '../../../../src/worker/parse-file.js';
import { parseTaskFor } from '../../../../src/worker/parse-task.js';
import { ParseThread } from '../../../../src/worker/parse-thread.js';
import {
  type ChunkCutter,
  rowsReadByEngine,
} from '../../../../src/xlsx/read/row-engine/read-with-engine.js';
import { DEMO_DIR, WRITERS_DIR } from '../../../fixtures/writer-fixtures.js';
import { makeRandom, pick, type Random, randomInt } from '../../../fuzz/mutants.js';
import { buildRawZip, rawEntry } from '../../../helpers/raw-zip.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import {
  encodeXml,
  escapeXml,
  sharedStringsXml,
  stylesXml,
  workbookParts,
  worksheetXml,
  writeWorkbookParts,
  writeZip,
} from '../../../helpers/xlsx-builder.js';

/** One thread with the engine and one without, each kept over the tests as a worker keeps its own. */
const engineThread = new ParseThread();
const scannerThread = new ParseThread({ engine: false });

type Outcome =
  | { readonly result: unknown }
  | { readonly error: { code: unknown; message: string } };

async function parseWith(
  file: string,
  options: Partial<MergeOptions>,
  engine: boolean,
  cut: ChunkCutter | null = null,
): Promise<Outcome> {
  const settings = normalizeOptions({ inputs: [file], output: `${file}.out.xlsx`, ...options });
  const display = path.basename(file);
  const task = parseTaskFor(
    { path: file, display, source: display, input: file },
    settings,
    'xlsx',
  );
  const thread = engine ? engineThread : scannerThread;
  thread.cut = cut;
  try {
    return { result: await parseFile(task, thread) };
  } catch (error) {
    const { code, message } = error as { code: unknown; message: string };
    return { error: { code, message } };
  } finally {
    thread.cut = null;
  }
}

/** Pieces of 1 to `most` bytes, from a seeded PRNG. */
function cutter(random: Random, most: number): ChunkCutter {
  return (chunk) => {
    const pieces: Buffer[] = [];
    for (let at = 0; at < chunk.length; ) {
      const size = randomInt(random, 1, most);
      pieces.push(chunk.subarray(at, at + size));
      at += size;
    }
    return pieces;
  };
}

async function expectSameBothWays(
  file: string,
  options: Partial<MergeOptions>,
  cut: ChunkCutter | null = null,
): Promise<Outcome> {
  const scanner = await parseWith(file, options, false);
  const engine = await parseWith(file, options, true, cut);
  expect(engine).toEqual(scanner);
  return scanner;
}

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
    const before = rowsReadByEngine();
    for (let seed = 1; seed <= 60; seed++) {
      const random = makeRandom(seed);
      const file = path.join(dir, `random-${seed}.xlsx`);
      const { keys } = await writeRandomWorkbook(file, random, { bails: seed % 3 === 0 });
      const cut = seed % 2 === 0 ? cutter(random, randomInt(random, 1, 40)) : null;
      const loose = seed % 4 === 1 ? { ignoreCase: true, trim: true } : {};
      await expectSameBothWays(file, { dedupe: keys, sourceColumn: seed % 5 === 0, ...loose }, cut);
    }
    // The engine did read rows (had it always handed over, this would prove nothing).
    expect(rowsReadByEngine() - before).toBeGreaterThan(1000);
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
        const before = rowsReadByEngine();
        const outcome = await expectSameBothWays(file, { dedupe: ['id'] }, cut);
        // The engine goes on once the header is known, below a title line too.
        expect(rowsReadByEngine() - before).toBeGreaterThan(name === 'not-title' ? 30 : 250);
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
    const before = rowsReadByEngine();
    const outcome = await expectSameBothWays(file, { dedupe: ['id'] }, cutter(makeRandom(3), 50));
    expect(outcome).toMatchObject({ result: { rowsRead: 400, duplicatesInFile: 250 } });
    // The header (with a number) is the scanner's; the engine reads every data row, formulas
    // included (as their cached values).
    expect(rowsReadByEngine() - before).toBe(400);
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
    const before = rowsReadByEngine();
    const outcome = await expectSameBothWays(file, { dedupe: ['id'] });
    expect(outcome).toMatchObject({ error: { code: 'CELL_TOO_LONG' } });
    expect(rowsReadByEngine() - before).toBe(1);
  });

  it('reads shared strings tables from bytes as the scanner reads them, item by item', async () => {
    const dir = await makeTempDir();
    const before = rowsReadByEngine();
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
    expect(rowsReadByEngine() - before).toBeGreaterThan(1000);
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
    const before = rowsReadByEngine();
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
    expect(rowsReadByEngine() - before).toBe(0);
    expect(scanner).toMatchObject({ result: { rowsRead: 60_000, duplicatesInFile: 20_000 } });
  });

  it.each(HOSTILE_CASES)('fails as the scanner does, or reads alike: $name', async (hostile) => {
    const file = await writeHostileBook(
      path.join(await makeTempDir(), 'hostile.xlsx'),
      hostile.sheet,
      hostile.strings,
    );
    for (const cut of [null, cutter(makeRandom(17), 9)]) {
      const outcome = await expectSameBothWays(file, { dedupe: ['id'] }, cut);
      const { expected } = hostile;
      if ('holds' in expected) {
        expect(renderedText(outcome)).toContain(expected.holds);
      } else {
        expect(outcome).toMatchObject({ error: { code: expected.code } });
        const { message } = (outcome as { error: { message: string } }).error;
        expect(message.startsWith(expected.message), message).toBe(true);
      }
    }
  });

  it('fails alike on zips whose entries overlap or share a name, before either reads', async () => {
    const dir = await makeTempDir();
    const entries = workbookParts({
      sheets: [{ name: 'Data', xml: hostileSheet('') }],
      sharedStrings: HOSTILE_STRINGS,
    }).map((part) => rawEntry(part.name, part.content));
    const sheet = entries.findIndex((entry) => entry.name === 'xl/worksheets/sheet1.xml');
    const zips = {
      overlap: buildRawZip(entries, [
        ...entries.map((_, entry) => ({ entry })),
        { entry: sheet, name: 'xl/worksheets/sheet2.xml' },
      ]),
      twice: buildRawZip([...entries, rawEntry('xl/worksheets/sheet1.xml', worksheetXml(''))]),
    };
    for (const [name, zip] of Object.entries(zips)) {
      const file = path.join(dir, `${name}.xlsx`);
      await writeFile(file, zip);
      const outcome = await expectSameBothWays(file, { dedupe: ['id'] });
      expect(outcome).toMatchObject({ error: { code: 'CORRUPT_ZIP' } });
    }
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
      const before = rowsReadByEngine();
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
      expect(rowsReadByEngine() - before).toBe(byEngine);
    }
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

/** The bytes of `xml` with each `@@` replaced by the next of `bytes` (bytes no text can hold). */
function withBytes(xml: string, ...bytes: (readonly number[])[]): Buffer {
  const pieces = xml.split('@@');
  return Buffer.concat(
    pieces.flatMap((piece, i) => [
      Buffer.from(piece),
      ...(i < bytes.length ? [Buffer.from(bytes[i] as number[])] : []),
    ]),
  );
}

const HOSTILE_STRINGS = ['id', 'name', 'city', 'Zoë'];

/** Rows `from` to `to` that the engine reads: an id, a shared string, a number. */
function plainRows(from: number, to: number): string {
  let xml = '';
  for (let r = from; r <= to; r++) {
    xml += `<row r="${r}"><c r="A${r}"><v>${r % 17}</v></c><c r="B${r}" t="s"><v>3</v></c><c r="C${r}"><v>${r}.5</v></c></row>`;
  }
  return xml;
}

/**
 * A sheet of a header and 60 plain rows with `middle` (rows 31 on) between them: what the engine
 * reads on both sides of what it must hand over or fail on.
 */
function hostileSheet(middle: string, after = 40): string {
  const header =
    '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>';
  return worksheetXml(header + plainRows(2, 30) + middle + plainRows(after + 1, after + 30));
}

/** A workbook with `sheet` and shared strings (as bytes, or a table of plain items). */
async function writeHostileBook(
  file: string,
  sheet: string | Buffer,
  strings: readonly string[] | Buffer = HOSTILE_STRINGS,
): Promise<string> {
  const parts = workbookParts({
    sheets: [{ name: 'Data', xml: typeof sheet === 'string' ? sheet : '' }],
    sharedStrings: Array.isArray(strings) ? strings : HOSTILE_STRINGS,
  }).map((part) => {
    if (part.name === 'xl/worksheets/sheet1.xml' && typeof sheet !== 'string') {
      return { name: part.name, content: sheet };
    }
    if (part.name === 'xl/sharedStrings.xml' && Buffer.isBuffer(strings)) {
      return { name: part.name, content: strings };
    }
    return part;
  });
  return writeZip(file, parts);
}

/** The text of the rendered rows of a parse result, for what the cells hold. */
function renderedText(outcome: Outcome): string {
  if (!('result' in outcome)) return '';
  const sheets = (outcome.result as { sheets: { xml: { bytes: Uint8Array } | null }[] }).sheets;
  return sheets.map((sheet) => Buffer.from(sheet.xml?.bytes ?? []).toString('utf8')).join('');
}

interface HostileCase {
  readonly name: string;
  readonly sheet: string | Buffer;
  readonly strings?: readonly string[] | Buffer;
  /** The error both paths end in (code, and the message's start), or text the rows hold. */
  readonly expected: { code: string; message: string } | { holds: string };
}

/** Hostile workbooks of the second round (see docs/safety.md). */
const HOSTILE_CASES: HostileCase[] = [
  {
    name: 'invalid UTF-8 in a number the engine reads',
    sheet: withBytes(hostileSheet('<row r="31"><c r="A31"><v>1@@</v></c></row>'), [0xff]),
    expected: {
      code: 'MALFORMED_XML',
      message: 'The part xl/worksheets/sheet1.xml is not valid UTF-8: at byte offset',
    },
  },
  {
    name: 'invalid UTF-8 in an attribute and in a formula the engine skips',
    sheet: withBytes(
      hostileSheet(
        '<row r="31" x="@@"><c r="A31"><v>1</v></c></row><row r="32"><c r="A32"><f>"@@"</f><v>2</v></c></row>',
      ),
      [0xe9],
      [0xe9],
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'The part xl/worksheets/sheet1.xml is not valid UTF-8: at byte offset',
    },
  },
  {
    name: 'a sheet ending in the middle of a UTF-8 character',
    sheet: Buffer.concat([Buffer.from(hostileSheet('')), Buffer.from([0xc3])]),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'The part xl/worksheets/sheet1.xml is not valid UTF-8: it ends in the middle of a character',
    },
  },
  {
    name: 'latin1 "café" in shared strings that declare no encoding',
    sheet: hostileSheet(''),
    strings: Buffer.from(
      sharedStringsXml(['id', 'name', 'city', 'café']).replace(' encoding="UTF-8"', ''),
      'latin1',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'The part xl/sharedStrings.xml is not valid UTF-8 (it declares no encoding, so it must be UTF-8): at byte offset',
    },
  },
  {
    name: 'a sheet and shared strings declared ISO-8859-1',
    sheet: encodeXml(
      hostileSheet('<row r="31"><c r="A31" t="inlineStr"><is><t>café</t></is></c></row>'),
      'iso-8859-1',
    ),
    strings: encodeXml(sharedStringsXml(['id', 'name', 'city', 'Zoë ÿ']), 'iso-8859-1'),
    expected: { holds: 'café' },
  },
  {
    name: 'shared strings declared windows-1252',
    sheet: hostileSheet(''),
    strings: encodeXml(sharedStringsXml(['id', 'name', 'city', '5 € “q”']), 'windows-1252'),
    expected: { holds: '5 € “q”' },
  },
  {
    name: 'a sheet in UTF-16LE and shared strings in UTF-16BE',
    sheet: encodeXml(hostileSheet(''), 'utf-16le', 'UTF-16'),
    strings: encodeXml(sharedStringsXml(['id', 'name', 'city', 'Zoë 😀']), 'utf-16be', 'UTF-16'),
    expected: { holds: 'Zoë 😀' },
  },
  {
    name: 'a sheet in an encoding xlmerge does not read',
    sheet: encodeXml(hostileSheet(''), 'us-ascii', 'Shift_JIS'),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'The part xl/worksheets/sheet1.xml declares encoding="Shift_JIS", which xlmerge does not read',
    },
  },
  {
    name: 'a mixed-case <Row> among rows (it was dropped)',
    sheet: hostileSheet('<Row r="31"><c r="A31"><v>99</v></c></Row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected <row> in <sheetData> after row 30, found <Row>',
    },
  },
  {
    name: 'a mixed-case <C> in a row',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>9</v></c><C r="B31"><v>99</v></C></row>'),
    expected: { code: 'MALFORMED_XML', message: 'expected <c> or <extLst> in row 31, found <C>' },
  },
  {
    name: 'a mixed-case <V> in a cell',
    sheet: hostileSheet('<row r="31"><c r="A31"><V>99</V></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected <f>, <v>, <is> or <extLst> in cell A31, found <V>',
    },
  },
  {
    name: 'a mixed-case <SI> in the shared strings',
    sheet: hostileSheet(''),
    strings: Buffer.from(
      sharedStringsXml(['id', 'name', 'city', 'Zoë']).replace(
        '<si><t xml:space="preserve">city</t></si>',
        '<SI><t>city</t></SI>',
      ),
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected <si> or <extLst> in <sst> after 2 shared strings, found <SI>',
    },
  },
  {
    name: 'an error cell holding no Excel error value',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="B31" t="e"><v>#EVIL!</v></c></row>',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'expected an Excel error value such as #N/A or #DIV/0! in the error cell B31, found "#EVIL!"',
    },
  },
  {
    name: 'an error cell holding a formula to run',
    sheet: hostileSheet(
      `<row r="31"><c r="A31"><v>100</v></c><c r="C31" t="e"><v>${escapeXml("=cmd|' /C calc'!A0")}</v></c></row>`,
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: `expected an Excel error value such as #N/A or #DIV/0! in the error cell C31, found "=cmd|' /C calc'!A0"`,
    },
  },
  {
    name: "Excel's error values, new ones too",
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="B31" t="e"><v>#SPILL!</v></c><c r="C31" t="e"><f>PY(1)</f><v>#PYTHON!</v></c></row>',
    ),
    expected: { holds: '<v>#PYTHON!</v>' },
  },
  {
    name: 'a no-break space before the digits of a number the engine would read',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>100</v></c><c r="C31"><v>\u00a05</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected a number in cell C31, found "\\u00A05"',
    },
  },
  {
    name: 'a no-break space written as a character reference',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>&#160;100</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected a number in cell A31, found "\\u00A0100"',
    },
  },
  {
    name: 'a date with a zone offset, read as the instant in UTC',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="C31" t="d"><v>2024-01-15T02:00:00+05:00</v></c></row>',
    ),
    expected: { holds: '<v>45305.875</v>' },
  },
  {
    name: 'a date alone with a zone offset',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="C31" t="d"><v>2024-01-15+05:00</v></c></row>',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected a date-time, or a date or time without a zone offset',
    },
  },
  {
    name: 'a T for t on a cell the engine would read as a number',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>100</v></c><c r="B31" T="s"><v>0</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected the attribute t, found T on a cell in row 31',
    },
  },
  {
    name: 'an R for r on a row',
    sheet: hostileSheet('<row R="31"><c r="A31"><v>100</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected the attribute r, found R on a row after row 30',
    },
  },
  {
    name: 'rows out of order',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c></row><row r="20"><c r="A20"><v>101</v></c></row>',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected row numbers in ascending order, found row 20 after row 31',
    },
  },
  {
    name: 'a blank row repeated, which the engine only counts',
    sheet: hostileSheet('<row r="31"><c r="A31" s="1"/></row><row r="31"><c r="A31" s="1"/></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected row numbers in ascending order, found row 31 after row 31',
    },
  },
  {
    name: 'the header row after a data row (the header was taken from the first in the file)',
    sheet: worksheetXml(
      '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>3</v></c></row>' +
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        plainRows(3, 40),
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected row numbers in ascending order, found row 1 after row 2',
    },
  },
  {
    name: 'what writers do put in rows and cells: spans, x14ac, cm, extLst',
    sheet: hostileSheet(
      '<row r="31" spans="1:3" x14ac:dyDescent="0.25"><c r="A31" cm="1"><v>5000</v><extLst><ext uri="u"/></extLst></c></row>' +
        '<row r="32"><c r="A32" vm="1"><f>5000+1</f><v>5001</v></c><c r="B32" t="inlineStr"><is><r><rPr><b/></rPr><t>rich</t></r><rPh sb="0" eb="1"><t>r</t></rPh><phoneticPr fontId="1"/></is></c><extLst/></row>',
    ),
    expected: { holds: 'rich' },
  },
];

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
