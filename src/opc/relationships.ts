/**
 * The relationships of an Open Packaging Conventions package (.xlsx, .xlsb): which part a part
 * points to, and as what (`.rels` parts, XML in both formats).
 */
import { scanXmlTags, type XmlSource } from '../xml/xml-tags.js';
import type { ZipArchive } from '../zip/zip-archive.js';
import { resolveTarget } from './part-paths.js';

/** One `<Relationship>` of a `.rels` part. */
export interface Relationship {
  readonly id: string;
  readonly type: string;
  readonly target: string;
  /** `TargetMode="External"`: a URL outside the package, never a part. */
  readonly external: boolean;
}

/** The relationships of a `.rels` part, or none when the part is missing. */
export async function readRelationships(
  archive: ZipArchive,
  relsPart: string,
  maxChars: number,
): Promise<Relationship[]> {
  const found = archive.findPart(relsPart);
  if (found === undefined) return [];
  const xml = await archive.readPartText(found, maxChars);
  return parseRelationships(xml, { file: archive.file, part: found });
}

/** The `<Relationship>` elements of a `.rels` part. */
export function parseRelationships(xml: string, source: XmlSource): Relationship[] {
  const rels: Relationship[] = [];
  for (const tag of scanXmlTags(xml, source)) {
    if (tag.closing || tag.name !== 'Relationship') continue;
    const id = tag.attributes.get('Id');
    const target = tag.attributes.get('Target');
    if (id === undefined || target === undefined) continue;
    rels.push({
      id,
      type: tag.attributes.get('Type') ?? '',
      target,
      external: tag.attributes.get('TargetMode')?.toLowerCase() === 'external',
    });
  }
  return rels;
}

/** Sheet relationship types that are not worksheets: their cells are not data rows. */
const OTHER_SHEET_TYPES = ['/chartsheet', '/dialogsheet', '/xlMacrosheet', '/xlIntlMacrosheet'];

/** A sheet's relationship type names a chart, dialog or macro sheet. */
export function isOtherSheetType(type: string): boolean {
  return OTHER_SHEET_TYPES.some((suffix) => type.endsWith(suffix));
}

/**
 * The part `source` relates to by a type ending in `/kind` (`…/sharedStrings`, `…/styles`) when
 * the archive has it, else the first of `defaultParts` (where writers put it without a
 * relationship) that it has; `null` when there is none. `rels` are the relationships of `source`.
 */
export function findRelatedPart(
  archive: ZipArchive,
  source: string,
  rels: readonly Relationship[],
  kind: string,
  defaultParts: readonly string[],
): string | null {
  for (const rel of rels) {
    if (rel.external || !rel.type.endsWith(`/${kind}`)) continue;
    const part = archive.findPart(resolveTarget(source, rel.target));
    if (part !== undefined) return part;
  }
  for (const name of defaultParts) {
    const part = archive.findPart(name);
    if (part !== undefined) return part;
  }
  return null;
}
