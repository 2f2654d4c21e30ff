/**
 * What the .xlsb reader needs of `xl/styles.bin`: the number format of each cell style (the
 * `BrtXF` records of the cellXfs block, in order, which is what a cell's `iStyleRef` indexes)
 * and the custom format codes (`BrtFmt`), for dates and for `--formats keep`.
 */
import { classifyBuiltInFormat, classifyFormatCode } from '../../core/date-format.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { RecordFields } from './record-fields.js';
import type { RecordReader } from './record-reader.js';
import { RecordType } from './record-types.js';

/** Reads the records of a styles part, one at a time, as {@link readPartRecords} gives them. */
export class StylesPartReader {
  /** The number format id of each cell style, in order; {@link #count} of them are used. */
  #ids = new Uint32Array(64);
  #count = 0;
  readonly #codes = new Map<number, string>();
  /** Inside BrtBeginCellXFs … BrtEndCellXFs: the cell styles, not the named styles' (cellStyleXfs). */
  #inCellFormats = false;

  read(reader: RecordReader): void {
    switch (reader.type) {
      case RecordType.BeginCellFormats:
        this.#inCellFormats = true;
        return;
      case RecordType.EndCellFormats:
        this.#inCellFormats = false;
        return;
      case RecordType.CellFormat:
        if (this.#inCellFormats) {
          // BrtXF (MS-XLSB 2.4.812): ixfeParent, then iFmt, the number format id.
          const fields = new RecordFields(reader, 'the cell style record BrtXF');
          fields.skip(2);
          this.#push(fields.u16());
        }
        return;
      case RecordType.NumberFormat: {
        // BrtFmt (2.4.648): ifmt, then stFmtCode.
        const fields = new RecordFields(reader, 'the number format record BrtFmt');
        const id = fields.u16();
        this.#codes.set(id, fields.wideString());
        return;
      }
      default:
        return;
    }
  }

  /** Each cell style's number format id and the custom codes. */
  formatIds(): CellFormatIds {
    return { ids: this.#ids.slice(0, this.#count), codes: [...this.#codes] };
  }

  /**
   * Per cell style: 0 = not a date, 1 = a date or time format, 2 = an elapsed-time format such
   * as `[h]:mm` (what the .xlsx reader's `dateStyles` holds).
   */
  dateStyles(): Uint8Array {
    const kinds = new Map<number, number>();
    for (const [id, code] of this.#codes) kinds.set(id, classifyFormatCode(code));
    const styles = new Uint8Array(this.#count);
    for (let index = 0; index < this.#count; index++) {
      const id = this.#ids[index] as number;
      styles[index] = kinds.get(id) ?? classifyBuiltInFormat(id);
    }
    return styles;
  }

  #push(id: number): void {
    if (this.#count === this.#ids.length) {
      const grown = new Uint32Array(this.#ids.length * 2);
      grown.set(this.#ids);
      this.#ids = grown;
    }
    this.#ids[this.#count++] = id;
  }
}
