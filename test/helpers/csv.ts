/** Writing CSV text and cutting it into chunks, for the CSV reader's tests. */

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
