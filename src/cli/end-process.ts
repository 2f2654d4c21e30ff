/**
 * Ending the process once the command is done. Normally the process ends by itself when its
 * work is over. A worker thread stuck in a system call (an `open()` on a hung network mount)
 * keeps it alive, and even `process.exit()` then waits for that thread forever (Node joins its
 * threads on exit). Only a signal ends such a process.
 */
import { SignalExit } from './arguments.js';

/** How long the output may take to drain before a stuck process is ended. */
const GRACE_MS = 2000;

/**
 * Sets the exit code, and ends the process after a grace period if something still holds it.
 * A run stopped by a signal ends by that signal again (the shell sees 129, 130, 131 or 143, the
 * code it would have had); any other run by SIGKILL, after saying why on stderr.
 */
export function endProcess(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    const signal = signalOf(code);
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.stderr.write(
      'xlmerge: a read is stuck in the operating system (a hung network drive?) and cannot be stopped; ending the process\n',
      () => process.kill(process.pid, 'SIGKILL'),
    );
  }, GRACE_MS).unref();
}

function signalOf(code: number): NodeJS.Signals | null {
  for (const [signal, exit] of Object.entries(SignalExit)) {
    if (exit === code) return signal as NodeJS.Signals;
  }
  return null;
}
