import { ErrorCode, XlmergeError } from '../../errors.js';
import { readContentTypes } from '../../opc/content-types.js';
import { ROOT_RELS_PART, relsPartOf, resolveTarget } from '../../opc/part-paths.js';
import { findRelatedPart, isOtherSheetType, readRelationships } from '../../opc/relationships.js';
import { noWorksheetsError } from '../../reader/read-errors.js';
import type { SheetInfo } from '../../reader/workbook-reader.js';
import { rootElementName, scanXmlTags, type XmlSource } from '../../xml/xml-tags.js';
import type { ZipArchive } from '../../zip/zip-archive.js';

/** Where the parts of a workbook are, and what its workbook part says. */
export interface WorkbookStructure {
  /** The workbook part, usually `xl/workbook.xml`. */
  readonly workbookPart: string;
  /** Worksheets only, in workbook order. */
  readonly sheets: readonly SheetInfo[];
  /** The workbook counts dates from 1904-01-01 (old Mac Excel) instead of 1900. */
  readonly date1904: boolean;
  /** The shared strings part, or `null` when the workbook has none. */
  readonly sharedStringsPart: string | null;
  /** The styles part, or `null` when the workbook has none. */
  readonly stylesPart: string | null;
}

/**
 * Finds the workbook part and reads its sheet list, date system and related parts.
 * Small parts are read whole, each capped at `maxChars` characters.
 */
export async function readWorkbookStructure(
  archive: ZipArchive,
  maxChars: number,
): Promise<WorkbookStructure> {
  const located = await locateWorkbookPart(archive, maxChars);
  if (located === null) throw notWorkbook(archive);
  const { part: workbookPart, xml } = located;
  const workbook = parseWorkbookXml(xml, { file: archive.file, part: workbookPart });
  const rels = await readRelationships(archive, relsPartOf(workbookPart), maxChars);
  const byId = new Map(rels.map((rel) => [rel.id, rel]));

  const sheets: SheetInfo[] = [];
  let skipped = 0;
  for (const entry of workbook.sheets) {
    const rel = entry.relationshipId === undefined ? undefined : byId.get(entry.relationshipId);
    if (rel !== undefined && isOtherSheetType(rel.type)) {
      skipped += 1;
      continue;
    }
    // A sheet without its relationship: try the name every writer uses, and let reading
    // the sheet report the missing part if that is not there either.
    const target =
      rel === undefined || rel.external
        ? resolveTarget(workbookPart, `worksheets/sheet${entry.sheetId ?? sheets.length + 1}.xml`)
        : resolveTarget(workbookPart, rel.target);
    sheets.push(
      Object.freeze({
        name: entry.name ?? `Sheet${sheets.length + 1}`,
        index: sheets.length,
        part: archive.findPart(target) ?? target,
        state: entry.state,
      }),
    );
  }
  if (sheets.length === 0) {
    throw noWorksheetsError({ file: archive.file, part: workbookPart }, skipped);
  }
  return {
    workbookPart,
    sheets,
    date1904: workbook.date1904,
    // Without a relationship, the same name next to the workbook part, else under xl/.
    sharedStringsPart: findRelatedPart(archive, workbookPart, rels, 'sharedStrings', [
      resolveTarget(workbookPart, 'sharedStrings.xml'),
      'xl/sharedStrings.xml',
    ]),
    stylesPart: findRelatedPart(archive, workbookPart, rels, 'styles', [
      resolveTarget(workbookPart, 'styles.xml'),
      'xl/styles.xml',
    ]),
  };
}

/** A `<sheet>` of the workbook part, before its relationship is looked up. */
export interface WorkbookSheetEntry {
  readonly name: string | undefined;
  readonly sheetId: string | undefined;
  readonly relationshipId: string | undefined;
  readonly state: SheetInfo['state'];
}

/** What xlmerge needs from the workbook part: the sheet list and the date system. */
export function parseWorkbookXml(
  xml: string,
  source: XmlSource,
): { sheets: WorkbookSheetEntry[]; date1904: boolean } {
  const sheets: WorkbookSheetEntry[] = [];
  let date1904 = false;
  const open: string[] = [];
  for (const tag of scanXmlTags(xml, source)) {
    if (tag.closing) {
      open.pop();
      continue;
    }
    if (tag.name === 'workbookPr') {
      date1904 = isTrue(tag.attributes.get('date1904'));
    } else if (tag.name === 'sheet' && open.at(-1) === 'sheets') {
      sheets.push({
        name: tag.attributes.get('name'),
        sheetId: tag.attributes.get('sheetId'),
        relationshipId: tag.attributes.get('id'),
        state: parseState(tag.attributes.get('state')),
      });
    }
    if (!tag.selfClosing) open.push(tag.name);
  }
  return { sheets, date1904 };
}

/** Content types of the workbook part in .xlsx, .xltx, .xlsm, .xltm and .xlam files. */
const WORKBOOK_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
  'application/vnd.ms-excel.sheet.macroenabled.main+xml',
  'application/vnd.ms-excel.template.macroenabled.main+xml',
  'application/vnd.ms-excel.addin.macroenabled.main+xml',
]);

/**
 * The workbook part and its text. Looked for, in order: the package's officeDocument
 * relationship (transitional or strict URI, both end in `/officeDocument`), the part
 * `[Content_Types].xml` declares as a workbook, then `xl/workbook.xml`. A candidate counts
 * only if its root element is `<workbook>`: a .docx has an officeDocument too.
 */
async function locateWorkbookPart(
  archive: ZipArchive,
  maxChars: number,
): Promise<{ part: string; xml: string } | null> {
  const contentTypes = await readContentTypes(archive, maxChars);
  const candidates: string[] = [];
  for (const rel of await readRelationships(archive, ROOT_RELS_PART, maxChars)) {
    if (!rel.external && rel.type.endsWith('/officeDocument')) {
      candidates.push(resolveTarget('', rel.target));
    }
  }
  for (const [part, type] of contentTypes) {
    if (WORKBOOK_CONTENT_TYPES.has(type)) candidates.push(part);
  }
  candidates.push('xl/workbook.xml');

  const tried = new Set<string>();
  for (const candidate of candidates) {
    const part = archive.findPart(candidate);
    if (part === undefined || tried.has(part)) continue;
    tried.add(part);
    if (isOtherContentType(contentTypes.get(part.toLowerCase()))) continue;
    let xml: string;
    try {
      xml = await archive.readPartText(part, maxChars);
    } catch (error) {
      // Bytes that are not text at all (the workbook.bin of an .xlsb): not a workbook part.
      if (error instanceof XlmergeError && error.code === ErrorCode.MalformedXml) {
        if (!(await startsLikeXml(archive, part))) continue;
      }
      throw error;
    }
    if (rootElementName(xml, { file: archive.file, part }) === 'workbook') return { part, xml };
  }
  return null;
}

/** Whether a part's first bytes are those of XML: a byte order mark, or whitespace then `<`. */
async function startsLikeXml(archive: ZipArchive, part: string): Promise<boolean> {
  for await (const chunk of archive.streamPartBytes(part)) {
    if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
      return true;
    }
    let at = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
    while (at < chunk.length && [0x20, 0x09, 0x0a, 0x0d].includes(chunk[at] as number)) at++;
    return chunk[at] === 0x3c;
  }
  return false;
}

/**
 * The content types declare the part as something else than a workbook: the body of a .docx,
 * the binary workbook of an .xlsb. Such parts are not even read.
 */
function isOtherContentType(type: string | undefined): boolean {
  if (type === undefined || type === 'application/xml') return false;
  if (!type.endsWith('+xml')) return true;
  return type.endsWith('.main+xml') && !WORKBOOK_CONTENT_TYPES.has(type);
}

function parseState(value: string | undefined): SheetInfo['state'] {
  return value === 'hidden' || value === 'veryHidden' ? value : 'visible';
}

function isTrue(value: string | undefined): boolean {
  const normalized = value?.trim().toLowerCase();
  return normalized === '1' || normalized === 'true';
}

function notWorkbook(archive: ZipArchive): XlmergeError {
  const { description, hint } = describeArchive(archive.names);
  return new XlmergeError(
    ErrorCode.NotWorkbook,
    `The file is a zip archive but not an Excel workbook: it is ${description}`,
    { file: archive.file, hint },
  );
}

/** What a zip without a workbook part holds, for the error message. */
export function describeArchive(names: readonly string[]): { description: string; hint: string } {
  const lower = new Set(names.map((name) => name.toLowerCase()));
  const otherFile = 'Remove it from the inputs; only .xlsx and .xlsm workbooks can be merged';
  if (names.length === 0) return { description: 'an empty zip archive', hint: otherFile };
  if (lower.has('xl/workbook.bin')) {
    // openInput hands a package whose workbook part is a .bin to the .xlsb reader: one with
    // xl/workbook.bin gets here only when its officeDocument relationship names another part.
    return {
      description:
        'a binary Excel workbook (.xlsb) whose package names another part as its workbook',
      hint: 'The file is damaged; open it in Excel and save it again',
    };
  }
  if (lower.has('word/document.xml')) return { description: 'a Word document', hint: otherFile };
  if (lower.has('ppt/presentation.xml')) {
    return { description: 'a PowerPoint presentation', hint: otherFile };
  }
  if (lower.has('mimetype') && lower.has('content.xml')) {
    return {
      description: 'an OpenDocument file (such as .ods)',
      hint: 'Open it in LibreOffice or Excel and save it as .xlsx (Excel Workbook)',
    };
  }
  const shown = names.slice(0, 5).join(', ');
  const more = names.length > 5 ? `, and ${names.length - 5} more` : '';
  return {
    description: `a zip of ${names.length} file(s) with no workbook part: ${shown}${more}`,
    hint: otherFile,
  };
}
