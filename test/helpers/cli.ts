/** The built command line (`bin/xlmerge.js`) run as a child process, for end-to-end tests. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's entry script. */
export const BIN = fileURLToPath(new URL('../../bin/xlmerge.js', import.meta.url));

/** How a run of the CLI ended. */
export interface CliResult {
  /** The exit code (`NaN` when a signal ended it). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `xlmerge ...args` in `cwd` with the current Node, on pipes (not a terminal). */
export function xlmerge(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}
