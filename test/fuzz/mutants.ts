/**
 * Mutants of valid workbooks for the reader fuzz test: damaged bytes (truncated, flipped,
 * overwritten) and valid zips whose XML is damaged. Everything is driven by a seeded PRNG, so a
 * case is reproduced from its seed alone.
 */
import { fromBuffer } from 'yauzl';
import { buildZip, type ZipPart } from '../helpers/xlsx-builder.js';

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
