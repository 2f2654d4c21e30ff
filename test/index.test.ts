/** The public entry: what `import … from 'xlmerge'` offers, and its types. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  CacheSummary,
  CellValue,
  CsvEncoding,
  CsvFacts,
  FileSummary,
  InspectReport,
  MergedRow,
  MergeOptions,
  MergeSummary,
  Progress,
} from '../dist/index.js';
import * as xlmerge from '../dist/index.js';

describe('public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(xlmerge).sort()).toEqual([
      'DEFAULT_READ_LIMITS',
      'ErrorCode',
      'XlmergeError',
      'dateCellToDate',
      'inspect',
      'isDateCell',
      'isErrorCell',
      'merge',
      'mergeRows',
    ]);
  });

  it('has the documented types', () => {
    expectTypeOf(xlmerge.merge).parameter(0).toEqualTypeOf<MergeOptions>();
    expectTypeOf(xlmerge.merge).returns.toEqualTypeOf<Promise<MergeSummary>>();
    expectTypeOf(xlmerge.inspect).parameter(0).toEqualTypeOf<MergeOptions>();
    expectTypeOf(xlmerge.inspect).returns.toEqualTypeOf<Promise<InspectReport>>();
    expectTypeOf(xlmerge.mergeRows).returns.toEqualTypeOf<
      AsyncGenerator<MergedRow, MergeSummary>
    >();
    expectTypeOf<MergeOptions['keep']>().toEqualTypeOf<'first' | 'last' | 'none' | undefined>();
    expectTypeOf<MergeOptions['onProgress']>().toEqualTypeOf<
      ((progress: Progress) => void) | undefined
    >();
    expectTypeOf<MergeOptions['cache']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<MergeSummary['cache']>().toEqualTypeOf<CacheSummary | null>();
    expectTypeOf<CacheSummary>().toEqualTypeOf<{
      readonly folder: string;
      readonly hits: number;
      readonly misses: number;
      readonly rebuilt: number;
      readonly segmentsReused: number;
    }>();
    expectTypeOf<FileSummary['cached']>().toEqualTypeOf<boolean>();
    expectTypeOf<MergedRow['values']>().toEqualTypeOf<Readonly<Record<string, CellValue>>>();
    expectTypeOf<xlmerge.XlmergeError['code']>().toEqualTypeOf<xlmerge.ErrorCode>();
    expectTypeOf<MergeOptions['csvDelimiter']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<MergeOptions['csvTypes']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<CsvFacts['encoding']>().toEqualTypeOf<CsvEncoding>();
    expectTypeOf<CsvFacts['sepLine']>().toEqualTypeOf<boolean>();
    expectTypeOf<CsvEncoding>().toEqualTypeOf<'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'>();
    expectTypeOf<InspectReport['files'][number]['csv']>().toEqualTypeOf<CsvFacts | undefined>();
  });

  it('turns a date cell into a Date', () => {
    expect(xlmerge.dateCellToDate({ kind: 'date', serial: 45352.4375 }).toISOString()).toBe(
      '2024-03-01T10:30:00.000Z',
    );
    expect(xlmerge.dateCellToDate({ kind: 'date', serial: 1 }).toISOString()).toBe(
      '1900-01-01T00:00:00.000Z',
    );
  });
});
