/**
 * The key normalisation contract. `trim` and `ignoreCase` are written twice: in core/key.ts
 * (JavaScript's `trim()`, then `toUpperCase().toLowerCase()`) and in the row engine's C
 * (engine.c), which trims ASCII whitespace and lower-cases ASCII letters itself and hands any
 * text it cannot fold exactly so (non-ASCII at an end with `trim`, any non-ASCII with
 * `ignoreCase`) to JavaScript. The C copy stays for speed; this file is the contract that keeps
 * the two one rule: the rule as docs/merging.md states it, then both paths over the same
 * generated keys, which must drop the same rows.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { keyOf } from '../../src/core/key.js';
import { normalizeOptions } from '../../src/options.js';
import { parseFile } from '../../src/worker/parse-file.js';
import { parseTaskFor } from '../../src/worker/parse-task.js';
import { ParseThread } from '../../src/worker/parse-thread.js';
import { makeRandom, pick, type Random } from '../fuzz/mutants.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { worksheetXml, writeWorkbookParts } from '../helpers/xlsx-builder.js';

type Loose = { readonly trim: boolean; readonly ignoreCase: boolean };
const LOOSE: readonly Loose[] = [
  { trim: false, ignoreCase: false },
  { trim: true, ignoreCase: false },
  { trim: false, ignoreCase: true },
  { trim: true, ignoreCase: true },
];

const sameKey = (a: string, b: string, loose: Partial<Loose>) => {
  const options = { trim: false, ignoreCase: false, keysAsText: false, ...loose };
  return keyOf([a], [0], options) === keyOf([b], [0], options);
};

describe('the rule, as docs/merging.md states it', () => {
  it('--trim ignores whitespace at either end, Unicode spaces too, never inside', () => {
    for (const padded of [
      ' abc',
      'abc\t',
      '\r\nabc\n',
      '\u00a0abc',
      'abc\u3000',
      '\u2003abc\ufeff',
    ]) {
      expect(sameKey(padded, 'abc', { trim: true }), JSON.stringify(padded)).toBe(true);
      expect(sameKey(padded, 'abc', {}), JSON.stringify(padded)).toBe(false);
    }
    expect(sameKey('a bc', 'abc', { trim: true })).toBe(false);
    // Nothing left after trimming is an empty key cell, as an empty cell is.
    expect(keyOf(['  '], [0], { trim: true, ignoreCase: false, keysAsText: false })).toBeNull();
  });

  it('--ignore-case folds case in full, as upper then lower case', () => {
    expect(sameKey('Straße', 'STRASSE', { ignoreCase: true })).toBe(true);
    expect(sameKey('ΣΊΣΥΦΟΣ', 'σίσυφος', { ignoreCase: true })).toBe(true);
    expect(sameKey('ÉCOLE', 'école', { ignoreCase: true })).toBe(true);
    expect(sameKey('Abc', 'aBC', {})).toBe(false);
    // Accents are letters of their own, and text is not normalised.
    expect(sameKey('école', 'ecole', { ignoreCase: true })).toBe(false);
    expect(sameKey('e\u0301cole', 'école', { ignoreCase: true })).toBe(false);
  });
});

/** Pieces of keys that put each rule's edges in play: ASCII, non-ASCII letters, odd spaces. */
const WORDS = [
  'abc',
  'ABC',
  'Abc',
  'straße',
  'STRASSE',
  'école',
  'ÉCOLE',
  'σίσυφος',
  'İd',
  'id',
  'x y',
];
const PADDING = ['', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2003'];

function randomCase(random: Random, text: string): string {
  return Array.from(text, (char) => (random() < 0.5 ? char.toUpperCase() : char)).join('');
}

function randomKey(random: Random): string {
  const word = randomCase(random, pick(random, WORDS));
  return `${pick(random, PADDING)}${word}${pick(random, PADDING)}`;
}

/** The keys the rule gives, written here from the rule's words, not from core/key.ts. */
function expectedDuplicates(keys: readonly string[], loose: Loose): number {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const key of keys) {
    // As XML is read: a raw CR LF in a file is a line feed (a CR kept is written `&#13;`).
    const read = key.replaceAll('\r\n', '\n');
    let text = loose.trim ? read.trim() : read;
    if (loose.ignoreCase) text = text.toUpperCase().toLowerCase();
    if (text === '') continue;
    if (seen.has(text)) duplicates += 1;
    else seen.add(text);
  }
  return duplicates;
}

async function parseBothWays(file: string, loose: Loose) {
  const settings = normalizeOptions({
    inputs: [file],
    output: `${file}.out.xlsx`,
    dedupe: ['key'],
    ...loose,
  });
  const display = path.basename(file);
  const task = parseTaskFor(
    { path: file, display, source: display, input: file },
    settings,
    'xlsx',
  );
  const before = ENGINE.engineRows;
  const engine = await parseFile(task, ENGINE);
  const byEngine = ENGINE.engineRows - before;
  const scanner = await parseFile(task, SCANNER);
  return { engine, scanner, byEngine };
}

const ENGINE = new ParseThread();
const SCANNER = new ParseThread({ engine: false });

describe('core/key.ts and engine.c', () => {
  it('drop the same rows over the same generated keys, with each of trim and ignoreCase', async () => {
    const dir = await makeTempDir();
    for (let seed = 1; seed <= 8; seed++) {
      const random = makeRandom(900 + seed);
      const keys = Array.from({ length: 400 }, () => randomKey(random));
      // Shared strings, which the engine reads (an inline string is a row it hands over).
      const strings = ['key', 'n', 'note', ...keys];
      let rows =
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>';
      keys.forEach((_, index) => {
        const r = index + 2;
        rows += `<row r="${r}"><c r="A${r}" t="s"><v>${index + 3}</v></c><c r="B${r}"><v>${r}</v></c></row>`;
      });
      const file = path.join(dir, `keys-${seed}.xlsx`);
      await writeWorkbookParts(file, {
        sheets: [{ name: 'Data', xml: worksheetXml(rows) }],
        sharedStrings: strings,
      });
      for (const loose of LOOSE) {
        const { engine, scanner, byEngine } = await parseBothWays(file, loose);
        const label = `seed ${seed}, ${JSON.stringify(loose)}`;
        expect(isDeepStrictEqual(engine, scanner), label).toBe(true);
        expect(engine.duplicatesInFile, label).toBe(expectedDuplicates(keys, loose));
        // The engine read the rows (the first ten go to the scanner while the header is decided).
        expect(byEngine, label).toBeGreaterThan(300);
      }
    }
  });
});
