import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/core/cell.js';
import { columnLetters } from '../../src/core/column-letters.js';
import { MAX_CELL_TEXT } from '../../src/core/excel-limits.js';
import { ErrorCode } from '../../src/errors.js';
import {
  ROW_NUMBER_PLACEHOLDER,
  renderRowCells,
  renderRowCellsInto,
} from '../../src/render/cell-xml.js';
import { RenderBuffer } from '../../src/render/render-buffer.js';
import { escapeXmlText } from '../../src/render/xml-escape.js';

const P = ROW_NUMBER_PLACEHOLDER;

/** What a reader that follows ECMA-376 (Excel, LibreOffice) makes of escaped text. */
function decodeAsExcel(xml: string): string {
  // The XML parser resolves references first; the _xHHHH_ escapes are decoded from its text.
  const text = xml
    .replaceAll('&#13;', '\r')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

describe('columnLetters', () => {
  it('names columns like Excel', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702, 16383].map(columnLetters)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });

  it('refuses columns past XFD', () => {
    expect(() => columnLetters(16384)).toThrow(
      expect.objectContaining({
        code: ErrorCode.TooManyColumns,
        message: 'Column number 16385 is past the last column Excel allows (XFD, 16,384 columns)',
      }),
    );
  });
});

describe('escapeXmlText', () => {
  it('returns plain text as is', () => {
    expect(escapeXmlText('plain text, "quotes" and \'apostrophes\' 😀 é\ttab\nnewline')).toBe(
      'plain text, "quotes" and \'apostrophes\' 😀 é\ttab\nnewline',
    );
  });

  it('escapes markup, CR and characters XML cannot hold', () => {
    expect(escapeXmlText('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d');
    expect(escapeXmlText('cr\r\nlf')).toBe('cr&#13;\nlf');
    expect(escapeXmlText('\u0000\u0001\u0008\u000B\u000C\u000E\u001F')).toBe(
      '_x0000__x0001__x0008__x000B__x000C__x000E__x001F_',
    );
    expect(escapeXmlText('\uFFFE\uFFFF')).toBe('_xFFFE__xFFFF_');
  });

  it('keeps surrogate pairs and escapes lone surrogates', () => {
    expect(escapeXmlText('😀&')).toBe('😀&amp;');
    expect(escapeXmlText('a\uD800b')).toBe('a_xD800_b');
    expect(escapeXmlText('a\uDC00b')).toBe('a_xDC00_b');
    expect(escapeXmlText('\uD83D')).toBe('_xD83D_');
  });

  it('protects text that looks like an escape', () => {
    expect(escapeXmlText('lit_x000D_')).toBe('lit_x005F_x000D_');
    expect(escapeXmlText('_xabcd_ and _x12G4_ and _x123_')).toBe(
      '_x005F_xabcd_ and _x12G4_ and _x123_',
    );
    expect(escapeXmlText('__x0041__')).toBe('__x005F_x0041__');
  });

  it("escapes an underscore that the next character's escape would close into an escape", () => {
    // `_xDffD` then U+0001: written `_xDffD_x0001_` it would read back as U+DFFD, "x0001_".
    for (const [text, written] of [
      ['_xDffD\u0001', '_x005F_xDffD_x0001_'],
      ['_x0041\uFFFF', '_x005F_x0041_xFFFF_'],
      ['_x0041\uDC00', '_x005F_x0041_xDC00_'],
      ['_x0041\uD83D\uDE00', '_x0041\uD83D\uDE00'],
      ['_x0041\t', '_x0041\t'],
      ['_x0041\r', '_x0041&#13;'],
    ]) {
      expect(escapeXmlText(text as string)).toBe(written);
      expect(decodeAsExcel(escapeXmlText(text as string))).toBe(text);
    }
  });

  it('round-trips any text through an ECMA-376 reader', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const escaped = escapeXmlText(text);
        // Nothing XML 1.0 forbids, and no raw CR, is left.
        expect(escaped).not.toMatch(
          // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the check
          /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
        expect(decodeAsExcel(escaped)).toBe(text);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('_', 'x', '0', 'D', 'f', '&', '\r', '\u0001')),
        (parts) => {
          const text = parts.join('');
          expect(decodeAsExcel(escapeXmlText(text))).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('renderRowCells', () => {
  it('renders every kind of value', () => {
    expect(renderRowCells(['x'])).toBe(`<c r="A${P}" t="inlineStr"><is><t>x</t></is></c>`);
    expect(renderRowCells([1.5, 0.1 + 0.2, -0, 2 ** 53 + 2, 1e-300, 1e21, -42])).toBe(
      `<c r="A${P}"><v>1.5</v></c><c r="B${P}"><v>0.30000000000000004</v></c>` +
        `<c r="C${P}"><v>0</v></c><c r="D${P}"><v>9007199254740994</v></c>` +
        `<c r="E${P}"><v>1e-300</v></c><c r="F${P}"><v>1e+21</v></c><c r="G${P}"><v>-42</v></c>`,
    );
    expect(renderRowCells([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(
      `<c r="A${P}" t="e"><v>#NUM!</v></c><c r="B${P}" t="e"><v>#NUM!</v></c>` +
        `<c r="C${P}" t="e"><v>#NUM!</v></c>`,
    );
    expect(renderRowCells([true, false])).toBe(
      `<c r="A${P}" t="b"><v>1</v></c><c r="B${P}" t="b"><v>0</v></c>`,
    );
    expect(
      renderRowCells([
        { kind: 'error', code: '#N/A' },
        { kind: 'error', code: '#DIV/0!' },
      ]),
    ).toBe(`<c r="A${P}" t="e"><v>#N/A</v></c><c r="B${P}" t="e"><v>#DIV/0!</v></c>`);
  });

  it('styles dates by what their serial holds', () => {
    expect(
      renderRowCells([
        { kind: 'date', serial: 45000 },
        { kind: 'date', serial: 45000.75 },
        { kind: 'date', serial: 0.5 },
        { kind: 'date', serial: 0 },
        { kind: 'date', serial: 1.25, elapsed: true },
        { kind: 'date', serial: 0.5, elapsed: true },
        { kind: 'date', serial: -1.5 },
        { kind: 'date', serial: Number.NaN },
      ]),
    ).toBe(
      `<c r="A${P}" s="2"><v>45000</v></c><c r="B${P}" s="3"><v>45000.75</v></c>` +
        `<c r="C${P}" s="4"><v>0.5</v></c><c r="D${P}" s="4"><v>0</v></c>` +
        `<c r="E${P}" s="5"><v>1.25</v></c><c r="F${P}" s="5"><v>0.5</v></c>` +
        `<c r="G${P}" s="3"><v>-1.5</v></c><c r="H${P}" t="e"><v>#NUM!</v></c>`,
    );
  });

  it('keeps whitespace at either end with xml:space', () => {
    expect(renderRowCells([' a', 'b ', '\tc', 'd\n', 'e\r', 'in side', 'x\u0001'])).toBe(
      `<c r="A${P}" t="inlineStr"><is><t xml:space="preserve"> a</t></is></c>` +
        `<c r="B${P}" t="inlineStr"><is><t xml:space="preserve">b </t></is></c>` +
        `<c r="C${P}" t="inlineStr"><is><t xml:space="preserve">\tc</t></is></c>` +
        `<c r="D${P}" t="inlineStr"><is><t xml:space="preserve">d\n</t></is></c>` +
        `<c r="E${P}" t="inlineStr"><is><t xml:space="preserve">e&#13;</t></is></c>` +
        `<c r="F${P}" t="inlineStr"><is><t>in side</t></is></c>` +
        `<c r="G${P}" t="inlineStr"><is><t>x_x0001_</t></is></c>`,
    );
  });

  it('skips empty cells, including holes', () => {
    const sparse: (string | null)[] = [];
    sparse[3] = 'd';
    expect(renderRowCells([null, '', 'c', null])).toBe(
      `<c r="C${P}" t="inlineStr"><is><t>c</t></is></c>`,
    );
    expect(renderRowCells(sparse)).toBe(`<c r="D${P}" t="inlineStr"><is><t>d</t></is></c>`);
    expect(renderRowCells([])).toBe('');
  });

  it('places cells in the columns given', () => {
    expect(renderRowCells([1, null, 3], ['B', 'C', 'AA'])).toBe(
      `<c r="B${P}"><v>1</v></c><c r="AA${P}"><v>3</v></c>`,
    );
    expect(() => renderRowCells([1, 2], ['B'])).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
  });

  it('holds text up to 32,767 characters and refuses longer', () => {
    const longest = 'y'.repeat(MAX_CELL_TEXT);
    expect(renderRowCells([longest])).toBe(
      `<c r="A${P}" t="inlineStr"><is><t>${longest}</t></is></c>`,
    );
    expect(() => renderRowCells([null, `${longest}y`])).toThrow(
      expect.objectContaining({
        code: ErrorCode.CellTooLong,
        column: 'B',
        message: 'A text cell has 32,768 characters; Excel allows at most 32,767',
      }),
    );
  });

  it('refuses cells past column XFD', () => {
    const cells = new Array<number | null>(16385).fill(null);
    cells[16383] = 1;
    expect(renderRowCells(cells)).toBe(`<c r="XFD${P}"><v>1</v></c>`);
    cells[16384] = 2;
    expect(() => renderRowCells(cells)).toThrow(
      expect.objectContaining({ code: ErrorCode.TooManyColumns }),
    );
  });
});

describe('RenderBuffer.putNumber', () => {
  const written = (value: number) => {
    const out = new RenderBuffer(64);
    out.reserve(64);
    const length = out.putNumber(value);
    expect(length).toBe(out.length);
    return out.toString();
  };

  it('writes exactly what String() writes, for every kind of double', () => {
    const expected = (value: number) => (Object.is(value, -0) ? '0' : String(value));
    const decimals = fc
      .tuple(fc.integer({ min: -(10 ** 14), max: 10 ** 14 }), fc.integer({ min: 0, max: 8 }))
      .map(([digits, places]) => digits / 10 ** places);
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), decimals),
        (value) => {
          expect(written(value)).toBe(expected(value));
        },
      ),
      { numRuns: 20_000, seed: 42 },
    );
    for (const value of [
      0.1,
      0.5,
      -0.5,
      1234.56,
      -1234.5,
      0.000001,
      0.0000015,
      999999999.999999,
      1e-7,
      0.1 + 0.2,
      45321.541666666664,
      1e9 + 0.5,
    ]) {
      expect(written(value)).toBe(String(value));
    }
  });

  const expected = (value: number) => (Object.is(value, -0) ? '0' : String(value));

  it('writes what String() writes, on the edges of each way of writing', () => {
    const edges = [
      0,
      -0,
      7,
      -7,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      1e15 - 1,
      1e15,
      -1e15,
      2 ** 53,
      1e21,
      1.5,
      -1.5,
      0.1,
      0.1 + 0.2,
      1.005,
      2.675,
      4.35,
      0.07,
      1e-6,
      -1e-6,
      1e-7,
      1.5e-6,
      0.000125,
      123456789012.345,
      99999999999999.98,
      999999999999999.9,
      44282.27916666667,
      44641.325,
      0.8999999999999999,
      1.0000000000000002,
      5e-324,
      1.7976931348623157e308,
    ];
    for (const value of edges) expect(written(value), String(value)).toBe(expected(value));
  });

  it('writes what String() writes for decimals of 1 to 17 significant digits', () => {
    const decimals = fc
      .tuple(
        fc.integer({ min: 1, max: 17 }),
        fc.double({ min: 1e-7, max: 1e16, noNaN: true }),
        fc.boolean(),
      )
      .map(([digits, value, negative]) => Number(value.toPrecision(digits)) * (negative ? -1 : 1));
    fc.assert(
      fc.property(decimals, (value) => {
        expect(written(value)).toBe(expected(value));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes what String() writes for dates with times and for amounts in cents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_958_465 * 1440 }),
        fc.integer({ min: -1e12, max: 1e12 }),
        (minutes, cents) => {
          expect(written(minutes / 1440)).toBe(expected(minutes / 1440));
          expect(written(cents / 100)).toBe(expected(cents / 100));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('RenderBuffer.xmlText', () => {
  const viaEscape = (text: string) => {
    const out = new RenderBuffer(16);
    out.utf8(escapeXmlText(text));
    return out.toString();
  };
  const written = (text: string) => {
    const out = new RenderBuffer(16);
    out.ascii('<t>');
    const newline = out.xmlText(text);
    expect(newline).toBe(text.indexOf('\n'));
    return out.toString().slice(3);
  };

  it('writes what escapeXmlText gives, in one pass when nothing needs escaping', () => {
    for (const text of [
      '',
      'plain',
      'Zoë Müller',
      '東京 😀 👨‍👩‍👧',
      'two\nlines\nhere',
      'tab\tin',
      'a&b<c>d',
      'cr\rhere',
      'snake_case',
      'literal _x0041_ escape',
      'lone \uD800 high',
      'lone \uDC00 low',
      'end \uD83D',
      '\uFFFE\uFFFF',
      '\u0001\u001F\u007F\u0080\u07FF\u0800\uFFFD',
    ]) {
      expect(written(text), JSON.stringify(text)).toBe(viaEscape(text));
    }
  });

  it('writes what escapeXmlText gives for any text', () => {
    const units = fc.string({
      unit: fc
        .oneof(
          fc.integer({ min: 0, max: 0x7f }),
          fc.integer({ min: 0x80, max: 0xffff }),
          fc.constantFrom(0x0a, 0x0d, 0x5f, 0x78, 0x30, 0x41, 0xd83d, 0xde00, 0xfffe),
        )
        .map((code) => String.fromCharCode(code)),
      maxLength: 40,
    });
    fc.assert(
      fc.property(units, (text) => {
        expect(written(text)).toBe(viaEscape(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('grows the buffer for text of any length', () => {
    const text = 'é'.repeat(100_000);
    expect(written(text)).toBe(text);
  });
});

describe('RenderBuffer.detach', () => {
  it('hands over the bytes written in the buffer itself, and starts over empty', () => {
    const out = new RenderBuffer(16 * 1024);
    out.utf8('<c r="A\0"><v>1</v></c>Zoë');
    const bytes = out.detach();
    expect(Buffer.from(bytes).toString('utf8')).toBe('<c r="A\0"><v>1</v></c>Zoë');
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(16 * 1024);
    expect(out.length).toBe(0);
    out.ascii('next');
    expect(out.toString()).toBe('next');
    expect(Buffer.from(bytes).toString('utf8')).toBe('<c r="A\0"><v>1</v></c>Zoë');
  });

  it("refuses a buffer that shares the pool's memory", () => {
    const out = new RenderBuffer(16);
    out.ascii('x');
    expect(() => out.detach()).toThrow('Cannot detach a buffer that shares its memory');
  });
});

describe('renderRowCellsInto with kept styles', () => {
  function render(cells: CellValue[], styles: number[] | null): string {
    const out = new RenderBuffer(64);
    renderRowCellsInto(out, cells, undefined, undefined, styles);
    return out.toString();
  }

  it('puts each cell its kept style, of any type, and none for 0', () => {
    const cells: CellValue[] = [
      123,
      'abc',
      ' padded ',
      true,
      { kind: 'error', code: '#N/A' },
      Number.NaN,
      4.5,
    ];
    expect(render(cells, [7, 9, 9, 8, 10, 7, 0])).toBe(
      `<c r="A${P}" s="7"><v>123</v></c>` +
        `<c r="B${P}" s="9" t="inlineStr"><is><t>abc</t></is></c>` +
        `<c r="C${P}" s="9" t="inlineStr"><is><t xml:space="preserve"> padded </t></is></c>` +
        `<c r="D${P}" s="8" t="b"><v>1</v></c>` +
        `<c r="E${P}" s="10" t="e"><v>#N/A</v></c>` +
        `<c r="F${P}" s="7" t="e"><v>#NUM!</v></c>` +
        `<c r="G${P}"><v>4.5</v></c>`,
    );
  });

  it('writes a date with a kept style as its serial in that style, else in the fixed style', () => {
    const date = { kind: 'date', serial: 45000.5 } as const;
    const day = { kind: 'date', serial: 45000 } as const;
    const elapsed = { kind: 'date', serial: 1.5, elapsed: true } as const;
    expect(render([date, day, elapsed, date, elapsed], [11, 12, 13, 0, 0])).toBe(
      `<c r="A${P}" s="11"><v>45000.5</v></c>` +
        `<c r="B${P}" s="12"><v>45000</v></c>` +
        `<c r="C${P}" s="13"><v>1.5</v></c>` +
        `<c r="D${P}" s="3"><v>45000.5</v></c>` +
        `<c r="E${P}" s="5"><v>1.5</v></c>`,
    );
  });

  it('writes the same bytes as without styles when every style is 0, or past the array', () => {
    const cells: CellValue[] = [1, 'x', { kind: 'date', serial: 45000 }, null, false];
    const plain = renderRowCells(cells);
    expect(render(cells, [0, 0, 0, 0, 0])).toBe(plain);
    expect(render(cells, [])).toBe(plain);
    expect(render(cells, null)).toBe(plain);
    expect(render([null, 2], [5, 6])).toBe(`<c r="B${P}" s="6"><v>2</v></c>`);
  });
});
