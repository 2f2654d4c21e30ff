/**
 * The number formats of a workbook's cell styles, in a form that crosses threads, whatever the
 * format read them: .xlsx and .xlsb style tables, .xls XF records, .ods cell styles.
 */
import { GENERAL, type NumberFormat, numberFormatOf } from '../core/number-formats.js';

/**
 * What a workbook says of number formats: the format id of each cell style, in order (an
 * .xlsx's `<cellXfs><xf>` `numFmtId`, an .xls XF's format index), and the custom codes by id.
 * Ids below 164 are Excel's built-in formats.
 */
export interface CellFormatIds {
  readonly ids: Uint32Array;
  readonly codes: readonly (readonly [number, string])[];
}

/**
 * The number format of each cell style of a workbook. A style past the last, which a cell
 * should not name, is General, as Excel shows it.
 */
export interface CellNumberFormats {
  /** How many cell styles there are. */
  readonly count: number;
  /** The number format of style `style` (a cell's `s`). */
  formatOf(style: number): NumberFormat;
}

/** The number formats of {@link CellFormatIds}, each made once per id. */
export function cellNumberFormats(found: CellFormatIds): CellNumberFormats {
  const codes = new Map(found.codes);
  const formats = new Map<number, NumberFormat>();
  const formatOf = (id: number): NumberFormat => {
    let format = formats.get(id);
    if (format === undefined) {
      format = numberFormatOf(id, codes.get(id));
      formats.set(id, format);
    }
    return format;
  };
  const { ids } = found;
  return {
    count: ids.length,
    formatOf: (style) => (style < ids.length ? formatOf(ids[style] as number) : GENERAL),
  };
}
