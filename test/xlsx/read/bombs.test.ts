/**
 * Decompression bombs and hostile XML: each must fail with the exact error, fast, and without
 * holding what it inflates. The bombs are a few hundred KB to 1 MB on disk: their deflate streams
 * are built from one compressed megabyte repeated (see {@link deflateRepeated}), and their zips by
 * hand, so the sizes in the headers can lie.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { MAX_BATCH_CELLS } from '../../../src/reader/row-batch.js';
import type { SheetInfo, SheetRow } from '../../../src/reader/workbook-reader.js';
import { type OpenWorkbookOptions, openWorkbook } from '../../../src/xlsx/read/open-workbook.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  sharedStringsXml,
  stylesXml,
  workbookParts,
  worksheetXml,
} from '../../helpers/xlsx-builder.js';

const MiB = 1024 ** 2;
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const SHEET_PART = 'xl/worksheets/sheet1.xml';
const DISPLAY = 'in/bomb.xlsx';
const BOMB_HINT = (limit: string) =>
  `The file may be a decompression bomb; if it is genuine, raise the limit with the limits.${limit} option`;
const DAMAGED_HINT =
  'The file is truncated or damaged; if it was downloaded or copied, get it again, else open it in Excel and save it again';
const UNSAFE_HINT =
  'The file may have been crafted to attack XML readers; open it in Excel and save it again if you trust it';

/** A raw deflate stream and what it inflates to. */
interface Deflated {
  readonly data: Buffer;
  /** Inflated bytes. */
  readonly size: number;
  /** CRC-32 of the inflated bytes, or 0 for a bomb (the reader does not check it). */
  readonly crc: number;
}

/**
 * The deflate stream of `head`, then `count` units of about 1 MiB of `fill` repeated, then
 * `tail`, made without ever holding or compressing more than 2 MiB: after a sync flush the stream
 * is byte-aligned, and the compressed form of one more unit following a unit is the same bytes
 * every time (deflate looks back 32 KiB at most), so it is compressed once and repeated.
 */
async function deflateRepeated(
  head: string,
  fill: string,
  count: number,
  tail: string,
  options: { withCrc?: boolean } = {},
): Promise<Deflated> {
  // Whole copies of `fill`, so the units join up.
  const unit = Buffer.from(fill.repeat(Math.floor(MiB / fill.length)));
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const flushed = async (): Promise<Buffer> => {
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    return Buffer.concat(out.splice(0));
  };
  deflate.write(Buffer.concat([Buffer.from(head), unit]));
  const first = await flushed();
  deflate.write(unit);
  const repeated = await flushed();
  const ended = new Promise<void>((resolve) => deflate.on('end', () => resolve()));
  deflate.end(Buffer.from(tail));
  await ended;
  const last = Buffer.concat(out);
  const pieces = [first];
  for (let i = 1; i < count; i++) pieces.push(repeated);
  pieces.push(last);
  let crc = 0;
  if (options.withCrc !== false) {
    crc = crc32(head);
    for (let i = 0; i < count; i++) crc = crc32(unit, crc);
    crc = crc32(tail, crc);
  }
  return {
    data: Buffer.concat(pieces),
    size: Buffer.byteLength(head) + count * unit.length + Buffer.byteLength(tail),
    crc,
  };
}

function deflateText(text: string): Deflated {
  const bytes = Buffer.from(text);
  return { data: deflateRawSync(bytes), size: bytes.length, crc: crc32(bytes) };
}

/** One entry of {@link buildRawZip}: deflated data with the uncompressed size its headers claim. */
interface RawEntry {
  readonly name: string;
  readonly deflated: Deflated;
  /** The size written in the headers. @default the real one */
  readonly declaredSize?: number;
}

/** A zip written field by field, so an entry can declare any uncompressed size. */
function buildRawZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const { data, crc } = entry.deflated;
    const size = entry.declaredSize ?? entry.deflated.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x58210000, 10); // 2024-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    local.copy(central, 6, 4, 30); // version needed … name length
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A conventional workbook whose parts named in `replace` are the given raw entries instead.
 * The XML of the replaced parts in `spec` only places them (and their relationships).
 */
async function writeBomb(
  spec: Parameters<typeof workbookParts>[0],
  replace: Record<string, Omit<RawEntry, 'name'>>,
): Promise<{ file: string; bytes: number }> {
  const entries = workbookParts(spec).map((part): RawEntry => {
    const raw = replace[part.name];
    if (raw !== undefined) return { name: part.name, ...raw };
    const text =
      typeof part.content === 'string' ? part.content : Buffer.from(part.content).toString();
    return { name: part.name, deflated: deflateText(text) };
  });
  const zip = buildRawZip(entries);
  const file = path.join(await makeTempDir('xlmerge-bomb-'), 'bomb.xlsx');
  await fs.writeFile(file, zip);
  return { file, bytes: zip.length };
}

const ONE_SHEET = { sheets: [{ name: 'Data', xml: worksheetXml('') }] };

let gibibyteComment: Promise<Deflated> | undefined;

/** A worksheet part holding a comment of 1 GiB of 'a', in about 1 MB (made once per file). */
function commentBomb(): Promise<Deflated> {
  gibibyteComment ??= deflateRepeated(
    `<worksheet xmlns="${NS}"><!--`,
    'a',
    1024,
    '--></worksheet>',
    {
      withCrc: false,
    },
  );
  return gibibyteComment;
}

/** Rows read per sheet, until the error; `error` is the XlmergeError or undefined. */
async function readAll(file: string, options: OpenWorkbookOptions = {}) {
  const counts: number[] = [];
  let maxBatchCells = 0;
  let rows: SheetRow[] = [];
  const reader = await openWorkbook(file, { displayPath: DISPLAY, ...options });
  try {
    for (const sheet of reader.sheets) {
      counts.push(0);
      for await (const batch of reader.readRows(sheet)) {
        counts[counts.length - 1] = (counts.at(-1) ?? 0) + batch.length;
        maxBatchCells = Math.max(
          maxBatchCells,
          batch.reduce((sum, row) => sum + row.cells.length, 0),
        );
        rows = batch;
      }
    }
  } finally {
    await reader.close();
  }
  return { counts, maxBatchCells, lastBatch: rows };
}

/**
 * Runs `read` and reports how long it took and how far the resident set grew meanwhile
 * (sampled every 5 ms, since the peak is what a bomb would blow up).
 */
async function measure<T>(
  read: () => Promise<T>,
): Promise<{ result: T; ms: number; rssMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  try {
    const result = await read();
    return { result, ms: performance.now() - started, rssMb: (peak - before) / MiB };
  } finally {
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
}

function context(error: { code: string; file?: string; sheet?: string; part?: string }) {
  return { code: error.code, file: error.file, sheet: error.sheet, part: error.part };
}

describe('decompression bombs: a header that lies about the size', () => {
  it('stops a part that inflates past the size its header declares (1 GiB claiming 4 MiB, limit 8 MiB)', async () => {
    const { file, bytes } = await writeBomb(ONE_SHEET, {
      [SHEET_PART]: {
        deflated: await commentBomb(),
        declaredSize: 4 * MiB,
      },
    });
    expect(bytes).toBeLessThan(1.2 * MiB);
    const {
      result: error,
      ms,
      rssMb,
    } = await measure(() => rejectionOf(readAll(file, { limits: { maxEntryBytes: 8 * MiB } })));
    expect(context(error)).toEqual({
      code: ErrorCode.CorruptZip,
      file: DISPLAY,
      sheet: 'Data',
      part: SHEET_PART,
    });
    expect(error.message).toBe(
      'The part xl/worksheets/sheet1.xml cannot be decompressed: too many bytes in the stream. expected 4194304. got at least 4718592',
    );
    expect(error.hint).toBe(DAMAGED_HINT);
    expect(ms).toBeLessThan(2500);
    expect(rssMb).toBeLessThan(100);
  });

  it('with the default limits, a 1 MB file claiming 1 MB is stopped at 1 MiB, whatever its ratio', async () => {
    const { file, bytes } = await writeBomb(ONE_SHEET, {
      [SHEET_PART]: {
        deflated: await commentBomb(),
        declaredSize: 1_000_000,
      },
    });
    expect(bytes).toBeLessThan(1.2 * MiB);
    const { result: error, ms, rssMb } = await measure(() => rejectionOf(readAll(file)));
    expect(context(error)).toEqual({
      code: ErrorCode.CorruptZip,
      file: DISPLAY,
      sheet: 'Data',
      part: SHEET_PART,
    });
    expect(error.message).toBe(
      'The part xl/worksheets/sheet1.xml cannot be decompressed: too many bytes in the stream. expected 1000000. got at least 1048576',
    );
    expect(ms).toBeLessThan(2500);
    expect(rssMb).toBeLessThan(100);
  });

  it('refuses a part whose header declares more than maxEntryBytes before inflating any of it', async () => {
    const { file } = await writeBomb(ONE_SHEET, {
      [SHEET_PART]: {
        deflated: await commentBomb(),
        declaredSize: 3 * 1024 * MiB,
      },
    });
    const { result: error, ms } = await measure(() =>
      rejectionOf(readAll(file, { limits: { maxEntryBytes: 8 * MiB } })),
    );
    expect(context(error)).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'Data',
      part: SHEET_PART,
    });
    expect(error.message).toBe(
      'The part xl/worksheets/sheet1.xml inflates to 3 GiB, more than the maxEntryBytes limit of 8 MiB',
    );
    expect(error.hint).toBe(BOMB_HINT('maxEntryBytes'));
    expect(ms).toBeLessThan(1500);
  });
});

describe('decompression bombs: many parts', () => {
  it('counts every part of the file against maxFileBytes (4 sheets of 6 MiB, limit 20 MiB)', async () => {
    const padded = await deflateRepeated(
      `${XML_DECLARATION}<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><!--`,
      'a',
      6,
      '--></worksheet>',
    );
    const names = ['S1', 'S2', 'S3', 'S4'];
    const { file } = await writeBomb(
      { sheets: names.map((name) => ({ name, xml: worksheetXml('') })) },
      Object.fromEntries(
        names.map((_, i) => [`xl/worksheets/sheet${i + 1}.xml`, { deflated: padded }]),
      ),
    );
    const counts: number[] = [];
    const {
      result: error,
      ms,
      rssMb,
    } = await measure(async () => {
      const reader = await openWorkbook(file, {
        displayPath: DISPLAY,
        limits: { maxEntryBytes: 8 * MiB, maxFileBytes: 20 * MiB },
      });
      return rejectionOf(
        (async () => {
          for (const sheet of reader.sheets) {
            counts.push(0);
            for await (const batch of reader.readRows(sheet)) {
              counts[counts.length - 1] = (counts.at(-1) ?? 0) + batch.length;
            }
          }
        })(),
      );
    });
    // The row of sheet 4 streams out before the limit is reached within its comment.
    expect(counts).toEqual([1, 1, 1, 1]);
    expect(context(error)).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'S4',
      part: 'xl/worksheets/sheet4.xml',
    });
    expect(error.message).toBe(
      'Reading the part xl/worksheets/sheet4.xml takes the file past the maxFileBytes limit of 20 MiB inflated',
    );
    expect(error.hint).toBe(BOMB_HINT('maxFileBytes'));
    expect(ms).toBeLessThan(2000);
    expect(rssMb).toBeLessThan(150);
  });
});

describe('decompression bombs: one giant element', () => {
  const GIANT_CELL_HEAD = `${XML_DECLARATION}<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`;
  const GIANT_CELL_TAIL = '</t></is></c></row></sheetData></worksheet>';

  it('stops a cell of 300 MiB of text at maxElementChars (8 Mi characters)', async () => {
    const { file, bytes } = await writeBomb(ONE_SHEET, {
      [SHEET_PART]: {
        deflated: await deflateRepeated(GIANT_CELL_HEAD, 'a', 300, GIANT_CELL_TAIL),
      },
    });
    expect(bytes).toBeLessThan(400 * 1024);
    const {
      result: error,
      ms,
      rssMb,
    } = await measure(() => rejectionOf(readAll(file, { limits: { maxElementChars: 8 * MiB } })));
    expect({ ...context(error), row: error.row }).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'Data',
      part: SHEET_PART,
      row: 1,
    });
    expect(error.message).toBe(
      'A cell or string is longer than 8388608 characters (in xl/worksheets/sheet1.xml)',
    );
    expect(ms).toBeLessThan(2500);
    expect(rssMb).toBeLessThan(100);
  });

  it('stops a cell of 300 MiB of text with the default limits', async () => {
    const { file } = await writeBomb(ONE_SHEET, {
      [SHEET_PART]: {
        deflated: await deflateRepeated(GIANT_CELL_HEAD, 'a', 300, GIANT_CELL_TAIL),
      },
    });
    const { result: error, ms, rssMb } = await measure(() => rejectionOf(readAll(file)));
    expect({ ...context(error), row: error.row }).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'Data',
      part: SHEET_PART,
      row: 1,
    });
    expect(error.message).toBe(
      'A cell or string is longer than 268435456 characters (in xl/worksheets/sheet1.xml)',
    );
    // The text is held until the limit: 256 Mi characters, one byte each (two for text outside
    // Latin-1). That is what the default maxElementChars costs.
    expect(ms).toBeLessThan(3000);
    expect(rssMb).toBeLessThan(450);
  });

  it('stops a shared string of 300 MiB of text at maxElementChars', async () => {
    const { file } = await writeBomb(
      {
        sheets: [
          { name: 'Data', xml: worksheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>') },
        ],
        sharedStrings: [],
      },
      {
        'xl/sharedStrings.xml': {
          deflated: await deflateRepeated(
            `${XML_DECLARATION}<sst xmlns="${NS}"><si><t>`,
            'a',
            300,
            '</t></si></sst>',
          ),
        },
      },
    );
    const {
      result: error,
      ms,
      rssMb,
    } = await measure(() => rejectionOf(readAll(file, { limits: { maxElementChars: 8 * MiB } })));
    expect({ ...context(error), row: error.row }).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'Data',
      part: 'xl/sharedStrings.xml',
      row: undefined,
    });
    expect(error.message).toBe(
      'A cell or string is longer than 8388608 characters (in xl/sharedStrings.xml)',
    );
    expect(ms).toBeLessThan(2500);
    expect(rssMb).toBeLessThan(100);
  });
});

describe('decompression bombs: many small things', () => {
  const SST_HEAD = `${XML_DECLARATION}<sst xmlns="${NS}">`;
  const ITEM = '<si><t>x</t></si>';
  /** A sheet whose one cell shows shared string `index`. */
  const sharedCell = (index: number) => ({
    sheets: [
      { name: 'Data', xml: worksheetXml(`<row r="1"><c r="A1" t="s"><v>${index}</v></c></row>`) },
    ],
    sharedStrings: [],
  });

  it('refuses a shared strings table over maxEntryBytes by its header', async () => {
    const deflated = await deflateRepeated(SST_HEAD, ITEM, 32, '</sst>');
    const { file } = await writeBomb(sharedCell(0), { 'xl/sharedStrings.xml': { deflated } });
    const error = await rejectionOf(readAll(file, { limits: { maxEntryBytes: 8 * MiB } }));
    expect(context(error)).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'Data',
      part: 'xl/sharedStrings.xml',
    });
    expect(error.message).toBe(
      `The part xl/sharedStrings.xml inflates to ${deflated.size} bytes, more than the maxEntryBytes limit of 8 MiB`,
    );
    expect(deflated.size).toBe(33_554_053);
  });

  it('stops a shared strings table that inflates past its header', async () => {
    const deflated = await deflateRepeated(SST_HEAD, ITEM, 32, '</sst>', { withCrc: false });
    const { file } = await writeBomb(sharedCell(0), {
      'xl/sharedStrings.xml': { deflated, declaredSize: MiB },
    });
    const { result: error, rssMb } = await measure(() =>
      rejectionOf(readAll(file, { limits: { maxEntryBytes: 8 * MiB } })),
    );
    expect(context(error)).toEqual({
      code: ErrorCode.CorruptZip,
      file: DISPLAY,
      sheet: 'Data',
      part: 'xl/sharedStrings.xml',
    });
    expect(error.message).toBe(
      'The part xl/sharedStrings.xml cannot be decompressed: too many bytes in the stream. expected 1048576. got at least 1572864',
    );
    expect(rssMb).toBeLessThan(100);
  });

  it('reads a legitimately large shared strings table: about a million strings', async () => {
    const deflated = await deflateRepeated(SST_HEAD, ITEM, 16, '</sst>');
    const strings = 16 * Math.floor(MiB / ITEM.length);
    expect(strings).toBe(986_880);
    const { file } = await writeBomb(sharedCell(strings - 1), {
      'xl/sharedStrings.xml': { deflated },
    });
    const { result, ms, rssMb } = await measure(() => readAll(file));
    expect(result.counts).toEqual([1]);
    expect(result.lastBatch).toEqual([{ number: 1, cells: ['x'] }]);
    // About 17 MB of XML: each string costs an array slot and a short string.
    expect(ms).toBeLessThan(2000);
    expect(rssMb).toBeLessThan(150);
  });

  it('cuts batches of rows by cells: 24 characters of XML make 16,384 cells', async () => {
    // Before batches were cut by cells, one 512 KiB chunk of these rows made a batch of about
    // 350 million cells (gigabytes) from a zip of a few KB.
    const rows = Array.from(
      { length: 1000 },
      (_, i) => `<row r="${i + 1}"><c r="XFD${i + 1}"/></row>`,
    );
    const { file, bytes } = await writeBomb(
      { sheets: [{ name: 'Data', xml: worksheetXml(rows.join('')) }] },
      {},
    );
    expect(bytes).toBeLessThan(10_000);
    const { result, ms, rssMb } = await measure(() => readAll(file));
    expect(result.counts).toEqual([1000]);
    expect(result.maxBatchCells).toBe(MAX_BATCH_CELLS);
    expect(result.lastBatch.at(-1)?.cells.length).toBe(16_384);
    expect(ms).toBeLessThan(3000);
    // 16 million cells pass through in batches of 8 MB; the garbage is collected lazily.
    expect(rssMb).toBeLessThan(400);
  });

  it('stops elements nested hundreds of millions deep at once (1 GiB of <a> in 1 MB)', async () => {
    const { file } = await writeBomb(ONE_SHEET, {
      [SHEET_PART]: {
        deflated: await deflateRepeated(`<worksheet xmlns="${NS}">`, '<a>', 1024, '', {
          withCrc: false,
        }),
        declaredSize: 1024 * MiB,
      },
    });
    const { result: error, ms, rssMb } = await measure(() => rejectionOf(readAll(file)));
    expect(context(error)).toEqual({
      code: ErrorCode.MalformedXml,
      file: DISPLAY,
      sheet: 'Data',
      part: SHEET_PART,
    });
    expect(error.message).toBe(
      `expected elements nested at most 1000 deep, found ${JSON.stringify(`${'<a>'.repeat(13)}<…`)} deeper (in xl/worksheets/sheet1.xml)`,
    );
    expect(ms).toBeLessThan(1500);
    expect(rssMb).toBeLessThan(100);
  });
});

describe('hostile XML: DTDs and entities', () => {
  const LAUGHS = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
  ).join('')}]>`;
  const EXTERNAL = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';

  /** The part's XML with the DTD after its XML declaration. */
  function withDoctype(xml: string, doctype: string): string {
    const afterDeclaration = xml.indexOf('?>') + 2;
    return `${xml.slice(0, afterDeclaration)}${doctype}${xml.slice(afterDeclaration)}`;
  }

  const PARTS = [
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
    'xl/styles.xml',
    'xl/sharedStrings.xml',
    SHEET_PART,
  ];
  const sheetXml = worksheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>');

  for (const [doctypeName, doctype] of [
    ['billion laughs', LAUGHS],
    ['an external entity', EXTERNAL],
  ] as const) {
    it.each(PARTS)(`refuses ${doctypeName} in %s`, async (part) => {
      const entries = workbookParts({
        sheets: [{ name: 'Data', xml: sheetXml }],
        sharedStrings: sharedStringsXml(['&lol9;&xxe;']),
        styles: stylesXml({ cellFormatIds: [0] }),
      }).map((entry) => {
        const xml = String(entry.content);
        return {
          name: entry.name,
          deflated: deflateText(entry.name === part ? withDoctype(xml, doctype) : xml),
        };
      });
      const file = path.join(await makeTempDir('xlmerge-bomb-'), 'bomb.xlsx');
      await fs.writeFile(file, buildRawZip(entries));
      const { result: error, ms, rssMb } = await measure(() => rejectionOf(readAll(file)));
      expect({ code: error.code, file: error.file, part: error.part }).toEqual({
        code: ErrorCode.UnsafeXml,
        file: DISPLAY,
        part,
      });
      // Small parts are checked whole, styles, shared strings and sheets by the streaming lexer.
      expect(error.message).toBe(
        part === 'xl/sharedStrings.xml' || part === 'xl/styles.xml' || part === SHEET_PART
          ? `The XML contains a document type or entity declaration (${JSON.stringify(`${doctype.slice(0, 40)}…`)}), which workbooks never need (in ${part})`
          : `The part ${part} has a DOCTYPE or entity declaration, which workbooks never need`,
      );
      expect(error.hint).toBe(UNSAFE_HINT);
      expect(ms).toBeLessThan(1000);
      expect(rssMb).toBeLessThan(50);
    });
  }
});

describe('styles: absurd number formats parse in linear time', () => {
  it('a 40,000-character format code and 10,000 custom formats', async () => {
    const numFmts = [
      { id: 164, code: `"${'y'.repeat(39_998)}"` }, // all quoted: a number format
      { id: 165, code: `${'['.repeat(39_999)}h` }, // an unclosed bracket swallows the rest
      { id: 166, code: `[${'h'.repeat(39_998)}]` }, // elapsed hours
      { id: 167, code: `${'\\y'.repeat(13_333)}0` }, // escaped letters: a number format
      ...Array.from({ length: 10_000 }, (_, i) => ({
        id: 168 + i,
        code: i % 2 === 0 ? `yyyy-mm-dd"${i}"` : `0.00"${i}"`,
      })),
    ];
    const cellFormatIds = [0, 164, 165, 166, 167, 168, 169, 10_167];
    const cells = cellFormatIds
      .map((_, s) => `<c r="${String.fromCharCode(65 + s)}1" s="${s}"><v>2</v></c>`)
      .join('');
    const { file } = await writeBomb(
      {
        sheets: [{ name: 'Data', xml: worksheetXml(`<row r="1">${cells}</row>`) }],
        styles: stylesXml({ numFmts, cellFormatIds }),
      },
      {},
    );
    const { result, ms } = await measure(() => readAll(file));
    expect(result.lastBatch).toEqual([
      {
        number: 1,
        cells: [
          2,
          2,
          2,
          { kind: 'date', serial: 2, elapsed: true },
          2,
          { kind: 'date', serial: 2 },
          2,
          2,
        ],
      },
    ]);
    expect(ms).toBeLessThan(1500);
  });
});

describe('memory bounded by what a part holds', () => {
  const SST_HEAD = `${XML_DECLARATION}<sst xmlns="${NS}">`;
  const oneCell = (index: number) => ({
    sheets: [
      { name: 'Data', xml: worksheetXml(`<row r="1"><c r="A1" t="s"><v>${index}</v></c></row>`) },
    ],
    sharedStrings: [],
  });

  it('stops a table of millions of empty strings at limits.maxSharedStrings', async () => {
    // 2^26 of them (335 MB of XML in a 490 KB zip) took 2.5 GiB; each costs a slot however
    // short it is. Here 1.7 million, and a limit of a million.
    const deflated = await deflateRepeated(SST_HEAD, '<si/>', 8, '</sst>');
    const { file } = await writeBomb(oneCell(0), { 'xl/sharedStrings.xml': { deflated } });
    const { result: error, rssMb } = await measure(() =>
      rejectionOf(readAll(file, { limits: { maxSharedStrings: 1_000_000 } })),
    );
    expect(context(error)).toEqual({
      code: ErrorCode.SizeLimit,
      file: DISPLAY,
      sheet: 'Data',
      part: 'xl/sharedStrings.xml',
    });
    expect(error.message).toBe(
      'The shared strings table has more than 1,000,000 strings, the `limits.maxSharedStrings` limit (in xl/sharedStrings.xml)',
    );
    expect(error.hint).toBe(
      'The file may be a decompression bomb; if it is genuine, raise `limits.maxSharedStrings`',
    );
    expect(rssMb).toBeLessThan(100);
  });

  it('keeps the bytes of a shared strings part for the row engine only up to 64 MiB', async () => {
    const item = '<si><t>x</t></si>';
    for (const [mib, kept] of [
      [8, true],
      [65, false],
    ] as const) {
      const deflated = await deflateRepeated(SST_HEAD, item, mib, '</sst>');
      const { file } = await writeBomb(oneCell(0), { 'xl/sharedStrings.xml': { deflated } });
      const reader = await openWorkbook(file, { displayPath: DISPLAY });
      try {
        const sheet = reader.sheets[0] as SheetInfo;
        const { result: source, rssMb } = await measure(async () =>
          (reader.openSheetSource as NonNullable<typeof reader.openSheetSource>)(sheet),
        );
        expect(source.sharedStrings.bytes !== null).toBe(kept);
        expect(source.sharedStrings.strings().length).toBe(mib * Math.floor(MiB / item.length));
        // Not kept: read as it streamed in, one piece at a time (before: held whole, twice).
        if (!kept) expect(rssMb).toBeLessThan(2 * mib);
      } finally {
        await reader.close();
      }
    }
  });
});
