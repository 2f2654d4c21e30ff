/**
 * The progress bar: files done of total, rows read and duplicates in thousands, started by the
 * first update, cleared from a terminal when it stops, silent when no update came.
 */
import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../../src/cli/progress.js';
import { fakeStream } from '../helpers/streams.js';

const BAR = 40;

describe('createProgressBar', () => {
  it('on a pipe, prints a line as it starts and a last one as it stops', () => {
    const stream = fakeStream(false);
    // Wide enough for the whole line: the bar cuts its lines to the stream's columns.
    Object.assign(stream, { columns: 200 });
    const bar = createProgressBar(stream);
    bar.update({ filesTotal: 3, filesDone: 1, rowsRead: 1_234_567, duplicates: 1_000 });
    bar.update({ filesTotal: 3, filesDone: 3, rowsRead: 2_000_000, duplicates: 12_345 });
    bar.stop();
    const lines = stream.text().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^merging ░{40} \d\/3 files \| 1,234,567 rows read \| 1,000 duplicates \| ETA /,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^merging █{${BAR}} 3/3 files \\| 2,000,000 rows read \\| 12,345 duplicates \\| ETA \\S+$`,
      ),
    );
    expect(lines[2]).toBe('');
  });

  it('on a terminal, hides the cursor while it runs and clears its line when it stops', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar(stream);
    bar.update({ filesTotal: 2, filesDone: 2, rowsRead: 10, duplicates: 0 });
    bar.stop();
    const text = stream.text();
    expect(text).toContain('merging ');
    expect(text.startsWith('\u001b7\u001b[?25l')).toBe(true);
    expect(text.endsWith('\u001b[?25h\u001b[?7h\u001b8\u001b[1G\u001b[2K')).toBe(true);
  });

  it('writes nothing when stopped before any update', () => {
    const stream = fakeStream(true);
    createProgressBar(stream).stop();
    expect(stream.text()).toBe('');
  });
});
