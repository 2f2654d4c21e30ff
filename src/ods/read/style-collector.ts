/**
 * What xlmerge needs of an OpenDocument file's styles, gathered from the lexer's tokens while it
 * is inside `office:automatic-styles` or `office:styles` (of content.xml or styles.xml): the
 * tables' `table:display` (hidden sheets), the cell styles in order with their parent and data
 * style, and the data styles themselves.
 */
import { ErrorCode } from '../../errors.js';
import { TextCollector } from '../../xml/text-collector.js';
import { type XmlLexer, XmlToken } from '../../xml/xml-lexer.js';
import type { DataStyle, DataStyleKind, DataStyleMap, DataStylePart } from './data-style.js';
import { attributeMap } from './odf-attributes.js';

/** A `style:style` of family `table-cell`. */
export interface CellStyle {
  readonly name: string;
  readonly parent: string | undefined;
  readonly dataStyle: string | undefined;
}

/** The styles found so far. */
export interface CollectedStyles {
  /** Table styles whose `style:table-properties` say `table:display="false"`. */
  readonly hiddenTableStyles: Set<string>;
  /** Cell styles in document order. */
  readonly cellStyles: CellStyle[];
  readonly dataStyles: Map<string, DataStyle>;
}

const DATA_STYLE_KINDS: ReadonlyMap<string, DataStyleKind> = new Map([
  ['number:number-style', 'number'],
  ['number:percentage-style', 'percentage'],
  ['number:currency-style', 'currency'],
  ['number:date-style', 'date'],
  ['number:time-style', 'time'],
  ['number:boolean-style', 'boolean'],
  ['number:text-style', 'text'],
]);

const DATE_TIME_UNITS: ReadonlyMap<string, DataStylePart['type']> = new Map([
  ['number:day', 'day'],
  ['number:month', 'month'],
  ['number:year', 'year'],
  ['number:day-of-week', 'day-of-week'],
  ['number:hours', 'hours'],
  ['number:minutes', 'minutes'],
  ['number:seconds', 'seconds'],
]);

/** Elements of a data style whose text is what they show. */
const TEXT_ELEMENTS = new Set([
  'number:text',
  'number:currency-symbol',
  'number:fill-character',
  'number:embedded-text',
]);

interface OpenDataStyle {
  readonly kind: DataStyleKind;
  readonly name: string;
  readonly locale: string;
  readonly elapsed: boolean;
  readonly otherCalendar: boolean;
  color: string;
  readonly parts: DataStylePart[];
  readonly maps: DataStyleMap[];
  /** The depth of the data style's element. */
  readonly depth: number;
}

/**
 * Collects styles from the tokens of a styles section. Call {@link onToken} with every token
 * the lexer gives from the section's start tag (`office:automatic-styles`, `office:styles`) to
 * its end tag.
 */
export class StyleCollector {
  readonly styles: CollectedStyles = {
    hiddenTableStyles: new Set(),
    cellStyles: [],
    dataStyles: new Map(),
  };
  private readonly text: TextCollector;
  private tableStyle: string | undefined;
  private tableStyleDepth = 0;
  private dataStyle: OpenDataStyle | undefined;
  /** The element whose text is being gathered, with its attributes. */
  private textElement: { name: string; attributes: Map<string, string>; depth: number } | undefined;
  /** The `number:number` whose `number:embedded-text` children are being gathered. */
  private embedded: { position: number; text: string }[] | undefined;

  constructor(private readonly lexer: XmlLexer) {
    this.text = new TextCollector(lexer);
  }

  /** Takes the token the lexer just gave. */
  onToken(token: XmlToken): void {
    const lexer = this.lexer;
    if (token === XmlToken.Text) {
      if (this.textElement !== undefined) this.text.add();
      return;
    }
    if (token === XmlToken.End) {
      this.onEnd();
      return;
    }
    if (token !== XmlToken.Start) return;
    const name = lexer.name;
    if (this.dataStyle !== undefined) {
      this.onDataStyleChild(name);
      return;
    }
    const kind = DATA_STYLE_KINDS.get(name);
    if (kind !== undefined) {
      this.startDataStyle(kind);
      return;
    }
    if (name === 'style:style') {
      const attributes = attributeMap(lexer);
      const family = attributes.get('style:family');
      const styleName = attributes.get('style:name');
      if (styleName === undefined) return;
      if (family === 'table-cell') {
        this.styles.cellStyles.push({
          name: styleName,
          parent: attributes.get('style:parent-style-name'),
          dataStyle: attributes.get('style:data-style-name'),
        });
      } else if (family === 'table' && !lexer.selfClosing) {
        this.tableStyle = styleName;
        this.tableStyleDepth = lexer.depth;
      }
    } else if (name === 'style:table-properties' && this.tableStyle !== undefined) {
      if (attributeMap(lexer).get('table:display') === 'false') {
        this.styles.hiddenTableStyles.add(this.tableStyle);
      }
    }
  }

  private startDataStyle(kind: DataStyleKind): void {
    const lexer = this.lexer;
    const attributes = attributeMap(lexer);
    const name = attributes.get('style:name');
    if (name === undefined) return;
    const language = attributes.get('number:language');
    const country = attributes.get('number:country');
    const calendar = attributes.get('number:calendar');
    const style: OpenDataStyle = {
      kind,
      name,
      locale: language !== undefined && country !== undefined ? `${language}-${country}` : '',
      elapsed: attributes.get('number:truncate-on-overflow') === 'false',
      otherCalendar: calendar !== undefined && calendar !== 'gregorian',
      color: '',
      parts: [],
      maps: [],
      depth: lexer.depth,
    };
    if (lexer.selfClosing) this.finishDataStyle(style);
    else this.dataStyle = style;
  }

  private onDataStyleChild(name: string): void {
    const lexer = this.lexer;
    const style = this.dataStyle as OpenDataStyle;
    const attributes = attributeMap(lexer);
    if (TEXT_ELEMENTS.has(name)) {
      if (name === 'number:embedded-text' && this.embedded === undefined) return;
      if (lexer.selfClosing) {
        this.addText(name, attributes, '');
      } else {
        this.text.clear();
        this.textElement = { name, attributes, depth: lexer.depth };
      }
      return;
    }
    if (lexer.depth !== style.depth + 1) return;
    const unit = DATE_TIME_UNITS.get(name);
    if (unit !== undefined) {
      style.parts.push({
        type: unit as 'day',
        long: attributes.get('number:style') === 'long',
        textual: attributes.get('number:textual') === 'true',
        decimalPlaces: count(attributes.get('number:decimal-places')) ?? 0,
      });
      return;
    }
    switch (name) {
      case 'number:number': {
        const embedded: { position: number; text: string }[] = [];
        const replacement = attributes.get('number:decimal-replacement');
        style.parts.push({
          type: 'number',
          decimalPlaces: count(attributes.get('number:decimal-places')),
          minDecimalPlaces: count(attributes.get('number:min-decimal-places')),
          minIntegerDigits: count(attributes.get('number:min-integer-digits')) ?? 0,
          grouping: attributes.get('number:grouping') === 'true',
          displayFactor: Number(attributes.get('number:display-factor') ?? 1),
          decimalReplacement: replacement !== undefined && replacement !== '',
          embedded,
        });
        if (!lexer.selfClosing) this.embedded = embedded;
        return;
      }
      case 'number:scientific-number': {
        const places = count(attributes.get('number:decimal-places')) ?? 0;
        style.parts.push({
          type: 'scientific',
          decimalPlaces: places,
          minDecimalPlaces: count(attributes.get('number:min-decimal-places')),
          minIntegerDigits: count(attributes.get('number:min-integer-digits')) ?? 1,
          minExponentDigits: count(attributes.get('number:min-exponent-digits')) ?? 2,
          exponentInterval: count(attributes.get('number:exponent-interval')) ?? 1,
          forcedExponentSign: attributes.get('number:forced-exponent-sign') !== 'false',
        });
        return;
      }
      case 'number:fraction': {
        const maxNumerator = count(attributes.get('loext:max-numerator-digits'));
        const maxDenominator = count(attributes.get('number:max-denominator-value'));
        style.parts.push({
          type: 'fraction',
          minIntegerDigits: count(attributes.get('number:min-integer-digits')),
          numeratorDigits:
            maxNumerator ?? count(attributes.get('number:min-numerator-digits')) ?? 1,
          denominatorDigits:
            maxDenominator === undefined
              ? (count(attributes.get('number:min-denominator-digits')) ?? 1)
              : String(maxDenominator).length,
          denominator: count(attributes.get('number:denominator-value')),
        });
        return;
      }
      case 'number:text-content':
        style.parts.push({ type: 'text-content' });
        return;
      case 'number:boolean':
        style.parts.push({ type: 'boolean' });
        return;
      case 'number:am-pm':
        style.parts.push({ type: 'am-pm' });
        return;
      case 'style:text-properties':
        style.color = (attributes.get('fo:color') ?? '').toLowerCase();
        return;
      case 'style:map': {
        const condition = attributes.get('style:condition');
        const applyStyleName = attributes.get('style:apply-style-name');
        if (condition !== undefined && applyStyleName !== undefined) {
          style.maps.push({ condition, applyStyleName });
        }
        return;
      }
      default:
        // number:quarter, number:week-of-year, number:era, and what a later version adds.
        if (name.startsWith('number:')) style.parts.push({ type: 'unsupported', element: name });
    }
  }

  private onEnd(): void {
    const lexer = this.lexer;
    const element = this.textElement;
    if (element !== undefined && lexer.depth === element.depth) {
      this.textElement = undefined;
      this.addText(element.name, element.attributes, this.text.take());
      return;
    }
    if (this.embedded !== undefined && lexer.name === 'number:number') {
      this.embedded = undefined;
      return;
    }
    const style = this.dataStyle;
    if (style !== undefined && lexer.depth === style.depth) {
      this.dataStyle = undefined;
      this.finishDataStyle(style);
      return;
    }
    if (this.tableStyle !== undefined && lexer.depth === this.tableStyleDepth) {
      this.tableStyle = undefined;
    }
  }

  private addText(name: string, attributes: Map<string, string>, text: string): void {
    const style = this.dataStyle;
    if (style === undefined) return;
    if (name === 'number:embedded-text') {
      const position = count(attributes.get('number:position')) ?? 0;
      this.embedded?.push({ position, text });
      return;
    }
    if (this.lexer.depth !== style.depth + 1) return;
    if (name === 'number:text') {
      style.parts.push({ type: 'text', text });
    } else if (name === 'number:fill-character') {
      style.parts.push({ type: 'fill-character', text });
    } else {
      const language = attributes.get('number:language');
      const country = attributes.get('number:country');
      style.parts.push({
        type: 'currency-symbol',
        text,
        locale: language !== undefined && country !== undefined ? `${language}-${country}` : '',
      });
    }
  }

  private finishDataStyle(style: OpenDataStyle): void {
    const { depth: _depth, ...dataStyle } = style;
    this.styles.dataStyles.set(style.name, dataStyle);
    if (this.styles.dataStyles.size > MAX_DATA_STYLES) {
      throw this.lexer.fail(
        ErrorCode.SizeLimit,
        `The file defines more than ${MAX_DATA_STYLES} number formats`,
        undefined,
        'No spreadsheet needs that many: the file was made to exhaust readers; remove it from the inputs',
      );
    }
  }
}

/**
 * Most data styles one file may define. LibreOffice writes about a hundred and fifty; Excel
 * caps a workbook's number formats at about 250. Each costs memory beyond its XML.
 */
const MAX_DATA_STYLES = 65_536;

/** A small non-negative integer attribute, or undefined when absent or not one. */
function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value);
}
