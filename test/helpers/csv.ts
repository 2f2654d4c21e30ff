/**
 * CSV in tests: a strict RFC 4180 reader for checking xlmerge's CSV output, and a writer and
 * chunk cutters for the CSV reader's tests.
 */

/** How {@link parseCsv} expects records to end. */
export interface CsvReading {
  /**
   * What ends every record, the last one included. LibreOffice writes LF, not RFC 4180's CRLF;
   * the other line end is then only allowed inside quotes.
   * @default '\r\n'
   */
  readonly lineEnd?: '\r\n' | '\n';
}

/**
 * A strict RFC 4180 reader: comma-delimited, CRLF record ends (a bare CR or LF is only allowed
 * inside quotes; `reading.lineEnd` may ask for LF instead), `"` quoting with doubled inner
 * quotes, an optional UTF-8 byte order mark. Throws on anything else, so a malformed file fails
 * the test instead of being read leniently.
 *
 * Returns the records of `text` (without the BOM), each a list of fields.
 */
export function parseCsv(text: string, reading: CsvReading = {}): string[][] {
  const lineEnd = reading.lineEnd ?? '\r\n';
  const lineEndName = lineEnd === '\n' ? 'LF' : 'CRLF';
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  while (i < body.length) {
    const char = body[i] as string;
    if (atFieldStart && char === '"') {
      // A quoted field runs to the next quote that is not doubled.
      i += 1;
      for (;;) {
        if (i >= body.length) throw new Error(`Unclosed quote in record ${records.length + 1}`);
        if (body[i] === '"') {
          if (body[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += body[i];
        i += 1;
      }
      const next = body[i];
      if (next !== undefined && next !== ',' && next !== lineEnd[0]) {
        throw new Error(`Text after a closing quote in record ${records.length + 1}`);
      }
      atFieldStart = false;
      continue;
    }
    if (char === ',') {
      record.push(field);
      field = '';
      atFieldStart = true;
      i += 1;
    } else if (body.startsWith(lineEnd, i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      atFieldStart = true;
      i += lineEnd.length;
    } else if (char === '\r') {
      const what = lineEnd === '\n' ? 'A CR outside quotes' : 'A CR without LF';
      throw new Error(`${what} in record ${records.length + 1}`);
    } else if (char === '\n') {
      throw new Error(`A bare LF in record ${records.length + 1}`);
    } else if (char === '"') {
      throw new Error(`A quote inside an unquoted field in record ${records.length + 1}`);
    } else {
      field += char;
      atFieldStart = false;
      i += 1;
    }
  }
  if (!atFieldStart || field !== '' || record.length > 0) {
    throw new Error(`The last record does not end with ${lineEndName}`);
  }
  return records;
}

/** How {@link toCsv} writes a table. */
export interface CsvStyle {
  readonly delimiter?: string;
  readonly lineEnd?: string;
  /** Quote every field, not only those that need it. */
  readonly quoteAll?: boolean;
  /** End the last record with a line break too. */
  readonly finalLineEnd?: boolean;
}

/** A table as RFC 4180 CSV: fields quoted when they hold a quote, the delimiter, CR or LF. */
export function toCsv(rows: readonly (readonly string[])[], style: CsvStyle = {}): string {
  const delimiter = style.delimiter ?? ',';
  const lineEnd = style.lineEnd ?? '\r\n';
  const quote = (field: string) =>
    style.quoteAll === true ||
    field.includes('"') ||
    field.includes(delimiter) ||
    field.includes('\r') ||
    field.includes('\n')
      ? `"${field.replaceAll('"', '""')}"`
      : field;
  const text = rows.map((row) => row.map(quote).join(delimiter)).join(lineEnd);
  return style.finalLineEnd === false ? text : text + lineEnd;
}

/** `text` cut at the given lengths, cycling through them (0s are skipped). */
export function cutText(text: string, lengths: readonly number[]): string[] {
  const pieces: string[] = [];
  let at = 0;
  for (let k = 0; at < text.length; k += 1) {
    const length = Math.max(1, lengths[k % lengths.length] ?? 1);
    pieces.push(text.slice(at, at + length));
    at += length;
  }
  return pieces;
}

/** `bytes` cut at the given lengths, cycling through them. */
export function cutBytes(bytes: Uint8Array, lengths: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (let k = 0; at < bytes.length; k += 1) {
    const length = Math.max(1, lengths[k % lengths.length] ?? 1);
    pieces.push(bytes.subarray(at, at + length));
    at += length;
  }
  return pieces;
}
