import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { serialToEpochMs } from '../../src/core/excel-dates.js';
import {
  formatCsvField,
  formatCsvRecord,
  formatCsvText,
  isFormulaLike,
  neutraliseCsvText,
  renderCsvFieldsInto,
  splitCsvFields,
} from '../../src/render/csv-field.js';
import { RenderBuffer } from '../../src/render/render-buffer.js';
import { parseCsv } from '../helpers/csv.js';

const date = (serial: number, elapsed?: boolean): CellValue =>
  elapsed === undefined ? { kind: 'date', serial } : { kind: 'date', serial, elapsed };

/** What the workers render for one row, as text. */
function rendered(cells: readonly CellValue[], width = cells.length): string {
  const out = new RenderBuffer(16);
  renderCsvFieldsInto(out, cells, width);
  return out.toString();
}

describe('formatCsvField: values', () => {
  it.each<[string, CellValue | undefined, string]>([
    ['empty', null, ''],
    ['missing', undefined, ''],
    ['empty text', '', ''],
    ['text', 'Zoë Martin', 'Zoë Martin'],
    ['text with inner spaces', 'a b  c', 'a b  c'],
    ['text that looks like a number', '00123', '00123'],
    ['whole number', 42, '42'],
    ['negative number', -5, '-5'],
    ['negative zero', -0, '0'],
    ['decimal', 29.9, '29.9'],
    ['round-trip decimal', 0.1 + 0.2, '0.30000000000000004'],
    ['large number', 1e21, '1e+21'],
    ['small number', 1e-7, '1e-7'],
    ['largest safe integer', 9007199254740991, '9007199254740991'],
    ['NaN', Number.NaN, '#NUM!'],
    ['infinity', Number.POSITIVE_INFINITY, '#NUM!'],
    ['true', true, 'TRUE'],
    ['false', false, 'FALSE'],
    ['error', { kind: 'error', code: '#N/A' }, '#N/A'],
    ['error with a slash', { kind: 'error', code: '#DIV/0!' }, '#DIV/0!'],
    ['date', date(45352), '2024-03-01'],
    ['first date', date(1), '1900-01-01'],
    ['date and time', date(45352.4375), '2024-03-01 10:30:00'],
    ['date, time and milliseconds', date(45352.4375 + 250 / 86_400_000), '2024-03-01 10:30:00.250'],
    ['date with float noise below a millisecond', date(45352 + 1e-10), '2024-03-01'],
    ['last second of a day', date(45352 + 86_399 / 86_400), '2024-03-01 23:59:59'],
    ['time of day', date(0.4375), '10:30:00'],
    ['midnight', date(0), '00:00:00'],
    ['time with milliseconds', date(0.5 + 7 / 86_400_000), '12:00:00.007'],
    ['elapsed time past a day', date(1.5208333333333333, true), '36:30:00'],
    ['short elapsed time', date(0.25, true), '06:00:00'],
    ['long elapsed time', date(125, true), '3000:00:00'],
    ['negative elapsed time', date(-0.5, true), '-12:00:00'],
    ['date of no finite serial', date(Number.NaN), '#NUM!'],
  ])('%s', (_, cell, expected) => {
    expect(formatCsvField(cell)).toBe(expected);
  });
});

describe('formatCsvField: dates against a reference built on Date', () => {
  /**
   * The date and time parts of `toISOString`, as the module comment describes them. A time of
   * day (a serial from 0 to below 1) is `serial` days in milliseconds: counted from 1970, as a
   * date is, it would lose the last bits that decide its millisecond (7.52279448734683e-8 days
   * is 6.4997 ms, which the count from 1970 made 7). One that rounds up to the next midnight is
   * ISO 8601's end of the day, `24:00:00`, which Date cannot show.
   */
  function reference(serial: number): string {
    const timeOfDay = serial >= 0 && serial < 1;
    const ms = timeOfDay ? Math.round(serial * 86_400_000) : serialToEpochMs(serial);
    if (timeOfDay && ms === 86_400_000) return '24:00:00';
    const iso = new Date(ms).toISOString();
    const [day, rest] = iso.split('T') as [string, string];
    const clock = rest.slice(0, 8);
    const millis = rest.slice(9, 12);
    const time = millis === '000' ? clock : `${clock}.${millis}`;
    if (timeOfDay) return time;
    return time === '00:00:00' ? day : `${day} ${time}`;
  }

  it('agrees for any serial from year 1 to 9999 (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -693_000, max: 2_958_465, noNaN: true }), (serial) => {
        expect(formatCsvField(date(serial))).toBe(reference(serial));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on times of day whose millisecond a count from 1970 would round the other way', () => {
    expect(formatCsvField(date(7.52279448734683e-8))).toBe('00:00:00.006');
    expect(formatCsvField(date(7.52279448734683e-8))).toBe(reference(7.52279448734683e-8));
    expect(formatCsvField(date(1 - 1e-12))).toBe(reference(1 - 1e-12));
  });

  it('agrees on whole days and on every leap day', () => {
    for (let serial = -693_000; serial < 2_958_466; serial += 97) {
      expect(formatCsvField(date(serial))).toBe(reference(serial));
    }
    expect(formatCsvField(date(45351))).toBe('2024-02-29');
    expect(formatCsvField(date(36585))).toBe('2000-02-29');
    // Serials before 1900-03-01 count Excel's fictitious 1900-02-29, so they are a day later.
    expect(formatCsvField(date(-109_513))).toBe('1600-02-29');
  });

  it('writes years past 9999 and before year 1 with their sign and all digits', () => {
    expect(formatCsvField(date(2_958_465))).toBe('9999-12-31');
    expect(formatCsvField(date(2_958_466))).toBe('10000-01-01');
    expect(formatCsvField(date(-693_961))).toBe('-0001-12-31');
  });
});

describe('formatCsvField: quoting', () => {
  it.each<[string, string, string]>([
    ['a comma', 'Smith, Ann', '"Smith, Ann"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['only a quote', '"', '""""'],
    ['a line feed', 'line 1\nline 2', '"line 1\nline 2"'],
    ['CR LF', 'line 1\r\nline 2', '"line 1\r\nline 2"'],
    ['a lone CR inside', 'a\rb', '"a\rb"'],
    ['a leading space', ' x', '" x"'],
    ['a trailing space', 'x ', '"x "'],
    ['a trailing tab', 'x\t', '"x\t"'],
    ['only a space', ' ', '" "'],
    ['a tab inside', 'a\tb', '"a\tb"'],
    ['a semicolon', 'a;b', '"a;b"'],
    ['an apostrophe', "it's", "it's"],
  ])('quotes text with %s as needed', (_, text, expected) => {
    expect(formatCsvText(text)).toBe(expected);
    expect(rendered([text])).toBe(expected);
  });
});

describe('CSV injection', () => {
  it.each<[string, string, string]>([
    ['a formula', '=1+1', `"'=1+1"`],
    ['a formula with quotes', '=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['an @ function', '@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['a plus formula', '+A1', `"'+A1"`],
    ['a minus formula', '-5+1', `"'-5+1"`],
    ['a minus and a cell', '-A1', `"'-A1"`],
    ['a phone number', '+1 555 0101', `"'+1 555 0101"`],
    ['a lone minus', '-', `"'-"`],
    ['a lone plus', '+', `"'+"`],
    ['a double minus', '--5', `"'--5"`],
    ['an exponent', '-1e5', `"'-1e5"`],
    ['a thousands separator', '-1,000', `"'-1,000"`],
    ['a number and a space', '-5 ', `"'-5 "`],
    // A tab or CR is a separator too (rule 2): what follows it gets its own apostrophe.
    ['a leading tab', '\t=1+1', `"'\t'=1+1"`],
    ['a leading tab alone', '\tx', `"'\tx"`],
    ['a leading CR', '\r=1+1', `"'\r'=1+1"`],
    ['a formula behind spaces', '  =1+1', `"'  =1+1"`],
    ['a minus formula behind a space', ' -2+3', `"' -2+3"`],
    ['an equals sign alone', '=', `"'="`],
  ])('neutralises %s', (_, text, expected) => {
    expect(isFormulaLike(text)).toBe(true);
    expect(formatCsvText(text)).toBe(expected);
    expect(rendered([text])).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['a negative whole number', '-5', '-5'],
    ['a positive decimal', '+1.5', '+1.5'],
    ['a negative decimal without a leading digit', '-.5', '-.5'],
    ['a negative number ending in a point', '-5.', '-5.'],
    ['a long negative number', '-1234567890.0123456789', '-1234567890.0123456789'],
    ['a signed number behind a space', ' -5', '" -5"'],
    ['an apostrophe before a formula', "'=1+1", "'=1+1"],
    ['a formula sign later in the text', 'a=b', 'a=b'],
    ['an email', 'ann@example.com', 'ann@example.com'],
    ['a hash', '#N/A', '#N/A'],
  ])('leaves %s as text', (_, text, expected) => {
    expect(isFormulaLike(text)).toBe(false);
    expect(formatCsvText(text)).toBe(expected);
    expect(rendered([text])).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['after a semicolon', 'x;=1+1;y', `"x;'=1+1;y"`],
    ['after a tab', 'x\t=1+1', `"x\t'=1+1"`],
    ['after a line feed', 'a\n-b', `"a\n'-b"`],
    ['after CR LF', 'a\r\n+1', `"a\r\n'+1"`],
    ['after a line feed at the start', '\n=1', `"\n'=1"`],
    ['after a lone CR', 'a\r@x', `"a\r'@x"`],
    ['behind spaces', 'a;  =1', `"a;'  =1"`],
    ['behind quotes', 'a;"=1', `"a;'""=1"`],
    ['behind a tab, which is a separator itself', 'a;\t=1', `"a;'\t'=1"`],
    ['even a signed number (the field runs on past it)', '1;-5', `"1;'-5"`],
    ['every one of several', '=1;=2\n=3', `"'=1;'=2\n'=3"`],
  ])('neutralises a formula start %s', (_, text, expected) => {
    expect(formatCsvText(text)).toBe(expected);
    expect(rendered([text])).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['a comma before a formula sign: quoted, it is one field to every reader', 'a,=1', '"a,=1"'],
    ['a formula sign later in the field', 'a;b=1', '"a;b=1"'],
    ['an apostrophe where the rule would put one', "a;'=1", `"a;'=1"`],
    ['lines of plain text', 'line 1\nline 2', '"line 1\nline 2"'],
    ['a separator at the end', 'a;b;', '"a;b;"'],
  ])('leaves %s', (_, text, expected) => {
    expect(formatCsvText(text)).toBe(expected);
    expect(rendered([text])).toBe(expected);
  });

  it('never touches number cells, and treats error codes as text', () => {
    expect([-5, -0.5, -1e21].map((n) => formatCsvField(n))).toEqual(['-5', '-0.5', '-1e+21']);
    expect(rendered([-5, '-5', '-5+1'])).toBe(`-5,-5,"'-5+1"`);
    expect(formatCsvField({ kind: 'error', code: '=bad' })).toBe(`"'=bad"`);
  });

  it('is idempotent: writing its own output again gives the same text', () => {
    const texts = ['=1+1', '-5+1', '@x', '\tx', 'x;=1', 'a\n-b'];
    const once = parseCsv(`${formatCsvRecord(texts)}\r\n`)[0] ?? [];
    expect(once).toEqual(["'=1+1", "'-5+1", "'@x", "'\tx", "x;'=1", "a\n'-b"]);
    expect(parseCsv(`${formatCsvRecord(once)}\r\n`)[0]).toEqual(once);
  });

  /** Text made of formula starts, separators, quotes and spaces, and a few plain characters. */
  const hostileText = fc.string({
    unit: fc.constantFrom(
      '=',
      '+',
      '-',
      '@',
      '\t',
      '\r',
      '\n',
      ',',
      ';',
      '"',
      ' ',
      "'",
      '1',
      '.',
      'a',
    ),
    maxLength: 12,
  });

  it('is idempotent for any text: its own output reads back the same (property)', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 1, maxLength: 5 }), (texts) => {
        const [once] = parseCsv(`${formatCsvRecord(texts)}\r\n`);
        const [twice] = parseCsv(`${formatCsvRecord(once ?? [])}\r\n`);
        expect(twice).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });

  /**
   * How Excel and LibreOffice split CSV text on `delimiters`, which need not be the file's: a
   * quote opens a quoted field only as the field's first character (`""` inside is a quote, and
   * text after the closing quote is added to the field); anywhere else it is a character; CR,
   * LF or CR LF outside quotes ends the record.
   */
  function splitLikeASpreadsheet(text: string, delimiters: string): string[] {
    const fields: string[] = [];
    let at = 0;
    while (at < text.length) {
      let field = '';
      if (text[at] === '"') {
        at += 1;
        while (at < text.length) {
          if (text[at] === '"' && text[at + 1] === '"') {
            field += '"';
            at += 2;
          } else if (text[at] === '"') {
            at += 1;
            break;
          } else {
            field += text[at];
            at += 1;
          }
        }
      }
      while (
        at < text.length &&
        !delimiters.includes(text[at] as string) &&
        text[at] !== '\r' &&
        text[at] !== '\n'
      ) {
        field += text[at];
        at += 1;
      }
      fields.push(field);
      if (text[at] === '\r' && text[at + 1] === '\n') at += 1;
      at += 1;
    }
    return fields;
  }

  it('leaves no field that starts a formula, read with ; or tabs as the separator (property)', () => {
    const cell = fc.oneof(
      { weight: 4, arbitrary: hostileText },
      fc.constantFrom(-5, 1.5, -1e21),
      fc.constant(null),
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 5 });
    // A reader that runs a field as a formula, after trimming its spaces and tabs; a signed
    // number (the number cells, or text such as `-5`) is a number to it.
    const isFormula = (field: string) => {
      const trimmed = field.replace(/^[ \t]+/, '');
      return /^[=+\-@]/.test(trimmed) && !/^[+-](\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(trimmed);
    };
    // Left open: a line that starts with a signed number runs on into the next fields for such
    // a reader (`-5,1+1` is a formula where `,` is the decimal separator); numbers stay as
    // they are, so such lines are not generated here.
    const startsSigned = (cell: CellValue | undefined) =>
      (typeof cell === 'number' && cell < 0) ||
      (typeof cell === 'string' && !isFormulaLike(cell) && /^ *[+-]/.test(cell));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 3 }), (rows) => {
        fc.pre(rows.every((cells) => !startsSigned(cells[0])));
        const text = rows.map((cells) => `${rendered(cells)}\r\n`).join('');
        for (const delimiters of [';', '\t', ';\t', ',', ',;\t']) {
          const formulas = splitLikeASpreadsheet(text, delimiters).filter(isFormula);
          expect({ text, delimiters, formulas }).toEqual({ text, delimiters, formulas: [] });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a field whole to a reader that splits on ;, when it starts the line', () => {
    const text = `${rendered(['x;=1+1;y', 'z'])}\r\n`;
    expect(splitLikeASpreadsheet(text, ';')).toEqual(["x;'=1+1;y,z"]);
    // Behind a field, the quote is a character to it: the apostrophe keeps each piece text.
    const behind = `${rendered(['a', 'x;=1+1&', '&1;y'])}\r\n`;
    expect(splitLikeASpreadsheet(behind, ';')).toEqual(['a,"x', `'=1+1&","&1`, 'y"']);
  });
});

describe('renderCsvFieldsInto', () => {
  it('renders width fields, empty past the cells, like formatCsvField', () => {
    const cells: CellValue[] = [
      1,
      null,
      'a,b',
      true,
      date(45352),
      '',
      { kind: 'error', code: '#REF!' },
    ];
    expect(rendered(cells)).toBe('1,,"a,b",TRUE,2024-03-01,,#REF!');
    expect(rendered(cells, 9)).toBe('1,,"a,b",TRUE,2024-03-01,,#REF!,,');
    expect(rendered([], 3)).toBe(',,');
    expect(rendered(['x'], 1)).toBe('x');
  });

  it('writes non-ASCII text as UTF-8', () => {
    const out = new RenderBuffer(4);
    renderCsvFieldsInto(out, ['Zoë', '👩‍💻', '東京'], 3);
    expect(out.toString()).toBe('Zoë,👩‍💻,東京');
  });

  it('gives the same text as formatCsvRecord for any row (property)', () => {
    const cell = fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'grapheme' }),
      fc.string({
        unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', '"', ' ', '1', '.', 'a'),
      }),
      fc.double(),
      fc.boolean(),
      fc.double({ min: -1e5, max: 1e6, noNaN: true }).map((serial) => date(serial)),
    );
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 8 }), (cells) => {
        expect(rendered(cells)).toBe(formatCsvRecord(cells));
      }),
    );
  });

  it('writes text that reads back exactly, but for the apostrophes (property)', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        '=',
        '+',
        '-',
        '@',
        '\t',
        '\r',
        '\n',
        ',',
        '"',
        ' ',
        '1',
        '.',
        'é',
        'a',
      ),
    });
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 6 }), (texts) => {
        const [record] = parseCsv(`${rendered(texts)}\r\n`);
        expect(record).toEqual(texts.map(neutraliseCsvText));
      }),
    );
  });
});

describe('splitCsvFields', () => {
  it('finds the fields, commas in quotes included', () => {
    const bytes = Buffer.from('1,"a,""b""",,"x\r\ny",z');
    const ranges = splitCsvFields(bytes, 0, bytes.length);
    const fields = [];
    for (let i = 0; i < ranges.length; i += 2) {
      fields.push(bytes.toString('utf8', ranges[i], ranges[i + 1]));
    }
    expect(fields).toEqual(['1', '"a,""b"""', '', '"x\r\ny"', 'z']);
  });

  it('reads one empty field from nothing, and works inside a larger buffer', () => {
    expect(splitCsvFields(Buffer.from(''), 0, 0)).toEqual([0, 0]);
    expect(splitCsvFields(Buffer.from('xx1,2yy'), 2, 5)).toEqual([2, 3, 4, 5]);
  });
});
