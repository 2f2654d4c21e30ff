/**
 * A cell's number format as a workbook stores it, and what makes two of them the same.
 *
 * A style's `numFmtId` below 164 that the styles part does not define is one of Excel's built-in
 * formats, which the file names by number only: some of them (currency, accounting, and the East
 * Asian dates) show differently in each locale, so a copy must keep the number, not a code
 * spelled out for one locale. Anything the styles part defines with `<numFmt formatCode>` is a
 * custom format, known by its code (a custom definition wins even over a built-in id).
 */
export type NumberFormat =
  /** Built-in format `id`, 0 being General. */
  | { readonly builtIn: number; readonly code?: undefined }
  /** A custom format code. */
  | { readonly code: string; readonly builtIn?: undefined };

/** The first id a styles part may give a custom format; lower ones are built in. */
export const FIRST_CUSTOM_FORMAT_ID = 164;

export const GENERAL: NumberFormat = Object.freeze({ builtIn: 0 });

/**
 * The number format a style with `numFmtId` = `id` has, given the custom code the styles part
 * defines for that id (if any). An id at or past 164 that the part does not define, which Excel
 * would refuse to open, is General.
 */
export function numberFormatOf(id: number, customCode: string | undefined): NumberFormat {
  if (customCode !== undefined) return isGeneralCode(customCode) ? GENERAL : { code: customCode };
  return id > 0 && id < FIRST_CUSTOM_FORMAT_ID ? { builtIn: id } : GENERAL;
}

/** Whether the format shows a number as General does. */
export function isGeneral(format: NumberFormat): boolean {
  return format.builtIn === 0;
}

/**
 * A text that is the same for the same format and differs otherwise: built-in ids and custom
 * codes never collide, since no code starts with a NUL character.
 */
export function numberFormatKey(format: NumberFormat): string {
  return format.code === undefined ? `\u0000${format.builtIn}` : format.code;
}

/** `General` in any case, alone (LibreOffice writes `numFmtId="164" formatCode="General"`). */
function isGeneralCode(code: string): boolean {
  return code.length === 7 && code.toLowerCase() === 'general';
}
