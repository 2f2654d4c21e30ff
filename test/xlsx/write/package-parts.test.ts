import { describe, expect, it } from 'vitest';
import {
  escapeXmlAttribute,
  renderContentTypes,
  renderWorkbook,
  renderWorkbookRelationships,
  sheetPartName,
} from '../../../src/xlsx/write/package-parts.js';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

describe('package parts', () => {
  it('names sheet parts from 1', () => {
    expect([sheetPartName(0), sheetPartName(9)]).toEqual([
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet10.xml',
    ]);
  });

  it('declares every sheet part in [Content_Types].xml', () => {
    const xml = renderContentTypes(2);
    expect(xml.startsWith(DECLARATION)).toBe(true);
    expect(xml.match(/<Override PartName="\/xl\/worksheets\/sheet\d+\.xml"/g)).toEqual([
      '<Override PartName="/xl/worksheets/sheet1.xml"',
      '<Override PartName="/xl/worksheets/sheet2.xml"',
    ]);
  });

  it('relates the sheets first and styles last', () => {
    expect(renderWorkbookRelationships(2)).toBe(
      `${DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
        '</Relationships>',
    );
  });

  it('lists sheets and their filter ranges in workbook.xml', () => {
    expect(
      renderWorkbook([
        { name: 'A<&>"', filterRange: '$A$1:$B$2' },
        { name: "it's", filterRange: null },
        { name: 'C', filterRange: '$A$1:$A$1' },
      ]),
    ).toBe(
      `${DECLARATION}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
        '<workbookPr/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="15000" activeTab="0"/></bookViews>' +
        '<sheets><sheet name="A&lt;&amp;&gt;&quot;" sheetId="1" r:id="rId1"/>' +
        '<sheet name="it\'s" sheetId="2" r:id="rId2"/><sheet name="C" sheetId="3" r:id="rId3"/></sheets>' +
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\'A&lt;&amp;&gt;&quot;\'!$A$1:$B$2</definedName>' +
        '<definedName name="_xlnm._FilterDatabase" localSheetId="2" hidden="1">\'C\'!$A$1:$A$1</definedName></definedNames>' +
        '</workbook>',
    );
    expect(renderWorkbook([{ name: 'S', filterRange: null }])).not.toContain('definedNames');
  });

  it('escapes attribute text', () => {
    expect(escapeXmlAttribute('a&b<c>d"e\'f')).toBe("a&amp;b&lt;c&gt;d&quot;e'f");
  });
});
