import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../../src/core/cell.js';
import { CsvParser, type CsvRecord } from '../../../src/csv/read/csv-parser.js';
import { ErrorCode } from '../../../src/errors.js';
import { cutText, toCsv } from '../../helpers/csv.js';
import { errorOf } from '../../helpers/errors.js';

interface ParseOptions {
  readonly delimiter?: string;
  readonly sepLine?: boolean;
  readonly maxRecordChars?: number;
  readonly convert?: (text: string) => CellValue;
}

function parserFor(options: ParseOptions = {}): CsvParser {
  return new CsvParser({
    delimiter: options.delimiter ?? ',',
    sepLine: options.sepLine ?? false,
    maxRecordChars: options.maxRecordChars ?? 1_000_000,
    convert: options.convert ?? null,
    file: 'in.csv',
  });
}

/** Every record of `pieces` fed one after another. */
function parsePieces(pieces: readonly string[], options: ParseOptions = {}): CsvRecord[] {
  const parser = parserFor(options);
  const records = pieces.flatMap((piece) => parser.push(piece));
  return records.concat(parser.end());
}

function parse(text: string, options: ParseOptions = {}): CsvRecord[] {
  return parsePieces([text], options);
}

/** Just the cells, for tables where the record numbers are 1, 2, 3, …. */
function cellsOf(text: string, options: ParseOptions = {}): CellValue[][] {
  const records = parse(text, options);
  expect(records.map((record) => record.number)).toEqual(records.map((_, i) => i + 1));
  return records.map((record) => record.cells);
}

describe('CsvParser: RFC 4180', () => {
  it('splits fields and records, with empty fields as null', () => {
    expect(cellsOf('id,name,note\r\n1,Ann,\r\n2,,x\r\n')).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Ann', null],
      ['2', null, 'x'],
    ]);
  });

  it('reads LF, CR and CRLF line ends, mixed in one file', () => {
    expect(cellsOf('a,b\n1,2\r3,4\r\n5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('reads a last record without a line break, and adds no record after a final one', () => {
    expect(cellsOf('a,b')).toEqual([['a', 'b']]);
    expect(cellsOf('a,b\n')).toEqual([['a', 'b']]);
    expect(cellsOf('a,b\r\n')).toEqual([['a', 'b']]);
    expect(cellsOf('a,')).toEqual([['a', null]]);
    expect(cellsOf('')).toEqual([]);
  });

  it('keeps blank lines as records of one empty field', () => {
    expect(cellsOf('a\n\n\r\nb\n\n')).toEqual([['a'], [null], [null], ['b'], [null]]);
  });

  it('reads quoted fields with delimiters, doubled quotes and every kind of line break', () => {
    expect(cellsOf('"a,b","say ""hi""","1\r\n2","3\n4","5\r6",""\r\nx,"",y')).toEqual([
      ['a,b', 'say "hi"', '1\r\n2', '3\n4', '5\r6', null],
      ['x', null, 'y'],
    ]);
  });

  it('keeps spaces, and quotes that do not open a field, as text (like Excel)', () => {
    expect(cellsOf(' a , b ,5",a"b"c, "q"')).toEqual([[' a ', ' b ', '5"', 'a"b"c', ' "q"']]);
  });

  it('keeps the text after a closing quote, up to the delimiter (like Excel)', () => {
    expect(cellsOf('"ab"cd,"x"" y"z"w",""tail')).toEqual([['abcd', 'x" yz"w"', 'tail']]);
  });

  it('splits on the delimiter it is given, and on no other', () => {
    expect(cellsOf('a;b,c;"d;e"\n1;2,5;3', { delimiter: ';' })).toEqual([
      ['a', 'b,c', 'd;e'],
      ['1', '2,5', '3'],
    ]);
    expect(cellsOf('a\tb c\t|\n', { delimiter: '\t' })).toEqual([['a', 'b c', '|']]);
    expect(cellsOf('a|b|"|"', { delimiter: '|' })).toEqual([['a', 'b', '|']]);
  });

  it('keeps a byte order mark character or NUL in the text as it is', () => {
    expect(cellsOf('\ufeffa,b\u0000c')).toEqual([['\ufeffa', 'b\u0000c']]);
  });

  it('numbers records by record and counts lines through quoted line breaks', () => {
    const parser = parserFor();
    const records = parser.push('h1,h2\r\n"multi\r\nline\nfield",x\r\n\r\nlast,"one\rtwo"\n');
    expect(records).toEqual([
      { number: 1, cells: ['h1', 'h2'] },
      { number: 2, cells: ['multi\r\nline\nfield', 'x'] },
      { number: 3, cells: [null] },
      { number: 4, cells: ['last', 'one\rtwo'] },
    ]);
    expect(parser.line).toBe(8);
    expect(parser.record).toBe(5);
  });

  it('converts non-empty fields with `convert`, quoted or not', () => {
    const convert = (text: string): CellValue => (/^\d+$/.test(text) ? Number(text) : text);
    expect(cellsOf('1,"2",,x,""\n', { convert })).toEqual([[1, 2, null, 'x', null]]);
  });

  it('refuses a delimiter it cannot split on', () => {
    for (const delimiter of ['"', '\r', '\n', ',,', '']) {
      expect(errorOf(() => parserFor({ delimiter })).code).toBe(ErrorCode.Internal);
    }
  });
});

describe('CsvParser: chunks', () => {
  const text =
    'id,"na""me",note\r\n1,"a\r\nb",x\r\r\n"2","",\n"q""",plain"quote,"tail"after\r\n"end"';
  const whole = parse(text);

  it('gives the same records however the text is cut', () => {
    for (let size = 1; size <= text.length; size += 1) {
      expect(parsePieces(cutText(text, [size]))).toEqual(whole);
    }
  });

  it('gives the same records for random cuts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (sizes) => {
          expect(parsePieces(cutText(text, sizes))).toEqual(whole);
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });

  it('joins a CRLF cut between chunks, outside and inside quotes', () => {
    const parser = parserFor();
    expect(parser.push('a\r')).toEqual([{ number: 1, cells: ['a'] }]);
    expect(parser.push('\nb,"x\r')).toEqual([]);
    expect(parser.push('\ny"\r')).toEqual([{ number: 2, cells: ['b', 'x\r\ny'] }]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.end()).toEqual([]);
    expect(parser.line).toBe(4);
  });

  it('waits for the character after a quote at a chunk end', () => {
    const parser = parserFor();
    expect(parser.push('"a"')).toEqual([]);
    expect(parser.push('"')).toEqual([]);
    expect(parser.push('b"')).toEqual([]);
    expect(parser.push(',c\n')).toEqual([{ number: 1, cells: ['a"b', 'c'] }]);
  });

  it('round-trips random tables through CSV text in random chunks (property)', () => {
    const field = fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\r', '\n', '\t', 'é', '😀'),
      }),
      fc.string(),
    );
    const table = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        table,
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        (rows, delimiter, lineEnd, quoteAll, sizes) => {
          const text = toCsv(rows, { delimiter, lineEnd, quoteAll });
          const records = parsePieces(cutText(text, sizes), { delimiter });
          expect(records).toEqual(
            rows.map((row, i) => ({
              number: i + 1,
              cells: row.map((cell) => (cell === '' ? null : cell)),
            })),
          );
        },
      ),
      { numRuns: 1000, seed: 42 },
    );
  });
});

describe('CsvParser: a sep= first line', () => {
  const sepLine = true;

  it('splits on the delimiter the line names, over the one given, and skips the line', () => {
    const parser = parserFor({ sepLine });
    expect(parser.delimiter).toBe(',');
    const records = parser.push('sep=;\r\nid;name,x\r\n1;"a;b"\r\n');
    expect(records).toEqual([
      { number: 1, cells: ['id', 'name,x'] },
      { number: 2, cells: ['1', 'a;b'] },
    ]);
    expect(parser.end()).toEqual([]);
    expect([parser.delimiter, parser.line, parser.record]).toEqual([';', 4, 3]);
  });

  it('reads it in any case, with each line end and with any usable delimiter', () => {
    const cases: [string, CellValue[][]][] = [
      ['SEP=|\na|b\n', [['a', 'b']]],
      [
        'Sep=\t\ra\tb\r1\t2',
        [
          ['a', 'b'],
          ['1', '2'],
        ],
      ],
      ['sep=,\r\na;b,c', [['a;b', 'c']]],
      ['sep= \na b', [['a', 'b']]],
      ['sep=§\r\na§b', [['a', 'b']]],
    ];
    for (const [text, expected] of cases) {
      expect(cellsOf(text, { delimiter: ';', sepLine })).toEqual(expected);
    }
  });

  it('gives no record for a file that is only the line', () => {
    for (const text of ['sep=;', 'sep=;\n', 'sep=;\r', 'sep=;\r\n']) {
      expect(parse(text, { sepLine })).toEqual([]);
    }
  });

  it('keeps a blank line after it as a record, and a second sep= line as data', () => {
    expect(cellsOf('sep=;\r\n\r\nsep=,\na,b;c\n', { sepLine })).toEqual([
      [null],
      ['sep=,'],
      ['a,b', 'c'],
    ]);
  });

  it('reads a line that is not a directive as data, with the delimiter given', () => {
    const cases: [string, CellValue[][]][] = [
      ['sep=\na;b\n', [['sep='], ['a', 'b']]],
      [
        'sep=;;\na;b\n',
        [
          ['sep=', null, null],
          ['a', 'b'],
        ],
      ],
      ['sep=; \n', [['sep=', ' ']]],
      [' sep=|\n', [[' sep=|']]],
      ['sep="\n', [['sep="']]],
      ['\ufeffsep=|\n', [['\ufeffsep=|']]],
      ['sep', [['sep']]],
    ];
    for (const [text, expected] of cases) {
      expect(cellsOf(text, { delimiter: ';', sepLine })).toEqual(expected);
    }
  });

  it('is data without the sepLine option', () => {
    expect(cellsOf('sep=;\na;b\n', { delimiter: ';' })).toEqual([
      ['sep=', null],
      ['a', 'b'],
    ]);
  });

  it('gives the same records, lines and delimiter however the text is cut', () => {
    const records = (note: string) => [
      { number: 1, cells: ['id', note] },
      { number: 2, cells: ['1', '2,5'] },
    ];
    const cases: [string, CsvRecord[], number][] = [
      ['sep=;\r\nid;"no\r\nte"\r\n1;2,5\r\n', records('no\r\nte'), 5],
      ['sep=;\nid;"no\nte"\n1;2,5', records('no\nte'), 4],
      ['sep=;\rid;"no\rte"\r1;2,5\r', records('no\rte'), 5],
      ['sep=;\r\n\r\n', [{ number: 1, cells: [null] }], 3],
      ['sep=;\r', [], 2],
      ['sep=;', [], 1],
    ];
    for (const [text, expected, line] of cases) {
      for (let size = 1; size <= text.length; size += 1) {
        const parser = parserFor({ sepLine });
        const pieces = cutText(text, [size]).flatMap((piece) => parser.push(piece));
        expect(pieces.concat(parser.end())).toEqual(expected);
        expect([parser.delimiter, parser.line]).toEqual([';', line]);
      }
    }
  });
  it('counts its line in the lines that errors give, but not in the rows', () => {
    const text = 'sep=,\r\nid,note\r\n1,"open\r\n';
    const parser = parserFor({ sepLine });
    parser.push(text);
    const error = errorOf(() => parser.end());
    expect([error.code, error.row, error.message]).toEqual([
      ErrorCode.CsvMalformed,
      2,
      'The quoted field that starts on line 3 is never closed: the file ends inside it',
    ]);
    const limited = parserFor({ sepLine, maxRecordChars: 30 });
    limited.push(text);
    const long = errorOf(() => limited.push('and goes on and on and on'));
    expect([long.code, long.row, long.message]).toEqual([
      ErrorCode.SizeLimit,
      2,
      'A record is longer than 30 characters. It has been inside a quoted field since line 3: is a closing quote missing?',
    ]);
  });
});

describe('CsvParser: errors', () => {
  it('names the line and record where a never-closed quoted field starts', () => {
    const parser = parserFor();
    parser.push('a,b\r\n"x\r\ny",2\r\n3,"open\r\nstill open,\r\n');
    const error = errorOf(() => parser.end());
    expect({ code: error.code, file: error.file, row: error.row, message: error.message }).toEqual({
      code: ErrorCode.CsvMalformed,
      file: 'in.csv',
      row: 3,
      message: 'The quoted field that starts on line 4 is never closed: the file ends inside it',
    });
    expect(error.describe()).toBe(
      'in.csv, row 3: The quoted field that starts on line 4 is never closed: the file ends inside it. Add the missing closing quote ("); a quote that is part of the text must be doubled ("")',
    );
  });

  it('fails on a record longer than maxRecordChars, in one chunk or across many', () => {
    const text = 'ok,1\nthis record is too long\nok\n';
    for (const pieces of [[text], cutText(text, [3])]) {
      const error = errorOf(() => parsePieces(pieces, { maxRecordChars: 10 }));
      expect({ code: error.code, row: error.row, message: error.message }).toEqual({
        code: ErrorCode.SizeLimit,
        row: 2,
        message: 'A record is longer than 10 characters.',
      });
      expect(error.hint).toBe(
        'If the file is genuine, raise the limit with the limits.maxElementChars option',
      );
    }
    expect(parse(text, { maxRecordChars: 23 }).length).toBe(3);
  });

  it('says when a record grew long inside quotes', () => {
    const parser = parserFor({ maxRecordChars: 20 });
    parser.push('a\n"starts here\n');
    const error = errorOf(() => parser.push('and goes on and on'));
    expect(error.message).toBe(
      'A record is longer than 20 characters. It has been inside a quoted field since line 2: is a closing quote missing?',
    );
  });
});
