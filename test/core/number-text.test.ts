import { describe, expect, test } from 'vitest';
import { parseNumberText, quoteVisibly } from '../../src/core/number-text.js';

describe('parseNumberText', () => {
  test.each([
    ['0', 0],
    ['-0', -0],
    ['+5', 5],
    ['5.', 5],
    ['.5', 0.5],
    ['-12.5e-3', -0.0125],
    ['1E3', 1000],
    ['007', 7],
    [' 12 ', 12],
    ['\t12\r\n', 12],
    ['1.7976931348623157E+308', 1.7976931348623157e308],
  ])('reads %j as Number() does', (text, expected) => {
    expect(Object.is(parseNumberText(text), expected)).toBe(true);
  });

  test.each([
    '',
    ' ',
    '.',
    '-',
    '1x',
    '0x1A',
    '0b1',
    '0o7',
    'Infinity',
    '-Infinity',
    'NaN',
    '1e400',
    '1_000',
    '1,5',
    '\u00a05',
    '5\u00a0',
    '\u20075',
    '\u30005',
    '\ufeff5',
    '\u20285',
    '\u000b5',
    '\u000c5',
  ])('refuses %j', (text) => {
    expect(parseNumberText(text)).toBeNaN();
  });
});

describe('quoteVisibly', () => {
  test('escapes spaces other than U+0020, controls and format characters', () => {
    expect(quoteVisibly('\u00a05 a\u200b\u0085"')).toBe('"\\u00A05 a\\u200B\\u0085\\""');
    expect(quoteVisibly('tab\there')).toBe('"tab\\there"');
    expect(quoteVisibly('Zoë 😀')).toBe('"Zoë 😀"');
  });
});
