/**
 * Bytes 0x80 to 0x9F of windows-1252 (WHATWG Encoding Standard, index-windows-1252); every
 * other byte is the code point of the same number. The five bytes the code page leaves
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same number, as the
 * standard says.
 */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCharCode(code));

const C1 = /[\u0080-\u009f]/;
const C1_ALL = /[\u0080-\u009f]/g;

/**
 * Decodes windows-1252 ("ANSI" on Western Windows, what Excel's "CSV (Comma delimited)" saves).
 * Done by hand because Node's `TextDecoder('windows-1252')` decodes 0x80-0x9F as ISO-8859-1
 * when not streaming (nodejs/node#56542, #60888: 0x80 gives U+0080 instead of €).
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return C1.test(text) ? text.replace(C1_ALL, (c) => HIGH[c.charCodeAt(0) - 0x80] as string) : text;
}
