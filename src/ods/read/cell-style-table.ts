/**
 * The cell styles of an OpenDocument spreadsheet numbered as {@link WorkbookReader.readFormatIds}
 * and {@link ReadRowsOptions.outputStyles} number them, with each one's number format.
 *
 * Index 0 is no style (General). Then come content.xml's automatic cell styles in document
 * order, then styles.xml's cell styles (`office:styles`, then its automatic ones): the same
 * numbering however often the file is read. A style's number format is its data style's
 * (`style:data-style-name`), or its parent's (`style:parent-style-name`) when it names none.
 */
import { FIRST_CUSTOM_FORMAT_ID } from '../../core/number-formats.js';
import type { CellFormatIds } from '../../reader/cell-formats.js';
import { type DataStyle, excelFormatCode } from './data-style.js';
import type { CellStyle, CollectedStyles } from './style-collector.js';

/** Parents followed at most: a loop of parents, which no writer makes, ends there. */
const MAX_PARENTS = 32;

export class CellStyleTable {
  private readonly indexes = new Map<string, number>();
  /** The data style of each index (undefined: none, General). */
  private readonly dataStyles: (DataStyle | undefined)[] = [undefined];
  private readonly lookUpDataStyle: (name: string) => DataStyle | undefined;

  constructor(content: CollectedStyles, styles: CollectedStyles) {
    const all = [...content.cellStyles, ...styles.cellStyles];
    const byName = new Map<string, CellStyle>();
    // Content's automatic styles win over a styles.xml style of the same name, as they are
    // what the cells of content.xml name.
    for (const style of all) if (!byName.has(style.name)) byName.set(style.name, style);
    this.lookUpDataStyle = (name) => content.dataStyles.get(name) ?? styles.dataStyles.get(name);
    for (const style of all) {
      if (this.indexes.has(style.name)) continue;
      this.indexes.set(style.name, this.dataStyles.length);
      this.dataStyles.push(this.resolve(style, byName));
    }
  }

  /** How many indexes there are, 0 included. */
  get count(): number {
    return this.dataStyles.length;
  }

  /** The index of the cell style `name`; 0 for a name no style has. */
  indexOf(name: string): number {
    return this.indexes.get(name) ?? 0;
  }

  /** Whether style `index` shows numbers as TRUE and FALSE (`number:boolean-style`). */
  isBoolean(index: number): boolean {
    return this.dataStyles[index]?.kind === 'boolean';
  }

  /** Whether style `index` shows time that runs past 24 hours (`[h]:mm`). */
  isElapsed(index: number): boolean {
    const style = this.dataStyles[index];
    return style !== undefined && style.kind === 'time' && style.elapsed;
  }

  /** The Excel format code of style `index`; null for General (or what converts to nothing). */
  formatCode(index: number): string | null {
    const style = this.dataStyles[index];
    if (style === undefined) return null;
    const code = excelFormatCode(style, this.lookUpDataStyle);
    return code === null || code.toLowerCase() === 'general' ? null : code;
  }

  /** The format id of every index, custom codes numbered from 164 in order of first use. */
  formatIds(): CellFormatIds {
    const ids = new Uint32Array(this.dataStyles.length);
    const codes = new Map<string, number>();
    for (let index = 1; index < ids.length; index++) {
      const code = this.formatCode(index);
      if (code === null) continue;
      let id = codes.get(code);
      if (id === undefined) {
        id = FIRST_CUSTOM_FORMAT_ID + codes.size;
        codes.set(code, id);
      }
      ids[index] = id;
    }
    return { ids, codes: [...codes].map(([code, id]) => [id, code] as const) };
  }

  private resolve(style: CellStyle, byName: ReadonlyMap<string, CellStyle>): DataStyle | undefined {
    let current: CellStyle | undefined = style;
    for (let step = 0; current !== undefined && step < MAX_PARENTS; step++) {
      if (current.dataStyle !== undefined) return this.lookUpDataStyle(current.dataStyle);
      current = current.parent === undefined ? undefined : byName.get(current.parent);
    }
    return undefined;
  }
}
