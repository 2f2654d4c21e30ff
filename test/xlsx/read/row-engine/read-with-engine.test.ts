/**
 * Hostile workbooks (see docs/safety.md) read with the engine and with the scanner alone:
 * what the engine must hand over to the scanner (and when), and what must fail, fail alike,
 * with the same error, at every chunk boundary.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRandom } from '../../../fuzz/mutants.js';
import { cutter, expectSameBothWays, type Outcome } from '../../../helpers/engine-paths.js';
import { buildRawZip, rawEntry } from '../../../helpers/raw-zip.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import {
  encodeXml,
  escapeXml,
  sharedStringsXml,
  workbookParts,
  worksheetXml,
  writeZip,
} from '../../../helpers/xlsx-builder.js';

describe('reading with the engine, falling back to the scanner', () => {
  it.each(HOSTILE_CASES)('fails as the scanner does, or reads alike: $name', async (hostile) => {
    const file = await writeHostileBook(
      path.join(await makeTempDir(), 'hostile.xlsx'),
      hostile.sheet,
      hostile.strings,
    );
    for (const cut of [null, cutter(makeRandom(17), 9)]) {
      const outcome = await expectSameBothWays(file, { dedupe: ['id'] }, cut);
      const { expected } = hostile;
      if ('holds' in expected) {
        expect(renderedText(outcome)).toContain(expected.holds);
      } else {
        expect(outcome).toMatchObject({ error: { code: expected.code } });
        const { message } = (outcome as { error: { message: string } }).error;
        expect(message.startsWith(expected.message), message).toBe(true);
      }
    }
  });

  it('fails alike on zips whose entries overlap or share a name, before either reads', async () => {
    const dir = await makeTempDir();
    const entries = workbookParts({
      sheets: [{ name: 'Data', xml: hostileSheet('') }],
      sharedStrings: HOSTILE_STRINGS,
    }).map((part) => rawEntry(part.name, part.content));
    const sheet = entries.findIndex((entry) => entry.name === 'xl/worksheets/sheet1.xml');
    const zips = {
      overlap: buildRawZip(entries, [
        ...entries.map((_, entry) => ({ entry })),
        { entry: sheet, name: 'xl/worksheets/sheet2.xml' },
      ]),
      twice: buildRawZip([...entries, rawEntry('xl/worksheets/sheet1.xml', worksheetXml(''))]),
    };
    for (const [name, zip] of Object.entries(zips)) {
      const file = path.join(dir, `${name}.xlsx`);
      await writeFile(file, zip);
      const outcome = await expectSameBothWays(file, { dedupe: ['id'] });
      expect(outcome).toMatchObject({ error: { code: 'CORRUPT_ZIP' } });
    }
  });
});

/** The bytes of `xml` with each `@@` replaced by the next of `bytes` (bytes no text can hold). */
function withBytes(xml: string, ...bytes: (readonly number[])[]): Buffer {
  const pieces = xml.split('@@');
  return Buffer.concat(
    pieces.flatMap((piece, i) => [
      Buffer.from(piece),
      ...(i < bytes.length ? [Buffer.from(bytes[i] as number[])] : []),
    ]),
  );
}

const HOSTILE_STRINGS = ['id', 'name', 'city', 'Zoë'];

/** Rows `from` to `to` that the engine reads: an id, a shared string, a number. */
function plainRows(from: number, to: number): string {
  let xml = '';
  for (let r = from; r <= to; r++) {
    xml += `<row r="${r}"><c r="A${r}"><v>${r % 17}</v></c><c r="B${r}" t="s"><v>3</v></c><c r="C${r}"><v>${r}.5</v></c></row>`;
  }
  return xml;
}

/**
 * A sheet of a header and 60 plain rows with `middle` (rows 31 on) between them: what the engine
 * reads on both sides of what it must hand over or fail on.
 */
function hostileSheet(middle: string, after = 40): string {
  const header =
    '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>';
  return worksheetXml(header + plainRows(2, 30) + middle + plainRows(after + 1, after + 30));
}

/** A workbook with `sheet` and shared strings (as bytes, or a table of plain items). */
async function writeHostileBook(
  file: string,
  sheet: string | Buffer,
  strings: readonly string[] | Buffer = HOSTILE_STRINGS,
): Promise<string> {
  const parts = workbookParts({
    sheets: [{ name: 'Data', xml: typeof sheet === 'string' ? sheet : '' }],
    sharedStrings: Array.isArray(strings) ? strings : HOSTILE_STRINGS,
  }).map((part) => {
    if (part.name === 'xl/worksheets/sheet1.xml' && typeof sheet !== 'string') {
      return { name: part.name, content: sheet };
    }
    if (part.name === 'xl/sharedStrings.xml' && Buffer.isBuffer(strings)) {
      return { name: part.name, content: strings };
    }
    return part;
  });
  return writeZip(file, parts);
}

/** The text of the rendered rows of a parse result, for what the cells hold. */
function renderedText(outcome: Outcome): string {
  if (!('result' in outcome)) return '';
  const sheets = (outcome.result as { sheets: { xml: { bytes: Uint8Array } | null }[] }).sheets;
  return sheets.map((sheet) => Buffer.from(sheet.xml?.bytes ?? []).toString('utf8')).join('');
}

interface HostileCase {
  readonly name: string;
  readonly sheet: string | Buffer;
  readonly strings?: readonly string[] | Buffer;
  /** The error both paths end in (code, and the message's start), or text the rows hold. */
  readonly expected: { code: string; message: string } | { holds: string };
}

/** Hostile workbooks of the second round (see docs/safety.md). */
const HOSTILE_CASES: HostileCase[] = [
  {
    name: 'invalid UTF-8 in a number the engine reads',
    sheet: withBytes(hostileSheet('<row r="31"><c r="A31"><v>1@@</v></c></row>'), [0xff]),
    expected: {
      code: 'MALFORMED_XML',
      message: 'The part xl/worksheets/sheet1.xml is not valid UTF-8: at byte offset',
    },
  },
  {
    name: 'invalid UTF-8 in an attribute and in a formula the engine skips',
    sheet: withBytes(
      hostileSheet(
        '<row r="31" x="@@"><c r="A31"><v>1</v></c></row><row r="32"><c r="A32"><f>"@@"</f><v>2</v></c></row>',
      ),
      [0xe9],
      [0xe9],
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'The part xl/worksheets/sheet1.xml is not valid UTF-8: at byte offset',
    },
  },
  {
    name: 'a sheet ending in the middle of a UTF-8 character',
    sheet: Buffer.concat([Buffer.from(hostileSheet('')), Buffer.from([0xc3])]),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'The part xl/worksheets/sheet1.xml is not valid UTF-8: it ends in the middle of a character',
    },
  },
  {
    name: 'latin1 "café" in shared strings that declare no encoding',
    sheet: hostileSheet(''),
    strings: Buffer.from(
      sharedStringsXml(['id', 'name', 'city', 'café']).replace(' encoding="UTF-8"', ''),
      'latin1',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'The part xl/sharedStrings.xml is not valid UTF-8 (it declares no encoding, so it must be UTF-8): at byte offset',
    },
  },
  {
    name: 'a sheet and shared strings declared ISO-8859-1',
    sheet: encodeXml(
      hostileSheet('<row r="31"><c r="A31" t="inlineStr"><is><t>café</t></is></c></row>'),
      'iso-8859-1',
    ),
    strings: encodeXml(sharedStringsXml(['id', 'name', 'city', 'Zoë ÿ']), 'iso-8859-1'),
    expected: { holds: 'café' },
  },
  {
    name: 'shared strings declared windows-1252',
    sheet: hostileSheet(''),
    strings: encodeXml(sharedStringsXml(['id', 'name', 'city', '5 € “q”']), 'windows-1252'),
    expected: { holds: '5 € “q”' },
  },
  {
    name: 'a sheet in UTF-16LE and shared strings in UTF-16BE',
    sheet: encodeXml(hostileSheet(''), 'utf-16le', 'UTF-16'),
    strings: encodeXml(sharedStringsXml(['id', 'name', 'city', 'Zoë 😀']), 'utf-16be', 'UTF-16'),
    expected: { holds: 'Zoë 😀' },
  },
  {
    name: 'a sheet in an encoding xlmerge does not read',
    sheet: encodeXml(hostileSheet(''), 'us-ascii', 'Shift_JIS'),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'The part xl/worksheets/sheet1.xml declares encoding="Shift_JIS", which xlmerge does not read',
    },
  },
  {
    name: 'a mixed-case <Row> among rows (it was dropped)',
    sheet: hostileSheet('<Row r="31"><c r="A31"><v>99</v></c></Row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected <row> in <sheetData> after row 30, found <Row>',
    },
  },
  {
    name: 'a mixed-case <C> in a row',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>9</v></c><C r="B31"><v>99</v></C></row>'),
    expected: { code: 'MALFORMED_XML', message: 'expected <c> or <extLst> in row 31, found <C>' },
  },
  {
    name: 'a mixed-case <V> in a cell',
    sheet: hostileSheet('<row r="31"><c r="A31"><V>99</V></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected <f>, <v>, <is> or <extLst> in cell A31, found <V>',
    },
  },
  {
    name: 'a mixed-case <SI> in the shared strings',
    sheet: hostileSheet(''),
    strings: Buffer.from(
      sharedStringsXml(['id', 'name', 'city', 'Zoë']).replace(
        '<si><t xml:space="preserve">city</t></si>',
        '<SI><t>city</t></SI>',
      ),
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected <si> or <extLst> in <sst> after 2 shared strings, found <SI>',
    },
  },
  {
    name: 'an error cell holding no Excel error value',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="B31" t="e"><v>#EVIL!</v></c></row>',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message:
        'expected an Excel error value such as #N/A or #DIV/0! in the error cell B31, found "#EVIL!"',
    },
  },
  {
    name: 'an error cell holding a formula to run',
    sheet: hostileSheet(
      `<row r="31"><c r="A31"><v>100</v></c><c r="C31" t="e"><v>${escapeXml("=cmd|' /C calc'!A0")}</v></c></row>`,
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: `expected an Excel error value such as #N/A or #DIV/0! in the error cell C31, found "=cmd|' /C calc'!A0"`,
    },
  },
  {
    name: "Excel's error values, new ones too",
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="B31" t="e"><v>#SPILL!</v></c><c r="C31" t="e"><f>PY(1)</f><v>#PYTHON!</v></c></row>',
    ),
    expected: { holds: '<v>#PYTHON!</v>' },
  },
  {
    name: 'a no-break space before the digits of a number the engine would read',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>100</v></c><c r="C31"><v>\u00a05</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected a number in cell C31, found "\\u00A05"',
    },
  },
  {
    name: 'a no-break space written as a character reference',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>&#160;100</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected a number in cell A31, found "\\u00A0100"',
    },
  },
  {
    name: 'a date with a zone offset, read as the instant in UTC',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="C31" t="d"><v>2024-01-15T02:00:00+05:00</v></c></row>',
    ),
    expected: { holds: '<v>45305.875</v>' },
  },
  {
    name: 'a date alone with a zone offset',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c><c r="C31" t="d"><v>2024-01-15+05:00</v></c></row>',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected a date-time, or a date or time without a zone offset',
    },
  },
  {
    name: 'a T for t on a cell the engine would read as a number',
    sheet: hostileSheet('<row r="31"><c r="A31"><v>100</v></c><c r="B31" T="s"><v>0</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected the attribute t, found T on a cell in row 31',
    },
  },
  {
    name: 'an R for r on a row',
    sheet: hostileSheet('<row R="31"><c r="A31"><v>100</v></c></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected the attribute r, found R on a row after row 30',
    },
  },
  {
    name: 'rows out of order',
    sheet: hostileSheet(
      '<row r="31"><c r="A31"><v>100</v></c></row><row r="20"><c r="A20"><v>101</v></c></row>',
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected row numbers in ascending order, found row 20 after row 31',
    },
  },
  {
    name: 'a blank row repeated, which the engine only counts',
    sheet: hostileSheet('<row r="31"><c r="A31" s="1"/></row><row r="31"><c r="A31" s="1"/></row>'),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected row numbers in ascending order, found row 31 after row 31',
    },
  },
  {
    name: 'the header row after a data row (the header was taken from the first in the file)',
    sheet: worksheetXml(
      '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>3</v></c></row>' +
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        plainRows(3, 40),
    ),
    expected: {
      code: 'MALFORMED_XML',
      message: 'expected row numbers in ascending order, found row 1 after row 2',
    },
  },
  {
    name: 'what writers do put in rows and cells: spans, x14ac, cm, extLst',
    sheet: hostileSheet(
      '<row r="31" spans="1:3" x14ac:dyDescent="0.25"><c r="A31" cm="1"><v>5000</v><extLst><ext uri="u"/></extLst></c></row>' +
        '<row r="32"><c r="A32" vm="1"><f>5000+1</f><v>5001</v></c><c r="B32" t="inlineStr"><is><r><rPr><b/></rPr><t>rich</t></r><rPh sb="0" eb="1"><t>r</t></rPh><phoneticPr fontId="1"/></is></c><extLst/></row>',
    ),
    expected: { holds: 'rich' },
  },
];
