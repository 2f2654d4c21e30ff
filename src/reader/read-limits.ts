/**
 * The caps every reader keeps to: what one file, one part and one run may make it hold or
 * inflate. Options `limits.*`; each default is written once, here.
 */
/** Caps that protect a worker against decompression bombs and absurd parts. */
export interface ReadLimits {
  /** Most inflated bytes one zip entry may produce. @default 4 GiB */
  readonly maxEntryBytes: number;
  /** Most inflated bytes all the entries read from one file may produce. @default 16 GiB */
  readonly maxFileBytes: number;
  /**
   * Most inflated bytes all the files of one run may produce together. Checked as each file
   * is done (a single file is held to maxFileBytes as it streams). @default 1 TiB
   */
  readonly maxRunBytes: number;
  /**
   * Longest single XML element (such as one row, or one shared string) held in memory; in an
   * .xlsb, the longest record, in bytes. @default 256 MiB (chars)
   */
  readonly maxElementChars: number;
  /**
   * Most strings in a workbook's shared strings table. Each costs memory however short it is
   * (`<si/>`, 5 bytes of XML, is 8 bytes of the table, and 24 in the row engine's), and a few
   * hundred KB of zip inflate to tens of millions of them. @default 2^24 (16,777,216)
   */
  readonly maxSharedStrings: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = Object.freeze({
  maxEntryBytes: 4 * 1024 ** 3,
  maxFileBytes: 16 * 1024 ** 3,
  maxRunBytes: 1024 ** 4,
  maxElementChars: 256 * 1024 ** 2,
  maxSharedStrings: 2 ** 24,
});

/** The limits given, each missing one taking its default from {@link DEFAULT_READ_LIMITS}; frozen. */
export function normalizeLimits(limits: Partial<ReadLimits> | undefined): ReadLimits {
  const result: { -readonly [K in keyof ReadLimits]: number } = { ...DEFAULT_READ_LIMITS };
  if (limits !== undefined) {
    for (const key of Object.keys(result) as (keyof ReadLimits)[]) {
      const value = limits[key];
      if (value !== undefined) result[key] = value;
    }
  }
  return Object.freeze(result);
}
