import { classifyNumberFormat } from './date-format.js';
import { scanXmlTags, type XmlSource } from './xml-tags.js';

/**
 * For each cell style (`<cellXfs><xf>`, in order, which is what a cell's `s` attribute
 * indexes), whether its number format shows a date (1), an elapsed time (2) or a number (0).
 * Custom formats come from the top-level `<numFmts>` only: `<dxfs>` (conditional formats)
 * has `<numFmt>` elements too, and they never apply to a cell's stored style.
 */
export function parseDateStyles(xml: string, source: XmlSource): Uint8Array {
  const customCodes = new Map<number, string>();
  const cellFormatIds: number[] = [];
  const open: string[] = [];
  for (const tag of scanXmlTags(xml, source)) {
    if (tag.closing) {
      open.pop();
      continue;
    }
    const parent = open.at(-1);
    if (tag.name === 'numFmt' && parent === 'numFmts') {
      const id = parseId(tag.attributes.get('numFmtId'));
      const code = tag.attributes.get('formatCode');
      if (id !== null && code !== undefined) customCodes.set(id, code);
    } else if (tag.name === 'xf' && parent === 'cellXfs') {
      cellFormatIds.push(parseId(tag.attributes.get('numFmtId')) ?? 0);
    }
    if (!tag.selfClosing) open.push(tag.name);
  }
  return Uint8Array.from(cellFormatIds, (id) => classifyNumberFormat(id, customCodes.get(id)));
}

function parseId(value: string | undefined): number | null {
  if (value === undefined) return null;
  const id = Number(value.trim());
  return Number.isInteger(id) && id >= 0 ? id : null;
}
