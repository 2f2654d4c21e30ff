/**
 * Part names inside the package are zip entry names (`xl/worksheets/sheet1.xml`, no leading
 * slash). Relationship targets are URIs relative to the folder of the part that owns the
 * relationships, or absolute from the package root (`/xl/worksheets/sheet1.xml`).
 */

/** The part holding the package-level relationships. */
export const ROOT_RELS_PART = '_rels/.rels';

/** The relationships part of `part`: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`. */
export function relsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/**
 * The part a relationship target points to, seen from `sourcePart` (`''` for the package
 * root). Resolves `./` and `../`, and takes backslashes as slashes because some writers
 * produce Windows paths.
 */
export function resolveTarget(sourcePart: string, target: string): string {
  const cleaned = target.trim().replaceAll('\\', '/');
  const absolute = cleaned.startsWith('/');
  const folder = absolute ? '' : sourcePart.slice(0, sourcePart.lastIndexOf('/') + 1);
  const segments: string[] = [];
  for (const segment of `${folder}${cleaned}`.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}
