import { read } from 'node:fs';
import { promisify } from 'node:util';
import { ErrorCode, XlmergeError } from '../errors.js';

const readAsync = promisify(read);

/** How many leading bytes {@link checkFileSignature} looks at to name what a non-zip file is. */
const HEAD_BYTES = 4096;
const SCAN_CHUNK_BYTES = 1024 * 1024;

/** OLE2 compound file: legacy .xls, and also the wrapper Excel puts around encrypted .xlsx. */
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** The stream name an encrypted OOXML file stores inside its OLE2 wrapper (MS-OFFCRYPTO). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/**
 * Fails with a clear error when the file cannot be an .xlsx: empty, an OLE2 file (an .xls
 * or a password-protected workbook), or anything that is not a zip archive. Reading a zip
 * that is damaged is left to the zip reader.
 */
export async function checkFileSignature(fd: number, size: number, file: string): Promise<void> {
  if (size === 0) {
    throw new XlmergeError(ErrorCode.EmptyFile, 'The file is empty (0 bytes)', {
      file,
      hint: 'It was probably not saved completely; save it again from Excel or remove it from the inputs',
    });
  }
  const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
  await readFully(fd, head, 0);
  if (startsWith(head, OLE2_MAGIC)) {
    if (await containsBytes(fd, size, ENCRYPTED_PACKAGE)) {
      throw new XlmergeError(
        ErrorCode.Encrypted,
        'The workbook is password-protected (encrypted)',
        {
          file,
          hint: 'Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), and save it again',
        },
      );
    }
    // openInput reads compound files as .xls before they get here; this is an .xlsx reader
    // given one directly, or a file whose compound-file signature is damaged.
    throw new XlmergeError(
      ErrorCode.NotZip,
      'The file is not an .xlsx workbook (an .xlsx is a zip archive): it is a compound file (OLE2), such as an Excel 97-2003 .xls workbook',
      {
        file,
        hint: 'Read it as an .xls workbook (openInput chooses the reader by content), or open it in Excel and save it as .xlsx',
      },
    );
  }
  if (head[0] !== 0x50 || head[1] !== 0x4b) {
    throw new XlmergeError(
      ErrorCode.NotZip,
      `The file is not an .xlsx workbook (an .xlsx is a zip archive): it looks like ${describeContent(head)}`,
      {
        file,
        hint: 'If it is a CSV file, give it the .csv extension (xlmerge reads .csv files as CSV); if it is another spreadsheet, open it in Excel and save it as .xlsx (Excel Workbook)',
      },
    );
  }
}

/** A short description of what a non-zip file looks like, from its first bytes. */
export function describeContent(head: Buffer): string {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (head[0] === 0xff && head[1] === 0xfe) text = head.subarray(2).toString('utf16le');
  const trimmed = text.trimStart();
  const lower = trimmed.slice(0, 1024).toLowerCase();
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html') || lower.includes('<html')) {
    return 'an HTML page (some tools export HTML tables with an .xls or .xlsx name)';
  }
  if (lower.startsWith('<?xml') || lower.startsWith('<')) {
    return lower.includes('urn:schemas-microsoft-com:office:spreadsheet') ||
      text.includes('urn:schemas-microsoft-com:office:spreadsheet')
      ? 'an Excel 2003 XML spreadsheet'
      : 'an XML file';
  }
  if (startsWith(head, Buffer.from('%PDF'))) return 'a PDF document';
  if (!isMostlyText(text)) {
    return `binary data (it starts with bytes ${[...head.subarray(0, 4)].map(hex).join(' ')})`;
  }
  const firstLine = trimmed.slice(0, trimmed.search(/\r|\n|$/));
  if (firstLine.includes('\t')) return 'a text file with tab-separated values (TSV)';
  if (firstLine.includes(',') || firstLine.includes(';')) {
    return 'a text file with comma-separated values (CSV)';
  }
  return 'a plain text file';
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function isMostlyText(text: string): boolean {
  if (text.length === 0) return false;
  let control = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if ((char < 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) || char === 0xfffd) {
      control += 1;
    }
  }
  return control / text.length < 0.05;
}

function startsWith(buffer: Buffer, prefix: Buffer): boolean {
  return buffer.length >= prefix.length && buffer.subarray(0, prefix.length).equals(prefix);
}

async function readFully(fd: number, buffer: Buffer, position: number): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await readAsync(
      fd,
      buffer,
      filled,
      buffer.length - filled,
      position + filled,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
}

/** Whether `needle` occurs anywhere in the file, read in chunks that overlap by its length. */
async function containsBytes(fd: number, size: number, needle: Buffer): Promise<boolean> {
  const chunk = Buffer.alloc(Math.min(SCAN_CHUNK_BYTES, size));
  const overlap = needle.length - 1;
  for (let position = 0; position < size; position += chunk.length - overlap) {
    const length = Math.min(chunk.length, size - position);
    const view = chunk.subarray(0, length);
    await readFully(fd, view, position);
    if (view.includes(needle)) return true;
    if (position + length >= size) break;
  }
  return false;
}
