/**
 * Telling an OpenDocument package (ODF 1.3 Part 2) from other zips, and an OpenDocument
 * spreadsheet from OpenDocument's other documents, by the package's `mimetype` entry.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';
import type { ZipArchive } from '../../zip/zip-archive.js';

/** The `mimetype` of an OpenDocument spreadsheet (.ods). */
export const ODS_MIME_TYPE = 'application/vnd.oasis.opendocument.spreadsheet';

/** Longest `mimetype` entry read: the longest OpenDocument type is 56 characters. */
const MAX_MIME_TYPE_CHARS = 256;

/** What the OpenDocument types other than a spreadsheet are, for the message refusing them. */
const OTHER_DOCUMENTS: ReadonlyMap<string, string> = new Map([
  [
    'application/vnd.oasis.opendocument.spreadsheet-template',
    'an OpenDocument spreadsheet template (.ots)',
  ],
  ['application/vnd.oasis.opendocument.text', 'an OpenDocument text document (.odt)'],
  ['application/vnd.oasis.opendocument.text-template', 'an OpenDocument text template (.ott)'],
  ['application/vnd.oasis.opendocument.text-master', 'an OpenDocument master document (.odm)'],
  ['application/vnd.oasis.opendocument.presentation', 'an OpenDocument presentation (.odp)'],
  [
    'application/vnd.oasis.opendocument.presentation-template',
    'an OpenDocument presentation template (.otp)',
  ],
  ['application/vnd.oasis.opendocument.graphics', 'an OpenDocument drawing (.odg)'],
  ['application/vnd.oasis.opendocument.chart', 'an OpenDocument chart (.odc)'],
  ['application/vnd.oasis.opendocument.formula', 'an OpenDocument formula (.odf)'],
  ['application/vnd.oasis.opendocument.database', 'an OpenDocument database (.odb)'],
  ['application/vnd.oasis.opendocument.image', 'an OpenDocument image (.odi)'],
]);

/**
 * Whether the zip is an OpenDocument package: it has a `mimetype` entry (which every ODF
 * writer puts first), or a `content.xml` with an ODF manifest.
 */
export function isOpenDocumentArchive(archive: ZipArchive): boolean {
  const names = archive.names;
  if (names.includes('mimetype')) return true;
  return names.includes('content.xml') && names.includes('META-INF/manifest.xml');
}

/**
 * Checks that an OpenDocument package is a spreadsheet with a content.xml; throws NOT_WORKBOOK
 * saying what it is otherwise. A package without `mimetype` (which ODF 1.3 allows) is taken as
 * a spreadsheet when its content.xml is one, which reading it checks.
 */
export async function checkSpreadsheetPackage(archive: ZipArchive): Promise<void> {
  let mimeType: string | undefined;
  if (archive.names.includes('mimetype')) {
    mimeType = (await archive.readPartText('mimetype', MAX_MIME_TYPE_CHARS)).trim();
  }
  if (mimeType !== undefined && mimeType !== ODS_MIME_TYPE) {
    const what =
      OTHER_DOCUMENTS.get(mimeType) ??
      (mimeType.startsWith('application/vnd.oasis.opendocument.')
        ? `an OpenDocument file of type ${mimeType}`
        : `a zip whose mimetype entry says ${JSON.stringify(mimeType.slice(0, 80))}`);
    throw new XlmergeError(
      ErrorCode.NotWorkbook,
      `The file is a zip archive but not a spreadsheet: it is ${what}`,
      {
        file: archive.file,
        part: 'mimetype',
        hint: mimeType.endsWith('spreadsheet-template')
          ? 'Open the template in LibreOffice and save a spreadsheet made from it as .ods or .xlsx'
          : 'Remove it from the inputs; only spreadsheets (.xlsx, .xlsm, .ods, .csv) can be merged',
      },
    );
  }
  if (!archive.names.includes('content.xml')) {
    throw new XlmergeError(
      ErrorCode.NotWorkbook,
      'The file is an OpenDocument spreadsheet package without its content (no content.xml)',
      {
        file: archive.file,
        part: 'content.xml',
        hint: 'The file is damaged or incomplete; open it in LibreOffice and save it again',
      },
    );
  }
}
