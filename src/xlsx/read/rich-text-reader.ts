import type { XlmergeError } from '../../errors.js';
import { ensureHeapRoom, stringBytes } from '../../heap-room.js';
import * as elementKinds from '../../xml/element-kinds.js';
import { TextCollector } from '../../xml/text-collector.js';
import * as textEscapes from '../../xml/text-escapes.js';
import * as xmlChars from '../../xml/xml-chars.js';
import type { XmlLexer } from '../../xml/xml-lexer.js';

// Module-local copies of what the hot code uses: V8 folds these into the code it compiles, but
// loads and checks an imported binding at every use (see xml-chars.ts).
const { ElementKind, unknownElement } = elementKinds;
const { decodeExcelEscapes } = textEscapes;
const { isBlank, quoteSnippet } = xmlChars;

/**
 * Reads the content of a rich string element (`<is>` in a cell, `<si>` in the shared strings):
 * plain `<t>` text or the `<t>` of every run `<r>`, concatenated; phonetic runs `<rPh>`, run
 * properties `<rPr>` and `<phoneticPr>` are left out. Any other element is an error: XML names
 * are case-sensitive, and text in a `<T>` dropped without a word would change the value. Feed
 * it every token inside the element.
 */
export class RichTextReader {
  private readonly runs = new PiecedText();
  private baseDepth = 0;
  private inRun = false;
  private textDepth = 0;
  private skipDepth = 0;
  private readonly text: TextCollector;

  constructor(
    private readonly lexer: XmlLexer,
    /** What the element is, for messages: `the inline string of cell B2`, `shared string 7`. */
    private readonly where: () => string,
  ) {
    this.text = new TextCollector(lexer);
  }

  /** The text read: all of it once {@link onEnd} has returned true. */
  get value(): string {
    return this.runs.text();
  }

  /** Starts reading: the lexer has just returned the start tag of the rich element. */
  begin(): void {
    this.runs.clear();
    this.baseDepth = this.lexer.depth;
    this.inRun = false;
    this.textDepth = 0;
    this.skipDepth = 0;
  }

  /** Copies pending text out of the lexer's buffer: call before the buffer changes. */
  detach(): void {
    this.text.detach();
  }

  onStart(): void {
    const lexer = this.lexer;
    if (this.skipDepth !== 0) return;
    if (this.textDepth !== 0) {
      throw lexer.malformed(`expected text or </${lexer.name}>, found the tag <${lexer.name}>`);
    }
    const depth = lexer.depth;
    const kind = lexer.kind;
    if (depth === this.baseDepth + 1) {
      if (kind === ElementKind.Text) this.startText();
      else if (kind === ElementKind.Run) this.inRun = !lexer.selfClosing;
      else if (kind === ElementKind.PhoneticRun || kind === ElementKind.PhoneticProperties) {
        this.skipElement();
      } else {
        throw this.unknownElement('<t>, <r>, <rPh> or <phoneticPr>');
      }
    } else if (this.inRun && depth === this.baseDepth + 2) {
      if (kind === ElementKind.Text) this.startText();
      else if (kind === ElementKind.RunProperties) this.skipElement();
      else throw this.unknownElement('<rPr> or <t>', 'a run <r> of ');
    } else {
      this.skipElement();
    }
  }

  private startText(): void {
    const lexer = this.lexer;
    if (lexer.selfClosing) return;
    if (lexer.readSimpleContent()) {
      this.text.add();
      this.runs.add(decodeExcelEscapes(this.text.take()));
    } else {
      this.textDepth = lexer.depth;
    }
  }

  /** rPh (phonetic guide), rPr (run formatting), phoneticPr: no cell text in them. */
  private skipElement(): void {
    if (!this.lexer.selfClosing) this.skipDepth = this.lexer.depth;
  }

  private unknownElement(expected: string, inside = ''): XlmergeError {
    return unknownElement(this.lexer, `${expected} in ${inside}${this.where()}`);
  }

  onText(): void {
    if (this.textDepth !== 0) {
      this.text.add();
    } else if (this.skipDepth === 0) {
      const lexer = this.lexer;
      if (!isBlank(lexer.buf, lexer.textStart, lexer.textEnd)) {
        throw lexer.malformed(
          `expected a <t> or <r> element, found text ${quoteSnippet(lexer.buf, lexer.textStart)}`,
        );
      }
    }
  }

  /** Returns true when the rich element itself has ended. */
  onEnd(): boolean {
    const depth = this.lexer.depth;
    if (this.skipDepth !== 0) {
      if (depth === this.skipDepth) this.skipDepth = 0;
      return false;
    }
    if (depth === this.textDepth) {
      this.textDepth = 0;
      this.runs.add(decodeExcelEscapes(this.text.take()));
      return false;
    }
    if (depth === this.baseDepth + 1) this.inRun = false;
    return depth === this.baseDepth;
  }
}

/**
 * The text of a rich string, gathered run by run. The first pieces are joined with `+`, which is
 * fastest for the few runs a real string has; a rope costs 32 bytes a piece, though, so a string
 * of ten million one-letter runs would hold 320 MB of them. Past ROPE_PIECES the pieces go to an
 * array and are joined a thousand at a time, and the whole is joined once, when it is asked for.
 */
class PiecedText {
  private first = '';
  private count = 0;
  private pieces: string[] = [];
  private readonly chunks: string[] = [];
  private length = 0;

  clear(): void {
    this.first = '';
    this.count = 0;
    if (this.length > 0) {
      this.pieces = [];
      this.chunks.length = 0;
      this.length = 0;
    }
  }

  add(piece: string): void {
    if (piece === '') return;
    if (this.count < ROPE_PIECES) {
      this.first += piece;
      this.count++;
      return;
    }
    this.pieces.push(piece);
    this.length += piece.length;
    if (this.pieces.length === CHUNK_PIECES) {
      this.chunks.push(this.pieces.join(''));
      this.pieces = [];
    }
  }

  text(): string {
    if (this.length === 0) return this.first;
    ensureHeapRoom(stringBytes(this.first.length + this.length));
    const whole = [this.first, ...this.chunks, ...this.pieces].join('');
    this.first = whole;
    this.pieces = [];
    this.chunks.length = 0;
    this.length = 0;
    return whole;
  }
}

const ROPE_PIECES = 64;
const CHUNK_PIECES = 1024;
