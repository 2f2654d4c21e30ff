import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { constants, createDeflateRaw, type DeflateRaw, deflateRawSync } from 'node:zlib';
import type { CellValue } from '../../core/cell.js';
import { ErrorCode, XlmergeError } from '../../errors.js';
import { computeCrc32, crc32Combine } from '../zip/crc32.js';
import {
  columnLetters,
  escapeXmlText,
  isXmlSpace,
  MAX_CELL_TEXT,
  MAX_COLUMNS,
  ROW_NUMBER_PLACEHOLDER,
  renderRowCells,
} from './cell-xml.js';
import { StyleId } from './styles.js';
import { toWriteFailed } from './write-failed.js';

/** Data rows a sheet can hold: Excel's 1,048,576 rows less the header row. */
export const MAX_DATA_ROWS = 1_048_575;

/** Column widths, in characters, when not given or out of range. */
export const MIN_COLUMN_WIDTH = 8;
export const MAX_COLUMN_WIDTH = 60;
/** Extra width for the autofilter drop-down button, which covers the header's last characters. */
const FILTER_BUTTON_WIDTH = 2;

/** Bytes gathered before one write to the compressor: few large writes beat many small ones. */
const BATCH_BYTES = 256 * 1024;
const ROW_OPEN = new Uint8Array(Buffer.from('<row r="'));
const ROW_OPEN_END = new Uint8Array(Buffer.from('">'));
const ROW_CLOSE = new Uint8Array(Buffer.from('</row>'));
/** Level 1: the output is rewritten by users anyway; speed matters more than a few percent. */
const DEFLATE_LEVEL = 1;

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

/** Writes one worksheet, streaming its data rows to a compressed temporary file. */
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
  writeRow(cells: readonly CellValue[]): void;
  /**
   * Resolves when the buffered rows have been accepted by the compressor (back-pressure; call
   * it every few thousand rows). Rejects with `WRITE_FAILED` if writing the sheet failed.
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
  /** The temporary file holding the body's deflate stream. */
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
  readonly #deflate: DeflateRaw;
  readonly #file: WriteStream;
  /** Settles when the body file is complete and closed; never rejects (see #failure). */
  readonly #settled: Promise<void>;
  #failure: XlmergeError | null = null;
  #out = Buffer.allocUnsafe(BATCH_BYTES);
  #used = 0;
  #bodyCrc = 0;
  #bodyLength = 0;
  #rowCount = 0;
  #ending = false;
  #finished: FinishedSheet | null = null;

  constructor(options: SheetWriterOptions) {
    this.name = options.name;
    this.#options = options;
    this.#deflate = createDeflateRaw({ level: DEFLATE_LEVEL });
    this.#file = createWriteStream(options.bodyPath, { flags: 'wx' });
    this.#settled = pipeline(this.#deflate, this.#file).then(
      () => {},
      async (error: unknown) => {
        this.#failure ??= toWriteFailed(error, options.outputPath, { sheet: options.name });
        // Leave nothing behind even if the caller never aborts.
        await waitUntilClosed(this.#file);
        await rm(options.bodyPath, { force: true }).catch(() => {});
      },
    );
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
    this.#used += this.#out.write(xml, this.#used);
    this.#rowCount++;
    if (this.#used >= BATCH_BYTES) this.#flush();
  }

  writeRenderedBytes(source: Buffer, start: number, end: number, prefix?: Buffer): void {
    this.#checkRowFits();
    const length = end - start + (prefix === undefined ? 0 : prefix.length);
    // Each placeholder stands in a cell of at least 20 bytes (`<c r="A\0" t="b"><v>1</v></c>`)
    // and grows by at most 6 digits, so a third more is always room enough; reserving for the
    // worst case of every byte made long rows flush the batch one row at a time.
    this.#reserve(length + Math.ceil(length / 3) + 32);
    const out = this.#out;
    let at = copyBytes(ROW_OPEN, out, this.#used);
    const digitsAt = at;
    at = writeDigits(this.#rowCount + 2, out, at);
    const digitsEnd = at;
    at = copyBytes(ROW_OPEN_END, out, at);
    if (prefix !== undefined)
      at = copyReplacing(prefix, 0, prefix.length, out, at, digitsAt, digitsEnd);
    at = copyReplacing(source, start, end, out, at, digitsAt, digitsEnd);
    at = copyBytes(ROW_CLOSE, out, at);
    this.#used = at;
    this.#rowCount++;
    if (at >= BATCH_BYTES) this.#flush();
  }

  writeRow(cells: readonly CellValue[]): void {
    this.writeRenderedRow(renderRowCells(cells));
  }

  async drain(): Promise<void> {
    this.#checkWritable();
    this.#flush();
    if (this.#deflate.writableNeedDrain && !this.#deflate.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#deflate.off('drain', done);
          this.#deflate.off('close', done);
          resolve();
        };
        this.#deflate.on('drain', done);
        this.#deflate.on('close', done);
      });
    }
    if (this.#deflate.destroyed) await this.#settled;
    this.#throwIfFailed();
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
    this.#reserve(suffix.length * 3);
    this.#used += this.#out.write(suffix, this.#used);
    this.#flush();
    this.#deflate.end();
    await this.#settled;
    this.#throwIfFailed();

    const prefixXml =
      WORKSHEET_START +
      `<dimension ref="${range}"/>` +
      renderSheetViews(this.#options.index === 0) +
      '<sheetFormatPr defaultRowHeight="15"/>' +
      renderColumns(header) +
      '<sheetData>' +
      (columnCount === 0 ? '' : `<row r="1">${headerCells}</row>`);
    const prefixBytes = Buffer.from(prefixXml, 'utf8');
    // A sync flush ends on a byte boundary without a final block, so the body's own deflate
    // stream can be appended to make one valid stream.
    const prefix = deflateRawSync(prefixBytes, {
      level: DEFLATE_LEVEL,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    this.#finished = {
      name: this.name,
      prefix,
      bodyPath: this.#options.bodyPath,
      bodyCompressedSize: this.#file.bytesWritten,
      crc32: crc32Combine(computeCrc32(prefixBytes), this.#bodyCrc, this.#bodyLength),
      uncompressedSize: prefixBytes.length + this.#bodyLength,
      filterRange,
    };
  }

  async close(): Promise<void> {
    if (!this.#deflate.destroyed) this.#deflate.destroy();
    if (!this.#file.destroyed) this.#file.destroy();
    await this.#settled;
    await waitUntilClosed(this.#file);
  }

  #checkWritable(): void {
    this.#throwIfFailed();
    if (this.#ending) {
      throw new XlmergeError(ErrorCode.Internal, `Sheet "${this.name}" has already been ended`);
    }
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  #checkRowFits(): void {
    this.#checkWritable();
    if (this.#rowCount >= MAX_DATA_ROWS) {
      throw new XlmergeError(
        ErrorCode.TooManyRows,
        `The sheet is full: Excel allows ${MAX_DATA_ROWS.toLocaleString('en-US')} data rows below the header`,
        { sheet: this.name, file: this.#options.outputPath },
      );
    }
  }

  /** Makes room for `bytes` more bytes in the batch, flushing it first if needed. */
  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#out.length) return;
    this.#flush();
    if (bytes > this.#out.length) this.#out = Buffer.allocUnsafe(bytes);
  }

  #flush(): void {
    if (this.#used === 0) return;
    const bytes = this.#out.subarray(0, this.#used);
    // The compressor keeps a reference to what it is given, so the next batch gets a new buffer.
    this.#out = Buffer.allocUnsafe(BATCH_BYTES);
    this.#used = 0;
    this.#bodyCrc = computeCrc32(bytes, this.#bodyCrc);
    this.#bodyLength += bytes.length;
    this.#deflate.write(bytes);
  }
}

/** Copies all of `bytes` (a few bytes: a plain loop beats a native call) to `out` at `at`. */
function copyBytes(bytes: Uint8Array, out: Buffer, at: number): number {
  let p = at;
  for (let i = 0; i < bytes.length; i++) out[p++] = bytes[i] as number;
  return p;
}

/** Writes the decimal digits of a positive whole number to `out` at `at`. */
function writeDigits(value: number, out: Buffer, at: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/**
 * Copies `source[start, end)` to `out` at `at`, writing the row number (`out[digitsAt,
 * digitsEnd)`, already written) in place of each 0 byte. Returns the new end of `out`.
 * `Buffer.indexOf` finds the placeholders (memchr) and a plain loop copies the short runs
 * between them: about twice as fast as testing every byte, and faster than a native copy per
 * run, whose call costs more than the few dozen bytes it moves.
 */
function copyReplacing(
  source: Buffer,
  start: number,
  end: number,
  out: Buffer,
  at: number,
  digitsAt: number,
  digitsEnd: number,
): number {
  let p = at;
  let from = start;
  while (from < end) {
    let zero = source.indexOf(0, from);
    if (zero === -1 || zero > end) zero = end;
    for (let i = from; i < zero; i++) out[p++] = source[i] as number;
    if (zero < end) {
      for (let d = digitsAt; d < digitsEnd; d++) out[p++] = out[d] as number;
    }
    from = zero + 1;
  }
  return p;
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

async function waitUntilClosed(file: WriteStream): Promise<void> {
  if (file.closed) return;
  await new Promise<void>((resolve) => file.once('close', resolve));
}
