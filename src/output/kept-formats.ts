/**
 * The number formats a merged workbook keeps (`formats: 'keep'`). Each input workbook's cell
 * styles are read (in a worker, like the file itself) as its parse is started, and mapped to the
 * output's styles in input order, so the output's styles part and every cell's style are the
 * same whatever order the files are read or finish in. The workers then render each cell with
 * its output style.
 */
import { isGeneral } from '../core/number-formats.js';
import { type CellFormatIds, cellNumberFormats } from '../reader/cell-formats.js';
import { isCsvPath } from '../reader/format-names.js';
import { OutputStyles, STYLE_REFUSED, StyleId } from '../render/cell-styles.js';
import type { InputFile } from '../scan/scan-inputs.js';

export class KeptFormats {
  /** The output's styles: what the writers write as the styles part. */
  readonly styles = new OutputStyles();
  /** The latest file's mapping: the next one maps after it. */
  #previous: Promise<unknown> = Promise.resolve();

  /**
   * The output style of each of `file`'s cell styles (`ParseTask.outputStyles`), its styles read
   * by `read`; null for a file without styles (CSV). Rejects with `read`'s error when they
   * cannot be read: the file fails as its parse would (a file that is not a workbook, a styles
   * part that is not XML, a read stuck past `fileTimeout`), and is not read a second time. Call
   * it for the files in input order: each reads at once, but maps only after the files before it.
   */
  tableFor(
    file: InputFile,
    read: (file: InputFile) => Promise<CellFormatIds>,
  ): Promise<Uint32Array | null> {
    const reading = isCsvPath(file.path) ? Promise.resolve(null) : read(file);
    // Handled here until the files before it are mapped: it may fail before then.
    reading.catch(() => {});
    const table = this.#previous.then(() => reading).then((found) => this.#map(found));
    this.#previous = table.catch(() => undefined);
    return table;
  }

  #map(found: CellFormatIds | null): Uint32Array | null {
    if (found === null) return null;
    const formats = cellNumberFormats(found);
    const table = new Uint32Array(formats.count);
    for (let style = 0; style < table.length; style++) {
      const format = formats.formatOf(style);
      const kept = this.styles.styleFor(format);
      table[style] = kept === StyleId.Default && !isGeneral(format) ? STYLE_REFUSED : kept;
    }
    return table;
  }
}
