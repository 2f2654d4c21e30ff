/**
 * The first read of an OpenDocument spreadsheet's content.xml, when the file is opened: its
 * tables (the sheets, in order, with their names and whether their style hides them) and its
 * automatic styles, which stand before the body. Streams the part once through the lexer, and
 * passes over each table's rows with a {@link TableSkipper}.
 */
import { ErrorCode } from '../../errors.js';
import { XmlLexer, XmlToken } from '../../xml/xml-lexer.js';
import { attributeMap } from './odf-attributes.js';
import { type CollectedStyles, StyleCollector } from './style-collector.js';
import { TableSkipper } from './table-skipper.js';

/** One `table:table` of the spreadsheet. */
export interface OutlineTable {
  readonly name: string;
  /** Its style's `style:table-properties` say `table:display="false"`. */
  readonly hidden: boolean;
}

/** What the first read of content.xml found. */
export interface ContentOutline {
  readonly tables: readonly OutlineTable[];
  readonly styles: CollectedStyles;
}

/**
 * The depth of a sheet's `table:table`: in `office:document-content`, `office:body`,
 * `office:spreadsheet`.
 */
export const TABLE_DEPTH = 4;

/** Reads the outline of content.xml from its text, piece by piece. */
export class ContentOutlineReader {
  private readonly lexer: XmlLexer;
  private readonly collector: StyleCollector;
  private readonly skipper: TableSkipper;
  /** Passing over a table's rows, which the outline does not need. */
  private skipping = false;
  private readonly tables: { name: string; style: string | undefined }[] = [];
  /** Depth of the `office:automatic-styles` being read; 0 outside it. */
  private stylesDepth = 0;
  private inSpreadsheet = false;
  private spreadsheetSeen = false;
  private rootChecked = false;

  constructor(
    private readonly source: { readonly file: string; readonly part: string },
    private readonly maxElementChars: number,
  ) {
    this.lexer = new XmlLexer(source, maxElementChars);
    this.collector = new StyleCollector(this.lexer);
    this.skipper = new TableSkipper(this.lexer);
  }

  push(text: string): void {
    const lexer = this.lexer;
    lexer.feed(text);
    for (;;) {
      if (this.skipping) {
        if (!this.skipper.advance()) return;
        this.skipping = false;
      }
      const token = lexer.next();
      if (token === XmlToken.NeedMore) return;
      if (this.stylesDepth > 0) {
        if (token === XmlToken.End && lexer.depth === this.stylesDepth) this.stylesDepth = 0;
        else this.collector.onToken(token);
        // The styles are held in memory: as much of them as one element may be.
        if (lexer.position > this.maxElementChars) {
          throw lexer.fail(
            ErrorCode.SizeLimit,
            `The automatic styles are longer than ${this.maxElementChars} characters`,
          );
        }
        continue;
      }
      if (token === XmlToken.Start) this.onStart();
      else if (token === XmlToken.End && lexer.depth === 3 && lexer.name === 'office:spreadsheet') {
        this.inSpreadsheet = false;
      }
    }
  }

  /** The text is complete: the outline, or an error if the XML is not a spreadsheet's content. */
  end(): ContentOutline {
    const lexer = this.lexer;
    lexer.finish();
    if (!this.spreadsheetSeen) {
      throw lexer.malformed('expected <office:spreadsheet> in <office:body>, found none');
    }
    const hidden = this.collector.styles.hiddenTableStyles;
    return {
      tables: this.tables.map((table) => ({
        name: table.name,
        hidden: table.style !== undefined && hidden.has(table.style),
      })),
      styles: this.collector.styles,
    };
  }

  private onStart(): void {
    const lexer = this.lexer;
    const name = lexer.name;
    const depth = lexer.depth;
    if (!this.rootChecked) {
      this.rootChecked = true;
      if (name !== 'office:document-content') {
        throw lexer.malformed(
          `expected <office:document-content> as the root of ${this.source.part}, found <${name}>`,
        );
      }
      return;
    }
    if (depth === 2 && name === 'office:automatic-styles') {
      if (!lexer.selfClosing) this.stylesDepth = depth;
    } else if (depth === 3 && name === 'office:spreadsheet') {
      this.spreadsheetSeen = true;
      this.inSpreadsheet = !lexer.selfClosing;
    } else if (depth === TABLE_DEPTH && this.inSpreadsheet && name === 'table:table') {
      const attributes = attributeMap(lexer);
      this.tables.push({
        name: attributes.get('table:name') ?? `Sheet${this.tables.length + 1}`,
        style: attributes.get('table:style-name'),
      });
      if (!lexer.selfClosing) {
        this.skipper.begin();
        this.skipping = true;
      }
    }
  }
}
