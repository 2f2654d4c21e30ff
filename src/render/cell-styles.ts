/**
 * Cell styles of the written workbook, which cells are rendered with: indices into `cellXfs`
 * of its styles part, which {@link OutputStyles} writes.
 *
 * The first six are always there, in this order:
 * - `Header`: bold font, for the header row
 * - `Date`: `yyyy-mm-dd`
 * - `DateTime`: `yyyy-mm-dd hh:mm:ss`
 * - `Time`: `hh:mm:ss`
 * - `Elapsed`: `[h]:mm:ss`
 *
 * Number formats kept from the inputs get the styles after them, one per distinct format.
 */
import {
  FIRST_CUSTOM_FORMAT_ID,
  isGeneral,
  type NumberFormat,
  numberFormatKey,
} from '../core/number-formats.js';
import { escapeXmlAttribute } from './xml-escape.js';

export const StyleId = {
  Default: 0,
  Header: 1,
  Date: 2,
  DateTime: 3,
  Time: 4,
  Elapsed: 5,
} as const;
export type StyleId = (typeof StyleId)[keyof typeof StyleId];

/**
 * In a table of output styles (`ParseTask.outputStyles`): the cell style's format is one the
 * output could not keep (past {@link MAX_KEPT_FORMATS}), so its cells are written without it,
 * as when formats are not kept, and counted.
 */
export const STYLE_REFUSED = 0x8000_0000;

/** The number formats of the fixed date styles. Custom ids start at 164, past Excel's built-in ones. */
export const FixedFormat = {
  Date: { id: 164, code: 'yyyy-mm-dd' },
  DateTime: { id: 165, code: 'yyyy-mm-dd hh:mm:ss' },
  Time: { id: 166, code: 'hh:mm:ss' },
  Elapsed: { id: 167, code: '[h]:mm:ss' },
} as const;

const FIXED_FORMATS = Object.values(FixedFormat);
/** The style a kept format gets first: the one after the fixed ones. */
const FIRST_KEPT_STYLE = 6;
/** The id the first kept custom format gets: the one after the fixed ones. */
const FIRST_KEPT_FORMAT_ID = FIRST_CUSTOM_FORMAT_ID + FIXED_FORMATS.length;

/**
 * How many custom number formats one output keeps at most; later ones fall back to General.
 * Excel accepts "between 200 and 250" number formats in a workbook, "depending on the language
 * version" (Excel specifications and limits): 196 kept codes and the four fixed formats above
 * make 200 custom formats, the lowest of those. Built-in ids are not counted.
 */
export const MAX_KEPT_FORMATS = 196;

/**
 * The output's styles part: the fixed styles above, then one style for each distinct number
 * format an input cell had, in the order they were first asked for (so the same inputs in the
 * same order give the same part, byte for byte). Built-in formats keep their id; custom ones
 * get ids from 168 on.
 */
export class OutputStyles {
  /**
   * The style of each format kept, by {@link numberFormatKey}; a code that is one of the fixed
   * formats' has the fixed style.
   */
  readonly #styles = new Map<string, number>([
    [FixedFormat.Date.code, StyleId.Date],
    [FixedFormat.DateTime.code, StyleId.DateTime],
    [FixedFormat.Time.code, StyleId.Time],
    [FixedFormat.Elapsed.code, StyleId.Elapsed],
  ]);
  /** The `numFmtId` of each kept style, in style order from {@link FIRST_KEPT_STYLE}. */
  readonly #formatIds: number[] = [];
  /** The kept custom codes, in id order from {@link FIRST_KEPT_FORMAT_ID}. */
  readonly #customCodes: string[] = [];
  readonly #refused = new Set<string>();
  /** The keys of the formats given a style, fixed ones included. */
  readonly #kept = new Set<string>();

  /**
   * The style for cells of this number format: `StyleId.Default` for General, and for a custom
   * format past {@link MAX_KEPT_FORMATS} (counted in {@link refusedFormats}).
   */
  styleFor(format: NumberFormat): number {
    if (isGeneral(format)) return StyleId.Default;
    const key = numberFormatKey(format);
    const known = this.#styles.get(key);
    if (known !== undefined) {
      this.#kept.add(key);
      return known;
    }
    let formatId: number;
    if (format.code === undefined) {
      formatId = format.builtIn;
    } else {
      if (this.#customCodes.length >= MAX_KEPT_FORMATS) {
        this.#refused.add(key);
        return StyleId.Default;
      }
      formatId = FIRST_KEPT_FORMAT_ID + this.#customCodes.length;
      this.#customCodes.push(format.code);
    }
    const style = FIRST_KEPT_STYLE + this.#formatIds.length;
    this.#formatIds.push(formatId);
    this.#styles.set(key, style);
    this.#kept.add(key);
    return style;
  }

  /** How many distinct formats, General aside, cells have been given a style for. */
  get keptFormats(): number {
    return this.#kept.size;
  }

  /** How many distinct custom formats fell back to General, past {@link MAX_KEPT_FORMATS}. */
  get refusedFormats(): number {
    return this.#refused.size;
  }

  /**
   * `xl/styles.xml`. Fills 0 and 1 (`none`, `gray125`) are reserved by Excel and must come first
   * whatever the sheet uses. The fixed date formats are explicit custom formats rather than
   * built-in ids, because readers disagree on what some built-in ids mean.
   */
  toXml(): string {
    const customs = [
      ...FIXED_FORMATS,
      ...this.#customCodes.map((code, index) => ({ id: FIRST_KEPT_FORMAT_ID + index, code })),
    ];
    const xf = (formatId: number) =>
      `<xf numFmtId="${formatId}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`;
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<numFmts count="${customs.length}">` +
      customs
        .map(
          (format) =>
            `<numFmt numFmtId="${format.id}" formatCode="${escapeXmlAttribute(format.code)}"/>`,
        )
        .join('') +
      '</numFmts>' +
      '<fonts count="2">' +
      '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
      '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
      '</fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill>' +
      '<fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${FIRST_KEPT_STYLE + this.#formatIds.length}">` +
      '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
      '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
      FIXED_FORMATS.map((format) => xf(format.id)).join('') +
      this.#formatIds.map(xf).join('') +
      '</cellXfs>' +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
      '</styleSheet>'
    );
  }
}

/** The styles part of an output that keeps no number format of its inputs. */
export const STYLES_XML = new OutputStyles().toXml();
