import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CsvEncoding,
  CsvTextDecoder,
  type DecodeFailure,
  HEAD_BYTES,
  SAMPLE_BYTES,
} from '../../../src/csv/read/text-decoder.js';
import { cutBytes } from '../../helpers/csv.js';

interface Decoded {
  readonly text: string;
  readonly encoding: CsvEncoding;
  readonly bom: boolean;
  readonly failure: DecodeFailure | null;
}

function decodePieces(pieces: readonly Uint8Array[]): Decoded {
  const decoder = new CsvTextDecoder();
  let text = '';
  for (const piece of pieces) text += decoder.push(piece);
  text += decoder.end();
  return { text, encoding: decoder.encoding, bom: decoder.bom, failure: decoder.failure };
}

function decode(bytes: Uint8Array): Decoded {
  return decodePieces([bytes]);
}

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
  );

/** UTF-16 big-endian bytes of `text`. */
function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

const TEXT = 'id,name\r\n1,Zoë 😀 ümlaut ß € 中文\r\n';

describe('CsvTextDecoder: byte order marks', () => {
  it('strips a UTF-8 BOM', () => {
    expect(decode(bytes([0xef, 0xbb, 0xbf], TEXT))).toEqual({
      text: TEXT,
      encoding: 'utf-8',
      bom: true,
      failure: null,
    });
  });

  it('reads UTF-16LE and UTF-16BE with a BOM', () => {
    expect(decode(bytes([0xff, 0xfe], [...Buffer.from(TEXT, 'utf16le')]))).toEqual({
      text: TEXT,
      encoding: 'utf-16le',
      bom: true,
      failure: null,
    });
    expect(decode(bytes([0xfe, 0xff], [...utf16be(TEXT)]))).toEqual({
      text: TEXT,
      encoding: 'utf-16be',
      bom: true,
      failure: null,
    });
  });

  it('keeps a second BOM, inside the text, as U+FEFF', () => {
    expect(decode(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'a')).text).toBe('\ufeffa');
  });

  it('reads a file that is only a BOM as no text', () => {
    expect(decode(bytes([0xef, 0xbb, 0xbf]))).toEqual({
      text: '',
      encoding: 'utf-8',
      bom: true,
      failure: null,
    });
  });
});

describe('CsvTextDecoder: UTF-16 without a BOM', () => {
  it('sees UTF-16LE and UTF-16BE by their zero bytes', () => {
    expect(decode(Buffer.from(TEXT, 'utf16le'))).toMatchObject({
      text: TEXT,
      encoding: 'utf-16le',
      bom: false,
    });
    expect(decode(utf16be(TEXT))).toMatchObject({ text: TEXT, encoding: 'utf-16be', bom: false });
  });

  it('needs a quarter of the units to have a zero byte, nearly all on the same side', () => {
    // 1 unit in 8 with a zero high byte: UTF-8 text holding a NUL, not UTF-16.
    const sparse = bytes('abcdefghijklmn', [0x41, 0x00]);
    expect(decode(sparse).encoding).toBe('utf-8');
    expect(decode(sparse).text).toBe('abcdefghijklmnA\u0000');
    // Zeros on both sides are not text in either byte order.
    expect(decode(bytes([0x00, 0x41, 0x41, 0x00])).encoding).toBe('utf-8');
    // One zero low byte (Ā is U+0100) among many zero high bytes is still UTF-16LE.
    expect(decode(Buffer.from('abcdefghijkĀ', 'utf16le'))).toMatchObject({
      text: 'abcdefghijkĀ',
      encoding: 'utf-16le',
    });
  });
});

describe('CsvTextDecoder: UTF-8 or windows-1252', () => {
  it('reads ASCII as UTF-8', () => {
    expect(decode(bytes('a,b\n1,2\n'))).toEqual({
      text: 'a,b\n1,2\n',
      encoding: 'utf-8',
      bom: false,
      failure: null,
    });
  });

  it('reads valid UTF-8 as UTF-8', () => {
    expect(decode(Buffer.from(TEXT))).toEqual({
      text: TEXT,
      encoding: 'utf-8',
      bom: false,
      failure: null,
    });
  });

  it('reads bytes that are not UTF-8 as windows-1252 (0xE9 is é, 0x80 is €)', () => {
    expect(
      decode(bytes('caf', [0xe9], ';', [0x80], ' 5;', [0x92, 0x93, 0x94, 0x9f, 0xff])),
    ).toEqual({
      text: 'café;€ 5;’“”Ÿÿ',
      encoding: 'windows-1252',
      bom: false,
      failure: null,
    });
  });

  it('decides at the first non-ASCII byte, however far into the file', () => {
    const ascii = 'x'.repeat(3 * SAMPLE_BYTES);
    expect(decode(bytes(ascii, [0xe9]))).toMatchObject({
      text: `${ascii}é`,
      encoding: 'windows-1252',
    });
    expect(decode(bytes(ascii, 'é'))).toMatchObject({ text: `${ascii}é`, encoding: 'utf-8' });
  });

  it('reads as windows-1252 a file whose sample holds a byte that is not UTF-8', () => {
    // "é" in UTF-8, then a windows-1252 "é" within the sample: the whole file is windows-1252.
    const file = bytes('a', [0xc3, 0xa9], 'x'.repeat(1000), [0xe9]);
    expect(decode(file)).toMatchObject({
      text: `aÃ©${'x'.repeat(1000)}é`,
      encoding: 'windows-1252',
      failure: null,
    });
  });

  it('stops at a byte that is not UTF-8 after the sample, with the text before it', () => {
    const filler = 'x'.repeat(SAMPLE_BYTES);
    const file = bytes('ab', 'é', filler, [0xe9], 'more');
    const badOffset = 2 + 2 + SAMPLE_BYTES;
    expect(decode(file)).toEqual({
      text: `abé${filler}`,
      encoding: 'utf-8',
      bom: false,
      failure: {
        offset: badOffset,
        message: `The file reads as UTF-8 (its first non-ASCII characters are UTF-8), but at byte offset ${badOffset} byte 0xE9 is not valid UTF-8`,
      },
    });
  });

  it('stops at a byte that is not UTF-8 in a file with a UTF-8 BOM', () => {
    expect(decode(bytes([0xef, 0xbb, 0xbf], 'ok,', [0xe9], ',x'))).toEqual({
      text: 'ok,',
      encoding: 'utf-8',
      bom: true,
      failure: {
        offset: 6,
        message:
          'The file reads as UTF-8 (it starts with a UTF-8 byte order mark), but at byte offset 6 byte 0xE9 is not valid UTF-8',
      },
    });
  });

  it('stops at a UTF-8 character cut by the end of the file', () => {
    const decoded = decode(bytes([0xef, 0xbb, 0xbf], 'ok', [0xe2, 0x82]));
    expect(decoded.text).toBe('ok');
    expect(decoded.failure).toEqual({
      offset: 5,
      message:
        'The file reads as UTF-8 (it starts with a UTF-8 byte order mark), but at byte offset 5 the file ends in the middle of a UTF-8 character',
    });
  });
});

describe('CsvTextDecoder: UTF-16 errors', () => {
  it('stops at a lone surrogate', () => {
    const file = bytes([0xff, 0xfe], [...Buffer.from('ab', 'utf16le')], [0x3d, 0xd8, 0x41, 0x00]);
    expect(decode(file)).toEqual({
      text: 'ab',
      encoding: 'utf-16le',
      bom: true,
      failure: {
        offset: 6,
        message:
          'The file reads as UTF-16LE (it starts with a byte order mark), but the 16-bit unit at byte offset 6 is half of a surrogate pair',
      },
    });
  });

  it('stops at an odd byte at the end', () => {
    const file = bytes([0xfe, 0xff], [...utf16be('ab')], [0x00]);
    expect(decode(file).text).toBe('ab');
    expect(decode(file).failure).toEqual({
      offset: 6,
      message:
        'The file reads as UTF-16BE (it starts with a byte order mark), but the file ends in the middle of a character',
    });
  });
});

describe('CsvTextDecoder: chunks', () => {
  const files: Record<string, Buffer> = {
    'UTF-8': Buffer.from(TEXT.repeat(3)),
    'UTF-8 with BOM': bytes([0xef, 0xbb, 0xbf], TEXT.repeat(3)),
    'UTF-16LE with BOM': bytes([0xff, 0xfe], [...Buffer.from(TEXT.repeat(3), 'utf16le')]),
    'UTF-16BE with BOM': bytes([0xfe, 0xff], [...utf16be(TEXT.repeat(3))]),
    'UTF-16LE': Buffer.from(TEXT.repeat(60), 'utf16le'),
    'windows-1252': bytes('caf', [0xe9, 0x80, 0x0d, 0x0a, 0x41, 0x92]),
    'bad UTF-8 after the sample': bytes('é', 'x'.repeat(SAMPLE_BYTES), [0xff], 'y'),
  };

  it.each(Object.keys(files))('decodes %s the same whatever the chunks', (name) => {
    const file = files[name] as Buffer;
    const whole = decode(file);
    for (const size of [1, 2, 3, 5, 7, HEAD_BYTES - 1, HEAD_BYTES + 1, 4096]) {
      expect(decodePieces(cutBytes(file, [size]))).toEqual(whole);
    }
  });

  it('joins a multi-byte character split between two chunks', () => {
    const decoder = new CsvTextDecoder();
    const euro = Buffer.from('€');
    const head = Buffer.from(`${'a'.repeat(HEAD_BYTES)}é`);
    expect(decoder.push(head.subarray(0, head.length - 1))).toBe('a'.repeat(HEAD_BYTES));
    expect(decoder.push(bytes([head.at(-1) as number], [...euro.subarray(0, 1)]))).toBe('');
    expect(decoder.push(euro.subarray(1, 2))).toBe('');
    expect(decoder.push(bytes([...euro.subarray(2)], '!'))).toBe('');
    expect(decoder.end()).toBe('é€!');
    expect(decoder.encoding).toBe('utf-8');
  });

  it('decodes random files the same in random chunks (property)', () => {
    const file = fc
      .tuple(
        fc.constantFrom<number[]>([], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]),
        fc.uint8Array({ maxLength: 3000 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
      )
      .map(([bom, noise, text]) => bytes(bom, text, [...noise]));
    fc.assert(
      fc.property(
        file,
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 10 }),
        (data, sizes) => {
          expect(decodePieces(cutBytes(data, sizes))).toEqual(decode(data));
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });

  it('gives back every valid UTF-8 text exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
        (text, sizes) => {
          const decoded = decodePieces(cutBytes(bytes([0xef, 0xbb, 0xbf], text), sizes));
          expect(decoded).toEqual({ text, encoding: 'utf-8', bom: true, failure: null });
        },
      ),
      { numRuns: 500, seed: 5 },
    );
  });
});
