import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../../src/csv/read/delimiter.js';

describe('detectDelimiter', () => {
  it.each([
    ['comma', 'id,name\n1,Ann\n2,Bob\n', ','],
    ['semicolon with decimal commas (European Excel)', 'id;amount\n1;2,50\n2;3\n', ';'],
    ['tab', 'id\tname\n1\tAnn, Dr\n', '\t'],
    ['pipe', 'id|name\n1|a,b;c\n', '|'],
    ['delimiters inside quotes do not count', 'a;b\n"1,2,3";x\n"4,5";y\n', ';'],
    ['quoted line breaks do not split records', 'a,b\n"x\ny;z",1\n', ','],
    ['blank lines are skipped', 'a;b\n\n1;2\n\n', ';'],
  ])('%s', (_name, sample, expected) => {
    expect(detectDelimiter(sample, true)).toBe(expected);
  });

  it('prefers the consistent candidate with the most fields', () => {
    expect(detectDelimiter('a;b,c;d\n1;2,3;4\n', true)).toBe(';');
    expect(detectDelimiter('a,b;c,d\n1,2;3,4\n', true)).toBe(',');
  });

  it('breaks ties in the order comma, semicolon, tab, pipe', () => {
    expect(detectDelimiter('a,b;c\n1,2;3\n', true)).toBe(',');
    expect(detectDelimiter('a;b\tc\n1;2\t3\n', true)).toBe(';');
    expect(detectDelimiter('a|b\tc\n', true)).toBe('\t');
  });

  it('with no consistent candidate takes the one that splits the first record most', () => {
    expect(detectDelimiter('a;b;c\n1;2\n1,2\n', true)).toBe(';');
    expect(detectDelimiter('a|b|c,d\n1|2\n', true)).toBe('|');
    // A tie goes to the earlier candidate: here both split the first record in two.
    expect(detectDelimiter('a|b,c\n1|2|3,4,5\n', true)).toBe(',');
  });

  it('falls back to comma when no candidate appears', () => {
    expect(detectDelimiter('name\nAnn\nBob\n', true)).toBe(',');
    expect(detectDelimiter('', true)).toBe(',');
  });

  it('leaves out an unfinished last line unless the sample is the whole file', () => {
    // Cut in the middle of the third line: "1,2" alone would look inconsistent.
    expect(detectDelimiter('a;b;c\n1;2;3\n1,2', false)).toBe(';');
    expect(detectDelimiter('a;b;c\n1;2;3\n1,2', true)).toBe(';');
    expect(detectDelimiter('a;b\n1;2\n"unclosed;x', true)).toBe(';');
  });

  it('looks at the first 20 non-blank records only', () => {
    const sample = `${'a;b\n'.repeat(20)}${'1;2;3;4\n'.repeat(5)}`;
    expect(detectDelimiter(sample, true)).toBe(';');
  });
});
