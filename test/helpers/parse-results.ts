/** Parse tasks and results built by hand, for tests of what consumes them (the cache). */
import { packKeys } from '../../src/core/packed-keys.js';
import { DEFAULT_READ_LIMITS } from '../../src/reader/read-limits.js';
import type { FileResult, ParseTask } from '../../src/worker/protocol.js';

/** A task with every option at its default, rendering XLSX, keyed on `id`. */
export function sampleTask(overrides: Partial<ParseTask> = {}): ParseTask {
  return {
    file: '/data/in/a.xlsx',
    display: 'in/a.xlsx',
    sheet: { kind: 'first' },
    headerRow: null,
    headers: { rename: {}, match: 'exact' },
    columns: null,
    keyColumns: ['id'],
    key: { ignoreCase: false, trim: false, keysAsText: false },
    keep: 'first',
    render: 'xlsx',
    columnOffset: 0,
    outputStyles: null,
    limits: DEFAULT_READ_LIMITS,
    truncateLong: false,
    sheetLimits: true,
    reportDuplicates: false,
    csvDelimiter: null,
    csvTypes: false,
    ...overrides,
  };
}

const encoder = new TextEncoder();

/**
 * A result of two sheets holding what a result can hold: rendered rows (with a multi-byte
 * character), cell values with date and error cells, a null key, rows dropped in the file.
 * `render` and `reportDuplicates` shape it as a task with those options would.
 */
export function sampleResult(
  options: Pick<ParseTask, 'render' | 'reportDuplicates'> = {
    render: 'xlsx',
    reportDuplicates: true,
  },
): FileResult {
  const { render, reportDuplicates } = options;
  const rows = ['<c r="A\0"><v>1</v></c>', '<c r="A\0" t="inlineStr"><is><t>Zoë</t></is></c>'];
  const bytes = encoder.encode(rows.join(''));
  const first = encoder.encode(rows[0] as string).length;
  const csvRows = ['1,2024-03-01 10:30:00', '"Zoë",#N/A'];
  const csvBytes = encoder.encode(csvRows.join(''));
  const csvFirst = encoder.encode(csvRows[0] as string).length;
  const withValues = render === 'values' || reportDuplicates;
  return {
    format: 'xlsx',
    hiddenSheets: ['Lookup'],
    renamesUsed: [],
    sheets: [
      {
        name: 'Orders',
        index: 0,
        headerRow: 3,
        titleLines: [1],
        columns: [
          { source: 0, name: 'id' },
          { source: 1, name: 'when' },
        ],
        otherColumns: [],
        placed: false,
        rowsRead: 3,
        keys: packKeys(['n:1', null]),
        rowNumbers: [2, 4],
        xml: render === 'xlsx' ? { bytes, ends: Uint32Array.of(first, bytes.length) } : null,
        csv:
          render === 'csv'
            ? { bytes: csvBytes, ends: Uint32Array.of(csvFirst, csvBytes.length), fields: 2 }
            : null,
        values: withValues
          ? [
              [1, { kind: 'date', serial: 45352.4375 }],
              ['Zoë', { kind: 'error', code: '#N/A' }, -0, true, null],
            ]
          : null,
        dropped: reportDuplicates
          ? {
              keys: ['n:1'],
              rowNumbers: [3],
              values: [[1, { kind: 'date', serial: 1, elapsed: true }]],
            }
          : null,
        widths: [2, 17],
      },
      {
        name: 'Empty',
        index: 2,
        headerRow: 1,
        titleLines: [],
        columns: [{ source: 0, name: 'id' }],
        otherColumns: ['spare'],
        placed: true,
        rowsRead: 0,
        keys: packKeys([]),
        rowNumbers: [],
        xml: render === 'xlsx' ? { bytes: new Uint8Array(0), ends: new Uint32Array(0) } : null,
        csv:
          render === 'csv'
            ? { bytes: new Uint8Array(0), ends: new Uint32Array(0), fields: 1 }
            : null,
        values: withValues ? [] : null,
        dropped: reportDuplicates ? { keys: [], rowNumbers: [], values: [] } : null,
        widths: [2],
      },
    ],
    rowsRead: 3,
    blankRows: 1,
    duplicatesInFile: 1,
    repeatedKeys: [],
    formulasWithoutValue: 2,
    cellsWithoutFormat: 0,
    truncatedCells: 0,
    inflatedBytes: 12_345,
  };
}
