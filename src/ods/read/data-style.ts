/**
 * An OpenDocument data style (ODF 1.3 Part 3, 16.29: `number:number-style`,
 * `number:date-style`, …) as read from the styles, and its Excel format code. Pure.
 *
 * The code is what Excel needs to show the value as LibreOffice does, spelt as LibreOffice
 * writes it when it saves the same style to .xlsx (literals escaped with `\` or quoted, `:` and
 * `/` of dates and times left bare), so the same cell reads to the same format either way.
 * What Excel cannot show (quarters, weeks, eras, other calendars, a decimal replacement, a
 * currency symbol the file leaves to the reader's locale, conditions other than comparisons with
 * a number, more than two conditions) converts to nothing: the cell is then General.
 */

/** The kind of a data style, from its element name (`number:date-style` → `date`). */
export type DataStyleKind =
  | 'number'
  | 'percentage'
  | 'currency'
  | 'date'
  | 'time'
  | 'boolean'
  | 'text';

/** One child element of a data style, in order. */
export type DataStylePart =
  | {
      readonly type: 'number';
      /** `number:decimal-places`; undefined: as many as needed (LibreOffice's General). */
      readonly decimalPlaces: number | undefined;
      readonly minDecimalPlaces: number | undefined;
      readonly minIntegerDigits: number;
      readonly grouping: boolean;
      /** `number:display-factor`: 1000 per `,` of Excel's thousands scaling. */
      readonly displayFactor: number;
      readonly decimalReplacement: boolean;
      /** `number:embedded-text`: text put before the digit `position` places left of the point. */
      readonly embedded: readonly { readonly position: number; readonly text: string }[];
    }
  | {
      readonly type: 'scientific';
      readonly decimalPlaces: number;
      readonly minDecimalPlaces: number | undefined;
      readonly minIntegerDigits: number;
      readonly minExponentDigits: number;
      readonly exponentInterval: number;
      readonly forcedExponentSign: boolean;
    }
  | {
      readonly type: 'fraction';
      /** undefined: no whole part (`?/?`). */
      readonly minIntegerDigits: number | undefined;
      readonly numeratorDigits: number;
      readonly denominatorDigits: number;
      /** `number:denominator-value`: a fixed denominator. */
      readonly denominator: number | undefined;
    }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'currency-symbol'; readonly text: string; readonly locale: string }
  | { readonly type: 'text-content' }
  | { readonly type: 'fill-character'; readonly text: string }
  | { readonly type: 'boolean' }
  | DateTimeUnit
  | { readonly type: 'am-pm' }
  /** Anything Excel has no code for (quarter, week-of-year, era, …). */
  | { readonly type: 'unsupported'; readonly element: string };

/** A date or time unit of a date or time style: `number:day`, `number:hours`, … */
export interface DateTimeUnit {
  readonly type: 'day' | 'month' | 'year' | 'day-of-week' | 'hours' | 'minutes' | 'seconds';
  /** `number:style="long"`: two digits (`dd`), or the full name (`mmmm`). */
  readonly long: boolean;
  /** `number:textual`: a month's name rather than its number. */
  readonly textual: boolean;
  /** Seconds only: places of the fraction (`ss.0`). */
  readonly decimalPlaces: number;
}

/** A `style:map`: the style to apply when `condition` holds. */
export interface DataStyleMap {
  readonly condition: string;
  readonly applyStyleName: string;
}

/** One data style. */
export interface DataStyle {
  readonly kind: DataStyleKind;
  readonly name: string;
  /** `language-COUNTRY` from `number:language` and `number:country`, or ''. */
  readonly locale: string;
  /** `number:truncate-on-overflow="false"`: hours (or the first unit) run past 24: `[h]`. */
  readonly elapsed: boolean;
  /** Neither Gregorian nor absent: `number:calendar`. */
  readonly otherCalendar: boolean;
  /** `fo:color` of its `style:text-properties`, lower case, or ''. */
  readonly color: string;
  readonly parts: readonly DataStylePart[];
  readonly maps: readonly DataStyleMap[];
}

/** Windows locale ids of the locales a `[$€-407]` currency or `[$-409]` date names most. */
const LOCALE_IDS: ReadonlyMap<string, string> = new Map([
  ['en-US', '409'],
  ['en-GB', '809'],
  ['en-CA', '1009'],
  ['en-AU', 'C09'],
  ['en-IE', '1809'],
  ['en-IN', '4009'],
  ['de-DE', '407'],
  ['de-AT', 'C07'],
  ['de-CH', '807'],
  ['fr-FR', '40C'],
  ['fr-CA', 'C0C'],
  ['fr-CH', '100C'],
  ['fr-BE', '80C'],
  ['nl-NL', '413'],
  ['nl-BE', '813'],
  ['es-ES', 'C0A'],
  ['es-MX', '80A'],
  ['it-IT', '410'],
  ['pt-PT', '816'],
  ['pt-BR', '416'],
  ['sv-SE', '41D'],
  ['da-DK', '406'],
  ['nb-NO', '414'],
  ['fi-FI', '40B'],
  ['pl-PL', '415'],
  ['cs-CZ', '405'],
  ['ru-RU', '419'],
  ['tr-TR', '41F'],
  ['ja-JP', '411'],
  ['zh-CN', '804'],
  ['ko-KR', '412'],
]);

/** Excel's eight named colours, by the `fo:color` LibreOffice writes for them. */
const COLOR_NAMES: ReadonlyMap<string, string> = new Map([
  ['#000000', '[Black]'],
  ['#ffffff', '[White]'],
  ['#ff0000', '[Red]'],
  ['#00ff00', '[Green]'],
  ['#0000ff', '[Blue]'],
  ['#ffff00', '[Yellow]'],
  ['#ff00ff', '[Magenta]'],
  ['#00ffff', '[Cyan]'],
]);

/** The most sections (three with conditions, and text) an Excel format code has. */
const MAX_SECTIONS = 4;

/**
 * The Excel format code of `style`, whose `style:map`s name other data styles found by
 * `lookUp`; `null` when Excel cannot show it as OpenDocument does (see the module's comment).
 * `General` comes out as `General`.
 */
export function excelFormatCode(
  style: DataStyle,
  lookUp: (name: string) => DataStyle | undefined,
): string | null {
  if (style.maps.length === 0) return sectionCode(style);
  const mapped: { readonly operator: string; readonly code: string }[] = [];
  for (const map of style.maps) {
    const operator = parseCondition(map.condition);
    const target = lookUp(map.applyStyleName);
    // A map to itself, or a chain of maps, is not a section Excel has.
    if (operator === null || target === undefined || target.maps.length > 0) return null;
    const code = sectionCode(target);
    if (code === null) return null;
    mapped.push({ operator, code });
  }
  const main = sectionCode(style);
  if (main === null || mapped.length + 1 > MAX_SECTIONS) return null;
  const operators = mapped.map((section) => section.operator).join(' ');
  const codes = mapped.map((section) => section.code);
  // The patterns LibreOffice writes for Excel's own sections: positive and zero; negative.
  if (operators === '>=0') return `${codes[0]};${main}`;
  // Positive; negative; zero; text (the accounting formats).
  if (operators === '>0 <0 =0') return `${codes.join(';')};${main}`;
  // Positive; negative; zero.
  if (operators === '>0 <0') return `${codes.join(';')};${main}`;
  if (mapped.length > 2) return null;
  // Anything else as Excel's conditions: `[>=100]`.
  return [...mapped.map((section) => `[${section.operator}]${section.code}`), main].join(';');
}

/** `value()>=0` → `>=0`; null for any other condition. */
function parseCondition(condition: string): string | null {
  const match = /^\s*value\(\)\s*(>=|<=|<>|!=|>|<|=)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/.exec(
    condition,
  );
  if (match === null) return null;
  const operator = match[1] === '!=' ? '<>' : (match[1] as string);
  return `${operator}${match[2]}`;
}

/** The code of one style without its maps: one section of an Excel code. */
function sectionCode(style: DataStyle): string | null {
  if (style.otherCalendar) return null;
  const isDateTime = style.kind === 'date' || style.kind === 'time';
  let code = '';
  let bracketed = false;
  for (let i = 0; i < style.parts.length; i++) {
    const part = style.parts[i] as DataStylePart;
    let piece: string | null;
    switch (part.type) {
      case 'number':
        piece = numberCode(part, style);
        break;
      case 'scientific':
        piece = scientificCode(part);
        break;
      case 'fraction':
        piece = fractionCode(part);
        break;
      case 'text':
        piece = literal(part.text, style.kind);
        break;
      case 'currency-symbol':
        piece = currencyCode(part);
        break;
      case 'text-content':
        piece = '@';
        break;
      case 'fill-character':
        piece = part.text.length === 1 ? `*${part.text}` : '';
        break;
      case 'boolean':
        // Excel has no boolean format: LibreOffice writes this code for it in .xlsx.
        return '"TRUE";"TRUE";"FALSE"';
      case 'am-pm':
        piece = 'AM/PM';
        break;
      case 'unsupported':
        return null;
      default: {
        piece = dateTimeCode(part, style.parts, i);
        if (piece === null) return null;
        if (style.elapsed && !bracketed && isTimeUnit(part.type)) {
          // The first (largest) time unit runs on past its wrap: `[h]:mm:ss`, `[mm]:ss`.
          const dot = piece.indexOf('.');
          piece = dot < 0 ? `[${piece}]` : `[${piece.slice(0, dot)}]${piece.slice(dot)}`;
          bracketed = true;
        }
      }
    }
    if (piece === null) return null;
    code += piece;
  }
  if (code === '') return style.kind === 'text' ? '@' : 'General';
  const color = style.color === '' ? '' : (COLOR_NAMES.get(style.color) ?? '');
  const locale = isDateTime && style.locale !== '' ? LOCALE_IDS.get(style.locale) : undefined;
  return `${color}${locale === undefined ? '' : `[$-${locale}]`}${code}`;
}

function isTimeUnit(type: string): boolean {
  return type === 'hours' || type === 'minutes' || type === 'seconds';
}

function numberCode(
  part: Extract<DataStylePart, { type: 'number' }>,
  style: DataStyle,
): string | null {
  if (part.decimalReplacement) return null;
  const places = part.decimalPlaces;
  if (places === undefined) {
    // No fixed places: as many as the value needs, which is General when nothing else is asked.
    const plain = !part.grouping && part.minIntegerDigits <= 1 && part.embedded.length === 0;
    return plain && part.displayFactor === 1 && style.kind !== 'percentage' ? 'General' : null;
  }
  let integer: string;
  if (part.embedded.length === 0) {
    integer = integerCode(part.minIntegerDigits, part.grouping);
  } else {
    if (part.grouping) return null;
    // Embedded text stands left of the first `position` digits before the decimal point.
    const width = Math.max(part.minIntegerDigits, 1, ...part.embedded.map((text) => text.position));
    integer = '';
    for (let position = 0; position <= width; position++) {
      for (const text of part.embedded) {
        if (text.position === position) integer = literal(text.text, style.kind) + integer;
      }
      if (position < width) integer = (position < part.minIntegerDigits ? '0' : '#') + integer;
    }
  }
  const minPlaces = Math.min(part.minDecimalPlaces ?? places, places);
  const decimals = places > 0 ? `.${'0'.repeat(minPlaces)}${'#'.repeat(places - minPlaces)}` : '';
  const scaling = thousandsScaling(part.displayFactor);
  if (scaling === null) return null;
  return `${integer}${decimals}${scaling}`;
}

/** The integer digits: `0`, `00000`, `#,##0`, `#,#00`, `00,000`, `#` for none. */
function integerCode(minDigits: number, grouping: boolean): string {
  if (!grouping) return minDigits === 0 ? '#' : '0'.repeat(minDigits);
  if (minDigits <= 3) return `#,${'#'.repeat(3 - minDigits)}${'0'.repeat(minDigits)}`;
  let out = '';
  for (let i = minDigits; i > 0; i--) {
    out += '0';
    if (i > 1 && (i - 1) % 3 === 0) out += ',';
  }
  return out;
}

/** A display factor of 1000^k is k commas after the number; other factors Excel cannot show. */
function thousandsScaling(factor: number): string | null {
  let commas = '';
  let rest = factor;
  while (rest >= 1000 && rest % 1000 === 0) {
    commas += ',';
    rest /= 1000;
  }
  return rest === 1 ? commas : null;
}

function scientificCode(part: Extract<DataStylePart, { type: 'scientific' }>): string {
  const minInteger = Math.max(part.minIntegerDigits, 1);
  const interval = Math.max(part.exponentInterval, minInteger);
  const integer = '#'.repeat(interval - minInteger) + '0'.repeat(minInteger);
  const minPlaces = Math.min(part.minDecimalPlaces ?? part.decimalPlaces, part.decimalPlaces);
  const decimals =
    part.decimalPlaces > 0
      ? `.${'0'.repeat(minPlaces)}${'#'.repeat(part.decimalPlaces - minPlaces)}`
      : '';
  const sign = part.forcedExponentSign ? '+' : '-';
  return `${integer}${decimals}E${sign}${'0'.repeat(Math.max(part.minExponentDigits, 1))}`;
}

function fractionCode(part: Extract<DataStylePart, { type: 'fraction' }>): string {
  const whole =
    part.minIntegerDigits === undefined
      ? ''
      : `${part.minIntegerDigits === 0 ? '#' : '0'.repeat(part.minIntegerDigits)} `;
  const numerator = '?'.repeat(Math.max(part.numeratorDigits, 1));
  const denominator =
    part.denominator === undefined
      ? '?'.repeat(Math.max(part.denominatorDigits, 1))
      : String(part.denominator);
  return `${whole}${numerator}/${denominator}`;
}

/** A currency symbol as Excel writes one: `[$€-407]`, or `[$€]` in a locale it has no id for. */
function currencyCode(part: Extract<DataStylePart, { type: 'currency-symbol' }>): string | null {
  // An empty symbol is the currency of whatever locale the file is opened in: not one code.
  if (part.text === '') return null;
  const id = LOCALE_IDS.get(part.locale);
  return `[$${part.text.replace(/[\]-]/g, '')}${id === undefined ? '' : `-${id}`}]`;
}

function dateTimeCode(
  unit: DateTimeUnit,
  parts: readonly DataStylePart[],
  index: number,
): string | null {
  switch (unit.type) {
    case 'day':
      return unit.long ? 'dd' : 'd';
    case 'day-of-week':
      return unit.long ? 'dddd' : 'ddd';
    case 'month':
      if (unit.textual) return unit.long ? 'mmmm' : 'mmm';
      return unit.long ? 'mm' : 'm';
    case 'year':
      return unit.long ? 'yyyy' : 'yy';
    case 'hours':
      return unit.long ? 'hh' : 'h';
    case 'minutes': {
      // Excel reads `m` as minutes only after hours or before seconds; elsewhere it is a month.
      if (!nearTimeUnit(parts, index)) return null;
      return unit.long ? 'mm' : 'm';
    }
    case 'seconds':
      return `${unit.long ? 'ss' : 's'}${unit.decimalPlaces > 0 ? `.${'0'.repeat(unit.decimalPlaces)}` : ''}`;
    default:
      return null;
  }
}

/** Whether the minutes at `index` follow hours or precede seconds (text between them aside). */
function nearTimeUnit(parts: readonly DataStylePart[], index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const type = (parts[i] as DataStylePart).type;
    if (type === 'hours') return true;
    if (type !== 'text') break;
  }
  for (let i = index + 1; i < parts.length; i++) {
    const type = (parts[i] as DataStylePart).type;
    if (type === 'seconds') return true;
    if (type !== 'text') break;
  }
  return false;
}

/**
 * Literal text as LibreOffice writes it in an .xlsx code: one character escaped with `\`, more
 * quoted; `:` in a date or time and `/` in a date bare, as separators; `%` in a percentage bare,
 * as the percent sign that scales the value.
 */
function literal(text: string, kind: DataStyleKind): string {
  if (text === '') return '';
  if (kind === 'percentage' && text.includes('%')) {
    return text
      .split('%')
      .map((piece) => literal(piece, 'number'))
      .join('%');
  }
  if ((kind === 'date' || kind === 'time') && (text === ':' || (kind === 'date' && text === '/'))) {
    return text;
  }
  if (text.length === 1) return `\\${text}`;
  return text
    .split('"')
    .map((piece) => (piece === '' ? '' : `"${piece}"`))
    .join('\\"');
}
