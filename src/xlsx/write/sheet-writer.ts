import type { CellValue } from '../../core/cell.js';
import { columnLetters } from '../../core/column-letters.js';
import { MAX_CELL_TEXT, MAX_COLUMNS, MAX_DATA_ROWS } from '../../core/excel-limits.js';
import { ErrorCode, XlmergeError } from '../../errors.js';
import { toWriteFailed } from '../../io/write-failed.js';
import { StyleId } from '../../render/cell-styles.js';
import { ROW_NUMBER_PLACEHOLDER, renderRowCells } from '../../render/cell-xml.js';
import { writeDigits } from '../../render/render-buffer.js';
import { escapeXmlText, isXmlSpace } from '../../render/xml-escape.js';
import { computeCrc32, crc32Combine } from '../zip/crc32.js';
import { RowCopier } from './row-copier/row-copier.js';
import {
  BLOCK_BYTES,
  type CompressedSegment,
  deflatePrefix,
  SegmentedBody,
} from './segmented-body.js';

/** Column widths, in characters, when not given or out of range. */
export const MIN_COLUMN_WIDTH = 8;
export const MAX_COLUMN_WIDTH = 60;
/** Extra width for the autofilter drop-down button, which covers the header's last characters. */
const FILTER_BUTTON_WIDTH = 2;

const ROW_OPEN = new Uint8Array(Buffer.from('<row r="'));
const ROW_OPEN_END = new Uint8Array(Buffer.from('">'));
const ROW_CLOSE = new Uint8Array(Buffer.from('</row>'));

const WORKSHEET_START =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">';
const PAGE_MARGINS =
  '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>';

/** The header row, given when a sheet is ended. */
export interface SheetHeader {
  /** Header names, one per output column from A. */
  readonly columns: readonly string[];
  /**
   * Column widths in characters, by column. Missing entries default to the header name's length;
   * every width is kept within 8–60 characters, plus room for the filter button.
   */
  readonly widths?: readonly number[];
}

/**
 * Writes one worksheet, streaming its data rows to a compressed temporary file.
 *
 * The rows are compressed in *segments*: the rows between two calls to `startSegment` (or
 * `appendSegment`, or the sheet's start and end) are deflated on their own, in blocks
 * compressed in parallel, so a segment's compressed bytes depend on its rows alone. A segment
 * can be kept (`startSegment(keep)`) and appended as it is later, even in another run, where
 * the same rows would land at the same row numbers.
 */
export interface SheetWriter {
  /** Data rows written so far (the header row is not counted). Data rows are rows 2, 3, … */
  readonly rowCount: number;
  /** Appends a row rendered by `renderRowCells` (placeholders replaced by this row's number). */
  writeRenderedRow(cellsXml: string): void;
  /**
   * Appends a row rendered by `renderRowCells` and encoded as UTF-8: bytes `start` to `end` of
   * `source`, after the optional `prefix` (cells for columns before the source's). Every 0 byte
   * (the UTF-8 of the placeholder) becomes this row's number. This is the hot path: workers
   * hand over rows as bytes, so the main thread only copies them.
   */
  writeRenderedBytes(source: Buffer, start: number, end: number, prefix?: Buffer): void;
  /** Appends a row of values (renders it with identity columns). */
  writeRow(cells: readonly CellValue[], styles?: readonly number[] | null): void;
  /**
   * Ends the segment being written and starts another. `keep`, if given, receives the new
   * segment once it has ended and is all compressed (not if writing fails).
   */
  startSegment(keep?: (segment: CompressedSegment) => void): void;
  /**
   * Ends the segment being written and appends `segment`, compressed earlier from rows that
   * were numbered from this sheet's next row (`rowCount + 2`): the caller makes sure of that.
   * Throws `TOO_MANY_ROWS` when its rows do not fit.
   */
  appendSegment(segment: CompressedSegment): void;
  /**
   * Resolves when few enough rows wait to be compressed and written (back-pressure; call it
   * every few thousand rows). Rejects with `WRITE_FAILED` if writing the sheet failed.
   */
  drain(): Promise<void>;
  /**
   * Writes the header as row 1 (bold, with the pane frozen below it and an autofilter over
   * header and data), the `<dimension>` and the column widths, and finishes the sheet.
   */
  end(header: SheetHeader): Promise<void>;
}

/** A finished sheet, as the zip entry needs it: a deflated prefix, then the deflated body file. */
export interface FinishedSheet {
  readonly name: string;
  /** The deflated prefix, ending in a sync flush so the body's deflate stream can follow it. */
  readonly prefix: Buffer;
  /** The temporary file holding the body's deflate stream, which ends with the final block. */
  readonly bodyPath: string;
  readonly bodyCompressedSize: number;
  /** CRC-32 and size of the whole uncompressed sheet XML (prefix ‖ body). */
  readonly crc32: number;
  readonly uncompressedSize: number;
  /** Absolute range of the autofilter (`$A$1:$C$10`), or null when the sheet has no columns. */
  readonly filterRange: string | null;
}

/** The workbook writer's handle on a sheet: the public interface plus what commit and abort use. */
export interface SheetWriterHandle extends SheetWriter {
  readonly name: string;
  /** The finished sheet, once `end` has resolved; null before. */
  readonly finished: FinishedSheet | null;
  /** Stops writing and waits until the body file is closed, so it can be removed. */
  close(): Promise<void>;
}

export interface SheetWriterOptions {
  readonly name: string;
  /** 0-based position in the workbook; the first sheet is the selected tab. */
  readonly index: number;
  /** Where to stream the body (created; must not exist). */
  readonly bodyPath: string;
  /** The workbook's final path, named in errors. */
  readonly outputPath: string;
}

/** Starts streaming a sheet's body to `options.bodyPath`. */
export function createSheetWriter(options: SheetWriterOptions): SheetWriterHandle {
  return new StreamingSheetWriter(options);
}

class StreamingSheetWriter implements SheetWriterHandle {
  readonly name: string;
  readonly #options: SheetWriterOptions;
  readonly #body: SegmentedBody;
  #failure: XlmergeError | null = null;
  /** The block being filled: rows are rendered straight into it. */
  #block: Buffer;
  /** Copies rows into its own block (the block being filled when `#inCopier`); null without WebAssembly. */
  readonly #copier = RowCopier.create(BLOCK_BYTES);
  #inCopier = false;
  readonly #views = new Views();
  #used = 0;
  #blockRows = 0;
  #rowCount = 0;
  #ending = false;
  #finished: FinishedSheet | null = null;

  constructor(options: SheetWriterOptions) {
    this.name = options.name;
    this.#options = options;
    this.#body = new SegmentedBody(options.bodyPath);
    this.#block = this.#newBlock();
  }

  get rowCount(): number {
    return this.#rowCount;
  }

  get finished(): FinishedSheet | null {
    return this.#finished;
  }

  writeRenderedRow(cellsXml: string): void {
    this.#checkRowFits();
    const number = String(this.#rowCount + 2);
    const xml = `<row r="${number}">${cellsXml.replaceAll(ROW_NUMBER_PLACEHOLDER, number)}</row>`;
    this.#reserve(xml.length * 3);
    this.#used += this.#block.write(xml, this.#used);
    this.#rowWritten();
  }

  writeRenderedBytes(source: Buffer, start: number, end: number, prefix?: Buffer): void {
    this.#checkRowFits();
    const length = end - start + (prefix === undefined ? 0 : prefix.length);
    // Each placeholder stands in a cell of at least 20 bytes (`<c r="A\0" t="b"><v>1</v></c>`)
    // and grows by at most 6 digits, so a third more is always room enough; reserving for the
    // worst case of every byte made long rows end the block one row at a time.
    this.#reserve(length + Math.ceil(length / 3) + 32);
    const copier = this.#copier;
    if (this.#inCopier && prefix === undefined && copier?.stage(source) === true) {
      this.#block = copier.block; // renewed if staging grew the copier's memory
      this.#used = copier.copyRow(start, end, this.#used, this.#rowCount + 2);
      this.#rowWritten();
      return;
    }
    const out = this.#block;
    const outView = this.#views.of(out);
    let at = copyBytes(ROW_OPEN, out, this.#used);
    const digitsAt = at;
    at = writeDigits(this.#rowCount + 2, out, at);
    const digitsEnd = at;
    at = copyBytes(ROW_OPEN_END, out, at);
    if (prefix !== undefined) {
      const view = this.#views.of(prefix);
      at = copyReplacing(view, 0, prefix.length, outView, at, digitsAt, digitsEnd);
    }
    at = copyReplacing(this.#views.of(source), start, end, outView, at, digitsAt, digitsEnd);
    at = copyBytes(ROW_CLOSE, out, at);
    this.#used = at;
    this.#rowWritten();
  }

  writeRow(cells: readonly CellValue[], styles?: readonly number[] | null): void {
    this.writeRenderedRow(renderRowCells(cells, undefined, styles));
  }

  startSegment(keep?: (segment: CompressedSegment) => void): void {
    this.#checkWritable();
    this.#endBlock();
    this.#body.startSegment(keep);
  }

  appendSegment(segment: CompressedSegment): void {
    this.#checkWritable();
    if (this.#rowCount + segment.rows > MAX_DATA_ROWS) throw this.#sheetFull();
    this.#endBlock();
    this.#body.appendSegment(segment);
    this.#rowCount += segment.rows;
  }

  async drain(): Promise<void> {
    this.#checkWritable();
    await this.#body.waitForRoom().catch((error: unknown) => {
      throw this.#failed(error);
    });
  }

  async end(header: SheetHeader): Promise<void> {
    this.#checkWritable();
    const columnCount = header.columns.length;
    if (columnCount > MAX_COLUMNS) columnLetters(columnCount - 1); // throws TOO_MANY_COLUMNS
    const headerCells = renderHeaderCells(header.columns);
    this.#ending = true;
    const lastRow = this.#rowCount + 1;
    const lastColumn = columnLetters(Math.max(columnCount, 1) - 1);
    const range = columnCount === 0 && lastRow === 1 ? 'A1' : `A1:${lastColumn}${lastRow}`;
    const filterRange = columnCount === 0 ? null : `$A$1:$${lastColumn}$${lastRow}`;

    const suffix = `</sheetData>${filterRange === null ? '' : `<autoFilter ref="${range}"/>`}${PAGE_MARGINS}</worksheet>`;
    this.#endBlock();
    const body = await this.#body.finish(Buffer.from(suffix, 'utf8')).catch((error: unknown) => {
      throw this.#failed(error);
    });

    const prefixXml =
      WORKSHEET_START +
      `<dimension ref="${range}"/>` +
      renderSheetViews(this.#options.index === 0) +
      '<sheetFormatPr defaultRowHeight="15"/>' +
      renderColumns(header) +
      '<sheetData>' +
      (columnCount === 0 ? '' : `<row r="1">${headerCells}</row>`);
    const prefixBytes = Buffer.from(prefixXml, 'utf8');
    this.#finished = {
      name: this.name,
      prefix: deflatePrefix(prefixBytes),
      bodyPath: this.#options.bodyPath,
      bodyCompressedSize: body.compressedLength,
      crc32: crc32Combine(computeCrc32(prefixBytes), body.crc32, body.uncompressedLength),
      uncompressedSize: prefixBytes.length + body.uncompressedLength,
      filterRange,
    };
  }

  async close(): Promise<void> {
    await this.#body.close();
  }

  /** The error writing failed with, as `WRITE_FAILED` naming the output and the sheet. */
  #failed(error: unknown): XlmergeError {
    this.#failure ??= toWriteFailed(error, this.#options.outputPath, { sheet: this.name });
    return this.#failure;
  }

  #checkWritable(): void {
    const failure = this.#body.failure;
    if (failure !== null) throw this.#failed(failure.error);
    if (this.#ending) {
      throw new XlmergeError(ErrorCode.Internal, `Sheet "${this.name}" has already been ended`);
    }
  }

  #checkRowFits(): void {
    this.#checkWritable();
    if (this.#rowCount >= MAX_DATA_ROWS) throw this.#sheetFull();
  }

  #sheetFull(): XlmergeError {
    return new XlmergeError(
      ErrorCode.TooManyRows,
      `The sheet is full: Excel allows ${MAX_DATA_ROWS.toLocaleString('en-US')} data rows below the header`,
      { sheet: this.name, file: this.#options.outputPath },
    );
  }

  #rowWritten(): void {
    this.#rowCount++;
    this.#blockRows++;
  }

  /**
   * Makes room for `bytes` more bytes in the block, ending it first if they do not fit. Where a
   * block ends depends only on the rows since the segment's start, so a segment always
   * compresses to the same bytes.
   */
  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#block.length) return;
    this.#endBlock();
    if (bytes > this.#block.length) {
      this.#block = Buffer.allocUnsafe(bytes);
      this.#inCopier = false;
    }
  }

  /** Hands the block's rows to the body, and starts an empty block of the usual size. */
  #endBlock(): void {
    if (this.#used > 0) {
      let rows = this.#block.subarray(0, this.#used);
      // The body compresses the block in the background: the copier's is refilled at once.
      if (this.#inCopier) {
        const copy = this.#body.takeBlock();
        rows.copy(copy);
        rows = copy.subarray(0, this.#used);
      }
      this.#body.addBlock(rows, this.#blockRows);
    } else if (this.#block.length === BLOCK_BYTES) {
      return;
    }
    this.#block = this.#newBlock();
    this.#used = 0;
    this.#blockRows = 0;
  }

  /** An empty block of BLOCK_BYTES: the copier's, or one the body has done with. */
  #newBlock(): Buffer {
    this.#inCopier = this.#copier !== null;
    return this.#copier?.block ?? this.#body.takeBlock();
  }
}

/** Copies all of `bytes` (a few bytes: a plain loop beats a native call) to `out` at `at`. */
function copyBytes(bytes: Uint8Array, out: Buffer, at: number): number {
  let p = at;
  for (let i = 0; i < bytes.length; i++) out[p++] = bytes[i] as number;
  return p;
}

/**
 * Copies `source[start, end)` to `out` at `at`, writing the row number (`out[digitsAt,
 * digitsEnd)`, already written) in place of each 0 byte. Returns the new end of `out`.
 * Four bytes at a time, as long as none of them is 0 (a cell's placeholder comes about every
 * 45 bytes): about twice as fast as finding each placeholder with `Buffer.indexOf` and copying
 * the bytes before it, which was the main thread's largest cost.
 */
function copyReplacing(
  source: DataView,
  start: number,
  end: number,
  out: DataView,
  at: number,
  digitsAt: number,
  digitsEnd: number,
): number {
  let p = at;
  let i = start;
  const lastWord = end - 4;
  while (i <= lastWord) {
    const word = source.getUint32(i, true);
    // Whether any of the word's bytes is 0 (the classic bit trick, on 32-bit integers).
    if (((word - 0x01010101) & ~word & 0x80808080) === 0) {
      out.setUint32(p, word, true);
      p += 4;
      i += 4;
    } else {
      p = copyByte(source, i, out, p, digitsAt, digitsEnd);
      i += 1;
    }
  }
  for (; i < end; i++) p = copyByte(source, i, out, p, digitsAt, digitsEnd);
  return p;
}

/** Copies `source[i]` to `out` at `p`, or the row number for a 0; returns the new end. */
function copyByte(
  source: DataView,
  i: number,
  out: DataView,
  p: number,
  digitsAt: number,
  digitsEnd: number,
): number {
  const byte = source.getUint8(i);
  if (byte !== 0) {
    out.setUint8(p, byte);
    return p + 1;
  }
  let q = p;
  for (let d = digitsAt; d < digitsEnd; d++) out.setUint8(q++, out.getUint8(d));
  return q;
}

/**
 * DataViews of the buffers rows are copied from and to, made once per buffer rather than per
 * row: a worker's rows arrive in one buffer per sheet, and the block fills for a megabyte.
 */
class Views {
  #buffers: Uint8Array[] = [];
  #views: DataView[] = [];

  /** A view whose offset 0 is `bytes[0]`. */
  of(bytes: Uint8Array): DataView {
    const found = this.#buffers.indexOf(bytes);
    if (found >= 0) return this.#views[found] as DataView;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // The block, a source and a prefix are in use at a time; the oldest goes first.
    if (this.#buffers.length === 3) {
      this.#buffers.shift();
      this.#views.shift();
    }
    this.#buffers.push(bytes);
    this.#views.push(view);
    return view;
  }
}

function renderHeaderCells(columns: readonly string[]): string {
  let xml = '';
  columns.forEach((name, index) => {
    if (name === '') return;
    const letters = columnLetters(index);
    if (name.length > MAX_CELL_TEXT) {
      throw new XlmergeError(
        ErrorCode.CellTooLong,
        `A header name has ${name.length.toLocaleString('en-US')} characters; Excel allows at most ${MAX_CELL_TEXT.toLocaleString('en-US')}`,
        { column: letters, row: 1 },
      );
    }
    const first = name.charCodeAt(0);
    const last = name.charCodeAt(name.length - 1);
    const space = isXmlSpace(first) || isXmlSpace(last) ? ' xml:space="preserve"' : '';
    xml += `<c r="${letters}1" s="${StyleId.Header}" t="inlineStr"><is><t${space}>${escapeXmlText(name)}</t></is></c>`;
  });
  return xml;
}

function renderSheetViews(selected: boolean): string {
  return (
    '<sheetViews>' +
    `<sheetView ${selected ? 'tabSelected="1" ' : ''}workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
    '</sheetView></sheetViews>'
  );
}

function renderColumns(header: SheetHeader): string {
  if (header.columns.length === 0) return '';
  let xml = '<cols>';
  header.columns.forEach((name, index) => {
    const width = columnWidth(header.widths?.[index], name);
    xml += `<col min="${index + 1}" max="${index + 1}" width="${width}" customWidth="1"/>`;
  });
  return `${xml}</cols>`;
}

/** The `<col width>` for a column: its width in characters, clamped, plus the filter button. */
export function columnWidth(wanted: number | undefined, name: string): number {
  const characters =
    wanted !== undefined && Number.isFinite(wanted) ? Math.ceil(wanted) : name.length;
  return Math.min(Math.max(characters, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH) + FILTER_BUTTON_WIDTH;
}
