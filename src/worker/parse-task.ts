import type { Settings } from '../options.js';
import type { InputFile } from '../scan/scan-inputs.js';
import type { ParseTask, RenderMode } from './protocol.js';

/**
 * The task that parses `file` for a run with `settings`, its rows handed over as `render`
 * says: the one place that decides what a worker is told (and so what the parse cache keys).
 */
export function parseTaskFor(file: InputFile, settings: Settings, render: RenderMode): ParseTask {
  return {
    file: file.path,
    display: file.display,
    sheet: settings.sheet,
    headerRow: settings.headerRow,
    headers: { rename: settings.rename, match: settings.matchHeaders },
    columns: settings.columns,
    csvDelimiter: settings.csvDelimiter,
    csvTypes: settings.csvTypes,
    keyColumns: settings.keyColumns,
    key: settings.key,
    keep: settings.keep,
    render,
    columnOffset: render === 'xlsx' && settings.sourceColumn ? 1 : 0,
    limits: settings.limits,
    truncateLong: settings.truncateLong,
    sheetLimits: settings.outputFormat === 'xlsx',
    reportDuplicates: (render === 'xlsx' || render === 'csv') && settings.duplicatesReport !== null,
    outputStyles: null,
  };
}
