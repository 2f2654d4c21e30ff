import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../../src/csv/read/csv-parser.js';
import { readSepLine } from '../../../src/csv/read/sep-line.js';
import { type CsvEncoding, CsvTextDecoder } from '../../../src/csv/read/text-decoder.js';
import { cutBytes } from '../../helpers/csv.js';

describe('readSepLine', () => {
  it.each([
    ['semicolon, CRLF', 'sep=;\r\na;b\r\n', { delimiter: ';', length: 6 }],
    ['comma, LF', 'sep=,\na,b\n', { delimiter: ',', length: 6 }],
    ['pipe, CR', 'sep=|\ra|b\r', { delimiter: '|', length: 6 }],
    ['TAB', 'sep=\t\na\tb\n', { delimiter: '\t', length: 6 }],
    ['upper case', 'SEP=;\n', { delimiter: ';', length: 6 }],
    ['mixed case', 'Sep=;\n', { delimiter: ';', length: 6 }],
    ['any one character but a quote, CR or LF', 'sep=x\n', { delimiter: 'x', length: 6 }],
    ['a space', 'sep= \n', { delimiter: ' ', length: 6 }],
    ['a non-ASCII character', 'sep=§\n', { delimiter: '§', length: 6 }],
    ['an equals sign', 'sep==\n', { delimiter: '=', length: 6 }],
    ['the whole file', 'sep=;', { delimiter: ';', length: 5 }],
  ])('a directive: %s', (_name, text, expected) => {
    expect(readSepLine(text, true)).toEqual(expected);
  });

  it.each([
    ['no delimiter', 'sep=\na,b\n'],
    ['no delimiter at the end of the file', 'sep='],
    ['two characters', 'sep=;;\n'],
    ['a space after the delimiter', 'sep=; \n'],
    ['a space before the equals sign', 'sep =;\n'],
    ['a space before the line', ' sep=;\n'],
    ['a quote', 'sep="\n'],
    ['quoted', '"sep=;"\n'],
    ['a CR or LF right after the equals sign', 'sep=\r\n'],
    ['an emoji (two UTF-16 units)', 'sep=😀\n'],
    ['a lone surrogate', 'sep=\ud83d'],
    ['a byte order mark left in the text', '\ufeffsep=;\n'],
    ['another word', 'sept=;\n'],
    ['a header named sep', 'sep,name\n'],
    ['letters that lower-case to others', 'ſep=;\n'],
    ['empty text', ''],
  ])('not a directive: %s', (_name, text) => {
    expect(readSepLine(text, true)).toBe(null);
  });

  it('waits for more text when it cannot tell yet, and decides at the end of the file', () => {
    for (const text of ['', 's', 'Se', 'sep', 'sep=', 'sep=;']) {
      expect(readSepLine(text, false)).toBe(undefined);
    }
    expect(readSepLine('sep=;', true)).toEqual({ delimiter: ';', length: 5 });
    expect(readSepLine('sep=', true)).toBe(null);
    // Decided as soon as it cannot be one, or once the line end is seen (an LF may follow a CR).
    expect(readSepLine('x', false)).toBe(null);
    expect(readSepLine('sep=;;', false)).toBe(null);
    expect(readSepLine('sep=;\r', false)).toEqual({ delimiter: ';', length: 6 });
  });
});

describe('a sep= line through the decoder and the parser, as the reader chains them', () => {
  /** windows-1252 bytes of `text` (Latin-1 letters and €). */
  const windows1252 = (text: string) =>
    Buffer.from([...text].map((c) => (c === '€' ? 0x80 : (c.codePointAt(0) as number))));
  const utf16 = (text: string, bom: number[]) =>
    Buffer.concat([Buffer.from(bom), Buffer.from(text, 'utf16le')]);
  const text = 'sep=;\r\nname;city\r\nZoë;Zürich €\r\n';
  // `§` is each file's first non-ASCII character: the decoder hands over the text before it
  // first, so the text is cut inside the line.
  const section = text.replaceAll(';', '§');
  const files: [string, Buffer, CsvEncoding, string][] = [
    ['UTF-8', Buffer.from(text), 'utf-8', ';'],
    ['UTF-8 with BOM', Buffer.from(`\ufeff${text}`), 'utf-8', ';'],
    ['windows-1252', windows1252(text), 'windows-1252', ';'],
    ['UTF-16LE with BOM', utf16(text, [0xff, 0xfe]), 'utf-16le', ';'],
    // Swapped, the mark FF FE becomes FE FF too.
    ['UTF-16BE with BOM', utf16(text, [0xff, 0xfe]).swap16(), 'utf-16be', ';'],
    ['UTF-16LE without BOM', utf16(text, []), 'utf-16le', ';'],
    ['UTF-8, sep=§', Buffer.from(section), 'utf-8', '§'],
    ['windows-1252, sep=§', windows1252(section), 'windows-1252', '§'],
  ];

  it.each(files)('%s, in chunks of every size', (_name, file, encoding, delimiter) => {
    for (let size = 1; size <= file.length; size += 1) {
      const decoder = new CsvTextDecoder();
      const parser = new CsvParser({ delimiter: ',', sepLine: true, maxRecordChars: 1000 });
      const records = cutBytes(file, [size]).flatMap((piece) => parser.push(decoder.push(piece)));
      records.push(...parser.push(decoder.end()), ...parser.end());
      expect(records).toEqual([
        { number: 1, cells: ['name', 'city'] },
        { number: 2, cells: ['Zoë', 'Zürich €'] },
      ]);
      expect([decoder.encoding, decoder.failure, parser.delimiter, parser.line]).toEqual([
        encoding,
        null,
        delimiter,
        4,
      ]);
    }
  });
});
