import type CliProgress from 'cli-progress';
import type { Progress } from '../options.js';
import { requireCjs } from '../require-cjs.js';

/** A progress bar on stderr: files done of total, rows read, duplicates dropped, ETA. */
export interface ProgressBar {
  update(progress: Progress): void;
  stop(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream): ProgressBar {
  // Loaded only when a bar is shown: a batch job (quiet, or not on a terminal) never needs it.
  const cliProgress = requireCjs('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'merging {bar} {value}/{total} files | {rows} rows read | {duplicates} duplicates | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
      // Shown on a pipe only when asked for with --progress: then a line every half second.
      noTTYOutput: true,
      notTTYSchedule: 500,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const payload = {
        rows: progress.rowsRead.toLocaleString('en-US'),
        duplicates: progress.duplicates.toLocaleString('en-US'),
      };
      if (!started) {
        bar.start(progress.filesTotal, 0, payload);
        started = true;
      }
      bar.update(progress.filesDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
