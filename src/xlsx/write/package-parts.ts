/**
 * The fixed parts of a written workbook (everything but the worksheets and styles). They carry
 * no timestamps, so the same sheets always give the same bytes.
 */

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** What workbook.xml needs to know about one sheet. */
export interface WorkbookSheet {
  readonly name: string;
  /** The autofilter range in absolute form (`$A$1:$C$10`), or null for none. */
  readonly filterRange: string | null;
}

/** The part name of the `index`-th (0-based) worksheet, without a leading slash. */
export function sheetPartName(index: number): string {
  return `xl/worksheets/sheet${index + 1}.xml`;
}

/** `[Content_Types].xml` for a workbook of `sheetCount` sheets. */
export function renderContentTypes(sheetCount: number): string {
  let overrides =
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>';
  for (let index = 0; index < sheetCount; index++) {
    overrides += `<Override PartName="/${sheetPartName(index)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`;
  }
  return (
    XML_DECLARATION +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    overrides +
    '</Types>'
  );
}

/** `_rels/.rels`: the package's entry points. */
export const ROOT_RELATIONSHIPS_XML =
  XML_DECLARATION +
  `<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NS}">` +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>' +
  '</Relationships>';

/** `docProps/app.xml`. */
export const APP_PROPERTIES_XML =
  XML_DECLARATION +
  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
  '<Application>xlmerge</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>' +
  '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>' +
  '<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion>' +
  '</Properties>';

/** `docProps/core.xml`: no created/modified dates, so output is byte-for-byte repeatable. */
export const CORE_PROPERTIES_XML =
  XML_DECLARATION +
  '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<dc:creator>xlmerge</dc:creator>' +
  '</cp:coreProperties>';

/**
 * `xl/workbook.xml`. Each sheet with an autofilter needs the hidden `_xlnm._FilterDatabase`
 * name over the filtered range: Excel treats an autoFilter without it as damaged.
 */
export function renderWorkbook(sheets: readonly WorkbookSheet[]): string {
  let list = '';
  let names = '';
  sheets.forEach((sheet, index) => {
    list += `<sheet name="${escapeXmlAttribute(sheet.name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`;
    if (sheet.filterRange !== null) {
      const reference = `'${sheet.name.replaceAll("'", "''")}'!${sheet.filterRange}`;
      names += `<definedName name="_xlnm._FilterDatabase" localSheetId="${index}" hidden="1">${escapeXmlAttribute(reference)}</definedName>`;
    }
  });
  return (
    XML_DECLARATION +
    `<workbook xmlns="${MAIN_NS}" xmlns:r="${RELATIONSHIPS_NS}">` +
    '<workbookPr/>' +
    '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="15000" activeTab="0"/></bookViews>' +
    `<sheets>${list}</sheets>` +
    (names === '' ? '' : `<definedNames>${names}</definedNames>`) +
    '</workbook>'
  );
}

/** `xl/_rels/workbook.xml.rels`: the sheets are rId1…rIdN, styles come after them. */
export function renderWorkbookRelationships(sheetCount: number): string {
  let relationships = '';
  for (let index = 0; index < sheetCount; index++) {
    relationships += `<Relationship Id="rId${index + 1}" Type="${RELATIONSHIPS_NS}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`;
  }
  relationships += `<Relationship Id="rId${sheetCount + 1}" Type="${RELATIONSHIPS_NS}/styles" Target="styles.xml"/>`;
  return (
    XML_DECLARATION +
    `<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NS}">${relationships}</Relationships>`
  );
}

/** Escapes text for a double-quoted XML attribute (or a text node). */
export function escapeXmlAttribute(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
