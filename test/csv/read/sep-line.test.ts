import { describe, expect, it } from 'vitest';
import { readSepLine } from '../../../src/csv/read/sep-line.js';

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
