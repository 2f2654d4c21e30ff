/**
 * `xl/sharedStrings.bin`: the strings cells refer to by index (`BrtCellIsst`). Each
 * `BrtSSTItem` is one string, in order; rich text runs and phonetic runs are formatting only
 * (the string holds all the text), so they are passed over.
 */
import { ErrorCode, XlmergeError } from '../../errors.js';
import { StringList } from '../../reader/string-list.js';
import { RecordFields } from './record-fields.js';
import type { RecordReader, RecordSource } from './record-reader.js';
import { RecordType } from './record-types.js';

/**
 * Reads the records of a shared strings part, one at a time. The counts the part's
 * `BrtBeginSst` claims are not trusted: nothing is made to their size, and a cell that names a
 * string the part does not hold fails when it is read.
 */
export class SharedStringsPartReader {
  readonly strings = new StringList();
  readonly #maxStrings: number;
  readonly #source: RecordSource;

  constructor(maxStrings: number, source: RecordSource) {
    this.#maxStrings = maxStrings;
    this.#source = source;
  }

  read(reader: RecordReader): void {
    if (reader.type !== RecordType.SharedStringItem) return;
    if (this.strings.length >= this.#maxStrings) {
      throw new XlmergeError(
        ErrorCode.SizeLimit,
        `The shared strings table has more than ${this.#maxStrings.toLocaleString('en-US')} strings, the \`limits.maxSharedStrings\` limit`,
        {
          ...this.#source,
          hint: 'The file may be a decompression bomb; if it is genuine, raise `limits.maxSharedStrings`',
        },
      );
    }
    // BrtSSTItem (MS-XLSB 2.4.726) is a RichStr (2.5.125): a flags byte, then the string.
    const fields = new RecordFields(
      reader,
      `the shared string record BrtSSTItem ${this.strings.length}`,
    );
    fields.skip(1);
    this.strings.push(fields.wideString());
  }
}
