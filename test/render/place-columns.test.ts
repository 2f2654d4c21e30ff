import { describe, expect, it } from 'vitest';
import { placeCells, placeFields } from '../../src/render/place-columns.js';

const row =
  '<c r="A\u0000"><v>1</v></c><c r="B\u0000" t="b"><v>1</v></c><c r="D\u0000"><v>4</v></c>';
const columns = [
  { source: 0, name: 'id' },
  { source: 1, name: 'ok' },
  { source: 3, name: 'n' },
];

describe('placeCells', () => {
  it('says when the columns are already in place', () => {
    expect(placeCells(columns, [0, 1, 3], 0)).toBeNull();
  });

  it('moves cells to their output columns', () => {
    const place = placeCells(columns, [0, 1, 2], 0);
    expect(place?.(row)).toBe(
      '<c r="A\u0000"><v>1</v></c><c r="B\u0000" t="b"><v>1</v></c><c r="C\u0000"><v>4</v></c>',
    );
  });

  it('re-sorts cells when the file orders its columns differently', () => {
    const place = placeCells(columns, [2, 0, 1], 0);
    expect(place?.(row)).toBe(
      '<c r="A\u0000" t="b"><v>1</v></c><c r="B\u0000"><v>4</v></c><c r="C\u0000"><v>1</v></c>',
    );
  });

  it('understands the source-column offset', () => {
    const shifted = row
      .replace('r="A', 'r="B2')
      .replace('r="B\u0000" t', 'r="C\u0000" t')
      .replace('r="D', 'r="E')
      .replace('B2', 'B');
    expect(placeCells(columns, [1, 2, 4], 1)).toBeNull();
    expect(placeCells(columns, [1, 2, 3], 1)?.(shifted)).toBe(
      '<c r="B\u0000"><v>1</v></c><c r="C\u0000" t="b"><v>1</v></c><c r="D\u0000"><v>4</v></c>',
    );
  });
});

const fieldColumns = [
  { source: 0, name: 'id' },
  { source: 1, name: 'note' },
  { source: 3, name: 'n' },
];

/** A rendered record moved by `placeFields(fieldColumns, outputs, offset)`, as text. */
function moved(record: string, outputs: number[], offset = 0): { text: string; fields: number } {
  const move = placeFields(fieldColumns, outputs, offset);
  if (move === null) throw new Error('expected a move');
  const bytes = Buffer.from(`xx${record}yy`);
  const length = move.place(bytes, 2, bytes.length - 2);
  return { text: move.scratch().toString('utf8', 0, length), fields: move.fields };
}

describe('placeFields', () => {
  it('says when the fields are in place already', () => {
    expect(placeFields(fieldColumns, [0, 1, 3], 0)).toBeNull();
    expect(placeFields(fieldColumns, [1, 2, 4], 1)).toBeNull();
    expect(placeFields([], [], 1)).toBeNull();
  });

  it('closes a gap left by a column without a name', () => {
    expect(moved('1,"a,b",,4', [0, 1, 2])).toEqual({ text: '1,"a,b",4', fields: 3 });
  });

  it('reorders fields, quoted commas and line breaks included', () => {
    expect(moved('1,"say ""hi"", x\r\ny",,4', [2, 0, 1])).toEqual({
      text: '"say ""hi"", x\r\ny",4,1',
      fields: 3,
    });
  });

  it('leaves empty fields for output columns the sheet lacks', () => {
    expect(moved('1,b,,4', [4, 0, 2])).toEqual({ text: 'b,,4,,1', fields: 5 });
  });

  it('counts from after the Source column', () => {
    expect(moved('1,b,,4', [3, 1, 2], 1)).toEqual({ text: 'b,4,1', fields: 3 });
  });

  it('grows its buffer for long records', () => {
    const long = 'é'.repeat(5000);
    expect(moved(`1,${long},,4`, [2, 1, 0]).text).toBe(`4,${long},1`);
  });
});
