import { CsvParser, type CsvRecord } from './csv-parser.js';

/** The delimiters detection chooses among, in the order that breaks ties. */
export const CANDIDATE_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/** Records (blank ones not counted) that detection looks at. */
export const SAMPLE_RECORDS = 20;

/**
 * Guesses a CSV file's delimiter from the start of its text. Each candidate (`,` `;` TAB `|`)
 * splits the first {@link SAMPLE_RECORDS} non-blank records as the parser would (quotes
 * respected). A candidate that gives every one of those records the same number of fields,
 * more than one, is consistent; the consistent candidate with the most fields wins. With none
 * consistent, the candidate giving the first record the most fields wins. Ties go to the
 * earlier candidate in the order `,` `;` TAB `|`; with no candidate in the text at all, `,`.
 *
 * `complete` says the sample is the whole file, so its last line counts even without a line
 * break; otherwise an unfinished last record is left out.
 */
export function detectDelimiter(sample: string, complete: boolean): string {
  let best = { delimiter: ',', consistent: false, fields: 1 };
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const counts = fieldCounts(sample, delimiter, complete);
    const first = counts[0] ?? 1;
    const consistent = first > 1 && counts.every((count) => count === first);
    const better =
      consistent === best.consistent ? first > best.fields : consistent && !best.consistent;
    if (better) best = { delimiter, consistent, fields: first };
  }
  return best.delimiter;
}

/** Fields per non-blank record of the sample, split with `delimiter`. */
function fieldCounts(sample: string, delimiter: string, complete: boolean): number[] {
  const parser = new CsvParser({ delimiter, maxRecordChars: Number.MAX_SAFE_INTEGER });
  let records: CsvRecord[] = parser.push(sample);
  if (complete) {
    try {
      records = records.concat(parser.end());
    } catch {
      // An unclosed quote: the records before it are still a fair sample.
    }
  }
  return records
    .filter((record) => record.cells.some((cell) => cell !== null))
    .slice(0, SAMPLE_RECORDS)
    .map((record) => record.cells.length);
}
