import { describe, expect, it } from 'vitest';
import { placeRow } from '../../src/render/place-row.js';

const row =
  '<c r="A\u0000"><v>1</v></c><c r="B\u0000" t="b"><v>1</v></c><c r="D\u0000"><v>4</v></c>';
const columns = [
  { source: 0, name: 'id' },
  { source: 1, name: 'ok' },
  { source: 3, name: 'n' },
];

describe('placeRow', () => {
  it('says when the columns are already in place', () => {
    expect(placeRow(columns, [0, 1, 3], 0)).toBeNull();
  });

  it('moves cells to their output columns', () => {
    const place = placeRow(columns, [0, 1, 2], 0);
    expect(place?.(row)).toBe(
      '<c r="A\u0000"><v>1</v></c><c r="B\u0000" t="b"><v>1</v></c><c r="C\u0000"><v>4</v></c>',
    );
  });

  it('re-sorts cells when the file orders its columns differently', () => {
    const place = placeRow(columns, [2, 0, 1], 0);
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
    expect(placeRow(columns, [1, 2, 4], 1)).toBeNull();
    expect(placeRow(columns, [1, 2, 3], 1)?.(shifted)).toBe(
      '<c r="B\u0000"><v>1</v></c><c r="C\u0000" t="b"><v>1</v></c><c r="D\u0000"><v>4</v></c>',
    );
  });
});
