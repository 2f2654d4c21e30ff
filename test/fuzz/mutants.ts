/**
 * Mutants of valid workbooks for the reader fuzz test: damaged bytes (truncated, flipped,
 * overwritten), valid zips whose XML is damaged, and the hostile inputs of the second round:
 * zips whose entries overlap or share a name, tags in another case, parts in other encodings or
 * with bytes no encoding allows, error cells holding what Excel never writes. Everything is
 * driven by a seeded PRNG, so a case is reproduced from its seed alone.
 */
import { fromBuffer } from 'yauzl';
import { EXCEL_ERROR_VALUES } from '../../src/core/cell.js';
import {
  buildOverlappingZip,
  buildRawZip,
  type DirectoryRecord,
  rawEntry,
} from '../helpers/raw-zip.js';
import {
  buildZip,
  encodeXml,
  escapeXml,
  type XmlTestEncoding,
  type ZipPart,
} from '../helpers/xlsx-builder.js';

/** A PRNG returning floats in [0, 1): mulberry32, small and good enough for fuzzing. */
export type Random = () => number;

export function makeRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** The file cut at a random point (possibly to nothing). */
export function truncateBytes(random: Random, bytes: Buffer): Buffer {
  return Buffer.from(bytes.subarray(0, randomInt(random, 0, bytes.length - 1)));
}

/** 1 to 8 random bytes XORed with a random non-zero value. */
export function flipBytes(random: Random, bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const count = randomInt(random, 1, 8);
  for (let i = 0; i < count; i++) {
    const at = randomInt(random, 0, copy.length - 1);
    copy[at] = (copy[at] ?? 0) ^ randomInt(random, 1, 255);
  }
  return copy;
}

/**
 * A run of 1 to 64 bytes overwritten: random bytes, zeros or 0xFF (0xFF in a size field of a
 * zip header makes it claim gigabytes).
 */
export function overwriteRun(random: Random, bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const length = randomInt(random, 1, 64);
  const at = randomInt(random, 0, copy.length - 1);
  const fill = pick(random, ['random', 'zero', 'ones'] as const);
  for (let i = at; i < Math.min(copy.length, at + length); i++) {
    copy[i] = fill === 'random' ? randomInt(random, 0, 255) : fill === 'zero' ? 0 : 0xff;
  }
  return copy;
}

/** The entries of a zip, in order, with their inflated content. */
export function unzipParts(zip: Buffer): Promise<ZipPart[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) {
        reject(error);
        return;
      }
      const parts: ZipPart[] = [];
      file.on('error', reject);
      file.on('end', () => resolve(parts));
      file.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) {
          file.readEntry();
          return;
        }
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) {
            reject(streamError);
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            parts.push({ name: entry.fileName, content: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

/**
 * Snippets that reach the reader's edge cases: markup sections, entities (valid, unknown, out
 * of range, surrogate), Excel escapes, DTDs, cell types, huge or odd references and indexes.
 */
const SNIPPETS = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '/>',
  '</',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?x ',
  '?>',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '&amp;',
  '&bogus;',
  '&#0;',
  '&#xD800;',
  '&#1114112;',
  '&#x110000;',
  '&#99999999999999999999;',
  '_x0000_',
  '_xD83D_',
  '_x',
  ' t="s"',
  ' t="b"',
  ' t="e"',
  ' t="d"',
  ' t="str"',
  ' t="inlineStr"',
  ' s="999999"',
  ' s="-1"',
  ' r="XFD1048576"',
  ' r="XFE1"',
  ' r="A1048577"',
  ' r="0"',
  ' r="-5"',
  ' r=""',
  '<v>99999999</v>',
  '<v>1e400</v>',
  '<v>-0</v>',
  '<v></v>',
  '<is><t>x</t></is>',
  '<r><t>y</t></r>',
  '<rPh><t>z</t></rPh>',
  '<row>',
  '</row>',
  '<c>',
  '</c>',
  '<si>',
  '</si>',
  '<sheetData>',
  '</sheetData>',
  '\uFEFF',
  '\u0000',
  '\uD800',
  'x:',
  ' xmlns:x="u"',
];

/** Billion laughs, external entities, and a DTD with nothing in it. */
const DOCTYPES = [
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
  '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">',
  '<!DOCTYPE x>',
];

/**
 * The XML text with 1 to 4 edits: characters or tags deleted or duplicated, snippets inserted,
 * characters swapped, a DTD put in the prolog.
 */
export function mutateXml(random: Random, xml: string): string {
  let text = xml;
  const edits = randomInt(random, 1, 4);
  for (let e = 0; e < edits; e++) {
    // A DTD is rare: the first part read with one fails at once, hiding every other edit.
    const kind =
      random() < 0.03
        ? 'insertDoctype'
        : pick(random, [
            'deleteChars',
            'duplicateChars',
            'deleteTag',
            'duplicateTag',
            'insertSnippet',
            'swapChars',
          ] as const);
    const at = randomInt(random, 0, Math.max(0, text.length - 1));
    if (kind === 'deleteChars') {
      text = text.slice(0, at) + text.slice(at + randomInt(random, 1, 16));
    } else if (kind === 'duplicateChars') {
      const piece = text.slice(at, at + randomInt(random, 1, 64));
      text = text.slice(0, at) + piece + text.slice(at);
    } else if (kind === 'deleteTag' || kind === 'duplicateTag') {
      const open = text.indexOf('<', at);
      const close = open < 0 ? -1 : text.indexOf('>', open);
      if (close < 0) continue;
      const tag = text.slice(open, close + 1);
      text =
        kind === 'deleteTag'
          ? text.slice(0, open) + text.slice(close + 1)
          : text.slice(0, open) + tag.repeat(randomInt(random, 2, 5)) + text.slice(close + 1);
    } else if (kind === 'insertDoctype') {
      // In the prolog, where a parser that allows DTDs would read it.
      const prolog = text.startsWith('<?xml') ? text.indexOf('?>') + 2 : 0;
      text = text.slice(0, prolog) + pick(random, DOCTYPES) + text.slice(prolog);
    } else if (kind === 'insertSnippet') {
      text = text.slice(0, at) + pick(random, SNIPPETS) + text.slice(at);
    } else {
      const other = randomInt(random, 0, Math.max(0, text.length - 1));
      const chars = [...text];
      if (chars.length < 2) continue;
      const a = Math.min(at, chars.length - 1);
      const b = Math.min(other, chars.length - 1);
      [chars[a], chars[b]] = [chars[b] ?? '', chars[a] ?? ''];
      text = chars.join('');
    }
  }
  return text;
}

/** The parts again as a valid zip, with one or two XML parts damaged by {@link mutateXml}. */
export function rezipMutated(random: Random, parts: readonly ZipPart[]): Promise<Buffer> {
  const xmlIndexes = parts.flatMap((part, i) => (/\.(xml|rels)$/.test(part.name) ? [i] : []));
  const targets = new Set<number>();
  const count = randomInt(random, 1, 2);
  for (let i = 0; i < count && xmlIndexes.length > 0; i++) targets.add(pick(random, xmlIndexes));
  const mutated = parts.map((part, i) =>
    targets.has(i)
      ? {
          name: part.name,
          content: mutateXml(random, Buffer.from(part.content).toString('utf8')),
        }
      : part,
  );
  return buildZip(mutated, { compress: random() < 0.8 });
}

/**
 * The parts as a zip that deceives: an entry listed a second time under another name (sharing
 * its data), a second entry with another's name (or that name in other case), or a chain of
 * entries overlapping to one kernel (Fifield's bomb). Every one is refused when it opens.
 */
export function deceivingZip(random: Random, parts: readonly ZipPart[]): Buffer {
  const entries = parts.map((part) => rawEntry(part.name, part.content, random() < 0.8));
  const kind = pick(random, [
    'second name',
    'same name',
    'same name in other case',
    'chain',
  ] as const);
  const target = randomInt(random, 0, entries.length - 1);
  const name = entries[target]?.name ?? '';
  if (kind === 'second name') {
    const directory: DirectoryRecord[] = entries.map((_, entry) => ({ entry }));
    directory.splice(randomInt(random, 0, directory.length), 0, {
      entry: target,
      name: `xl/worksheets/sheet${randomInt(random, 50, 99)}.xml`,
    });
    return buildRawZip(entries, directory);
  }
  if (kind === 'chain') {
    const names = parts.map((part) => part.name).slice(0, randomInt(random, 2, parts.length));
    return buildOverlappingZip(names, Buffer.from(parts[target]?.content ?? ''));
  }
  const other = kind === 'same name' ? name : swapCase(random, name);
  const extra = rawEntry(other, pick(random, parts).content);
  const at = randomInt(random, 0, entries.length);
  return buildRawZip([...entries.slice(0, at), extra, ...entries.slice(at)]);
}

/** `name` with at least one letter in the other case. */
function swapCase(random: Random, name: string): string {
  const letters = [...name].flatMap((char, i) => (/[a-z]/i.test(char) ? [i] : []));
  const chars = [...name];
  const first = pick(random, letters);
  for (const i of letters) {
    if (i !== first && random() < 0.7) continue;
    const char = chars[i] ?? '';
    chars[i] = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
  }
  return chars.join('');
}

/** The parts the reader reads whole: the sheets and the shared strings. */
function readParts(parts: readonly ZipPart[]): number[] {
  return parts.flatMap((part, i) =>
    /^xl\/(worksheets\/[^/]+\.xml|sharedStrings\.xml)$/.test(part.name) ? [i] : [],
  );
}

function textOf(part: ZipPart): string {
  return Buffer.from(part.content).toString('utf8');
}

/** Element names of sheets and shared strings, whose case is changed. */
const CASED_TAGS = ['sheetData', 'row', 'c', 'v', 'f', 'is', 't', 'r', 'si', 'rPh', 'extLst'];

/**
 * The parts with one element name of a sheet or the shared strings written in another case in
 * every tag (`<Row>…</Row>`), or one attribute name of a sheet (` T="s"`): XML names are
 * case-sensitive, so the reader must fail, or read the same rows when the name is one it never
 * reads.
 */
export function mutateTagCase(random: Random, parts: readonly ZipPart[]): ZipPart[] {
  const targets = readParts(parts);
  if (targets.length === 0) return [...parts];
  const index = pick(random, targets);
  const part = parts[index] as ZipPart;
  const text = textOf(part);
  if (random() < 0.3 && part.name.startsWith('xl/worksheets/')) {
    // An attribute of rows and cells instead: ` t="s"` → ` T="s"`.
    const name = pick(random, ['r', 's', 't']);
    const mutated = text.replaceAll(` ${name}="`, ` ${name.toUpperCase()}="`);
    return parts.map((p, i) => (i === index ? { name: p.name, content: mutated } : p));
  }
  const present = CASED_TAGS.filter((tag) => new RegExp(`<(?:\\w+:)?${tag}[\\s/>]`).test(text));
  if (present.length === 0) return [...parts];
  const tag = pick(random, present);
  const other = pick(random, [
    tag.toUpperCase(),
    tag[0]?.toUpperCase() + tag.slice(1),
    swapCase(random, tag),
  ]);
  const tags = new RegExp(`(</?)((?:\\w+:)?)${tag}(?=[\\s/>])`, 'g');
  const mutated = text.replace(tags, `$1$2${other === tag ? tag.toUpperCase() : other}`);
  return parts.map((p, i) => (i === index ? { name: p.name, content: mutated } : p));
}

/** How a mutant of {@link mutateEncoding} must read. */
export type EncodingExpectation = 'same rows' | 'malformed';

/** The encodings a part is written in, with the bytes each must never hold. */
const ENCODINGS: readonly { encoding: XmlTestEncoding; bad: readonly (readonly number[])[] }[] = [
  { encoding: 'utf-8', bad: [[0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xc3, 0x28]] },
  { encoding: 'us-ascii', bad: [[0xe9], [0x80]] },
  { encoding: 'iso-8859-1', bad: [[0x80], [0x9f]] },
  { encoding: 'windows-1252', bad: [[0x81], [0x8d], [0x8f], [0x90], [0x9d]] },
  {
    encoding: 'utf-16le',
    bad: [
      [0x00, 0xdc],
      [0x3d, 0xd8],
    ],
  },
  {
    encoding: 'utf-16be',
    bad: [
      [0xdc, 0x00],
      [0xd8, 0x3d],
    ],
  },
];

/**
 * A sheet or the shared strings written in another encoding its declaration names (which must
 * read the same rows), or with bytes not valid in its encoding inserted, or declaring an
 * encoding nobody reads (which must fail as malformed XML).
 */
export function mutateEncoding(
  random: Random,
  parts: readonly ZipPart[],
): { parts: ZipPart[]; expected: EncodingExpectation } {
  const targets = readParts(parts);
  const index = pick(random, targets);
  const part = parts[index] as ZipPart;
  const text = textOf(part).replace(/^\uFEFF/, '');
  const mode = pick(random, [
    're-encode',
    're-encode',
    'invalid bytes',
    'unknown encoding',
  ] as const);
  let content: Buffer;
  let expected: EncodingExpectation = 'malformed';
  if (mode === 'unknown encoding') {
    const name = pick(random, [
      'Shift_JIS',
      'ISO-8859-2',
      'KOI8-R',
      'EBCDIC-US',
      'x-unknown',
      'UTF-7',
    ]);
    content = encodeXml(text, 'utf-8', name);
  } else {
    const { encoding, bad } = pick(random, ENCODINGS);
    let written: Buffer;
    let used = encoding;
    try {
      // C1 controls are refused in ISO-8859-1 whatever the text: write those parts otherwise.
      if (encoding === 'iso-8859-1' && /[\u0080-\u009f]/.test(text)) throw new Error('C1');
      written = encodeXml(text, encoding);
    } catch {
      used = 'utf-16le';
      written = encodeXml(text, used);
    }
    if (mode === 're-encode') {
      content = written;
      expected = 'same rows';
    } else {
      const sequence = used === encoding ? pick(random, bad) : [0x00, 0xdc];
      const wide = used === 'utf-16le' || used === 'utf-16be';
      // After the byte order mark, on a unit boundary in UTF-16.
      let at = randomInt(random, wide ? 2 : 0, written.length);
      if (wide) at -= at % 2;
      content = Buffer.concat([
        written.subarray(0, at),
        Buffer.from(sequence),
        written.subarray(at),
      ]);
    }
  }
  return {
    parts: parts.map((p, i) => (i === index ? { name: p.name, content } : p)),
    expected,
  };
}

/** What an error cell may hold that Excel never writes there. */
const NOT_ERROR_VALUES = [
  '#EVIL!',
  "=cmd|' /C calc'!A0",
  '#n/a',
  '#N/A ',
  'Err:502',
  '#DIV/0',
  'x',
];

/**
 * A sheet with one cell made an error cell (`t="e"`) holding one of Excel's error values (which
 * reads) or something else (which must fail as malformed XML).
 */
export function mutateErrorValue(
  random: Random,
  parts: readonly ZipPart[],
): { parts: ZipPart[]; expected: 'ok' | 'malformed' } {
  const sheets = readParts(parts).filter((i) => parts[i]?.name.startsWith('xl/worksheets/'));
  const index = pick(random, sheets);
  const part = parts[index] as ZipPart;
  const text = textOf(part);
  const cells = [...text.matchAll(/<((?:\w+:)?)c(?=[\s/>])([^>]*?)(?:\/>|>[\s\S]*?<\/\1c>)/g)];
  const known = random() < 0.5;
  if (cells.length === 0) return { parts: [...parts], expected: 'ok' };
  const cell = pick(random, cells);
  const prefix = cell[1] ?? '';
  const ref = /\sr="[^"]*"/.exec(cell[2] ?? '')?.[0] ?? '';
  const value = known ? pick(random, [...EXCEL_ERROR_VALUES]) : pick(random, NOT_ERROR_VALUES);
  const replacement = `<${prefix}c${ref} t="e"><${prefix}v>${escapeXml(value)}</${prefix}v></${prefix}c>`;
  const at = cell.index ?? 0;
  const mutated = text.slice(0, at) + replacement + text.slice(at + cell[0].length);
  return {
    parts: parts.map((p, i) => (i === index ? { name: p.name, content: mutated } : p)),
    expected: known ? 'ok' : 'malformed',
  };
}
