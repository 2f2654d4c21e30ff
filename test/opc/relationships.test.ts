import { describe, expect, it } from 'vitest';
import { findRelatedPart, type Relationship } from '../../src/opc/relationships.js';
import type { ZipArchive } from '../../src/zip/zip-archive.js';

/** An archive of these part names, as far as findRelatedPart looks at it. */
function archiveOf(names: readonly string[]): ZipArchive {
  const parts = new Set(names);
  return { findPart: (name: string) => (parts.has(name) ? name : undefined) } as ZipArchive;
}

const STYLES_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles';
const rel = (target: string, external = false): Relationship => ({
  id: 'rId1',
  type: STYLES_TYPE,
  target,
  external,
});

describe('findRelatedPart', () => {
  it('finds the part related by type, resolved against the source part', () => {
    const archive = archiveOf(['xl/other/st.xml', 'xl/styles.xml']);
    expect(
      findRelatedPart(archive, 'xl/workbook.xml', [rel('other/st.xml')], 'styles', [
        'xl/styles.xml',
      ]),
    ).toBe('xl/other/st.xml');
  });

  it('takes the first default part there is when no relationship leads to a part', () => {
    const archive = archiveOf(['xl/styles.xml']);
    const rels = [rel('missing.xml'), rel('https://example.com/s.xml', true)];
    expect(
      findRelatedPart(archive, 'book/workbook.xml', rels, 'styles', [
        'book/styles.xml',
        'xl/styles.xml',
      ]),
    ).toBe('xl/styles.xml');
    expect(
      findRelatedPart(archive, 'xl/workbook.xml', [], 'sharedStrings', ['xl/sharedStrings.xml']),
    ).toBeNull();
  });
});
