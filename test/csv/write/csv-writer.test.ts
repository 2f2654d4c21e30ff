import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvWriter } from '../../../src/csv/write/csv-writer.js';
import { ErrorCode } from '../../../src/errors.js';
import { parseCsv } from '../../helpers/csv.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

async function target() {
  const dir = await makeTempDir();
  return { dir, file: path.join(dir, 'out.csv') };
}

describe('CsvWriter', () => {
  it('writes a BOM, the header and the records with CRLF ends', async () => {
    const { dir, file } = await target();
    const writer = createCsvWriter({ path: file });
    writer.widen(3);
    writer.writeRow([1, 'Zoë', true]);
    const row = bytes('2,"a,b",FALSE');
    writer.writeRenderedBytes(row, 0, row.length, 3);
    await writer.end(['id', 'name', 'ok']);
    expect(await fs.readdir(dir)).toEqual([expect.stringMatching(/^\.out\.csv\..*\.csv\.tmp$/)]);
    await writer.commit();
    expect(await fs.readFile(file, 'utf8')).toBe(
      '\uFEFFid,name,ok\r\n1,Zoë,TRUE\r\n2,"a,b",FALSE\r\n',
    );
    expect(writer.rowCount).toBe(2);
    expect(await fs.readdir(dir)).toEqual(['out.csv']);
  });

  it('pads records written before the header grew, not inside quoted line breaks', async () => {
    const { file } = await target();
    const writer = createCsvWriter({ path: file });
    writer.widen(2);
    writer.writeRow(['a', 'line 1\r\nline 2']);
    writer.writeRow(['b', 'x\ny']);
    writer.widen(3);
    writer.writeRow(['c', 'z', 3]);
    // Narrower than the width at the time: padded at once.
    writer.writeRow(['d']);
    writer.widen(5);
    const row = bytes('e,"q,\r\n",5');
    writer.writeRenderedBytes(row, 0, row.length, 4, bytes('src,'));
    await writer.end(['k', 'v', 'n', 'm', 'o']);
    await writer.commit();
    const text = await fs.readFile(file, 'utf8');
    expect(text).toBe(
      '\uFEFFk,v,n,m,o\r\n' +
        'a,"line 1\r\nline 2",,,\r\n' +
        'b,"x\ny",,,\r\n' +
        'c,z,3,,\r\n' +
        'd,,,,\r\n' +
        'src,e,"q,\r\n",5,\r\n',
    );
    expect(parseCsv(text).map((record) => record.length)).toEqual([5, 5, 5, 5, 5, 5]);
  });

  it('writes a record of one empty field as "", not as an empty line', async () => {
    const { file } = await target();
    const writer = createCsvWriter({ path: file });
    writer.widen(1);
    writer.writeRow([null]);
    writer.writeRenderedBytes(bytes(''), 0, 0, 1);
    writer.writeRow(['x']);
    await writer.end(['only']);
    await writer.commit();
    expect(await fs.readFile(file, 'utf8')).toBe('\uFEFFonly\r\n""\r\n""\r\nx\r\n');
  });

  it('keeps every record whole across the chunks it is assembled in', async () => {
    const { file } = await target();
    const writer = createCsvWriter({ path: file });
    const count = 60_000;
    writer.widen(2);
    for (let i = 0; i < count; i += 1) {
      writer.writeRow([i, i % 7 === 0 ? `multi\r\nline ${i}` : `text ${'é'.repeat(i % 13)}`]);
      if (i % 4096 === 0) await writer.drain();
      // The header grows twice on the way; the last records are at full width.
      if (i === 20_000) writer.widen(3);
      if (i === 40_000) writer.widen(4);
    }
    await writer.end(['n', 'text', 'x', 'y']);
    await writer.commit();
    const records = parseCsv(await fs.readFile(file, 'utf8'));
    expect(records.length).toBe(count + 1);
    expect(records.every((record) => record.length === 4)).toBe(true);
    expect(records[1]).toEqual(['0', 'multi\r\nline 0', '', '']);
    expect(records[count]).toEqual([
      String(count - 1),
      `text ${'é'.repeat((count - 1) % 13)}`,
      '',
      '',
    ]);
    expect(records.map((record) => record[0])).toEqual([
      'n',
      ...Array.from({ length: count }, (_, i) => String(i)),
    ]);
  });

  it('quotes and neutralises header names like any text', async () => {
    const { file } = await target();
    const writer = createCsvWriter({ path: file });
    await writer.end(['=cmd', 'a,b', ' pad']);
    await writer.commit();
    expect(await fs.readFile(file, 'utf8')).toBe(`\uFEFF"'=cmd","a,b"," pad"\r\n`);
  });

  it('leaves the target as it was until commit, and replaces it then', async () => {
    const { dir, file } = await target();
    await fs.writeFile(file, 'previous');
    const writer = createCsvWriter({ path: file });
    writer.widen(1);
    writer.writeRow(['new']);
    await writer.end(['c']);
    expect(await fs.readFile(file, 'utf8')).toBe('previous');
    await writer.commit();
    expect(await fs.readFile(file, 'utf8')).toBe('\uFEFFc\r\nnew\r\n');
    expect(await fs.readdir(dir)).toEqual(['out.csv']);
  });

  it('removes its temporary files on abort, before or after end', async () => {
    for (const ended of [false, true]) {
      const { dir, file } = await target();
      await fs.writeFile(file, 'previous');
      const writer = createCsvWriter({ path: file });
      writer.widen(1);
      writer.writeRow(['x']);
      await writer.drain();
      if (ended) await writer.end(['c']);
      await writer.abort();
      await writer.abort();
      expect(await fs.readdir(dir)).toEqual(['out.csv']);
      expect(await fs.readFile(file, 'utf8')).toBe('previous');
    }
  });

  it('fails with WRITE_FAILED when the target cannot be replaced, leaving nothing behind', async () => {
    const { dir, file } = await target();
    // A non-empty folder at the target: the rename fails.
    await fs.mkdir(file);
    await fs.writeFile(path.join(file, 'keep'), 'x');
    const writer = createCsvWriter({ path: file });
    writer.widen(1);
    writer.writeRow(['x']);
    await writer.end(['c']);
    const error = await rejectionOf(writer.commit());
    expect([error.code, error.file]).toEqual([ErrorCode.WriteFailed, file]);
    expect(await fs.readdir(dir)).toEqual(['out.csv']);
    await writer.abort();
  });

  it('refuses records wider than the header so far, and use after end', async () => {
    const { file } = await target();
    const writer = createCsvWriter({ path: file });
    writer.widen(1);
    expect(() => writer.writeRow([1, 2])).toThrow(
      'A CSV record has 2 fields, more than the 1 of the header so far',
    );
    writer.writeRow([1]);
    await expect(writer.end([])).rejects.toThrow(
      "A CSV record has more fields than the header's 0",
    );
    await writer.end(['a']);
    expect(() => writer.writeRow([1])).toThrow('The CSV writer is already ended');
    await writer.abort();
  });
});
