import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { GENERAL } from '../../src/core/number-formats.js';
import {
  MAX_KEPT_FORMATS,
  OutputStyles,
  STYLES_XML,
  StyleId,
} from '../../src/render/cell-styles.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { worksheetXml, writeWorkbookParts } from '../helpers/xlsx-builder.js';

/** The part as every earlier version wrote it: an output keeping no format must not change. */
const FIXED_PART =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="166" formatCode="hh:mm:ss"/><numFmt numFmtId="167" formatCode="[h]:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>';

/**
 * The number format exceljs, an independent reader, gives a cell of style `style` when `xml` is
 * the package's styles part.
 */
async function formatSeenByExcelJs(xml: string, style: number): Promise<string | undefined> {
  const file = path.join(await makeTempDir(), 'styled.xlsx');
  await writeWorkbookParts(file, {
    sheets: [
      { name: 'S', xml: worksheetXml(`<row r="1"><c r="A1" s="${style}"><v>1</v></c></row>`) },
    ],
    styles: xml,
  });
  const read = new ExcelJS.Workbook();
  await read.xlsx.readFile(file);
  return read.getWorksheet('S')?.getCell('A1').numFmt;
}

/** A strict reading of the part's numFmts and cellXfs, independent of the code under test. */
function parseStyles(xml: string): { xfs: number[]; codes: Record<number, string> } {
  const codes: Record<number, string> = {};
  for (const match of xml.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"\/>/g)) {
    codes[Number(match[1])] = (match[2] ?? '')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replaceAll('&quot;', '"')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  }
  const cellXfs = /<cellXfs count="(\d+)">(.*)<\/cellXfs>/.exec(xml);
  const xfs = [...(cellXfs?.[2] ?? '').matchAll(/<xf numFmtId="(\d+)"/g)].map((m) => Number(m[1]));
  expect(xfs.length).toBe(Number(cellXfs?.[1]));
  return { xfs, codes };
}

describe('OutputStyles', () => {
  it('writes the fixed part when it keeps no format', () => {
    expect(new OutputStyles().toXml()).toBe(FIXED_PART);
    expect(STYLES_XML).toBe(FIXED_PART);
  });

  it('gives General the default style, and each other format one style, in first-asked order', () => {
    const styles = new OutputStyles();
    expect(styles.styleFor(GENERAL)).toBe(StyleId.Default);
    expect(styles.styleFor({ builtIn: 14 })).toBe(6);
    expect(styles.styleFor({ code: '00000' })).toBe(7);
    expect(styles.styleFor({ builtIn: 14 })).toBe(6);
    expect(styles.styleFor({ code: '0.0%' })).toBe(8);
    expect(styles.styleFor({ code: '00000' })).toBe(7);
    // A built-in id and a code that spells it are different formats: the id shows in the
    // reader's locale, the code as written.
    expect(styles.styleFor({ code: 'm/d/yyyy' })).toBe(9);
    // A code one of the fixed styles has is that style.
    expect(styles.styleFor({ code: 'yyyy-mm-dd' })).toBe(StyleId.Date);
    expect(styles.styleFor({ code: '[h]:mm:ss' })).toBe(StyleId.Elapsed);
    expect(styles.refusedFormats).toBe(0);
    const { xfs, codes } = parseStyles(styles.toXml());
    expect(xfs).toEqual([0, 0, 164, 165, 166, 167, 14, 168, 169, 170]);
    expect(codes).toEqual({
      164: 'yyyy-mm-dd',
      165: 'yyyy-mm-dd hh:mm:ss',
      166: 'hh:mm:ss',
      167: '[h]:mm:ss',
      168: '00000',
      169: '0.0%',
      170: 'm/d/yyyy',
    });
  });

  it('escapes codes for the attribute, so they read back as they were', async () => {
    const styles = new OutputStyles();
    const code = '"Total: "#,##0.00 [$€-407];[Red]-#,##0.00 <&>\t';
    expect(styles.styleFor({ code })).toBe(6);
    const xml = styles.toXml();
    expect(xml).toContain(
      'formatCode="&quot;Total: &quot;#,##0.00 [$€-407];[Red]-#,##0.00 &lt;&amp;&gt;&#9;"',
    );
    expect(parseStyles(xml).codes[168]).toBe(code);
    expect(await formatSeenByExcelJs(xml, 6)).toBe(code);
  });

  it('keeps at most MAX_KEPT_FORMATS custom codes; the rest fall back to General, counted', () => {
    const styles = new OutputStyles();
    for (let i = 0; i < MAX_KEPT_FORMATS; i++) {
      expect(styles.styleFor({ code: `0.${'0'.repeat(i)}` })).toBe(6 + i);
    }
    expect(styles.styleFor({ code: 'past the cap' })).toBe(StyleId.Default);
    expect(styles.styleFor({ code: 'past the cap' })).toBe(StyleId.Default);
    expect(styles.styleFor({ code: 'also past' })).toBe(StyleId.Default);
    expect(styles.refusedFormats).toBe(2);
    // Built-in formats cost Excel no entry of its own: they are kept past the cap.
    expect(styles.styleFor({ builtIn: 10 })).toBe(6 + MAX_KEPT_FORMATS);
    // A kept one is still found.
    expect(styles.styleFor({ code: '0.' })).toBe(6);
    const { xfs, codes } = parseStyles(styles.toXml());
    expect(xfs).toHaveLength(6 + MAX_KEPT_FORMATS + 1);
    expect(Object.keys(codes)).toHaveLength(4 + MAX_KEPT_FORMATS);
  });
});
