import { openInput } from '../input/open-input.js';
import { selectSheets } from '../input/select-sheets.js';
import { readSheetWithEngine } from '../xlsx/read/row-engine/read-with-engine.js';
import { FileRows } from './file-rows.js';
import type { ParseThread } from './parse-thread.js';
import type { FileResult, ParseTask } from './protocol.js';
import { SheetRows } from './sheet-rows.js';

/**
 * Reads one workbook and drops the duplicates inside it. Runs in a worker thread, but is a
 * plain async function so tests can call it directly.
 *
 * Rows stream: each is keyed and, for `keep: 'first'`, kept or dropped on sight, then rendered
 * straight to output bytes; only the rendered survivors are held, never the parsed rows.
 */
export async function parseFile(
  task: ParseTask,
  thread: ParseThread,
  signal?: AbortSignal,
): Promise<FileResult> {
  const reader = await openInput(task.file, {
    displayPath: task.display,
    limits: task.limits,
    csvDelimiter: task.csvDelimiter,
    csvTypes: task.csvTypes,
  });
  try {
    const selected = selectSheets(reader.sheets, reader.format, task.sheet, task.display);
    const file = new FileRows(task, selected);
    const engine = thread.engineFor(task, reader);
    for (const info of selected.sheets) {
      const sheet = new SheetRows(info, task, file, thread);
      const stats = { formulasWithoutValue: 0, cellsWithoutFormat: 0 };
      const options = {
        stats,
        outputStyles: task.render === 'xlsx' ? task.outputStyles : null,
        ...(signal === undefined ? {} : { signal }),
      };
      if (engine !== null && reader.format === 'xlsx') {
        const source = await reader.openSheetSource(info, options);
        await readSheetWithEngine(
          engine,
          source,
          sheet,
          stats,
          task.columnOffset,
          task.key,
          task.outputStyles,
          thread.cut,
        );
      } else {
        for await (const batch of reader.readRows(info, options)) {
          for (const row of batch) sheet.add(row);
        }
      }
      file.formulasWithoutValue += stats.formulasWithoutValue;
      file.cellsWithoutFormat += stats.cellsWithoutFormat;
      file.endSheet(sheet);
    }
    return { format: reader.format, ...file.finish(), inflatedBytes: reader.inflatedBytes };
  } finally {
    await reader.close();
  }
}
