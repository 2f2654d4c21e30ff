/**
 * The option value parsers, one by one: lists, --dedupe and --columns given several times,
 * --rename's first `=`, --csv-delimiter's TAB, and numbers only as a person types them.
 */
import { describe, expect, it } from 'vitest';
import {
  parseColumns,
  parseCsvDelimiter,
  parseDedupe,
  parseList,
  parseNumber,
  parseRename,
} from '../../src/cli/option-values.js';
import { ErrorCode } from '../../src/errors.js';
import { errorOf } from '../helpers/errors.js';

describe('lists', () => {
  it('splits on commas and trims each name; blank text is no name', () => {
    expect(parseList(' id ,  email,customer code ')).toEqual(['id', 'email', 'customer code']);
    expect(parseList('  ')).toEqual([]);
  });

  it('adds up --dedupe lists, and refuses --dedupe alone beside one', () => {
    expect(parseDedupe(['id', 'email, phone'])).toEqual(['id', 'email', 'phone']);
    expect(parseDedupe(['', ' '])).toEqual([]);
    const error = errorOf(() => parseDedupe(['id', '', 'email']));
    expect([error.code, error.message]).toEqual([
      ErrorCode.InvalidOption,
      '--dedupe alone (all columns) cannot be combined with --dedupe id,email; give one or the other',
    ]);
  });

  it('adds up --columns lists, and refuses an empty one', () => {
    expect(parseColumns(['b,a', 'c'])).toEqual(['b', 'a', 'c']);
    expect(errorOf(() => parseColumns(['a', ' '])).message).toBe(
      'Invalid option --columns: expected column names, comma-separated, got " "',
    );
  });
});

describe('single values', () => {
  it('splits --rename at its first =, keeping spaces for the library to trim', () => {
    expect(parseRename(' Cust ID = a=b')).toEqual([' Cust ID ', ' a=b']);
    expect(parseRename('=new')).toEqual(['', 'new']);
    expect(errorOf(() => parseRename('Cust ID')).message).toBe(
      'Invalid option --rename: expected OLD=NEW, got "Cust ID"',
    );
  });

  it('reads tab and \\t as a TAB, any other delimiter as given', () => {
    expect(['tab', '\\t', 'TAB', ';'].map(parseCsvDelimiter)).toEqual(['\t', '\t', 'TAB', ';']);
  });

  it.each([
    ['4', 4],
    ['-1', -1],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['5.', 5],
    ['007', 7],
  ])('reads %j as %d', (text, number) => {
    expect(parseNumber('--jobs', 'a number', text)).toBe(number);
  });

  it.each(['', ' 4', '4 ', '0x10', '1e3', '2x', 'Infinity', '-', '+4', '1,000'])(
    'refuses %j, naming the flag and what it expects',
    (text) => {
      const error = errorOf(() => parseNumber('--jobs', 'a whole number from 1 to 256', text));
      expect([error.code, error.message]).toEqual([
        ErrorCode.InvalidOption,
        `Invalid option --jobs: expected a whole number from 1 to 256, got ${JSON.stringify(text)}`,
      ]);
    },
  );
});
