import { describe, expect, it } from 'vitest';
import { parseDateStyles } from '../../../src/xlsx/read/read-styles.js';
import { stylesXml } from '../../helpers/xlsx-builder.js';

const source = { file: 'in.xlsx', part: 'xl/styles.xml' };

describe('parseDateStyles', () => {
  it('classifies each cell style by its built-in or custom number format', () => {
    const xml = stylesXml({
      numFmts: [
        { id: 164, code: 'yyyy-mm-dd' },
        { id: 165, code: '[h]:mm' },
        { id: 166, code: '#,##0.00 "kg"' },
        { id: 14, code: '0.000' },
      ],
      cellFormatIds: [0, 14, 164, 165, 166, 46, 22, 2, 57, 300],
    });
    expect([...parseDateStyles(xml, source)]).toEqual([0, 0, 1, 2, 0, 2, 1, 0, 1, 0]);
  });

  it('ignores cellStyleXfs and the number formats of dxfs, and reads prefixed parts', () => {
    const xml =
      '<x:styleSheet xmlns:x="urn:main"><x:numFmts count="1"><x:numFmt numFmtId="170" formatCode="d/m"/></x:numFmts>' +
      '<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>' +
      '<x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="170" applyNumberFormat="1"><x:alignment/></x:xf><x:xf/></x:cellXfs>' +
      '<x:dxfs count="1"><x:dxf><x:numFmt numFmtId="171" formatCode="yyyy"/></x:dxf></x:dxfs>' +
      '</x:styleSheet>';
    expect([...parseDateStyles(xml, source)]).toEqual([0, 1, 0]);
  });

  it('is empty without cellXfs', () => {
    expect(parseDateStyles('<styleSheet/>', source)).toEqual(new Uint8Array(0));
  });
});
