import { describe, expect, it } from 'vitest';
import { decodeWindows1252 } from '../../src/core/windows-1252.js';

// The CSV reader and the xlsx reader (a part declaring windows-1252) both decode with it.
describe('decodeWindows1252', () => {
  it('decodes every windows-1252 byte as the WHATWG Encoding Standard says', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    // The streaming TextDecoder goes through ICU, which has the standard's table.
    const standard = new TextDecoder('windows-1252').decode(all, { stream: true });
    expect(decodeWindows1252(all)).toBe(standard);
    expect(decodeWindows1252(Uint8Array.of(0x80, 0x81, 0x8d, 0x9d, 0x9f))).toBe(
      '€\u0081\u008d\u009dŸ',
    );
  });
});
