/**
 * core/cell-text.ts: the text a person would type for a cell's value, which header names and
 * `keysAsText` keys are made of.
 */
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { formatCellAsText } from '../../src/core/cell-text.js';

describe('formatCellAsText', () => {
  it.each<[CellValue, string]>([
    [null, ''],
    ['', ''],
    [' Name ', ' Name '],
    [1.5, '1.5'],
    [-0, '0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [true, 'TRUE'],
    [false, 'FALSE'],
    [{ kind: 'date', serial: 45352 }, '2024-03-01'],
    [{ kind: 'date', serial: 45352.4375 }, '2024-03-01 10:30:00'],
    [{ kind: 'date', serial: 0.4375 }, '10:30:00'],
    [{ kind: 'date', serial: 45352.437505787 }, '2024-03-01 10:30:00.500'],
    [{ kind: 'date', serial: 1 }, '1900-01-01'],
    [{ kind: 'date', serial: 59 }, '1900-02-28'],
    [{ kind: 'date', serial: 61 }, '1900-03-01'],
    [{ kind: 'error', code: '#N/A' }, '#N/A'],
  ])('writes %j as %j', (value, text) => {
    expect(formatCellAsText(value)).toBe(text);
  });
});
