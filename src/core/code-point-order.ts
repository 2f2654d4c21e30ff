/**
 * The order xlmerge sorts names in wherever order shows (files, ignored entries, dropped rows):
 * by Unicode code point, the order of their UTF-8 bytes, which does not depend on the locale.
 */

/** Orders strings by Unicode code point (UTF-8 byte order), not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
