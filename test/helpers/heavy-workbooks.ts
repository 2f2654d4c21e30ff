/**
 * Workbooks that are cheap to build but costly to read, for the tests of dying and slow
 * workers. Their parts are stored, not deflated: building stays fast and reading stays costly.
 */
import { stylesXml, worksheetXml, writeWorkbookParts } from './xlsx-builder.js';

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/**
 * A workbook whose shared-strings table holds one string of 80 million characters, more than a
 * worker limited to 64 MB of heap can keep: reading it runs out of memory. Its sheet has a
 * header `text` and one row.
 */
export function writeMemoryHungryWorkbook(file: string): Promise<string> {
  const strings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN_NS}"><si><t>${'x'.repeat(80_000_000)}</t></si></sst>`;
  const rows =
    '<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>' +
    '<row r="2"><c r="A2" t="s"><v>0</v></c></row>';
  return writeWorkbookParts(
    file,
    { sheets: [{ name: 'Sheet1', xml: worksheetXml(rows) }], sharedStrings: strings },
    { compress: false },
  );
}

/**
 * A workbook whose shared-strings table starts with one string of 3.4 million one-letter
 * rich-text runs (`<si><r><t>a</t></r><r><t>b</t></r>…`, 51 MB of XML in a 130 KB file), then
 * `id`, the header of its sheet, above the rows `1`, `2`. The long string is in no cell.
 */
export function writeRichRunsWorkbook(file: string): Promise<string> {
  const runs = '<r><t>a</t></r><r><t>b</t></r>'.repeat(1_700_000);
  const strings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN_NS}" count="2" uniqueCount="2"><si>${runs}</si><si><t>id</t></si></sst>`;
  const rows =
    '<row r="1"><c r="A1" t="s"><v>1</v></c></row>' +
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>';
  return writeWorkbookParts(file, {
    sheets: [{ name: 'Sheet1', xml: worksheetXml(rows) }],
    sharedStrings: strings,
  });
}

/**
 * A workbook whose second row's cell has 11.5 million attributes (`<c r="A2"\tx=""\tx=""…>`,
 * a tag of 57.5 million characters in a 90 KB file): held whole, the tag takes more than a
 * worker limited to 64 MB of heap has. Its sheet has a header `id` and that one row.
 */
export function writeAttributeHeavyWorkbook(file: string): Promise<string> {
  const rows =
    '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>' +
    `<row r="2"><c r="A2"${'\tx=""'.repeat(11_500_000)}><v>1</v></c></row>`;
  return writeWorkbookParts(file, { sheets: [{ name: 'Sheet1', xml: worksheetXml(rows) }] });
}

/**
 * A workbook whose styles part lists 967,874 cell formats (48 MiB of `<xf>` in a 150 KB file);
 * its sheet has a header `id` and the rows `1`, `2` in the second format (`0.00`).
 */
export function writeFormatHeavyWorkbook(file: string): Promise<string> {
  const styles = stylesXml({ numFmts: [{ id: 164, code: '0.00' }], cellFormatIds: [0, 164] });
  const xfs = '<xf numFmtId="14" fontId="0" applyNumberFormat="1"/>'.repeat(967_872);
  const rows =
    '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>' +
    '<row r="2"><c r="A2" s="1"><v>1</v></c></row><row r="3"><c r="A3" s="1"><v>2</v></c></row>';
  return writeWorkbookParts(file, {
    sheets: [{ name: 'Sheet1', xml: worksheetXml(rows) }],
    styles: styles.replace('</cellXfs>', `${xfs}</cellXfs>`),
  });
}

/**
 * A workbook of 150,000 rows × 10 cells (a header of `a`…`j`, then 149,999 data rows), which
 * takes a worker well over a second to read (merging it alone takes 2.6 s on a 2-core machine).
 */
export function writeSlowWorkbook(file: string): Promise<string> {
  const header = `<row>${'abcdefghij'
    .split('')
    .map((name) => `<c t="inlineStr"><is><t>${name}</t></is></c>`)
    .join('')}</row>`;
  const row = `<row>${'<c t="inlineStr"><is><t>abc</t></is></c><c><v>12345.678</v></c>'.repeat(5)}</row>`;
  return writeWorkbookParts(
    file,
    { sheets: [{ name: 'Sheet1', xml: worksheetXml(header + row.repeat(149_999)) }] },
    { compress: false },
  );
}

/** A workbook with a header `id` and the rows `1`, `2`. */
export function writeSmallWorkbook(file: string): Promise<string> {
  const rows =
    '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>' +
    '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>';
  return writeWorkbookParts(file, { sheets: [{ name: 'Sheet1', xml: worksheetXml(rows) }] });
}
