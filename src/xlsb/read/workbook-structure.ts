/**
 * Where the parts of an .xlsb workbook are and what its workbook part says. The package is the
 * same as an .xlsx's (relationships and content types are XML); the parts they point to are
 * BIFF12 records.
 */
import { readContentTypes } from '../../opc/content-types.js';
import { ROOT_RELS_PART, relsPartOf, resolveTarget } from '../../opc/part-paths.js';
import { findRelatedPart, isOtherSheetType, readRelationships } from '../../opc/relationships.js';
import { noWorksheetsError } from '../../reader/read-errors.js';
import type { SheetInfo } from '../../reader/workbook-reader.js';
import type { ZipArchive } from '../../zip/zip-archive.js';
import { readPartRecords } from './part-records.js';
import { readWorkbookRecord, type WorkbookRecords } from './workbook-part.js';

/** Where the parts of an .xlsb workbook are, and what its workbook part says. */
export interface XlsbStructure {
  /** The workbook part, usually `xl/workbook.bin`. */
  readonly workbookPart: string;
  /** Worksheets only, in workbook order. */
  readonly sheets: readonly SheetInfo[];
  /** The workbook counts dates from 1904-01-01 instead of 1900. */
  readonly date1904: boolean;
  /** The shared strings part, or `null` when the workbook has none. */
  readonly sharedStringsPart: string | null;
  /** The styles part, or `null` when the workbook has none. */
  readonly stylesPart: string | null;
}

/** Where Excel puts the workbook part of an .xlsb. */
const DEFAULT_WORKBOOK_PART = 'xl/workbook.bin';

/**
 * The binary workbook part of a package when it is an .xlsb, else null: the target of the
 * package's officeDocument relationship when that part is there (as the .xlsx reader finds its
 * workbook part) and is a `.bin`; without such a relationship, `xl/workbook.bin` if the
 * package has it.
 */
export async function findBinaryWorkbookPart(
  archive: ZipArchive,
  maxChars: number,
): Promise<string | null> {
  for (const rel of await readRelationships(archive, ROOT_RELS_PART, maxChars)) {
    if (rel.external || !rel.type.endsWith('/officeDocument')) continue;
    const part = archive.findPart(resolveTarget('', rel.target));
    if (part !== undefined) return part.toLowerCase().endsWith('.bin') ? part : null;
  }
  return archive.findPart(DEFAULT_WORKBOOK_PART) ?? null;
}

/**
 * Reads the workbook part's sheet list and date system, and finds the sheets' parts (chart,
 * dialog and macro sheets left out, by their relationship or their content type) and the shared
 * strings and styles parts. Small XML parts are read whole, each capped at `maxChars`
 * characters; so is each record.
 */
export async function readXlsbStructure(
  archive: ZipArchive,
  workbookPart: string,
  maxChars: number,
): Promise<XlsbStructure> {
  const workbook: WorkbookRecords = { sheets: [], date1904: false };
  await readPartRecords(archive, workbookPart, { maxRecordBytes: maxChars }, (reader) =>
    readWorkbookRecord(reader, workbook),
  );
  const rels = await readRelationships(archive, relsPartOf(workbookPart), maxChars);
  const byId = new Map(rels.map((rel) => [rel.id, rel]));
  const contentTypes = await readContentTypes(archive, maxChars);

  const sheets: SheetInfo[] = [];
  let skipped = 0;
  for (const entry of workbook.sheets) {
    const rel = entry.relationshipId === null ? undefined : byId.get(entry.relationshipId);
    // A sheet without its relationship: try the name Excel uses, and let reading the sheet
    // report the missing part if that is not there either.
    const target =
      rel === undefined || rel.external
        ? resolveTarget(workbookPart, `worksheets/sheet${entry.tabId}.bin`)
        : resolveTarget(workbookPart, rel.target);
    const part = archive.findPart(target) ?? target;
    if (
      (rel !== undefined && isOtherSheetType(rel.type)) ||
      isOtherSheetContentType(contentTypes.get(part.toLowerCase()))
    ) {
      skipped += 1;
      continue;
    }
    sheets.push(
      Object.freeze({ name: entry.name, index: sheets.length, part, state: entry.state }),
    );
  }
  if (sheets.length === 0) {
    throw noWorksheetsError({ file: archive.file, part: workbookPart }, skipped);
  }
  return {
    workbookPart,
    sheets,
    date1904: workbook.date1904,
    // Without a relationship, the name Excel gives each next to the workbook part.
    sharedStringsPart: findRelatedPart(archive, workbookPart, rels, 'sharedStrings', [
      resolveTarget(workbookPart, 'sharedStrings.bin'),
    ]),
    stylesPart: findRelatedPart(archive, workbookPart, rels, 'styles', [
      resolveTarget(workbookPart, 'styles.bin'),
    ]),
  };
}

/**
 * The content type of a chart, dialog or macro sheet: `application/vnd.ms-excel.chartsheet`,
 * `…dialogsheet`, `…macrosheet`, `…intlmacrosheet` in an .xlsb (and the same with `+xml` in
 * an .xlsx). Worksheets are `application/vnd.ms-excel.worksheet`.
 */
function isOtherSheetContentType(type: string | undefined): boolean {
  if (type === undefined) return false;
  const bare = type.endsWith('+xml') ? type.slice(0, -4) : type;
  return ['chartsheet', 'dialogsheet', 'macrosheet'].some((kind) => bare.endsWith(kind));
}
