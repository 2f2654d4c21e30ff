import { type FileHandle, open, rm } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { ErrorCode, XlmergeError } from '../../errors.js';
import { type FinishedFile, placeAlone, tempPathBase } from '../../io/temp-files.js';
import { toWriteFailed } from '../../io/write-failed.js';
import { STYLES_XML } from '../../render/cell-styles.js';
import { computeCrc32 } from '../zip/crc32.js';
import { createZipWriter, ZipMethod, type ZipWriter } from '../zip/zip-writer.js';
import {
  APP_PROPERTIES_XML,
  CORE_PROPERTIES_XML,
  ROOT_RELATIONSHIPS_XML,
  renderContentTypes,
  renderWorkbook,
  renderWorkbookRelationships,
  sheetPartName,
} from './package-parts.js';
import { validateSheetName } from './sheet-name.js';
import {
  createSheetWriter,
  type FinishedSheet,
  type SheetWriter,
  type SheetWriterHandle,
} from './sheet-writer.js';

export { toSheetName } from './sheet-name.js';
export type { SheetHeader, SheetWriter } from './sheet-writer.js';

/** Where and how to write a workbook. */
export interface WorkbookWriterOptions {
  /** The final path of the workbook. Replaced on commit if it exists; untouched until then. */
  readonly path: string;
  /**
   * The styles part the cells' `s` attributes index, asked for when the package is assembled
   * (after every row): the fixed styles of {@link STYLES_XML} when not given.
   */
  readonly styles?: () => string;
}

/**
 * Writes an .xlsx workbook whose sheets stream out row by row. Nothing appears at the final path
 * until {@link WorkbookWriter.commit}; all work happens in temporary files beside it.
 */
export interface WorkbookWriter {
  /**
   * Starts a sheet. The name must already be a valid, unique sheet name (see `toSheetName`);
   * otherwise throws `INVALID_OPTION`. Sheets appear in the workbook in the order added. Several
   * may be open at once.
   */
  addSheet(name: string): SheetWriter;
  /**
   * Ends nothing itself: every sheet must have been ended. Assembles the zip to a temp file
   * beside `path` and fsyncs it; returns that file, for the caller to put in place with the
   * run's other files (`placeFiles`), then {@link abort} to remove the body temp files. Throws
   * `WRITE_FAILED` (with the original error as `cause`) when the disk refuses, after removing
   * the temp files.
   */
  finish(): Promise<FinishedFile>;
  /** {@link finish}, then renames over `path` and removes the body temp files. */
  commit(): Promise<void>;
  /**
   * Removes the temp files left: all of them when the workbook is not to be written, the body
   * parts once its finished file was placed. Safe to call twice and after a failed commit.
   */
  abort(): Promise<void>;
}

type State = 'open' | 'finishing' | 'finished' | 'committed' | 'failed' | 'aborted';

/** Starts writing a workbook to `options.path`. Creates nothing until the first sheet. */
export function createWorkbookWriter(options: WorkbookWriterOptions): WorkbookWriter {
  return new StreamingWorkbookWriter(options.path, options.styles ?? (() => STYLES_XML));
}

class StreamingWorkbookWriter implements WorkbookWriter {
  readonly #path: string;
  /** Temp files are `.<name>.<tag>.<part>.tmp` beside the target: hidden, same file system. */
  readonly #tempBase: string;
  readonly #sheets: SheetWriterHandle[] = [];
  #state: State = 'open';
  readonly #styles: () => string;

  constructor(target: string, styles: () => string) {
    this.#path = target;
    this.#styles = styles;
    this.#tempBase = tempPathBase(target);
  }

  addSheet(name: string): SheetWriter {
    this.#checkOpen('addSheet');
    validateSheetName(
      name,
      this.#sheets.map((sheet) => sheet.name),
    );
    const index = this.#sheets.length;
    const sheet = createSheetWriter({
      name,
      index,
      bodyPath: `${this.#tempBase}.sheet${index + 1}.tmp`,
      outputPath: this.#path,
    });
    this.#sheets.push(sheet);
    return sheet;
  }

  async finish(): Promise<FinishedFile> {
    this.#checkOpen('finish');
    if (this.#sheets.length === 0) {
      throw new XlmergeError(ErrorCode.Internal, 'A workbook needs at least one sheet');
    }
    const finished: FinishedSheet[] = [];
    for (const sheet of this.#sheets) {
      if (sheet.finished === null) {
        throw new XlmergeError(
          ErrorCode.Internal,
          `Sheet "${sheet.name}" must be ended before the workbook is committed`,
        );
      }
      finished.push(sheet.finished);
    }
    this.#state = 'finishing';
    const zipPath = `${this.#tempBase}.xlsx.tmp`;
    try {
      await writePackage(zipPath, finished, this.#styles());
    } catch (error) {
      await this.#fail();
      throw toWriteFailed(error, this.#path);
    }
    this.#state = 'finished';
    return { temp: zipPath, target: this.#path };
  }

  async commit(): Promise<void> {
    await placeAlone(await this.finish(), () => this.#fail());
    this.#state = 'committed';
    await this.#removeTempFiles();
  }

  async abort(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.#removeTempFiles();
  }

  async #fail(): Promise<void> {
    this.#state = 'failed';
    await this.#removeTempFiles();
  }

  async #removeTempFiles(): Promise<void> {
    await Promise.all(this.#sheets.map((sheet) => sheet.close()));
    const files = [
      ...this.#sheets.map((_, index) => `${this.#tempBase}.sheet${index + 1}.tmp`),
      `${this.#tempBase}.xlsx.tmp`,
    ];
    await Promise.all(files.map((file) => rm(file, { force: true }).catch(() => {})));
  }

  #checkOpen(action: string): void {
    if (this.#state !== 'open') {
      throw new XlmergeError(
        ErrorCode.Internal,
        `Cannot ${action}: the workbook writer is already ${this.#state}`,
      );
    }
  }
}

/** Writes the whole .xlsx package to `zipPath` and syncs it to disk. */
async function writePackage(
  zipPath: string,
  sheets: readonly FinishedSheet[],
  styles: string,
): Promise<void> {
  const handle = await open(zipPath, 'wx');
  try {
    const zip = createZipWriter(handle);
    await addXmlEntry(zip, '[Content_Types].xml', renderContentTypes(sheets.length));
    await addXmlEntry(zip, '_rels/.rels', ROOT_RELATIONSHIPS_XML);
    await addXmlEntry(zip, 'docProps/app.xml', APP_PROPERTIES_XML);
    await addXmlEntry(zip, 'docProps/core.xml', CORE_PROPERTIES_XML);
    await addXmlEntry(zip, 'xl/workbook.xml', renderWorkbook(sheets));
    await addXmlEntry(
      zip,
      'xl/_rels/workbook.xml.rels',
      renderWorkbookRelationships(sheets.length),
    );
    await addXmlEntry(zip, 'xl/styles.xml', styles);
    for (const [index, sheet] of sheets.entries()) {
      await zip.addEntry(
        {
          name: sheetPartName(index),
          method: ZipMethod.Deflate,
          crc32: sheet.crc32,
          compressedSize: sheet.prefix.length + sheet.bodyCompressedSize,
          uncompressedSize: sheet.uncompressedSize,
        },
        [sheet.prefix, { path: sheet.bodyPath }],
      );
    }
    await zip.finish();
    await handle.sync();
  } finally {
    await closeQuietly(handle);
  }
}

async function addXmlEntry(zip: ZipWriter, name: string, xml: string): Promise<void> {
  const data = Buffer.from(xml, 'utf8');
  const stored = deflateRawSync(data);
  await zip.addEntry(
    {
      name,
      method: ZipMethod.Deflate,
      crc32: computeCrc32(data),
      compressedSize: stored.length,
      uncompressedSize: data.length,
    },
    [stored],
  );
}

async function closeQuietly(handle: FileHandle): Promise<void> {
  await handle.close().catch(() => {});
}
