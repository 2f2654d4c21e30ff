import { describe, expect, it } from 'vitest';
import { relsPartOf, resolveTarget } from '../../src/opc/part-paths.js';

describe('relsPartOf', () => {
  it.each([
    ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels'],
    ['book.xml', '_rels/book.xml.rels'],
    ['a/b/wb.xml', 'a/b/_rels/wb.xml.rels'],
  ])('%s → %s', (part, rels) => {
    expect(relsPartOf(part)).toBe(rels);
  });
});

describe('resolveTarget', () => {
  it.each([
    ['xl/workbook.xml', 'worksheets/sheet1.xml', 'xl/worksheets/sheet1.xml'],
    ['xl/workbook.xml', './worksheets/sheet1.xml', 'xl/worksheets/sheet1.xml'],
    ['xl/workbook.xml', '/xl/worksheets/s1.xml', 'xl/worksheets/s1.xml'],
    ['xl/workbook.xml', '../data/sheet.xml', 'data/sheet.xml'],
    ['xl/workbook.xml', '../../../sheet.xml', 'sheet.xml'],
    ['book.xml', 'sheets/a.xml', 'sheets/a.xml'],
    ['', 'xl/workbook.xml', 'xl/workbook.xml'],
    ['', '/book.xml', 'book.xml'],
    ['xl/workbook.xml', 'worksheets\\sheet1.xml', 'xl/worksheets/sheet1.xml'],
    ['xl/workbook.xml', ' worksheets//sheet1.xml ', 'xl/worksheets/sheet1.xml'],
  ])('from %j, %j is %j', (source, target, part) => {
    expect(resolveTarget(source, target)).toBe(part);
  });
});
