import v8 from 'node:v8';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeEntry,
  ENTRY_HEADER_BYTES,
  encodeEntry,
  isFileResult,
} from '../../src/cache/cache-entry.js';
import type { FileResult } from '../../src/worker/protocol.js';
import { sampleResult, sampleTask } from '../helpers/parse-results.js';

const KEY = '5e'.repeat(32);

function entryOf(result: FileResult, key = KEY): Buffer {
  return Buffer.concat(encodeEntry(key, result));
}

/** The entry with its body replaced by `body`, lengths and checksum made right for it. */
function reframed(entry: Buffer, metadata: Buffer, rows: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.from(entry.subarray(0, ENTRY_HEADER_BYTES));
  const body = Buffer.concat([metadata, rows]);
  header.writeBigUInt64LE(BigInt(metadata.length), 40);
  header.writeBigUInt64LE(BigInt(body.length), 48);
  header.writeUInt32LE(zlib.crc32(body), 56);
  return Buffer.concat([header, body]);
}

describe('encodeEntry and decodeEntry', () => {
  it('give back the result as it was: typed arrays, date and error cells, -0, null', () => {
    const task = sampleTask({ reportDuplicates: true });
    const result = sampleResult({ render: 'xlsx', reportDuplicates: true });
    const decoded = decodeEntry(entryOf(result), KEY, task);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.result).toStrictEqual(result);
    const sheet = decoded.result.sheets[0];
    expect(sheet?.xml?.bytes).toBeInstanceOf(Uint8Array);
    expect(sheet?.xml?.ends).toBeInstanceOf(Uint32Array);
    expect(Buffer.from(sheet?.xml?.bytes ?? []).toString('utf8')).toBe(
      '<c r="A\0"><v>1</v></c><c r="A\0" t="inlineStr"><is><t>Zoë</t></is></c>',
    );
    expect([...(sheet?.xml?.ends ?? [])]).toEqual([22, 70]);
    expect(sheet?.values?.[1]).toStrictEqual([
      'Zoë',
      { kind: 'error', code: '#N/A' },
      -0,
      true,
      null,
    ]);
    expect(Object.is(sheet?.values?.[1]?.[2], -0)).toBe(true);
    expect(sheet?.dropped?.values[0]?.[1]).toStrictEqual({
      kind: 'date',
      serial: 1,
      elapsed: true,
    });
  });

  it('give back rows rendered as CSV, their bytes stored after the metadata', () => {
    const result = sampleResult({ render: 'csv', reportDuplicates: false });
    const decoded = decodeEntry(entryOf(result), KEY, sampleTask({ render: 'csv' }));
    expect(decoded).toStrictEqual({ ok: true, result });
    if (!decoded.ok) return;
    const csv = decoded.result.sheets[0]?.csv;
    expect(Buffer.from(csv?.bytes ?? []).toString('utf8')).toBe('1,2024-03-01 10:30:00"Zoë",#N/A');
    expect(csv?.fields).toBe(2);
    expect(decodeEntry(entryOf(result), KEY, sampleTask({ render: 'xlsx' }))).toStrictEqual({
      ok: false,
      reason: 'unexpected content',
    });
  });

  it('round-trip results rendered as values and not rendered at all', () => {
    for (const render of ['values', 'none'] as const) {
      const result = sampleResult({ render, reportDuplicates: false });
      const decoded = decodeEntry(entryOf(result), KEY, sampleTask({ render }));
      expect(decoded).toStrictEqual({ ok: true, result });
    }
  });

  it('lay out the header as documented, the rendered rows last as they are', () => {
    const result = sampleResult();
    const entry = entryOf(result);
    expect(entry.subarray(0, 4).toString('latin1')).toBe('XLMC');
    expect(entry.readUInt32LE(4)).toBe(6);
    expect(entry.subarray(8, 40).toString('hex')).toBe(KEY);
    expect(Number(entry.readBigUInt64LE(48))).toBe(entry.length - ENTRY_HEADER_BYTES);
    expect(entry.readUInt32LE(56)).toBe(zlib.crc32(entry.subarray(ENTRY_HEADER_BYTES)));
    expect(entry.readUInt32LE(60)).toBe(0);
    const rows = result.sheets[0]?.xml?.bytes ?? new Uint8Array();
    expect(entry.subarray(entry.length - rows.length).equals(rows)).toBe(true);
    expect(ENTRY_HEADER_BYTES + Number(entry.readBigUInt64LE(40)) + rows.length).toBe(entry.length);
  });
});

describe('decodeEntry refuses what it cannot trust', () => {
  const task = sampleTask({ reportDuplicates: true });
  const entry = entryOf(sampleResult());
  const reasonFor = (bytes: Buffer, key = KEY, forTask = task) => {
    const decoded = decodeEntry(bytes, key, forTask);
    return decoded.ok ? 'ok' : decoded.reason;
  };
  const flipped = (at: number) => {
    const copy = Buffer.from(entry);
    copy[at] = (copy[at] as number) ^ 0x01;
    return copy;
  };

  it('a truncated entry, wherever it was cut', () => {
    const lengths = [0, 3, 40, ENTRY_HEADER_BYTES - 1, ENTRY_HEADER_BYTES, entry.length - 1];
    expect(lengths.map((length) => reasonFor(entry.subarray(0, length)))).toEqual(
      lengths.map(() => 'truncated'),
    );
  });

  it('an entry with bytes after its end', () => {
    expect(reasonFor(Buffer.concat([entry, Buffer.of(0)]))).toBe('wrong length');
  });

  it('a byte flipped in the metadata, in the rendered rows or in the stored checksum', () => {
    expect(reasonFor(flipped(ENTRY_HEADER_BYTES + 10))).toBe('checksum mismatch');
    expect(reasonFor(flipped(entry.length - 3))).toBe('checksum mismatch');
    expect(reasonFor(flipped(57))).toBe('checksum mismatch');
  });

  it('a byte flipped in the lengths', () => {
    expect(reasonFor(flipped(55))).toBe('truncated');
    const shorter = Buffer.from(entry);
    shorter.writeBigUInt64LE(shorter.readBigUInt64LE(48) - 1n, 48);
    expect(reasonFor(shorter)).toBe('wrong length');
    const longMetadata = Buffer.from(entry);
    longMetadata.writeBigUInt64LE(longMetadata.readBigUInt64LE(48) + 1n, 40);
    expect(reasonFor(longMetadata)).toBe('wrong length');
  });

  it('another format version, another key, not an entry at all', () => {
    expect(reasonFor(flipped(4))).toBe('another format version');
    expect(reasonFor(entry, '6f'.repeat(32))).toBe('another key');
    expect(reasonFor(flipped(0))).toBe('not a cache entry');
    expect(reasonFor(Buffer.alloc(500, 0x41))).toBe('not a cache entry');
  });

  it('a sound frame around metadata that is not a serialized value', () => {
    expect(reasonFor(reframed(entry, Buffer.from('not v8 at all')))).toBe('unreadable metadata');
  });

  it('a sound frame around another shape, or rows that do not fill the body', () => {
    expect(reasonFor(reframed(entry, v8.serialize({ sheets: 'none' })))).toBe('unexpected content');
    expect(reasonFor(reframed(entry, v8.serialize([1, 2])))).toBe('unexpected content');
    const metadataLength = Number(entry.readBigUInt64LE(40));
    const metadata = entry.subarray(ENTRY_HEADER_BYTES, ENTRY_HEADER_BYTES + metadataLength);
    const rows = entry.subarray(ENTRY_HEADER_BYTES + metadataLength);
    expect(reasonFor(reframed(entry, metadata, rows))).toBe('ok');
    expect(reasonFor(reframed(entry, metadata, rows.subarray(1)))).toBe('unexpected content');
    expect(reasonFor(reframed(entry, metadata, Buffer.concat([rows, Buffer.of(1)])))).toBe(
      'unexpected content',
    );
  });

  it('a result shaped for other options', () => {
    expect(reasonFor(entry, KEY, sampleTask({ render: 'values', reportDuplicates: true }))).toBe(
      'unexpected content',
    );
    expect(reasonFor(entry, KEY, sampleTask({ reportDuplicates: false }))).toBe(
      'unexpected content',
    );
  });
});

describe('isFileResult', () => {
  const task = sampleTask({ reportDuplicates: true });
  const result = sampleResult();
  const sheet = result.sheets[0] as FileResult['sheets'][number];
  const withSheet = (changes: Record<string, unknown>) => ({
    ...result,
    sheets: [{ ...sheet, ...changes }],
  });

  it('accepts a result as the worker makes it', () => {
    expect(isFileResult(result, task)).toBe(true);
  });

  it('refuses lists of rows that disagree, and fields of the wrong type', () => {
    const xml = sheet.xml as NonNullable<typeof sheet.xml>;
    const refused: unknown[] = [
      null,
      { ...result, rowsRead: -1 },
      { ...result, inflatedBytes: 1.5 },
      { ...result, repeatedKeys: [1] },
      withSheet({ rowNumbers: [2] }),
      withSheet({ keys: ['n:1', null] }),
      withSheet({ keys: { ...sheet.keys, hashes: new Uint32Array(1) } }),
      withSheet({ keys: { ...sheet.keys, ends: Uint32Array.of(1, 99) } }),
      withSheet({ widths: [2] }),
      withSheet({ columns: [{ source: 0 }, { source: 1, name: 'when' }] }),
      withSheet({ xml: { bytes: xml.bytes, ends: Uint32Array.of(1, 2) } }),
      withSheet({ xml: { bytes: xml.bytes, ends: Array.from(xml.ends) } }),
      withSheet({ xml: null }),
      withSheet({ values: null }),
      withSheet({ dropped: { keys: ['n:1'], rowNumbers: [], values: [] } }),
      withSheet({ placed: 'no' }),
    ];
    expect(refused.map((value) => isFileResult(value, task))).toEqual(refused.map(() => false));
  });
});
