/**
 * The text of an XML part from its bytes, which arrive in chunks cut anywhere. The encoding is
 * the part's own: a byte order mark (UTF-8, UTF-16LE, UTF-16BE), else the `encoding` of its XML
 * declaration, else UTF-8, as XML 1.0 (4.3.3 and appendix F) says. Writers use UTF-8; a few
 * declare ISO-8859-1, windows-1252 or US-ASCII, and UTF-16 is legal. A byte that is not valid
 * in the part's encoding, and an encoding xlmerge does not read, are errors naming the part and
 * the byte offset: never U+FFFD, never another encoding guessed.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { completeUtf8Length, invalidUtf8Offset, utf8SequenceLength } from '../core/utf8.js';
import { decodeWindows1252 } from '../core/windows-1252.js';
import { ErrorCode, XlmergeError } from '../errors.js';

/** The encodings an XML part is read in. */
export type XmlEncoding =
  | 'utf-8'
  | 'us-ascii'
  | 'iso-8859-1'
  | 'windows-1252'
  | 'utf-16le'
  | 'utf-16be';

/** The part being decoded, for messages. */
export interface XmlPartSource {
  readonly file: string;
  readonly part: string;
}

/** An XML declaration must end within this many bytes of the start to be read. */
export const XML_DECLARATION_BYTES = 4096;

/** Encoding names (IANA names and the aliases writers use), lower-cased. */
const ENCODING_NAMES: ReadonlyMap<string, XmlEncoding | 'utf-16'> = new Map([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['us-ascii', 'us-ascii'],
  ['ascii', 'us-ascii'],
  ['iso-8859-1', 'iso-8859-1'],
  ['iso8859-1', 'iso-8859-1'],
  ['iso_8859-1', 'iso-8859-1'],
  ['latin1', 'iso-8859-1'],
  ['latin-1', 'iso-8859-1'],
  ['l1', 'iso-8859-1'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
  ['x-cp1252', 'windows-1252'],
  ['utf-16', 'utf-16'],
  ['utf-16le', 'utf-16le'],
  ['utf-16be', 'utf-16be'],
]);

const DISPLAY_NAMES: Record<XmlEncoding, string> = {
  'utf-8': 'UTF-8',
  'us-ascii': 'US-ASCII',
  'iso-8859-1': 'ISO-8859-1',
  'windows-1252': 'windows-1252',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
};

const EMPTY = Buffer.alloc(0);
/** Options of a TextDecoder call with more bytes to come. */
const STREAM = { stream: true } as const;
const RESAVE = 'Open the workbook in Excel and save it again (Excel writes UTF-8)';
const DECLARATION_START = /^<\?xml[ \t\r\n]/;
const ENCODING_PSEUDO_ATTRIBUTE = /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/;
/** ISO-8859-1's C1 controls: no text holds them; windows-1252 puts € and the like there. */
const C1_CONTROL = /[\u0080-\u009f]/;
/** The five bytes windows-1252 leaves undefined. */
const WINDOWS_1252_UNDEFINED = /[\u0081\u008d\u008f\u0090\u009d]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Decodes one part: `write` each chunk of bytes, then `end`. Throws XlmergeError(MALFORMED_XML)
 * at the first byte not valid in the part's encoding (before returning any text of its chunk),
 * for an encoding it does not read, and for a byte order mark that contradicts the declaration.
 */
export class XmlPartDecoder {
  readonly #source: XmlPartSource;
  #encoding: XmlEncoding | null = null;
  /** The encoding name as the declaration writes it, or null when there is none. */
  #declared: string | null = null;
  /** Bytes held until the encoding is known. */
  #head: Buffer = EMPTY;
  /** Part offset of the next byte to decode (single-byte and UTF-16 encodings). */
  #offset = 0;
  #utf8: Utf8Validator | null = null;
  #utf8Text: TextDecoder | null = null;
  /** UTF-16: an odd byte or a high surrogate held for the next chunk. */
  #held: Buffer = EMPTY;

  constructor(source: XmlPartSource) {
    this.#source = source;
  }

  /** The part's encoding, once its first bytes have come (null before). */
  get encoding(): XmlEncoding | null {
    return this.#encoding;
  }

  /**
   * A validator of this part's UTF-8 bytes from `offset` on that reports as this decoder does,
   * for bytes that a reader of its own takes instead (the row engine). UTF-8 parts only.
   */
  validatorAt(offset: number): Utf8Validator {
    return new Utf8Validator(this.#source, offset, this.#declared);
  }

  /** The text of `bytes`, less a character cut at the end (it comes with the next chunk). */
  write(bytes: Uint8Array): string {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.#encoding !== null) return this.#decode(chunk, false);
    this.#head = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
    if (this.#sniff(false)) return this.#decodeHead(false);
    // Held past this call: a copy of its own, the caller may reuse its buffer.
    if (this.#head === chunk) this.#head = Buffer.from(chunk);
    return '';
  }

  /**
   * Bytes a reader passes over without their text (the tables of an .ods content.xml when it
   * lists the sheets): checked as {@link write} checks them, at their offset in the part, and
   * dropped. The encoding must be known and not UTF-16, and the bytes before them (given to
   * `write`) must not end in the middle of a character.
   */
  skip(bytes: Uint8Array): void {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (this.#encoding) {
      case 'utf-8':
        (this.#utf8 as Utf8Validator).check(chunk);
        return;
      case 'us-ascii':
      case 'iso-8859-1':
      case 'windows-1252':
        this.#decodeSingleByte(chunk);
        return;
      default:
        throw new XlmergeError(
          ErrorCode.Internal,
          `Bytes of the part ${this.#source.part} in ${this.#encoding ?? 'an encoding not yet known'} cannot be passed over`,
        );
    }
  }

  /** The rest of the text; throws when the part ends in the middle of a character. */
  end(): string {
    if (this.#encoding === null) {
      this.#sniff(true);
      return this.#decodeHead(true);
    }
    return this.#decode(EMPTY, true);
  }

  #decodeHead(final: boolean): string {
    const head = this.#head;
    this.#head = EMPTY;
    return this.#decode(head.subarray(this.#offset), final);
  }

  /**
   * Decides the encoding from the head, or returns false to wait for more bytes: a byte order
   * mark, then the declaration's `encoding` (which must agree with the mark).
   */
  #sniff(final: boolean): boolean {
    const head = this.#head;
    if (head.length < 4 && !final) return false;
    let bom: XmlEncoding | null = null;
    let text: string;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      bom = 'utf-8';
      text = head.toString('latin1', 3, Math.min(head.length, XML_DECLARATION_BYTES));
    } else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      bom = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
      text = utf16Head(head, bom);
    } else {
      if ((head[0] === 0x3c && head[1] === 0) || (head[0] === 0 && head[1] === 0x3c)) {
        throw this.#malformed(
          `The part ${this.#source.part} is UTF-16 text without a byte order mark, which XML does not allow`,
        );
      }
      text = head.toString('latin1', 0, Math.min(head.length, XML_DECLARATION_BYTES));
    }
    const declaration = this.#declaration(text, final || head.length >= XML_DECLARATION_BYTES);
    if (declaration === undefined) return false;
    const declared = declaration === null ? null : this.#declaredEncoding(declaration);
    const encoding = this.#choose(bom, declared);
    this.#encoding = encoding;
    this.#offset = bom === null ? 0 : bom === 'utf-8' ? 3 : 2;
    if (encoding === 'utf-8') {
      this.#utf8 = this.validatorAt(this.#offset);
      // TextDecoder (simdutf) decodes about half again as fast as StringDecoder. The bytes are
      // checked first, so it never meets a bad one; the byte order mark is dropped before it.
      this.#utf8Text = new TextDecoder('utf-8', { ignoreBOM: true });
    }
    return true;
  }

  /**
   * The XML declaration at the start of `text`: its text, null when there is none, undefined
   * while it may still come (unless `complete`).
   */
  #declaration(text: string, complete: boolean): string | null | undefined {
    if (!DECLARATION_START.test(text)) {
      const mayStart = text.length < 6 && '<?xml '.startsWith(text);
      return mayStart && !complete ? undefined : null;
    }
    const end = text.indexOf('?>');
    if (end >= 0) return text.slice(0, end);
    if (!complete) return undefined;
    throw this.#malformed(
      `The part ${this.#source.part} starts an XML declaration that does not end within its first ${XML_DECLARATION_BYTES} bytes`,
    );
  }

  /** The encoding the declaration names (and keeps its name for messages), or null for none. */
  #declaredEncoding(declaration: string): XmlEncoding | 'utf-16' | null {
    const match = ENCODING_PSEUDO_ATTRIBUTE.exec(declaration);
    if (match === null) return null;
    const name = match[1] ?? match[2] ?? '';
    this.#declared = name;
    const encoding = ENCODING_NAMES.get(name.toLowerCase());
    if (encoding === undefined) {
      throw this.#malformed(
        `The part ${this.#source.part} declares encoding="${name}", which xlmerge does not read (it reads UTF-8, UTF-16, ISO-8859-1, windows-1252 and US-ASCII)`,
      );
    }
    return encoding;
  }

  #choose(bom: XmlEncoding | null, declared: XmlEncoding | 'utf-16' | null): XmlEncoding {
    const part = this.#source.part;
    if (bom === null) {
      if (declared === 'utf-16' || declared === 'utf-16le' || declared === 'utf-16be') {
        throw this.#malformed(
          `The part ${part} declares encoding="${this.#declared}" but has no byte order mark, and its first bytes are not UTF-16`,
        );
      }
      return declared ?? 'utf-8';
    }
    const agrees =
      declared === null || declared === bom || (declared === 'utf-16' && bom !== 'utf-8');
    if (!agrees) {
      throw this.#malformed(
        `The part ${part} starts with a ${DISPLAY_NAMES[bom]} byte order mark but declares encoding="${this.#declared}"`,
      );
    }
    return bom;
  }

  #decode(chunk: Buffer, final: boolean): string {
    switch (this.#encoding) {
      case 'utf-8':
        return this.#decodeUtf8(chunk, final);
      case 'utf-16le':
      case 'utf-16be':
        return this.#decodeUtf16(chunk, final);
      default:
        return this.#decodeSingleByte(chunk);
    }
  }

  #decodeUtf8(chunk: Buffer, final: boolean): string {
    const validator = this.#utf8 as Utf8Validator;
    const decoder = this.#utf8Text as TextDecoder;
    validator.check(chunk);
    if (!final) return decoder.decode(chunk, STREAM);
    validator.end();
    return decoder.decode(chunk);
  }

  #decodeSingleByte(chunk: Buffer): string {
    const encoding = this.#encoding as XmlEncoding;
    if (encoding === 'us-ascii' && !isAscii(chunk)) {
      const at = chunk.findIndex((byte) => byte >= 0x80);
      throw this.#badByte(
        at,
        chunk,
        'is not ASCII',
        'The writer stored other characters than the part declares; open the workbook in Excel and save it again',
      );
    }
    const text = chunk.toString('latin1');
    if (encoding === 'iso-8859-1') {
      const at = text.search(C1_CONTROL);
      if (at >= 0) {
        const meant = decodeWindows1252(chunk.subarray(at, at + 1));
        throw this.#badByte(
          at,
          chunk,
          `is a C1 control character in ISO-8859-1, which no text holds (in windows-1252 it is ${JSON.stringify(meant)})`,
          'The writer probably meant windows-1252; open the workbook in Excel and save it again',
        );
      }
    } else if (encoding === 'windows-1252') {
      const at = text.search(WINDOWS_1252_UNDEFINED);
      if (at >= 0) {
        throw this.#badByte(
          at,
          chunk,
          'stands for no character in windows-1252',
          'The writer stored other characters than the part declares; open the workbook in Excel and save it again',
        );
      }
      this.#offset += chunk.length;
      return decodeWindows1252(chunk);
    }
    this.#offset += chunk.length;
    return text;
  }

  #decodeUtf16(chunk: Buffer, final: boolean): string {
    const bytes = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    const bigEndian = this.#encoding === 'utf-16be';
    let end = bytes.length - (bytes.length % 2);
    if (!final && end >= 2) {
      // Keep a high surrogate for the low one in the next chunk.
      const high = bigEndian ? bytes[end - 2] : bytes[end - 1];
      if (((high as number) & 0xfc) === 0xd8) end -= 2;
    }
    let units = bytes.subarray(0, end);
    if (bigEndian) units = Buffer.from(units).swap16();
    const text = units.toString('utf16le');
    const lone = text.search(LONE_SURROGATE);
    const name = DISPLAY_NAMES[this.#encoding as XmlEncoding];
    if (lone >= 0) {
      const offset = this.#offset + 2 * lone;
      throw this.#malformed(
        `The part ${this.#source.part} is not valid ${name}: the 16-bit unit at byte offset ${offset} is half of a surrogate pair`,
        'The file is damaged; open it in Excel and save it again',
      );
    }
    if (final && end < bytes.length) {
      throw this.#malformed(
        `The part ${this.#source.part} is not valid ${name}: it ends in the middle of a character, at byte offset ${this.#offset + end}`,
        'The file is truncated or damaged; open it in Excel and save it again',
      );
    }
    this.#offset += end;
    this.#held = end < bytes.length ? Buffer.from(bytes.subarray(end)) : EMPTY;
    return text;
  }

  #badByte(at: number, chunk: Buffer, what: string, hint: string): XlmergeError {
    const offset = this.#offset + at;
    const byte = chunk[at] as number;
    return this.#malformed(
      `The part ${this.#source.part} declares encoding="${this.#declared}", but at byte offset ${offset} the byte 0x${hex(byte)} ${what}`,
      hint,
    );
  }

  #malformed(message: string, hint = RESAVE): XlmergeError {
    return malformedPart(this.#source, message, hint);
  }
}

/**
 * Checks that bytes are UTF-8, chunk by chunk as they come, counting their offset in the part:
 * a sequence cut by a chunk's end is checked with the next chunk, and one cut by the part's end
 * is an error at {@link end}. Throws XlmergeError(MALFORMED_XML) naming the first bad byte.
 */
export class Utf8Validator {
  readonly #source: XmlPartSource;
  readonly #declared: string | null;
  /** Part offset of the first byte not yet checked (the first held byte). */
  #offset: number;
  /** The start of a sequence cut by the last chunk's end. */
  #held: Buffer = EMPTY;

  constructor(source: XmlPartSource, offset: number, declared: string | null) {
    this.#source = source;
    this.#offset = offset;
    this.#declared = declared;
  }

  check(bytes: Uint8Array): void {
    let chunk = bytes;
    const held = this.#held;
    if (held.length > 0) {
      const length = utf8SequenceLength(held[0] as number);
      const piece = Buffer.concat([held, chunk.subarray(0, length - held.length)]);
      if (piece.length < length) {
        // Still cut: only continuation bytes may follow the lead, as in one whole chunk.
        for (let i = 1; i < piece.length; i++) {
          if (((piece[i] as number) & 0xc0) !== 0x80) this.#fail(piece);
        }
        this.#held = piece;
        return;
      }
      if (!isUtf8(piece)) this.#fail(piece);
      this.#offset += piece.length;
      this.#held = EMPTY;
      chunk = chunk.subarray(length - held.length);
    }
    const end = completeUtf8Length(chunk);
    const body = end === chunk.length ? chunk : chunk.subarray(0, end);
    if (!isAscii(body) && !isUtf8(body)) this.#fail(body);
    this.#offset += end;
    if (end < chunk.length) this.#held = Buffer.from(chunk.subarray(end));
  }

  /** The part has ended: throws when it ended in the middle of a character. */
  end(): void {
    if (this.#held.length === 0) return;
    throw malformedPart(
      this.#source,
      `The part ${this.#source.part} is not valid UTF-8: it ends in the middle of a character, at byte offset ${this.#offset}`,
      'The file is truncated or damaged; open it in Excel and save it again',
    );
  }

  #fail(bytes: Uint8Array): never {
    const bad = invalidUtf8Offset(bytes);
    const offset = this.#offset + bad;
    const why = this.#declared === null ? ' (it declares no encoding, so it must be UTF-8)' : '';
    throw malformedPart(
      this.#source,
      `The part ${this.#source.part} is not valid UTF-8${why}: at byte offset ${offset}, the byte 0x${hex(bytes[bad] as number)} does not begin a valid UTF-8 character`,
      'The writer stored its text in another encoding than the part says; open the workbook in Excel and save it again',
    );
  }
}

/**
 * Whether `bytes`, a whole part, read the same as UTF-8 as with {@link XmlPartDecoder}: no
 * other encoding named or marked, every byte valid. A reader of UTF-8 bytes (the row engine)
 * may read only such a part, and must leave any other to the decoder, which reports it.
 */
export function readsAsUtf8(bytes: Buffer, source: XmlPartSource): boolean {
  const decoder = new XmlPartDecoder(source);
  try {
    if (bytes.length > XML_DECLARATION_BYTES)
      decoder.write(bytes.subarray(0, XML_DECLARATION_BYTES));
    else {
      decoder.write(bytes);
      decoder.end();
    }
  } catch {
    return false;
  }
  return decoder.encoding === 'utf-8' && isUtf8(bytes);
}

function malformedPart(source: XmlPartSource, message: string, hint: string): XlmergeError {
  return new XlmergeError(ErrorCode.MalformedXml, message, {
    file: source.file,
    part: source.part,
    hint,
  });
}

/** The text of a UTF-16 head (after its mark) for the declaration: whole units only. */
function utf16Head(head: Buffer, encoding: 'utf-16le' | 'utf-16be'): string {
  const end = Math.min(head.length, XML_DECLARATION_BYTES * 2);
  let units = head.subarray(2, end - (end % 2));
  if (encoding === 'utf-16be') units = Buffer.from(units).swap16();
  return units.toString('utf16le');
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
