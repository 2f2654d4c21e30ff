import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import {
  readsAsUtf8,
  Utf8Validator,
  XML_DECLARATION_BYTES,
  XmlPartDecoder,
} from '../../src/xml/xml-decoder.js';
import { errorOf } from '../helpers/errors.js';

const SOURCE = { file: 'in/a.xlsx', part: 'xl/sharedStrings.xml' };
const RESAVE = 'Open the workbook in Excel and save it again (Excel writes UTF-8)';

/** The text of `bytes` decoded in one piece, and cut once at every byte offset, all equal. */
function decodeAtEveryCut(bytes: Buffer): string {
  const whole = decode([bytes]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toBe(whole);
  }
  // And byte by byte.
  expect(decode([...bytes].map((byte) => Buffer.from([byte])))).toBe(whole);
  return whole;
}

function decode(pieces: readonly Buffer[]): string {
  const decoder = new XmlPartDecoder(SOURCE);
  let text = '';
  for (const piece of pieces) text += decoder.write(piece);
  return text + decoder.end();
}

/** The error decoding `bytes` gives, the same in one piece and cut at every byte offset. */
function errorAtEveryCut(bytes: Buffer) {
  const error = errorOf(() => decode([bytes]));
  const described = { code: error.code, message: error.message, hint: error.hint };
  for (let cut = 0; cut <= bytes.length; cut++) {
    const other = errorOf(() => decode([bytes.subarray(0, cut), bytes.subarray(cut)]));
    expect({ code: other.code, message: other.message, hint: other.hint }, `cut at ${cut}`).toEqual(
      described,
    );
  }
  expect(error.file).toBe(SOURCE.file);
  expect(error.part).toBe(SOURCE.part);
  return described;
}

const declared = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?>`;
const ITEM = '<sst><si><t>café € ü</t></si></sst>';

describe('XmlPartDecoder: the encodings writers use', () => {
  test('UTF-8 without a declaration, with one, with a byte order mark (dropped)', () => {
    const text = `<sst><si><t>café 😀 中</t></si></sst>`;
    expect(decodeAtEveryCut(Buffer.from(text))).toBe(text);
    for (const name of ['UTF-8', 'utf-8', 'UTF8']) {
      expect(decodeAtEveryCut(Buffer.from(declared(name) + text))).toBe(declared(name) + text);
    }
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(decodeAtEveryCut(withMark)).toBe(text);
  });

  test('ISO-8859-1 (latin1): every byte is the code point of its number but C1 controls', () => {
    for (const name of ['ISO-8859-1', 'iso-8859-1', 'latin1', 'ISO_8859-1']) {
      const xml = `${declared(name)}<sst><si><t>café ü ÿ ©</t></si></sst>`;
      expect(decodeAtEveryCut(Buffer.from(xml, 'latin1'))).toBe(xml);
    }
  });

  test('windows-1252, with € and the other characters of 0x80-0x9F', () => {
    // "€" is 0x80 in windows-1252, the quotes 0x93 and 0x94.
    const written = Buffer.concat([
      Buffer.from(`${declared('windows-1252')}<sst><si><t>caf\u00e9 `, 'latin1'),
      Buffer.from([0x80, 0x20, 0x93, 0x71, 0x94]),
      Buffer.from('</t></si></sst>', 'latin1'),
    ]);
    expect(decodeAtEveryCut(written)).toBe(
      `${declared('windows-1252')}<sst><si><t>café € “q”</t></si></sst>`,
    );
    expect(decodeAtEveryCut(Buffer.from(`${declared('cp1252')}<a/>`, 'latin1'))).toBe(
      `${declared('cp1252')}<a/>`,
    );
  });

  test('US-ASCII', () => {
    const xml = `${declared('US-ASCII')}<sst><si><t>plain</t></si></sst>`;
    expect(decodeAtEveryCut(Buffer.from(xml))).toBe(xml);
  });

  test('UTF-16LE and UTF-16BE with a byte order mark, declared UTF-16 or not', () => {
    for (const head of [declared('UTF-16'), '<?xml version="1.0"?>', '']) {
      const xml = `${head}<sst><si><t>café 😀 中</t></si></sst>`;
      const little = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
      expect(decodeAtEveryCut(little)).toBe(xml);
      const big = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(xml, 'utf16le').swap16()]);
      expect(decodeAtEveryCut(big)).toBe(xml);
    }
    const named = `${declared('UTF-16LE')}<a/>`;
    expect(
      decodeAtEveryCut(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(named, 'utf16le')])),
    ).toBe(named);
  });

  test('an empty part, and a part shorter than a byte order mark', () => {
    expect(decode([Buffer.alloc(0)])).toBe('');
    expect(decodeAtEveryCut(Buffer.from('<a'))).toBe('<a');
  });

  test('knows the encoding once the declaration has come', () => {
    const decoder = new XmlPartDecoder(SOURCE);
    expect(decoder.write(Buffer.from('<?xml version="1.0" enco'))).toBe('');
    expect(decoder.encoding).toBe(null);
    expect(decoder.write(Buffer.from('ding="ISO-8859-1"?><a/>'))).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?><a/>',
    );
    expect(decoder.encoding).toBe('iso-8859-1');
  });
});

describe('XmlPartDecoder: bytes not valid in the encoding are errors, never U+FFFD', () => {
  test('UTF-8: latin1 bytes in a part that declares nothing ("café" written in ISO-8859-1)', () => {
    const bytes = Buffer.from('<sst><si><t>café</t></si></sst>', 'latin1');
    expect(errorAtEveryCut(bytes)).toEqual({
      code: ErrorCode.MalformedXml,
      message:
        'The part xl/sharedStrings.xml is not valid UTF-8 (it declares no encoding, so it must be UTF-8): at byte offset 15, the byte 0xE9 does not begin a valid UTF-8 character',
      hint: 'The writer stored its text in another encoding than the part says; open the workbook in Excel and save it again',
    });
  });

  test('UTF-8 declared: a stray continuation byte, an overlong form, a surrogate, a cut end', () => {
    const head = Buffer.from(`${declared('UTF-8')}<a>x`);
    const at = head.length;
    for (const bad of [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80]]) {
      const bytes = Buffer.concat([head, Buffer.from(bad), Buffer.from('y</a>')]);
      expect(errorAtEveryCut(bytes).message).toBe(
        `The part xl/sharedStrings.xml is not valid UTF-8: at byte offset ${at}, the byte 0x${bad[0]?.toString(16).toUpperCase()} does not begin a valid UTF-8 character`,
      );
    }
    const cut = Buffer.concat([Buffer.from('<a>x</a>'), Buffer.from([0xe4, 0xb8])]);
    expect(errorAtEveryCut(cut)).toEqual({
      code: ErrorCode.MalformedXml,
      message:
        'The part xl/sharedStrings.xml is not valid UTF-8: it ends in the middle of a character, at byte offset 8',
      hint: 'The file is truncated or damaged; open it in Excel and save it again',
    });
  });

  test('a lead byte followed by a byte that continues nothing, in any pieces', () => {
    const bytes = Buffer.concat([
      Buffer.from('<a>'),
      Buffer.from([0xe4, 0x41]),
      Buffer.from('</a>'),
    ]);
    expect(errorAtEveryCut(bytes).message).toBe(
      'The part xl/sharedStrings.xml is not valid UTF-8 (it declares no encoding, so it must be UTF-8): at byte offset 3, the byte 0xE4 does not begin a valid UTF-8 character',
    );
    expect(
      errorAtEveryCut(Buffer.concat([Buffer.from('<a>'), Buffer.from([0xe4, 0x41])])).message,
    ).toBe(
      'The part xl/sharedStrings.xml is not valid UTF-8 (it declares no encoding, so it must be UTF-8): at byte offset 3, the byte 0xE4 does not begin a valid UTF-8 character',
    );
  });

  test('US-ASCII: a byte over 0x7F', () => {
    const bytes = Buffer.from(`${declared('US-ASCII')}<a>café</a>`, 'latin1');
    expect(errorAtEveryCut(bytes)).toEqual({
      code: ErrorCode.MalformedXml,
      message: `The part xl/sharedStrings.xml declares encoding="US-ASCII", but at byte offset ${bytes.indexOf(0xe9)} the byte 0xE9 is not ASCII`,
      hint: 'The writer stored other characters than the part declares; open the workbook in Excel and save it again',
    });
  });

  test('ISO-8859-1: a C1 control, which is what windows-1252 text mislabelled looks like', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${declared('ISO-8859-1')}<a>5 `),
      Buffer.from([0x80]),
      Buffer.from('</a>'),
    ]);
    expect(errorAtEveryCut(bytes)).toEqual({
      code: ErrorCode.MalformedXml,
      message: `The part xl/sharedStrings.xml declares encoding="ISO-8859-1", but at byte offset ${bytes.indexOf(0x80)} the byte 0x80 is a C1 control character in ISO-8859-1, which no text holds (in windows-1252 it is "€")`,
      hint: 'The writer probably meant windows-1252; open the workbook in Excel and save it again',
    });
  });

  test('windows-1252: a byte the code page leaves undefined', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${declared('windows-1252')}<a>`),
      Buffer.from([0x81]),
      Buffer.from('</a>'),
    ]);
    expect(errorAtEveryCut(bytes).message).toBe(
      `The part xl/sharedStrings.xml declares encoding="windows-1252", but at byte offset ${bytes.indexOf(0x81)} the byte 0x81 stands for no character in windows-1252`,
    );
  });

  test('UTF-16: half a surrogate pair, an odd byte at the end', () => {
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<a>', 'utf16le'),
      Buffer.from([0x3d, 0xd8]),
      Buffer.from('</a>', 'utf16le'),
    ]);
    expect(errorAtEveryCut(lone)).toEqual({
      code: ErrorCode.MalformedXml,
      message:
        'The part xl/sharedStrings.xml is not valid UTF-16LE: the 16-bit unit at byte offset 8 is half of a surrogate pair',
      hint: 'The file is damaged; open it in Excel and save it again',
    });
    const odd = Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from('<a/>', 'utf16le').swap16(),
      Buffer.from([0x00]),
    ]);
    expect(errorAtEveryCut(odd).message).toBe(
      'The part xl/sharedStrings.xml is not valid UTF-16BE: it ends in the middle of a character, at byte offset 10',
    );
  });
});

describe('XmlPartDecoder: encodings it does not read, and contradictions', () => {
  test('an encoding nobody here supports', () => {
    for (const name of ['Shift_JIS', 'ISO-8859-2', 'EBCDIC-US', 'x']) {
      expect(errorAtEveryCut(Buffer.from(`${declared(name)}<a/>`))).toEqual({
        code: ErrorCode.MalformedXml,
        message: `The part xl/sharedStrings.xml declares encoding="${name}", which xlmerge does not read (it reads UTF-8, UTF-16, ISO-8859-1, windows-1252 and US-ASCII)`,
        hint: RESAVE,
      });
    }
    // Single quotes and spaces around '=' are XML too.
    expect(
      errorAtEveryCut(Buffer.from(`<?xml version='1.0' encoding = 'KOI8-R' ?><a/>`)).message,
    ).toContain('declares encoding="KOI8-R"');
  });

  test('a byte order mark the declaration contradicts', () => {
    const utf8Mark = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${declared('ISO-8859-1')}<a/>`),
    ]);
    expect(errorAtEveryCut(utf8Mark).message).toBe(
      'The part xl/sharedStrings.xml starts with a UTF-8 byte order mark but declares encoding="ISO-8859-1"',
    );
    const utf16Mark = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`${declared('UTF-8')}<a/>`, 'utf16le'),
    ]);
    expect(errorAtEveryCut(utf16Mark).message).toBe(
      'The part xl/sharedStrings.xml starts with a UTF-16LE byte order mark but declares encoding="UTF-8"',
    );
  });

  test('UTF-16 without a byte order mark, declared or not', () => {
    expect(errorAtEveryCut(Buffer.from(`${declared('UTF-16')}<a/>`)).message).toBe(
      'The part xl/sharedStrings.xml declares encoding="UTF-16" but has no byte order mark, and its first bytes are not UTF-16',
    );
    expect(errorAtEveryCut(Buffer.from(`${declared('UTF-16')}<a/>`, 'utf16le')).message).toBe(
      'The part xl/sharedStrings.xml is UTF-16 text without a byte order mark, which XML does not allow',
    );
  });

  test('a declaration that does not end within its first 4096 bytes', () => {
    const bytes = Buffer.from(`<?xml version="1.0"${' '.repeat(XML_DECLARATION_BYTES)}?><a/>`);
    expect(errorOf(() => decode([bytes])).message).toBe(
      'The part xl/sharedStrings.xml starts an XML declaration that does not end within its first 4096 bytes',
    );
    // A processing instruction that is not the declaration is not looked into.
    expect(decode([Buffer.from('<?xml-stylesheet href="a"?><a/>')])).toBe(
      '<?xml-stylesheet href="a"?><a/>',
    );
  });
});

describe('Utf8Validator, for bytes a reader of its own takes', () => {
  test('reports as the decoder does, from the offset it starts at, in any pieces', () => {
    const head = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>');
    const rest = Buffer.concat([
      Buffer.from('ok é '),
      Buffer.from([0xe9, 0x3c]),
      Buffer.from('/a>'),
    ]);
    const expected = errorOf(() => decode([Buffer.concat([head, rest])]));
    for (let cut = 0; cut <= rest.length; cut++) {
      const decoder = new XmlPartDecoder(SOURCE);
      decoder.write(head);
      const validator = decoder.validatorAt(head.length);
      const error = errorOf(() => {
        validator.check(rest.subarray(0, cut));
        validator.check(rest.subarray(cut));
        validator.end();
      });
      expect([error.message, error.hint]).toEqual([expected.message, expected.hint]);
    }
    const valid = new Utf8Validator(SOURCE, 0, null);
    const text = Buffer.from('😀中é');
    for (const byte of text) valid.check(Buffer.from([byte]));
    valid.end();
  });
});

describe('readsAsUtf8: whether a reader of UTF-8 bytes may take a whole part', () => {
  test.each([
    [
      'UTF-8, declared or not, with a mark or not',
      Buffer.from(`${declared('UTF-8')}${ITEM}`),
      true,
    ],
    ['no declaration', Buffer.from(ITEM), true],
    [
      'a byte order mark',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ITEM)]),
      true,
    ],
    ['ISO-8859-1', Buffer.from(`${declared('ISO-8859-1')}<a/>`), false],
    ['US-ASCII (its own messages)', Buffer.from(`${declared('US-ASCII')}<a/>`), false],
    ['UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')]), false],
    ['an unknown encoding', Buffer.from(`${declared('Shift_JIS')}<a/>`), false],
    [
      'invalid UTF-8 far on',
      Buffer.concat([Buffer.from(`<a>${'x'.repeat(9000)}`), Buffer.from([0xff])]),
      false,
    ],
    ['a cut character at the end', Buffer.concat([Buffer.from('<a>'), Buffer.from([0xe4])]), false],
  ])('%s', (_, bytes, expected) => {
    expect(readsAsUtf8(bytes, SOURCE)).toBe(expected);
  });
});
