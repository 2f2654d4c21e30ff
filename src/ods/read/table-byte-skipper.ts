/**
 * Passing over the tables of content.xml in its bytes, before they are decoded, when the file
 * is opened: listing the sheets needs each table's start tag and what stands between the tables
 * (the automatic styles before the body, and the end of the document), not the rows, which are
 * nearly all of the part. The bytes outside the tables are decoded and given to the outline's
 * lexer as usual; each table's content, from after its start tag to before its end tag, is only
 * checked as the decoder checks bytes (valid UTF-8, or valid in the part's single-byte encoding)
 * and never becomes text. So the lexer sees `<table:table …></table:table>` and checks all the
 * rest; what is passed over is read, and checked as XML, when its sheet is read.
 *
 * The markers are ASCII, which no byte of a multi-byte UTF-8 character is, so they are searched
 * for in the bytes read as Latin-1 (one character a byte, positions equal): a start tag
 * `<table:table` followed by whitespace, `/` or `>`, its end tag, and comments, CDATA sections
 * and processing instructions, which are passed over whole, inside a table and outside, so a
 * marker in them counts for nothing. Tables nested in cells (in shapes) are counted. A part in
 * UTF-16, or whose encoding is not known yet when a table starts, is passed whole.
 */
import type { XmlPartDecoder } from '../../xml/xml-decoder.js';

const TABLE_NAME = 'table:table';
/**
 * `table:table` not followed by `-`: most of the name's places are rows, cells and columns
 * (`table:table-cell`), which a global expression passes over in one call, where `indexOf`
 * would return to the loop at each.
 */
const TABLE_MARKER = /table:table(?!-)/g;
/** The start of a comment or CDATA section (`<!`), or of a processing instruction (`<?`). */
const SECTION_MARKER = /<[!?]/g;
/** Longest marker looked for (`<![CDATA[`): what may not be cut by the end of the bytes held. */
const LONGEST_MARKER = 12;

const Mode = {
  /** Outside the tables: bytes are decoded. */
  Pass: 0,
  /** Inside a table's content: bytes are checked, not decoded. */
  Skip: 1,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/** The byte after an element name that ends it in a start tag (`>`, `/`, whitespace). */
function endsStartName(byte: number): boolean {
  return (
    byte === 0x3e ||
    byte === 0x2f ||
    byte === 0x20 ||
    byte === 0x09 ||
    byte === 0x0a ||
    byte === 0x0d
  );
}

/** The byte after an element name that ends it in an end tag (`>`, whitespace). */
function endsEndName(byte: number): boolean {
  return byte === 0x3e || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Splits content.xml's bytes into what is decoded (returned by {@link write} as text for the
 * outline) and the tables' content (checked by the decoder, and dropped).
 */
export class TableByteSkipper {
  private mode: Mode = Mode.Pass;
  /** The terminator of the comment, CDATA section or processing instruction being passed. */
  private terminator = '';
  /** In a table's start tag (the sheet's, or one nested in it), looking for its `>`. */
  private inTag = false;
  /** In that tag: the quote of the attribute value being read, or 0. */
  private quote = 0;
  /** The byte before the current position, for telling `/>` when a chunk starts with `>`. */
  private previous = 0;
  /** Tables open inside the one being passed over. */
  private nested = 0;
  /** The end of the last chunk, held to be read with the next (a marker may be cut). */
  private held: Buffer = Buffer.alloc(0);
  /** Text decoded from one chunk, in pieces. */
  private readonly pieces: string[] = [];

  constructor(private readonly decoder: XmlPartDecoder) {}

  /** The text of the bytes outside the tables, from the part's next chunk. */
  write(chunk: Buffer): string {
    const bytes = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const kept = this.scan(bytes, false);
    this.held = kept === bytes.length ? Buffer.alloc(0) : Buffer.from(bytes.subarray(kept));
    return this.takeText();
  }

  /** The part has ended: the text of the rest; throws when it ends in the middle of a character. */
  end(): string {
    const bytes = this.held;
    this.held = Buffer.alloc(0);
    this.scan(bytes, true);
    this.pieces.push(this.decoder.end());
    return this.takeText();
  }

  private takeText(): string {
    const pieces = this.pieces;
    const text = pieces.length === 1 ? (pieces[0] as string) : pieces.join('');
    pieces.length = 0;
    return text;
  }

  /** Whether a table may be passed over: the part's encoding is known and keeps ASCII as is. */
  private canSkip(): boolean {
    const encoding = this.decoder.encoding;
    return encoding !== null && encoding !== 'utf-16le' && encoding !== 'utf-16be';
  }

  /**
   * Reads `bytes` on from the state the last chunk left: decodes or checks them up to a point it
   * returns, after which the bytes are held for the next chunk (all of them when `final`).
   */
  private scan(bytes: Buffer, final: boolean): number {
    const text = bytes.toString('latin1');
    const length = text.length;
    /** Where the bytes not yet decoded or checked start. */
    let from = 0;
    let at = 0;
    // The next place each marker stands at or after `at` (recomputed once passed).
    let nextTable = -2;
    let nextSection = -2;
    for (;;) {
      if (this.terminator !== '') {
        const end = text.indexOf(this.terminator, at);
        if (end < 0) {
          at = final ? length : Math.max(at, length - this.terminator.length + 1);
          break;
        }
        at = end + this.terminator.length;
        this.terminator = '';
        continue;
      }
      if (this.inTag) {
        const end = this.findTagEnd(text, at);
        if (end < 0) {
          at = length;
          break;
        }
        at = end + 1;
        this.inTag = false;
        const selfClosing = this.previous === 0x2f;
        if (this.mode === Mode.Pass) {
          // Decoded through the start tag first: the decoder knows the encoding from then on.
          from = this.flush(bytes, from, at, Mode.Pass);
          if (!selfClosing && this.canSkip()) {
            this.mode = Mode.Skip;
            this.nested = 0;
          }
        } else if (!selfClosing) {
          this.nested++;
        }
        continue;
      }
      if (nextTable < at && nextTable !== -1) {
        TABLE_MARKER.lastIndex = at;
        nextTable = TABLE_MARKER.test(text) ? TABLE_MARKER.lastIndex - TABLE_NAME.length : -1;
      }
      if (nextSection < at && nextSection !== -1) {
        SECTION_MARKER.lastIndex = at;
        nextSection = SECTION_MARKER.test(text) ? SECTION_MARKER.lastIndex - 2 : -1;
      }
      let next = nextTable;
      if (nextSection >= 0 && (next < 0 || nextSection < next)) next = nextSection;
      if (next < 0) {
        // Nothing here: all but what may be the start of a cut marker is done with.
        at = final ? length : Math.max(at, length - LONGEST_MARKER);
        break;
      }
      if (!final && length - next < LONGEST_MARKER) {
        at = next === nextTable ? Math.max(at, next - 2) : next;
        break;
      }
      if (next === nextSection) {
        at = next + 2;
        if (text.charCodeAt(next + 1) === 0x3f /* ? */) {
          this.terminator = '?>';
        } else if (text.startsWith('<!--', next)) {
          this.terminator = '-->';
          at = next + 4;
        } else if (text.startsWith('<![CDATA[', next)) {
          this.terminator = ']]>';
          at = next + 9;
        }
        continue;
      }
      at = next + TABLE_NAME.length;
      const after = text.charCodeAt(at);
      if (text.charCodeAt(next - 1) === 0x3c /* < */) {
        if (endsStartName(after)) {
          this.inTag = true;
          this.quote = 0;
          this.previous = 0;
        }
      } else if (
        this.mode === Mode.Skip &&
        text.charCodeAt(next - 1) === 0x2f /* / */ &&
        text.charCodeAt(next - 2) === 0x3c /* < */ &&
        endsEndName(after)
      ) {
        if (this.nested === 0) {
          from = this.flush(bytes, from, next - 2, Mode.Skip);
          this.mode = Mode.Pass;
        } else {
          this.nested--;
        }
      }
    }
    this.flush(bytes, from, at, this.mode);
    return at;
  }

  /** The `>` ending the start tag being read (quotes respected), from `at`; -1 when cut off. */
  private findTagEnd(text: string, at: number): number {
    let quote = this.quote;
    let previous = this.previous;
    for (let i = at; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (quote !== 0) {
        if (ch === quote) quote = 0;
      } else if (ch === 0x22 || ch === 0x27) {
        quote = ch;
      } else if (ch === 0x3e) {
        this.quote = 0;
        return i;
      }
      previous = ch;
      this.previous = previous;
    }
    this.quote = quote;
    return -1;
  }

  /** Decodes (or, in a table, checks) `bytes[from, to)`; returns `to`. */
  private flush(bytes: Buffer, from: number, to: number, mode: Mode): number {
    if (to <= from) return from;
    const range = bytes.subarray(from, to);
    if (mode === Mode.Pass) {
      const text = this.decoder.write(range);
      if (text.length > 0) this.pieces.push(text);
    } else {
      this.decoder.skip(range);
    }
    return to;
  }
}
