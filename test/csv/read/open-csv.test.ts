import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../../src/csv/read/csv-parser.js';
import {
  CSV_CHUNK_BYTES,
  type CsvReader,
  type OpenCsvOptions,
  openCsv,
} from '../../../src/csv/read/open-csv.js';
import { ErrorCode } from '../../../src/errors.js';
import type { SheetRow } from '../../../src/reader/workbook-reader.js';
import { binarySamples } from '../../helpers/binary-files.js';
import { toCsv } from '../../helpers/csv.js';
import { rejectionOf } from '../../helpers/errors.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

async function writeCsv(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(await makeTempDir(), name);
  await fs.writeFile(file, content);
  return file;
}

async function readAll(reader: CsvReader, signal?: AbortSignal): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  const sheet = reader.sheets[0];
  if (sheet === undefined) throw new Error('no sheet');
  const options = signal === undefined ? {} : { signal };
  for await (const batch of reader.readRows(sheet, options)) rows.push(...batch);
  return rows;
}

/** What the reader says about a file: its format facts and every row. */
async function readCsv(name: string, content: string | Buffer, options: OpenCsvOptions = {}) {
  const reader = await openCsv(await writeCsv(name, content), { displayPath: name, ...options });
  try {
    const rows = await readAll(reader);
    return {
      encoding: reader.encoding,
      bom: reader.bom,
      delimiter: reader.delimiter,
      rows: rows.map((row) => [row.number, ...row.cells]),
    };
  } finally {
    await reader.close();
  }
}

describe('openCsv: the workbook it stands for', () => {
  it('has one visible sheet named after the file, without its extension', async () => {
    const reader = await openCsv(await writeCsv('Sales 2024.CSV', 'a,b\n'), {
      displayPath: 'in/Sales 2024.CSV',
    });
    try {
      expect({
        format: reader.format,
        file: reader.file,
        sheets: reader.sheets,
        date1904: reader.date1904,
        delimiterDetected: reader.delimiterDetected,
        sepLine: reader.sepLine,
      }).toEqual({
        format: 'csv',
        file: 'in/Sales 2024.CSV',
        sheets: [{ name: 'Sales 2024', index: 0, part: '', state: 'visible' }],
        date1904: false,
        delimiterDetected: true,
        sepLine: false,
      });
      expect(reader.inflatedBytes).toBe(0);
      await readAll(reader);
      expect(reader.inflatedBytes).toBe(4);
    } finally {
      await reader.close();
    }
  });

  it('reads rows numbered by record, text as it is, trailing empty cells left out', async () => {
    const text = 'id,name,note,\r\n00123,"Ann\r\nSmith",,\r\n\r\n7, spaced ,"",x\r\n';
    expect(await readCsv('a.csv', text)).toEqual({
      encoding: 'utf-8',
      bom: false,
      delimiter: ',',
      rows: [
        [1, 'id', 'name', 'note'],
        [2, '00123', 'Ann\r\nSmith'],
        [3],
        [4, '7', ' spaced ', null, 'x'],
      ],
    });
  });

  it('can read its rows twice', async () => {
    const reader = await openCsv(await writeCsv('a.csv', 'a;b\n1;2\n'));
    try {
      const first = await readAll(reader);
      expect(await readAll(reader)).toEqual(first);
      expect(first).toEqual([
        { number: 1, cells: ['a', 'b'] },
        { number: 2, cells: ['1', '2'] },
      ]);
    } finally {
      await reader.close();
    }
  });
});

describe('openCsv: encodings', () => {
  const rows = [
    [1, 'name', 'city'],
    [2, 'Zoë', 'Zürich €'],
  ];

  it('UTF-8 with a BOM', async () => {
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('name,city\nZoë,Zürich €\n'),
    ]);
    expect(await readCsv('a.csv', content)).toEqual({
      encoding: 'utf-8',
      bom: true,
      delimiter: ',',
      rows,
    });
  });

  it('UTF-16LE and UTF-16BE with a BOM, as Excel saves "Unicode Text"', async () => {
    const text = 'name\tcity\r\nZoë\tZürich €\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    expect(await readCsv('le.csv', le)).toEqual({
      encoding: 'utf-16le',
      bom: true,
      delimiter: '\t',
      rows,
    });
    expect(await readCsv('be.csv', be)).toEqual({
      encoding: 'utf-16be',
      bom: true,
      delimiter: '\t',
      rows,
    });
  });

  it('windows-1252, as Excel saves "CSV (Comma delimited)"', async () => {
    const content = Buffer.from([
      ...Buffer.from('name;city\r\nZo'),
      0xeb,
      ...Buffer.from(';Z'),
      0xfc,
      ...Buffer.from('rich '),
      0x80,
      0x0d,
      0x0a,
    ]);
    expect(await readCsv('a.csv', content)).toEqual({
      encoding: 'windows-1252',
      bom: false,
      delimiter: ';',
      rows,
    });
  });

  it('is exact across read chunks: characters and quoted line breaks cut by them', async () => {
    const table = Array.from({ length: 60_000 }, (_, i) => [
      String(i),
      i % 7 === 0 ? `multi\r\nline "${i}"` : `Zoë 😀 中文 ${i}`,
      'x'.repeat(i % 13),
    ]);
    const text = toCsv([['id', 'text', 'pad'], ...table]);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * CSV_CHUNK_BYTES);
    const parser = new CsvParser({ delimiter: ',', maxRecordChars: 1e9 });
    const expected = parser.push(text).concat(parser.end());
    for (const record of expected) {
      while (record.cells.length > 0 && record.cells.at(-1) === null) record.cells.pop();
    }
    const reader = await openCsv(await writeCsv('big.csv', text));
    try {
      const rows = await readAll(reader);
      expect(rows.length).toBe(60_001);
      expect(rows).toEqual(expected);
      expect(reader.inflatedBytes).toBe(Buffer.byteLength(text));
    } finally {
      await reader.close();
    }
  });
});

describe('openCsv: delimiter and types', () => {
  it('uses the delimiter it is given', async () => {
    const result = await readCsv('a.csv', 'a;b,c\n1;2,5\n', { delimiter: ',' });
    expect(result.rows).toEqual([
      [1, 'a;b', 'c'],
      [2, '1;2', '5'],
    ]);
    const reader = await openCsv(await writeCsv('b.csv', 'a\n'), { delimiter: '|' });
    expect([reader.delimiter, reader.delimiterDetected, reader.sepLine]).toEqual([
      '|',
      false,
      false,
    ]);
    await reader.close();
  });

  it('types numbers and ISO dates with `types`, and keeps the rest as text', async () => {
    const text = 'id,amount,day,code\n00123,12.50,2024-03-01,1e3\n7,-0.5,2024-02-30,x\n';
    expect((await readCsv('a.csv', text, { types: true })).rows).toEqual([
      [1, 'id', 'amount', 'day', 'code'],
      [2, '00123', 12.5, { kind: 'date', serial: 45352 }, 1000],
      [3, 7, -0.5, '2024-02-30', 'x'],
    ]);
    expect((await readCsv('a.csv', text)).rows[1]).toEqual([
      2,
      '00123',
      '12.50',
      '2024-03-01',
      '1e3',
    ]);
  });
});

describe('openCsv: a sep= first line', () => {
  /** {@link readCsv} and where the delimiter came from. */
  async function readSepCsv(content: string | Buffer, options: OpenCsvOptions = {}) {
    const reader = await openCsv(await writeCsv('sep.csv', content), options);
    try {
      const rows = await readAll(reader);
      return {
        encoding: reader.encoding,
        bom: reader.bom,
        delimiter: reader.delimiter,
        delimiterDetected: reader.delimiterDetected,
        sepLine: reader.sepLine,
        rows: rows.map((row) => [row.number, ...row.cells]),
      };
    } finally {
      await reader.close();
    }
  }

  it('uses the delimiter it names and skips it: the header is row 1', async () => {
    expect(await readSepCsv('sep=;\r\nid;amount\r\n1;2,50\r\n2;"3;5"\r\n')).toEqual({
      encoding: 'utf-8',
      bom: false,
      delimiter: ';',
      delimiterDetected: false,
      sepLine: true,
      rows: [
        [1, 'id', 'amount'],
        [2, '1', '2,50'],
        [3, '2', '3;5'],
      ],
    });
  });

  it('uses a delimiter that detection does not know', async () => {
    expect((await readSepCsv('SEP=:\nid:name, first\n1:Ann, Lee\n')).rows).toEqual([
      [1, 'id', 'name, first'],
      [2, '1', 'Ann, Lee'],
    ]);
  });

  it('wins over the delimiter option', async () => {
    const result = await readSepCsv('sep=;\r\nid;name,x\r\n1;a,b\r\n', { delimiter: ',' });
    expect(result).toMatchObject({
      delimiter: ';',
      delimiterDetected: false,
      sepLine: true,
      rows: [
        [1, 'id', 'name,x'],
        [2, '1', 'a,b'],
      ],
    });
  });

  it('is read in UTF-8 with a BOM, windows-1252 and UTF-16', async () => {
    const text = 'sep=\t\r\nname\tcity\r\nZoë\tZürich €\r\n';
    const rows = [
      [1, 'name', 'city'],
      [2, 'Zoë', 'Zürich €'],
    ];
    const facts = { delimiter: '\t', delimiterDetected: false, sepLine: true, rows };
    const utf16le = Buffer.from(text, 'utf16le');
    const windows1252 = Buffer.from(
      [...text].map((c) => (c === '€' ? 0x80 : (c.codePointAt(0) as number))),
    );
    expect(
      await readSepCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    ).toEqual({ encoding: 'utf-8', bom: true, ...facts });
    expect(await readSepCsv(windows1252)).toEqual({
      encoding: 'windows-1252',
      bom: false,
      ...facts,
    });
    expect(await readSepCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]))).toEqual({
      encoding: 'utf-16le',
      bom: true,
      ...facts,
    });
    expect(await readSepCsv(Buffer.from(utf16le).swap16())).toEqual({
      encoding: 'utf-16be',
      bom: false,
      ...facts,
    });
  });

  it('gives no rows for a file that is only the line', async () => {
    for (const content of ['sep=;', 'sep=;\r\n', 'sep=|\r']) {
      expect(await readSepCsv(content)).toMatchObject({ sepLine: true, rows: [] });
    }
  });

  it('reads a line that is not a directive as data, and detects the delimiter', async () => {
    const cases: [string, string, (string | number | null)[][]][] = [
      [
        'sep=\na;b\n',
        ',',
        [
          [1, 'sep='],
          [2, 'a;b'],
        ],
      ],
      [
        'sep=;;\na;b\n',
        ';',
        [
          [1, 'sep='],
          [2, 'a', 'b'],
        ],
      ],
      [
        'sep=;,\na,b\n',
        ',',
        [
          [1, 'sep=;'],
          [2, 'a', 'b'],
        ],
      ],
      [
        'sep = ;\na;b\n',
        ';',
        [
          [1, 'sep = '],
          [2, 'a', 'b'],
        ],
      ],
      [
        'sep="\na,b\n',
        ',',
        [
          [1, 'sep="'],
          [2, 'a', 'b'],
        ],
      ],
      [
        'id;name\nsep=,\n1;2\n',
        ';',
        [
          [1, 'id', 'name'],
          [2, 'sep=,'],
          [3, '1', '2'],
        ],
      ],
    ];
    for (const [content, delimiter, rows] of cases) {
      expect(await readSepCsv(content)).toMatchObject({
        delimiter,
        delimiterDetected: true,
        sepLine: false,
        rows,
      });
    }
  });

  it('is read once across read chunks, the rows after it all read', async () => {
    const table = Array.from({ length: 20_000 }, (_, i) => [
      String(i),
      `Zoë; ${i}`,
      'x'.repeat(i % 9),
    ]);
    const body = toCsv([['id', 'text', 'pad'], ...table], { delimiter: '|' });
    const text = `sep=|\r\n${body}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * CSV_CHUNK_BYTES);
    const parser = new CsvParser({ delimiter: '|', maxRecordChars: 1e9, trimTrailingEmpty: true });
    const expected = parser.push(body).concat(parser.end());
    const reader = await openCsv(await writeCsv('big.csv', text));
    try {
      const rows = await readAll(reader);
      expect(rows.length).toBe(20_001);
      expect(rows).toEqual(expected);
      expect(rows[20_000]).toEqual({ number: 20_001, cells: ['19999', 'Zoë; 19999', 'x'] });
    } finally {
      await reader.close();
    }
  });

  it('counts its line in the lines that errors give, not in the rows', async () => {
    const bad = await openCsv(await writeCsv('bad.csv', 'sep=,\nid,note\n1,"oops\n2,x\n'), {
      displayPath: 'in/bad.csv',
    });
    expect((await rejectionOf(readAll(bad))).describe()).toBe(
      'in/bad.csv, row 2: The quoted field that starts on line 3 is never closed: the file ends inside it. Add the missing closing quote ("); a quote that is part of the text must be doubled ("")',
    );
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('sep=;\r\nid;name\r\n1;caf'),
      Buffer.from([0xe9, 0x0d, 0x0a]),
    ]);
    const mixed = await openCsv(await writeCsv('mixed.csv', content));
    const error = await rejectionOf(readAll(mixed));
    expect([error.code, error.row, error.message]).toEqual([
      ErrorCode.CsvEncoding,
      2,
      'The file reads as UTF-8 (it starts with a UTF-8 byte order mark), but at byte offset 24 byte 0xE9 is not valid UTF-8 (line 3)',
    ]);
  });
});

describe('openCsv: errors', () => {
  it('names the file and the line where a never-closed quote starts', async () => {
    const file = await writeCsv('bad.csv', 'id,note\n1,"fine"\n2,"multi\nline"\n3,"oops\n4,x\n');
    const reader = await openCsv(file, { displayPath: 'in/bad.csv' });
    const error = await rejectionOf(readAll(reader));
    expect({ code: error.code, description: error.describe() }).toEqual({
      code: ErrorCode.CsvMalformed,
      description:
        'in/bad.csv, row 4: The quoted field that starts on line 5 is never closed: the file ends inside it. Add the missing closing quote ("); a quote that is part of the text must be doubled ("")',
    });
  });

  it('names the line of a byte that is not UTF-8 in a UTF-8 file', async () => {
    const lines = ['id,name', '1,Zoë', ...Array.from({ length: 9000 }, (_, i) => `${i},plain`)];
    const content = Buffer.concat([
      Buffer.from(`${lines.join('\n')}\n5,caf`),
      Buffer.from([0xe9, 0x0a]),
    ]);
    const reader = await openCsv(await writeCsv('mixed.csv', content), {
      displayPath: 'mixed.csv',
    });
    const error = await rejectionOf(readAll(reader));
    expect({ code: error.code, row: error.row, message: error.message, hint: error.hint }).toEqual({
      code: ErrorCode.CsvEncoding,
      row: 9003,
      message: `The file reads as UTF-8 (its first non-ASCII characters are UTF-8), but at byte offset ${content.length - 2} byte 0xE9 is not valid UTF-8 (line 9003)`,
      hint: 'Save the whole file in one encoding, such as "CSV UTF-8 (Comma delimited)" in Excel',
    });
  });

  it('fails on a record longer than maxRecordChars', async () => {
    const reader = await openCsv(await writeCsv('long.csv', `a\n${'x'.repeat(5000)}\n`), {
      displayPath: 'long.csv',
      maxRecordChars: 1000,
    });
    const error = await rejectionOf(readAll(reader));
    expect([error.code, error.file, error.row, error.message]).toEqual([
      ErrorCode.SizeLimit,
      'long.csv',
      2,
      'A record is longer than 1000 characters.',
    ]);
  });

  it('refuses an empty file, a folder, a missing file, a binary file named .csv', async () => {
    const dir = await makeTempDir();
    const cases: [string, string | Buffer | null, string, string][] = [
      ['empty.csv', '', ErrorCode.EmptyFile, 'The file is empty (0 bytes)'],
      [
        'folder.csv',
        null,
        ErrorCode.NotAFile,
        'The path is a folder, not a file; xlmerge reads only regular files',
      ],
      ...(await binarySamples()).map((sample): [string, Buffer, string, string] => [
        sample.name,
        sample.bytes,
        ErrorCode.NotCsv,
        sample.message,
      ]),
    ];
    for (const [name, content, code, message] of cases) {
      const file = path.join(dir, name);
      if (content === null) await fs.mkdir(file);
      else await fs.writeFile(file, content);
      const error = await rejectionOf(openCsv(file, { displayPath: name }));
      expect([error.code, error.file, error.message]).toEqual([code, name, message]);
    }
    const missing = await rejectionOf(
      openCsv(path.join(dir, 'nope.csv'), { displayPath: 'nope.csv' }),
    );
    expect([missing.code, missing.file]).toEqual([ErrorCode.InputNotFound, 'nope.csv']);
  });

  it('stops with ABORTED when the signal fires, and closes the file', async () => {
    const reader = await openCsv(await writeCsv('a.csv', 'a\n1\n'), { displayPath: 'a.csv' });
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(readAll(reader, controller.signal));
    expect([error.code, error.file]).toEqual([ErrorCode.Aborted, 'a.csv']);
    const again = await rejectionOf(readAll(reader));
    expect(again.code).toBe(ErrorCode.Internal);
  });
});
