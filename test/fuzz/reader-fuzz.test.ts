/**
 * Fuzzes the reader with mutants of valid workbooks: every mutant must read fully or fail with
 * an XlmergeError of a known code, quickly, and never with another exception; the mutants of
 * hostile inputs (deceiving zips, tags in another case, encodings, error values) must end as
 * each says (refused with its code, or read to the very rows of the workbook they came from).
 * A modest count runs in the normal suite; `FUZZ_RUNS` and `FUZZ_SEED` work as harness.ts says.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { openWorkbook } from '../../src/xlsx/read/open-workbook.js';
import {
  buildZip,
  sharedStringsXml,
  stylesXml,
  workbookParts,
  worksheetXml,
  type ZipPart,
} from '../helpers/xlsx-builder.js';
import {
  expectedCodes,
  FUZZ_LIMITS,
  type FuzzTarget,
  fuzzFile,
  fuzzRuns,
  type Mutant,
  type Outcome,
  testStrategies,
} from './harness.js';
import {
  deceivingZip,
  flipBytes,
  mutateEncoding,
  mutateErrorValue,
  mutateTagCase,
  overwriteRun,
  type Random,
  rezipMutated,
  truncateBytes,
  unzipParts,
} from './mutants.js';

const RUNS = fuzzRuns(250);
/** The hostile strategies' cases by default: fewer, so the normal suite stays quick. */
const HOSTILE_RUNS = fuzzRuns(60);
const DISPLAY_PATH = 'fuzz/mutant.xlsx';

/** What damaged .xlsx input may end in: any input's codes, and damaged or unsafe XML. */
const EXPECTED_CODES = expectedCodes(ErrorCode.MalformedXml, ErrorCode.UnsafeXml);

interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
  readonly parts: readonly ZipPart[];
  /** A digest of every row the seed reads, for mutants that must read the same rows. */
  rows: string;
}

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

/** Workbooks that reach the scanners' other paths: shared rich strings, inline strings, prefixes. */
function builtWorkbooks(): Record<string, ZipPart[]> {
  const styles = stylesXml({
    numFmts: [
      { id: 164, code: 'yyyy-mm-dd' },
      { id: 165, code: '[h]:mm:ss' },
      { id: 166, code: '0.00" kg"' },
    ],
    cellFormatIds: [0, 164, 165, 166, 14],
  });
  const shared = worksheetXml(
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>' +
      '<row r="2"><c r="A2" s="1"><v>45292</v></c><c r="B2" s="2"><v>1.5</v></c><c r="C2" s="3"><v>-2.25</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c></row>' +
      '<row r="4"><c r="B4" t="str"><f>A1&amp;B1</f><v>idname</v></c><c r="C4"><f>1+1</f></c><c r="F4" t="s"><v>3</v></c></row>',
  );
  const richStrings =
    '<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">' +
    '<si><t>id</t></si><si><t xml:space="preserve"> name &amp; more </t></si>' +
    '<si><r><rPr><b/></rPr><t>ri</t></r><r><t>ch</t></r><rPh sb="0" eb="1"><t>ル</t></rPh></si>' +
    '<si><t>line_x000D_break</t></si></sst>';
  const prefixed =
    '<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>' +
    '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a&lt;b</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:r><x:t><![CDATA[<c>]]></x:t></x:r><x:r><x:t>d</x:t></x:r></x:is></x:c></x:row>' +
    '<!-- a comment --><x:row><x:c><x:v>7</x:v></x:c><x:c t="d"><x:v>2024-01-02T03:04:05</x:v></x:c></x:row>' +
    '</x:sheetData></x:worksheet>';
  return {
    'built-shared-strings': workbookParts({
      sheets: [{ name: 'Data', xml: shared }],
      sharedStrings: richStrings,
      styles,
    }),
    'built-inline-prefixed': workbookParts({
      sheets: [
        { name: 'Inline', xml: prefixed },
        {
          name: 'Hidden',
          state: 'hidden',
          xml: worksheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        },
      ],
      sharedStrings: sharedStringsXml(['only', 'two']),
      date1904: true,
    }),
  };
}

async function loadSeeds(): Promise<Seed[]> {
  const seeds: Seed[] = [];
  for (const folder of ['writers', 'demo']) {
    const names = (await fs.readdir(path.join(FIXTURES, folder)))
      .filter((name) => name.endsWith('.xlsx') && !name.startsWith('~$'))
      .sort();
    for (const name of names) {
      const bytes = await fs.readFile(path.join(FIXTURES, folder, name));
      seeds.push({ name: `${folder}/${name}`, bytes, parts: await unzipParts(bytes), rows: '' });
    }
  }
  for (const [name, parts] of Object.entries(builtWorkbooks())) {
    seeds.push({ name, bytes: await buildZip(parts), parts, rows: '' });
  }
  return seeds;
}

/**
 * Opens the file and reads every sheet to the end; returns the number of rows and a digest of
 * the sheets' names and rows.
 */
async function readEverything(file: string): Promise<{ count: number; digest: string }> {
  const reader = await openWorkbook(file, { displayPath: DISPLAY_PATH, limits: FUZZ_LIMITS });
  const hash = createHash('sha256');
  let count = 0;
  try {
    for (const sheet of reader.sheets) {
      hash.update(`${sheet.name}\n`);
      for await (const batch of reader.readRows(sheet)) {
        count += batch.length;
        hash.update(JSON.stringify(batch));
      }
    }
  } finally {
    await reader.close();
  }
  return { count, digest: hash.digest('hex') };
}

/**
 * What a hostile mutant must end in: refused with a code (MALFORMED_XML, CORRUPT_ZIP), read
 * (`ok`), read to its seed's very rows, or either of the last and malformed.
 */
type Expected =
  | 'ok'
  | 'same rows'
  | 'same rows or malformed'
  | typeof ErrorCode.MalformedXml
  | typeof ErrorCode.CorruptZip;

/** A mutant's bytes, and for a hostile one what it must end in. */
interface HostileMutant extends Mutant {
  readonly expected?: Expected;
}

/** Whether `outcome` is what `expected` allows, for a mutant of `seed`. */
function meets(outcome: Outcome, expected: string, seed: Seed): boolean {
  if (!outcome.ok) return false;
  const sameRows = outcome.result === 'ok' && outcome.digest === seed.rows;
  switch (expected) {
    case 'same rows':
      return sameRows;
    case 'same rows or malformed':
      return sameRows || outcome.result === ErrorCode.MalformedXml;
    default:
      return outcome.result === expected;
  }
}

const TARGET: FuzzTarget = {
  displayPath: DISPLAY_PATH,
  expectedCodes: EXPECTED_CODES,
  readEverything,
};

const MALFORMED = ErrorCode.MalformedXml;

/** A strategy (harness.ts) whose mutants may say what they must end in. */
type HostileStrategy = (
  random: Random,
  seed: Seed,
) => Buffer | HostileMutant | Promise<Buffer | HostileMutant>;

const STRATEGIES: Record<string, HostileStrategy> = {
  truncate: (random, seed) => truncateBytes(random, seed.bytes),
  'flip bytes': (random, seed) => flipBytes(random, seed.bytes),
  'overwrite a run': (random, seed) => overwriteRun(random, seed.bytes),
  'damage the XML of a valid zip': (random, seed) => rezipMutated(random, seed.parts),
  'overlapping entries and duplicate names in the zip': (random, seed) => ({
    bytes: deceivingZip(random, seed.parts),
    expected: ErrorCode.CorruptZip,
  }),
  'tags in another case': async (random, seed) => ({
    bytes: await buildZip(mutateTagCase(random, seed.parts)),
    expected: 'same rows or malformed',
  }),
  'encodings declared, and bytes invalid in them': async (random, seed) => {
    const { parts, expected } = mutateEncoding(random, seed.parts);
    return {
      bytes: await buildZip(parts),
      expected: expected === 'same rows' ? expected : MALFORMED,
    };
  },
  'error values': async (random, seed) => {
    const { parts, expected } = mutateErrorValue(random, seed.parts);
    return { bytes: await buildZip(parts), expected: expected === 'ok' ? expected : MALFORMED };
  },
};

/** Cases per strategy: the hostile ones run fewer by default. */
const STRATEGY_RUNS: Record<string, number> = {
  'overlapping entries and duplicate names in the zip': HOSTILE_RUNS,
  'tags in another case': HOSTILE_RUNS,
  'encodings declared, and bytes invalid in them': HOSTILE_RUNS,
  'error values': HOSTILE_RUNS,
};

/**
 * Outcomes each strategy must produce at least once: the mutants reach past the zip layer, some
 * read fine, some fail in the XML.
 */
const STRATEGY_REACHES: Record<string, readonly string[]> = {
  truncate: [ErrorCode.CorruptZip, ErrorCode.NotZip],
  'flip bytes': ['ok', ErrorCode.CorruptZip, ErrorCode.MalformedXml],
  'overwrite a run': ['ok', ErrorCode.CorruptZip, ErrorCode.MalformedXml],
  'damage the XML of a valid zip': ['ok', ErrorCode.MalformedXml, ErrorCode.UnsafeXml],
  'overlapping entries and duplicate names in the zip': [ErrorCode.CorruptZip],
  'tags in another case': [ErrorCode.MalformedXml],
  'encodings declared, and bytes invalid in them': ['ok', ErrorCode.MalformedXml],
  'error values': ['ok', ErrorCode.MalformedXml],
};

describe('reader fuzz: mutants of valid workbooks read fully or fail with a known code', () => {
  let seeds: Seed[] = [];

  beforeAll(async () => {
    seeds = await loadSeeds();
    const file = await fuzzFile('seed.xlsx');
    for (const seed of seeds) {
      await fs.writeFile(file, seed.bytes);
      seed.rows = (await readEverything(file).catch(() => ({ digest: '' }))).digest;
    }
  });

  it('reads every seed as it is', async () => {
    const file = await fuzzFile('seed.xlsx');
    const failed: string[] = [];
    for (const seed of seeds) {
      await fs.writeFile(file, seed.bytes);
      const rows = await readEverything(file).catch((error: unknown) => {
        failed.push(`${seed.name}: ${String(error)}`);
        return { count: 0 };
      });
      if (rows.count === 0) failed.push(`${seed.name}: no rows`);
    }
    expect(failed).toEqual([]);
    expect(seeds.length).toBe(12);
  });

  testStrategies({
    target: TARGET,
    fileName: 'mutant.xlsx',
    seeds: () => seeds,
    strategies: STRATEGIES,
    runs: RUNS,
    runsOf: STRATEGY_RUNS,
    reaches: STRATEGY_REACHES,
    meets,
  });
});
