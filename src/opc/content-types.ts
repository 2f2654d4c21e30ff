/** `[Content_Types].xml`: what each part of an Open Packaging Conventions package is. */
import { scanXmlTags } from '../xml/xml-tags.js';
import type { ZipArchive } from '../zip/zip-archive.js';
import { resolveTarget } from './part-paths.js';

export const CONTENT_TYPES_PART = '[Content_Types].xml';

/** Override content types by lower-cased part name (no leading slash), lower-cased. */
export async function readContentTypes(
  archive: ZipArchive,
  maxChars: number,
): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  const part = archive.findPart(CONTENT_TYPES_PART);
  if (part === undefined) return types;
  const xml = await archive.readPartText(part, maxChars);
  for (const tag of scanXmlTags(xml, { file: archive.file, part })) {
    if (tag.closing || tag.name !== 'Override') continue;
    const name = tag.attributes.get('PartName');
    const type = tag.attributes.get('ContentType');
    if (name === undefined || type === undefined) continue;
    types.set(resolveTarget('', name).toLowerCase(), type.trim().toLowerCase());
  }
  return types;
}
