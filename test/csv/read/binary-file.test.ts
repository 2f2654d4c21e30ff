import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBinary, ZERO_BYTE_SPAN } from '../../../src/csv/read/binary-file.js';
import { CsvTextDecoder, utf16Encoding } from '../../../src/csv/read/text-decoder.js';
import { binarySamples, bytesOf } from '../../helpers/binary-files.js';

describe('findBinary', () => {
  it('names each kind of binary file by its first bytes', async () => {
    for (const sample of await binarySamples()) {
      expect([sample.name, findBinary(sample.bytes)?.message]).toEqual([
        sample.name,
        sample.message,
      ]);
    }
  });

  it('says what to do', () => {
    expect(findBinary(bytesOf([0x1f, 0x8b, 8, 0]))?.hint).toBe(
      'If it holds CSV files, unpack it and merge those; otherwise remove it from the inputs',
    );
    expect(findBinary(bytesOf('PK', 3, 4))?.hint).toBe(
      'If it is a workbook, give it its .xlsx (or .xlsb, .ods) extension; if it is an archive, unpack it and merge the CSV files inside',
    );
    expect(findBinary(bytesOf('a,b\n', 0))?.hint).toBe(
      'If it is text saved as UTF-16 ("Unicode Text") without a byte order mark, save it as CSV UTF-8; otherwise remove it from the inputs',
    );
  });

  it.each<[string, Buffer]>([
    ['ASCII', bytesOf('id,name\r\n1,Ann\r\n')],
    ['UTF-8 with a byte order mark', bytesOf([0xef, 0xbb, 0xbf], 'id;name\n1;Zo', [0xc3, 0xab])],
    ['windows-1252', bytesOf('id;name\r\n1;caf', 0xe9)],
    [
      'UTF-16LE with a byte order mark',
      Buffer.concat([bytesOf(0xff, 0xfe), Buffer.from('id,name\r\n1,Ann', 'utf16le')]),
    ],
    ['UTF-16LE without one', Buffer.from('id,name\r\n1,Ann\r\n2,Bob\r\n', 'utf16le')],
    ['UTF-16BE without one', Buffer.from('id,name\r\n1,Ann\r\n2,Bob\r\n', 'utf16le').swap16()],
    ['a zero byte past the span looked at', bytesOf('x'.repeat(ZERO_BYTE_SPAN), 0)],
    ['text that starts like a signature but goes on as text', bytesOf('PK,GIF8,%PDF\n1,2,3\n')],
    ['a one-byte file', bytesOf('B')],
  ])('takes %s for text', (_, bytes) => {
    expect(findBinary(bytes)).toBeNull();
  });

  it('refuses UTF-16 without a byte order mark that is mostly not ASCII (it would be mojibake)', () => {
    const line = '数据表格这是一个很长的中文描述字段,北京市朝阳区建国路八十八号';
    const text = `编号,地址\r\n${Array.from({ length: 20 }, () => line).join('\r\n')}`;
    expect(findBinary(Buffer.from(text, 'utf16le'))?.message).toBe(
      'The file is binary data, not CSV text: the byte at offset 5 is zero, which text has only in UTF-16, and the file does not start like UTF-16',
    );
  });

  it('takes any UTF-8 text without zero bytes for text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        fc.pre(!text.includes('\u0000'));
        expect(findBinary(Buffer.from(text))).toBeNull();
      }),
    );
  });

  it('skips zero bytes exactly when the decoder reads the file as UTF-16 (property)', () => {
    // Heads of ASCII, zeros and a few other bytes: UTF-16 of either order, or neither.
    const head = fc.uint8Array({ minLength: 0, maxLength: 2048 }).chain((noiseBytes) =>
      fc
        .array(fc.constantFrom(0, 0x41, 0x2c, 0x0a, 0xff, 0xfe, 0xef, 0xbb, 0xbf), {
          maxLength: 2048,
        })
        .map((bytes) => Uint8Array.from([...bytes, ...noiseBytes.slice(0, 8)])),
    );
    fc.assert(
      fc.property(head, (bytes) => {
        const decoder = new CsvTextDecoder();
        decoder.push(bytes);
        decoder.end();
        const decided = decoder.encoding.startsWith('utf-16') ? decoder.encoding : null;
        expect(utf16Encoding(bytes)).toBe(decided);
      }),
      { numRuns: 500 },
    );
  });
});
