/**
 * The compound-file reader on hostile containers: allocation tables that loop or name sectors
 * past the file, directories whose stream sizes lie, damaged mini streams and directory trees.
 * Each ends in a CORRUPT_XLS (or SIZE_LIMIT) error naming the file, quickly; the chains the npm
 * `cfb` package took 70 s and 15 GB on read in milliseconds.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../../../src/reader/read-limits.js';
import { openXls } from '../../../src/xls/read/open-xls.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  type CompoundFileOptions,
  type CompoundLayout,
  compoundFile,
  numberCell,
  workbookStream,
  xfRecords,
  xlsFile,
} from '../../helpers/xls-builder.js';

/** A workbook stream of `rows` rows (each NUMBER record 18 bytes): 4096 bytes and more are in regular sectors. */
function stream(rows: number): Buffer {
  const cells = Array.from({ length: rows }, (_, row) => numberCell(row, 0, row));
  return workbookStream(xfRecords(), [{ name: 'Data', cells }]);
}

async function readFile(bytes: Buffer, limits: Partial<ReadLimits> = {}) {
  const file = path.join(await makeTempDir(), 'book.xls');
  await fs.writeFile(file, bytes);
  const reader = await openXls(file, {
    displayPath: 'book.xls',
    limits: { ...DEFAULT_READ_LIMITS, ...limits },
  });
  let count = 0;
  for await (const batch of reader.readRows(reader.sheets[0] as never)) count += batch.length;
  return count;
}

async function failure(bytes: Buffer, limits: Partial<ReadLimits> = {}) {
  const started = Date.now();
  const error = await rejectionOf(readFile(bytes, limits));
  expect(Date.now() - started).toBeLessThan(2000);
  expect(error.file).toBe('book.xls');
  return error;
}

const damaged = (rows: number, options: CompoundFileOptions) => xlsFile(stream(rows), options);

const PREFIX = 'The compound file (OLE2) is damaged: ';

describe('compound files: what is read', () => {
  it('reads a stream in regular sectors and one in the mini stream', async () => {
    expect(stream(1000).length).toBeGreaterThan(4096);
    expect(await readFile(xlsFile(stream(1000)))).toBe(1000);
    expect(stream(10).length).toBeLessThan(4096);
    expect(await readFile(xlsFile(stream(10)))).toBe(10);
  });

  it('reads a stream whose sectors are in any order', async () => {
    expect(await readFile(backwards(stream(1000)))).toBe(1000);
  });
});

/**
 * A compound file whose Workbook stream's sectors are stored last first, each chained in the
 * FAT to the one before it in the file.
 */
function backwards(workbook: Buffer): Buffer {
  const span = (layout: CompoundLayout) =>
    layout.streams.Workbook as { start: number; sectors: number };
  return xlsFile(workbook, {
    directory: (entries) => {
      const entry = entries[1] as { start: number; size: number };
      entry.start += Math.ceil(entry.size / 512) - 1;
    },
    fat: (fat, layout) => {
      const { start, sectors } = span(layout);
      for (let i = 0; i < sectors; i++) fat[start + i] = i === 0 ? 0xfffffffe : start + i - 1;
    },
    bytes: (file, layout) => {
      const { start, sectors } = span(layout);
      const copy = Buffer.from(file);
      for (let i = 0; i < sectors; i++) {
        copy.copy(file, (start + sectors - i) * 512, (start + i + 1) * 512, (start + i + 2) * 512);
      }
    },
  });
}

describe('compound files: hostile containers', () => {
  it('refuses a FAT chain that loops', async () => {
    const error = await failure(
      damaged(1000, {
        fat: (fat, layout) => {
          const { start, sectors } = layout.streams.Workbook as { start: number; sectors: number };
          fat[start + sectors - 2] = start;
        },
      }),
    );
    expect(error.code).toBe(ErrorCode.CorruptXls);
    expect(error.message).toBe(
      `${PREFIX}the "Workbook" stream's chain of sectors loops at sector 0`,
    );
    expect(error.hint).toBe(
      'The file is truncated or damaged; open it in Excel or LibreOffice and save it again',
    );
  });

  it('refuses a sector number past the end of the file', async () => {
    const error = await failure(
      damaged(1000, {
        fat: (fat, layout) => {
          fat[(layout.streams.Workbook as { start: number }).start + 3] = 0x7fffff00;
        },
      }),
    );
    expect(error.message).toMatch(
      /names sector 2147483392, past the end of the file \(it has \d+ sectors\)$/,
    );
  });

  it('refuses a chain that reaches a free sector', async () => {
    const error = await failure(
      damaged(1000, {
        fat: (fat, layout) => {
          fat[(layout.streams.Workbook as { start: number }).start + 3] = 0xffffffff;
        },
      }),
    );
    expect(error.message).toBe(
      `${PREFIX}the "Workbook" stream reaches a sector the allocation table marks free or reserved (0xffffffff)`,
    );
  });

  it('refuses a stream whose size is larger than the file, before allocating it', async () => {
    const error = await failure(
      damaged(1000, {
        directory: (entries) => {
          (entries[1] as { size: number }).size = 0x7ffffff0;
        },
      }),
    );
    expect(error.code).toBe(ErrorCode.CorruptXls);
    expect(error.message).toMatch(
      /the "Workbook" stream declares 2147483632 bytes, more than the file's \d+ bytes of sectors hold$/,
    );
  });

  it('refuses a stream larger than its chain of sectors', async () => {
    const error = await failure(
      damaged(1000, {
        fat: (fat, layout) => {
          fat[(layout.streams.Workbook as { start: number }).start + 5] = 0xfffffffe;
        },
      }),
    );
    expect(error.message).toMatch(
      /the "Workbook" stream needs sector \d+ of its chain, but the chain ends after 6$/,
    );
  });

  it('refuses a stream larger than limits.maxEntryBytes with SIZE_LIMIT', async () => {
    const error = await failure(xlsFile(stream(1000)), { maxEntryBytes: 4096 });
    expect(error.code).toBe(ErrorCode.SizeLimit);
    expect(error.message).toBe(
      'The "Workbook" stream is 18448 bytes, more than the 4096 bytes xlmerge reads of one stream',
    );
  });

  it('refuses mini-stream damage: a size that lies, a loop, a mini sector past the mini stream', async () => {
    const small = stream(10);
    const beyondFile = await failure(
      damaged(10, {
        directory: (entries) => {
          (entries[1] as { size: number }).size = 4000;
        },
      }),
    );
    expect(beyondFile.message).toBe(
      `${PREFIX}the "Workbook" stream declares 4000 bytes, more than the file's 2560 bytes of sectors hold`,
    );
    // With room in the file, the mini chain itself gives out.
    const lie = await failure(
      compoundFile(
        { Workbook: small, Padding: Buffer.alloc(8000) },
        {
          directory: (entries) => {
            (entries[1] as { size: number }).size = 4000;
          },
        },
      ),
    );
    expect(lie.message).toBe(
      `${PREFIX}the "Workbook" stream declares 4000 bytes, but its chain of mini sectors ends after ${Math.ceil(small.length / 64) * 64}`,
    );
    const loop = await failure(
      damaged(10, {
        bytes: (file, layout) => {
          // The mini FAT's second entry points back to the first mini sector.
          file.writeUInt32LE(0, (layout.miniFatStart + 1) * 512 + 4);
        },
      }),
    );
    expect(loop.message).toBe(
      `${PREFIX}the "Workbook" stream's chain of mini sectors loops at mini sector 0`,
    );
  });

  it('refuses a directory tree that loops, and a header that is not one', async () => {
    const loop = await failure(
      damaged(10, {
        directory: (entries) => {
          (entries[1] as { left: number }).left = 1;
        },
      }),
    );
    expect(loop.message).toBe(`${PREFIX}the root storage's directory tree loops at entry 1`);
    const header = xlsFile(stream(10));
    header.writeUInt16LE(10, 30);
    expect((await failure(header)).message).toBe(
      `${PREFIX}expected sectors of 512 or 4096 bytes, found a sector shift of 10`,
    );
    expect((await failure(header.subarray(0, 300))).message).toBe(
      `${PREFIX}expected a compound file header of 512 bytes, found a file of 300`,
    );
  });

  it('refuses a file cut short inside its stream', async () => {
    const whole = xlsFile(stream(1000));
    const error = await failure(whole.subarray(0, 4000));
    expect(error.code).toBe(ErrorCode.CorruptXls);
  });

  it('reads a 4 MB file whose FAT chains every sector to the one before, in well under a second', async () => {
    // What took the npm cfb package 70 s and 15 GB: here, one pass along the chain.
    const cells = Array.from({ length: 200_000 }, (_, i) => numberCell(i >> 2, i & 3, i));
    const bytes = backwards(workbookStream(xfRecords(), [{ name: 'Data', cells }]));
    expect(bytes.length).toBeGreaterThan(3_500_000);
    const started = Date.now();
    expect(await readFile(bytes)).toBe(50_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
