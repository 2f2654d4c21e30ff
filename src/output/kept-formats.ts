/**
 * The number formats a merged workbook keeps (`formats: 'keep'`). Each input workbook's cell
 * styles are read on the main thread as its parse is started, and mapped to the output's styles
 * in input order, so the output's styles part and every cell's style are the same whatever order
 * the files are read or finish in. The workers then render each cell with its output style.
 */

import { isGeneral } from '../core/number-formats.js';
import { isCsvPath } from '../input/open-input.js';
import type { ReadLimits } from '../reader/read-limits.js';
import { OutputStyles, STYLE_REFUSED, StyleId } from '../render/cell-styles.js';
import type { InputFile } from '../scan/scan-inputs.js';
import { openWorkbook } from '../xlsx/read/open-workbook.js';
import type { CellNumberFormats } from '../xlsx/read/read-styles.js';

export class KeptFormats {
  /** The output's styles: what the writers write as the styles part. */
  readonly styles = new OutputStyles();
  readonly #limits: ReadLimits;
  /** The latest file's mapping: the next one maps after it. */
  #previous: Promise<unknown> = Promise.resolve();

  constructor(limits: ReadLimits) {
    this.#limits = limits;
  }

  /**
   * The output style of each of `file`'s cell styles (`ParseTask.outputStyles`); null for a file
   * without styles (CSV), or whose styles cannot be read (its parse then reports why). Call it
   * for the files in input order: each reads at once, but maps only after the files before it.
   */
  tableFor(file: InputFile, signal?: AbortSignal): Promise<Uint32Array | null> {
    const reading = isCsvPath(file.path) ? Promise.resolve(null) : this.#read(file, signal);
    const table = this.#previous.then(() => reading).then((formats) => this.#map(formats));
    this.#previous = table.catch(() => undefined);
    return table;
  }

  async #read(file: InputFile, signal?: AbortSignal): Promise<CellNumberFormats | null> {
    try {
      const reader = await openWorkbook(file.path, {
        displayPath: file.display,
        limits: this.#limits,
      });
      try {
        return await reader.readNumberFormats(signal);
      } finally {
        await reader.close();
      }
    } catch {
      return null;
    }
  }

  #map(formats: CellNumberFormats | null): Uint32Array | null {
    if (formats === null) return null;
    const table = new Uint32Array(formats.count);
    for (let style = 0; style < table.length; style++) {
      const format = formats.formatOf(style);
      const kept = this.styles.styleFor(format);
      table[style] = kept === StyleId.Default && !isGeneral(format) ? STYLE_REFUSED : kept;
    }
    return table;
  }
}
