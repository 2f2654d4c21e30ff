import { describe, expect, it } from 'vitest';
import { cellNumberFormats } from '../../../src/reader/cell-formats.js';
import { DateStylesReader, parseDateStyles } from '../../../src/xlsx/read/read-styles.js';
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

describe('DateStylesReader.formatIds and cellNumberFormats', () => {
  function formatsOf(xml: string, pieces = 1) {
    const reader = new DateStylesReader(source, Number.MAX_SAFE_INTEGER);
    const size = Math.ceil(xml.length / pieces);
    for (let at = 0; at < xml.length; at += size) reader.push(xml.slice(at, at + size));
    reader.end();
    const formats = cellNumberFormats(reader.formatIds());
    return Array.from({ length: formats.count + 1 }, (_, style) => formats.formatOf(style));
  }

  it('gives each cell style its custom code, or its built-in id, or General', () => {
    const xml = stylesXml({
      numFmts: [
        { id: 164, code: '00000' },
        { id: 165, code: '#,##0.00 [$€-407]' },
        { id: 166, code: 'General' },
        { id: 14, code: 'dd.mm.yyyy' },
      ],
      cellFormatIds: [0, 164, 165, 166, 14, 10, 57, 300, 164],
    });
    for (const pieces of [1, 7, 50]) {
      expect(formatsOf(xml, pieces)).toEqual([
        { builtIn: 0 },
        { code: '00000' },
        { code: '#,##0.00 [$€-407]' },
        { builtIn: 0 },
        { code: 'dd.mm.yyyy' },
        { builtIn: 10 },
        { builtIn: 57 },
        { builtIn: 0 },
        { code: '00000' },
        // One past the last style.
        { builtIn: 0 },
      ]);
    }
  });

  it('decodes the entities of a code, and takes numFmts only from the top level', () => {
    const xml =
      '<x:styleSheet xmlns:x="urn:main"><x:numFmts count="1"><x:numFmt numFmtId="170" formatCode="&quot;kg&quot; 0.0"/></x:numFmts>' +
      '<x:cellXfs count="2"><x:xf numFmtId="170"/><x:xf numFmtId="171"/></x:cellXfs>' +
      '<x:dxfs count="1"><x:dxf><x:numFmt numFmtId="171" formatCode="yyyy"/></x:dxf></x:dxfs>' +
      '</x:styleSheet>';
    expect(formatsOf(xml)).toEqual([{ code: '"kg" 0.0' }, { builtIn: 0 }, { builtIn: 0 }]);
  });
});
