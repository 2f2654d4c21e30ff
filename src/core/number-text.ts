/**
 * The number a cell's `<v>` text stands for: an xsd:double in decimal notation (ECMA-376 Part 1,
 * 18.17.4.1), with the XML whitespace around it that the type collapses. `Number()` alone reads
 * more: hexadecimal, `Infinity`, and any Unicode space around the digits (a no-break space
 * before `5` reads as 5), which would turn text no spreadsheet stores into a number silently.
 */

const XSD_DECIMAL_DOUBLE = /^[ \t\r\n]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t\r\n]*$/;

/**
 * The finite double `text` writes, or NaN when it is not a number a cell stores. Shared by the
 * scanner and the row engine, which must agree.
 */
export function parseNumberText(text: string): number {
  if (!XSD_DECIMAL_DOUBLE.test(text)) return Number.NaN;
  const number = Number(text);
  return Number.isFinite(number) ? number : Number.NaN;
}

/**
 * `text` quoted for a message, with every character that does not show (spaces other than
 * U+0020, controls, format characters) written as an escape: `"\u00A05"`, not `" 5"`.
 */
export function quoteVisibly(text: string): string {
  return JSON.stringify(text).replace(
    /[^\P{Z} ]|[\p{Cc}\p{Cf}]/gu,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}
