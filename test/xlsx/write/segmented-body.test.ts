import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type BlockCompressor,
  type CompressedSegment,
  deflateBlock,
  deflatePrefix,
  SegmentedBody,
} from '../../../src/xlsx/write/segmented-body.js';
import { computeCrc32 } from '../../../src/xlsx/zip/crc32.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** `count` rows of XML-like text, different for each `seed`. */
function rows(seed: string, count: number): Buffer {
  let text = '';
  for (let i = 0; i < count; i++) text += `<row r="${i}"><c><v>${seed}-${i * 7919}</v></c></row>`;
  return Buffer.from(text, 'utf8');
}

/** A compressor whose blocks finish only when the test says, in any order. */
function heldCompressor() {
  const held: { data: Buffer; release: () => void }[] = [];
  const compress: BlockCompressor = (data, dictionary) =>
    new Promise((resolve, reject) => {
      held.push({
        data,
        release: () => deflateBlock(data, dictionary).then(resolve, reject),
      });
    });
  return { compress, held };
}

/** What a kept segment's bytes inflate to, closed with a final block as a body would be. */
function inflateSegment(segment: CompressedSegment): Buffer {
  return inflateRawSync(Buffer.concat([...segment.chunks, Buffer.from([0x03, 0x00])]));
}

async function bodyPath(): Promise<string> {
  return path.join(await makeTempDir(), 'body.tmp');
}

describe('SegmentedBody', () => {
  it('writes segments that inflate, concatenated, to exactly what was added', async () => {
    const file = await bodyPath();
    const body = new SegmentedBody(file);
    const first = rows('a', 40_000); // about 1.5 MB: more than one block of 1 MiB
    const second = rows('b', 100);
    const tail = Buffer.from('</sheetData></worksheet>');
    body.addBlock(first.subarray(0, 1_000_000), 0);
    body.addBlock(first.subarray(1_000_000), 40_000);
    body.startSegment();
    body.addBlock(second, 100);
    const finished = await body.finish(tail);

    const all = Buffer.concat([first, second, tail]);
    const stored = await fs.readFile(file);
    expect(inflateRawSync(stored).equals(all)).toBe(true);
    expect(finished).toEqual({
      crc32: computeCrc32(all),
      uncompressedLength: all.length,
      compressedLength: stored.length,
    });
    // A prefix ending on a sync flush can go before it: that is the zip entry.
    const prefix = Buffer.from('<worksheet><sheetData>');
    const entry = Buffer.concat([deflatePrefix(prefix), stored]);
    expect(inflateRawSync(entry).equals(Buffer.concat([prefix, all]))).toBe(true);
  });

  it('hands over a kept segment with its CRC, sizes and rows', async () => {
    const body = new SegmentedBody(await bodyPath());
    const data = rows('k', 50_000);
    const kept: CompressedSegment[] = [];
    body.addBlock(rows('before', 10), 10);
    body.startSegment((segment) => kept.push(segment));
    body.addBlock(data.subarray(0, 1_200_000), 30_000);
    body.addBlock(data.subarray(1_200_000), 20_000);
    body.startSegment();
    await body.finish(Buffer.alloc(0));

    expect(kept).toHaveLength(1);
    const [segment] = kept as [CompressedSegment];
    expect(inflateSegment(segment).equals(data)).toBe(true);
    expect([segment.crc32, segment.uncompressedLength, segment.rows]).toEqual([
      computeCrc32(data),
      data.length,
      50_000,
    ]);
    expect(segment.compressedLength).toBe(
      segment.chunks.reduce((sum, chunk) => sum + chunk.length, 0),
    );
    expect(segment.chunks.length).toBe(2);
    expect(Buffer.from(segment.chunks.at(-1) as Uint8Array).subarray(-4)).toEqual(
      Buffer.from([0x00, 0x00, 0xff, 0xff]),
    );
  });

  it('compresses a segment to the same bytes whatever came before it', async () => {
    const data = rows('same', 30_000);
    const keepAfter = async (before: Buffer | null) => {
      const body = new SegmentedBody(await bodyPath());
      if (before !== null) body.addBlock(before, 1);
      let kept: CompressedSegment | null = null;
      body.startSegment((segment) => {
        kept = segment;
      });
      body.addBlock(data, 30_000);
      await body.finish(Buffer.alloc(0));
      return Buffer.concat((kept as CompressedSegment | null)?.chunks ?? []);
    };
    const alone = await keepAfter(null);
    expect(alone.length).toBeGreaterThan(1000);
    expect((await keepAfter(rows('other', 5000))).equals(alone)).toBe(true);
  });

  it('appends a segment kept earlier, giving the bytes of writing it again', async () => {
    const data = rows('again', 20_000);
    const writeOnce = async (reuse: CompressedSegment | null) => {
      const file = await bodyPath();
      const body = new SegmentedBody(file);
      let kept: CompressedSegment | null = null;
      body.addBlock(rows('head', 3), 3);
      if (reuse === null) {
        body.startSegment((segment) => {
          kept = segment;
        });
        body.addBlock(data, 20_000);
      } else {
        body.appendSegment(reuse);
      }
      body.startSegment();
      body.addBlock(rows('rest', 3), 3);
      const finished = await body.finish(Buffer.from('end'));
      return { bytes: await fs.readFile(file), finished, kept: kept as CompressedSegment | null };
    };
    const written = await writeOnce(null);
    const reused = await writeOnce(written.kept);
    expect(reused.bytes.equals(written.bytes)).toBe(true);
    expect(reused.finished).toEqual(written.finished);
    expect(inflateRawSync(reused.bytes).toString()).toBe(
      `${rows('head', 3)}${data}${rows('rest', 3)}end`,
    );
  });

  it('keeps an empty segment as nothing, and an empty body is just the final block', async () => {
    const file = await bodyPath();
    const body = new SegmentedBody(file);
    const kept: CompressedSegment[] = [];
    body.startSegment((segment) => kept.push(segment));
    body.startSegment();
    body.appendSegment(kept[0] as CompressedSegment);
    expect(await body.finish(Buffer.alloc(0))).toEqual({
      crc32: 0,
      uncompressedLength: 0,
      compressedLength: 2,
    });
    expect(kept).toEqual([
      { chunks: [], compressedLength: 0, crc32: 0, uncompressedLength: 0, rows: 0 },
    ]);
    expect(await fs.readFile(file)).toEqual(Buffer.from([0x03, 0x00]));
  });

  it('writes blocks in the order added when they finish compressing in another', async () => {
    const file = await bodyPath();
    const { compress, held } = heldCompressor();
    const body = new SegmentedBody(file, compress);
    const parts = ['one', 'two', 'three', 'four'].map((seed) => rows(seed, 2000));
    const kept: CompressedSegment[] = [];
    body.addBlock(parts[0] as Buffer, 2000);
    body.startSegment((segment) => kept.push(segment));
    body.addBlock(parts[1] as Buffer, 2000);
    body.addBlock(parts[2] as Buffer, 2000);
    body.startSegment();
    body.addBlock(parts[3] as Buffer, 2000);
    const finishing = body.finish(Buffer.from('tail'));
    expect(held.map((block) => block.data.subarray(0, 20).toString())).toEqual(
      parts.map((part) => part.subarray(0, 20).toString()),
    );
    // Last first, the kept segment's second block before its first.
    for (const index of [3, 2, 1, 0]) {
      held[index]?.release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (index > 0) expect((await fs.stat(file)).size).toBe(0);
    }
    const finished = await finishing;
    const all = Buffer.concat([...parts, Buffer.from('tail')]);
    expect(inflateRawSync(await fs.readFile(file)).equals(all)).toBe(true);
    expect(finished.crc32).toBe(computeCrc32(all));
    expect(kept.map((segment) => inflateSegment(segment).toString())).toEqual([
      `${parts[1]}${parts[2]}`,
    ]);
  });

  it('holds the writer back while more than four blocks are pending', async () => {
    const { compress, held } = heldCompressor();
    const body = new SegmentedBody(await bodyPath(), compress);
    for (let i = 0; i < 6; i++) body.addBlock(rows(`b${i}`, 10), 10);
    let ready = false;
    const waiting = body.waitForRoom().then(() => {
      ready = true;
    });
    expect(body.pending).toBe(6);
    held[0]?.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([ready, body.pending]).toEqual([false, 5]);
    held[1]?.release();
    await waiting;
    expect([ready, body.pending]).toEqual([true, 4]);
    for (const block of held.slice(2)) block.release();
    await body.finish(Buffer.alloc(0));
    expect(body.pending).toBe(0);
  });

  it('fails with the original error and removes its file when a block cannot be compressed', async () => {
    const file = await bodyPath();
    const broken = new Error('no memory for zlib');
    const body = new SegmentedBody(file, () => Promise.reject(broken));
    body.addBlock(rows('x', 10), 10);
    await expect(body.finish(Buffer.alloc(0))).rejects.toBe(broken);
    expect(body.failure).toEqual({ error: broken });
    await expect(body.waitForRoom()).rejects.toBe(broken);
    await expect(fs.access(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await body.close();
  });

  it('stops when closed, leaving the file to be removed, and keeps nothing', async () => {
    const file = await bodyPath();
    const { compress, held } = heldCompressor();
    const body = new SegmentedBody(file, compress);
    const kept: CompressedSegment[] = [];
    body.startSegment((segment) => kept.push(segment));
    body.addBlock(rows('x', 10), 10);
    body.startSegment();
    await body.close();
    held[0]?.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kept).toEqual([]);
    // The file may not even have been created: closing can come before it is open.
    expect(await fs.readFile(file).catch(() => Buffer.alloc(0))).toEqual(Buffer.alloc(0));
    await expect(body.finish(Buffer.alloc(0))).rejects.toThrow(
      'Internal: the sheet body was closed while being written',
    );
  });
});
