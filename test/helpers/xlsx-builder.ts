/**
 * Builds .xlsx files byte by byte from hand-written XML parts, to test how xlmerge copes with
 * what real writers do (odd part names, prefixes, entry order) without depending on a writer.
 */
import { promises as fs } from 'node:fs';
import { ZipFile } from 'yazl';

/** One zip entry. */
export interface ZipPart {
  /** The entry name, such as `xl/worksheets/sheet1.xml`. */
  readonly name: string;
  readonly content: string | Uint8Array;
  /** Deflate this entry; overrides {@link BuildZipOptions.compress}. */
  readonly compress?: boolean;
}

export interface BuildZipOptions {
  /** Deflate the entries (else store them). @default true */
  readonly compress?: boolean;
}

/** A fixed timestamp, so the same parts always give the same bytes. */
const MTIME = new Date(Date.UTC(2024, 0, 1));

/** A zip holding `parts` in the given order. Strings are written as UTF-8. */
export function buildZip(
  parts: readonly ZipPart[],
  options: BuildZipOptions = {},
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const part of parts) {
    const content =
      typeof part.content === 'string'
        ? Buffer.from(part.content, 'utf8')
        : Buffer.from(part.content);
    zip.addBuffer(content, part.name, {
      compress: part.compress ?? options.compress ?? true,
      mtime: MTIME,
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** Writes {@link buildZip}'s result to `file` and returns `file`. */
export async function writeZip(
  file: string,
  parts: readonly ZipPart[],
  options: BuildZipOptions = {},
): Promise<string> {
  await fs.writeFile(file, await buildZip(parts, options));
  return file;
}

/** One worksheet of {@link WorkbookSpec}. */
export interface SheetSpec {
  readonly name: string;
  /** The whole sheet part; see {@link worksheetXml}. */
  readonly xml: string;
  readonly state?: 'visible' | 'hidden' | 'veryHidden';
  /** The zip entry. @default `xl/worksheets/sheet<n>.xml` */
  readonly part?: string;
}

/** A conventional workbook, the way Excel lays it out. */
export interface WorkbookSpec {
  readonly sheets: readonly SheetSpec[];
  /** The strings, or the whole part as XML; no part when missing. */
  readonly sharedStrings?: readonly string[] | string;
  /** The whole styles part (see {@link stylesXml}); no part when missing. */
  readonly styles?: string;
  readonly date1904?: boolean;
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Relationship type URIs (transitional). */
export const RelType = {
  officeDocument: `${REL_NS}/officeDocument`,
  worksheet: `${REL_NS}/worksheet`,
  chartsheet: `${REL_NS}/chartsheet`,
  sharedStrings: `${REL_NS}/sharedStrings`,
  styles: `${REL_NS}/styles`,
} as const;

/**
 * The parts of a workbook in Excel's own order: content types, package rels, workbook,
 * workbook rels, sheets, styles, then shared strings (after the sheets, as Excel does).
 * Tests reorder, rename or drop parts from this list to make quirky files.
 */
export function workbookParts(spec: WorkbookSpec): ZipPart[] {
  const sheetParts = spec.sheets.map((sheet, i) => sheet.part ?? `xl/worksheets/sheet${i + 1}.xml`);
  const rels: RelationshipSpec[] = spec.sheets.map((_, i) => ({
    id: `rId${i + 1}`,
    type: RelType.worksheet,
    target: relativeToXl(sheetParts[i] ?? ''),
  }));
  if (spec.styles !== undefined) {
    rels.push({ id: `rId${rels.length + 1}`, type: RelType.styles, target: 'styles.xml' });
  }
  if (spec.sharedStrings !== undefined) {
    rels.push({
      id: `rId${rels.length + 1}`,
      type: RelType.sharedStrings,
      target: 'sharedStrings.xml',
    });
  }
  const sheetsXml = spec.sheets
    .map(
      (sheet, i) =>
        `<sheet name="${escapeXml(sheet.name)}" sheetId="${i + 1}"${
          sheet.state === undefined ? '' : ` state="${sheet.state}"`
        } r:id="rId${i + 1}"/>`,
    )
    .join('');
  const parts: ZipPart[] = [
    { name: '[Content_Types].xml', content: contentTypesXml(sheetParts, spec) },
    {
      name: '_rels/.rels',
      content: relationshipsXml([
        { id: 'rId1', type: RelType.officeDocument, target: 'xl/workbook.xml' },
      ]),
    },
    {
      name: 'xl/workbook.xml',
      content:
        `${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
        `<workbookPr${spec.date1904 === true ? ' date1904="1"' : ''}/>` +
        `<sheets>${sheetsXml}</sheets></workbook>`,
    },
    { name: 'xl/_rels/workbook.xml.rels', content: relationshipsXml(rels) },
    ...spec.sheets.map((sheet, i) => ({ name: sheetParts[i] ?? '', content: sheet.xml })),
  ];
  if (spec.styles !== undefined) parts.push({ name: 'xl/styles.xml', content: spec.styles });
  if (spec.sharedStrings !== undefined) {
    parts.push({
      name: 'xl/sharedStrings.xml',
      content:
        typeof spec.sharedStrings === 'string'
          ? spec.sharedStrings
          : sharedStringsXml(spec.sharedStrings),
    });
  }
  return parts;
}

/** Writes the workbook of {@link workbookParts} to `file` and returns `file`. */
export function writeWorkbookParts(
  file: string,
  spec: WorkbookSpec,
  options: BuildZipOptions = {},
): Promise<string> {
  return writeZip(file, workbookParts(spec), options);
}

/** One `<Relationship>`. */
export interface RelationshipSpec {
  readonly id: string;
  readonly type: string;
  readonly target: string;
  readonly external?: boolean;
}

/** A `.rels` part. */
export function relationshipsXml(rels: readonly RelationshipSpec[]): string {
  const items = rels
    .map(
      (rel) =>
        `<Relationship Id="${rel.id}" Type="${rel.type}" Target="${escapeXml(rel.target)}"${
          rel.external === true ? ' TargetMode="External"' : ''
        }/>`,
    )
    .join('');
  return `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL_NS}">${items}</Relationships>`;
}

/** A worksheet part around the given `<row>` elements. */
export function worksheetXml(rowsXml: string): string {
  return `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${rowsXml}</sheetData></worksheet>`;
}

/** A shared strings part with plain `<t>` items. */
export function sharedStringsXml(strings: readonly string[]): string {
  const items = strings.map((text) => `<si><t xml:space="preserve">${escapeXml(text)}</t></si>`);
  return `${XML_DECLARATION}<sst xmlns="${MAIN_NS}" count="${strings.length}" uniqueCount="${strings.length}">${items.join('')}</sst>`;
}

/** A styles part: custom number formats, and one cell style per entry of `cellFormatIds`. */
export function stylesXml(spec: {
  readonly numFmts?: readonly { readonly id: number; readonly code: string }[];
  readonly cellFormatIds: readonly number[];
}): string {
  const numFmts = spec.numFmts ?? [];
  const numFmtsXml =
    numFmts.length === 0
      ? ''
      : `<numFmts count="${numFmts.length}">${numFmts
          .map((f) => `<numFmt numFmtId="${f.id}" formatCode="${escapeXml(f.code)}"/>`)
          .join('')}</numFmts>`;
  const xfs = spec.cellFormatIds
    .map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"/>`)
    .join('');
  return (
    `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}">${numFmtsXml}` +
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>' +
    '<borders count="1"><border/></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${spec.cellFormatIds.length}">${xfs}</cellXfs></styleSheet>`
  );
}

/** Escapes text for XML content and double-quoted attributes. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function relativeToXl(part: string): string {
  return part.startsWith('xl/') ? part.slice(3) : `/${part}`;
}

function contentTypesXml(sheetParts: readonly string[], spec: WorkbookSpec): string {
  const main = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
  const overrides = [
    `<Override PartName="/xl/workbook.xml" ContentType="${main}.sheet.main+xml"/>`,
    ...sheetParts.map(
      (part) => `<Override PartName="/${part}" ContentType="${main}.worksheet+xml"/>`,
    ),
  ];
  if (spec.styles !== undefined) {
    overrides.push(`<Override PartName="/xl/styles.xml" ContentType="${main}.styles+xml"/>`);
  }
  if (spec.sharedStrings !== undefined) {
    overrides.push(
      `<Override PartName="/xl/sharedStrings.xml" ContentType="${main}.sharedStrings+xml"/>`,
    );
  }
  return (
    `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `${overrides.join('')}</Types>`
  );
}

/** The encodings {@link encodeXml} writes. */
export type XmlTestEncoding =
  | 'utf-8'
  | 'us-ascii'
  | 'iso-8859-1'
  | 'windows-1252'
  | 'utf-16le'
  | 'utf-16be';

const DECLARATION = /^<\?xml[^?]*\?>/;

/**
 * `xml` as a part in another encoding: its XML declaration names `declared` (one is added when
 * it has none), and its characters are written in `encoding` (UTF-16 after its byte order mark),
 * throwing for a character the encoding lacks. `declared` may differ from `encoding`, to write
 * parts that lie about themselves.
 */
export function encodeXml(
  xml: string,
  encoding: XmlTestEncoding,
  declared: string = encoding.toUpperCase(),
): Buffer {
  const declaration = `<?xml version="1.0" encoding="${declared}" standalone="yes"?>`;
  const text = DECLARATION.test(xml) ? xml.replace(DECLARATION, declaration) : declaration + xml;
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const units = Buffer.from(text, 'utf16le');
    if (encoding === 'utf-16be') units.swap16();
    return Buffer.concat([
      Buffer.from(encoding === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff]),
      units,
    ]);
  }
  const highest = encoding === 'us-ascii' ? 0x7f : 0xff;
  return Buffer.from(
    Array.from(text, (char) => {
      const windows = encoding === 'windows-1252' ? WINDOWS_1252_BYTES.get(char) : undefined;
      if (windows !== undefined) return windows;
      const code = char.codePointAt(0) ?? 0;
      if (code > highest || (encoding === 'windows-1252' && code >= 0x80 && code <= 0x9f)) {
        throw new Error(`${JSON.stringify(char)} has no byte in ${encoding}`);
      }
      return code;
    }),
  );
}

/** The characters of windows-1252's bytes 0x80 to 0x9F (the five undefined ones left out). */
const WINDOWS_1252_BYTES: ReadonlyMap<string, number> = new Map(
  [
    0x20ac, 0, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
    0, 0x17d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161,
    0x203a, 0x153, 0, 0x17e, 0x178,
  ].flatMap((code, i): [string, number][] =>
    code === 0 ? [] : [[String.fromCodePoint(code), 0x80 + i]],
  ),
);
