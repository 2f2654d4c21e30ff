/**
 * Cell styles of the written workbook, which cells are rendered with: indices into `cellXfs`
 * of {@link STYLES_XML}, the styles part the workbook writer puts in the package.
 *
 * - `Header`: bold font, for the header row
 * - `Date`: `yyyy-mm-dd`
 * - `DateTime`: `yyyy-mm-dd hh:mm:ss`
 * - `Time`: `hh:mm:ss`
 * - `Elapsed`: `[h]:mm:ss`
 */
export const StyleId = {
  Default: 0,
  Header: 1,
  Date: 2,
  DateTime: 3,
  Time: 4,
  Elapsed: 5,
} as const;
export type StyleId = (typeof StyleId)[keyof typeof StyleId];

/** The number formats, by style. Custom ids start at 164, past Excel's built-in ones. */
export const NumberFormat = {
  Date: { id: 164, code: 'yyyy-mm-dd' },
  DateTime: { id: 165, code: 'yyyy-mm-dd hh:mm:ss' },
  Time: { id: 166, code: 'hh:mm:ss' },
  Elapsed: { id: 167, code: '[h]:mm:ss' },
} as const;

const formats = Object.values(NumberFormat);

/**
 * `xl/styles.xml`. Fills 0 and 1 (`none`, `gray125`) are reserved by Excel and must come first
 * whatever the sheet uses. Explicit custom formats rather than built-in ids, because readers
 * disagree on what some built-in ids mean.
 */
export const STYLES_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  `<numFmts count="${formats.length}">` +
  formats
    .map((format) => `<numFmt numFmtId="${format.id}" formatCode="${format.code}"/>`)
    .join('') +
  '</numFmts>' +
  '<fonts count="2">' +
  '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '</fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill>' +
  '<fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="6">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  `<xf numFmtId="${NumberFormat.Date.id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="${NumberFormat.DateTime.id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="${NumberFormat.Time.id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="${NumberFormat.Elapsed.id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
  '</styleSheet>';
