import { describe, expect, it } from 'vitest';
import { printable, printableJson, printableLines } from '../../src/cli/printable.js';

describe('printable', () => {
  it('escapes what a terminal would act on, and nothing else', () => {
    expect(printable('in/a\u001b[2J\u001b[HMerged.xlsx')).toBe('in/a\\x1b[2J\\x1b[HMerged.xlsx');
    expect(printable('a\nMerged 3 files\rb\tc\u007f')).toBe('a\\nMerged 3 files\\rb\\tc\\x7f');
    expect(printable('\u009b2J \u202eevil \u2066x\u2069 \u2028')).toBe(
      '\\x9b2J \\u202eevil \\u2066x\\u2069 \\u2028',
    );
    expect(printable('Zoë 🎉 中文 "quoted" ✓ ·')).toBe('Zoë 🎉 中文 "quoted" ✓ ·');
  });

  it('escapes each line apart from the line breaks between them', () => {
    expect(printableLines(['a', 'b\nc'])).toBe('a\nb\\nc');
  });

  it('keeps JSON readable by JSON readers', () => {
    const json = JSON.stringify({ file: 'a\u001b\u009b\u202e.xlsx' });
    expect(printableJson(json)).toBe('{"file":"a\\u001b\\u009b\\u202e.xlsx"}');
    expect(JSON.parse(printableJson(json))).toEqual({ file: 'a\u001b\u009b\u202e.xlsx' });
  });
});
