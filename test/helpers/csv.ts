/**
 * A strict RFC 4180 reader for checking xlmerge's CSV output in tests: comma-delimited,
 * CRLF record ends (a bare CR or LF is only allowed inside quotes), `"` quoting with doubled
 * inner quotes, an optional UTF-8 byte order mark. Throws on anything else, so a malformed
 * file fails the test instead of being read leniently.
 */

/** The records of `text` (without the BOM), each a list of fields. */
export function parseCsv(text: string): string[][] {
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
      if (next !== undefined && next !== ',' && next !== '\r') {
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
    } else if (char === '\r') {
      if (body[i + 1] !== '\n') throw new Error(`A CR without LF in record ${records.length + 1}`);
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      atFieldStart = true;
      i += 2;
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
    throw new Error('The last record does not end with CRLF');
  }
  return records;
}
