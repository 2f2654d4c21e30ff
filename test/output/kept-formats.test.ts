import { describe, expect, it } from 'vitest';
import { KeptFormats } from '../../src/output/kept-formats.js';
import type { CellFormatIds } from '../../src/reader/cell-formats.js';
import { STYLE_REFUSED } from '../../src/render/cell-styles.js';
import type { InputFile } from '../../src/scan/scan-inputs.js';

function input(name: string): InputFile {
  return { path: `/in/${name}`, display: name, source: name, input: '/in' };
}

function formats(ids: number[], codes: [number, string][] = []): CellFormatIds {
  return { ids: Uint32Array.from(ids), codes };
}

/** A read that resolves when told, to finish reads in any order. */
function deferred() {
  let resolve!: (value: CellFormatIds) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<CellFormatIds>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('KeptFormats', () => {
  it('maps files in the order asked, whatever order their reads finish in', async () => {
    const kept = new KeptFormats();
    const a = deferred();
    const b = deferred();
    const tableA = kept.tableFor(input('a.xlsx'), () => a.promise);
    const tableB = kept.tableFor(input('b.xlsx'), () => b.promise);
    // b's styles come first, but a's formats get the first styles.
    b.resolve(formats([0, 165, 14], [[165, '0.0%']]));
    a.resolve(formats([0, 164, 14], [[164, '00000']]));
    expect(await tableA).toEqual(Uint32Array.from([0, 6, 7]));
    expect(await tableB).toEqual(Uint32Array.from([0, 8, 7]));
    expect(kept.styles.keptFormats).toBe(3);
  });

  it('gives a CSV file no table, and never reads it', async () => {
    const kept = new KeptFormats();
    const table = kept.tableFor(input('a.csv'), () => {
      throw new Error('not read');
    });
    expect(await table).toBeNull();
  });

  it('fails a file whose styles cannot be read, and maps the next one', async () => {
    const kept = new KeptFormats();
    const a = deferred();
    const failed = kept.tableFor(input('a.xlsx'), () => a.promise);
    const next = kept.tableFor(input('b.xlsx'), () => Promise.resolve(formats([0, 14])));
    a.reject(new Error('not a workbook'));
    await expect(failed).rejects.toThrow('not a workbook');
    expect(await next).toEqual(Uint32Array.from([0, 6]));
  });

  it('marks the styles of formats past the cap as refused', async () => {
    const kept = new KeptFormats();
    const ids = Array.from({ length: 200 }, (_, index) => 164 + index);
    const codes = ids.map((id): [number, string] => [id, `0.${'0'.repeat(id - 164)}`]);
    const table = await kept.tableFor(input('a.xlsx'), () => Promise.resolve(formats(ids, codes)));
    expect(table?.[195]).toBe(6 + 195);
    expect([...(table?.slice(196) ?? [])]).toEqual([
      STYLE_REFUSED,
      STYLE_REFUSED,
      STYLE_REFUSED,
      STYLE_REFUSED,
    ]);
    expect(kept.styles.refusedFormats).toBe(4);
  });
});
