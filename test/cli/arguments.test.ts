/**
 * The process plumbing both commands share: usage errors as printed, signals turned into an
 * abort of the run (and back into an exit code), and failures as the --json output gives them.
 */
import { describe, expect, it } from 'vitest';
import { interruptible, toJsonError, writeUsageErrors } from '../../src/cli/arguments.js';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { fakeStream } from '../helpers/streams.js';

describe('writeUsageErrors', () => {
  it('prints each problem on a line, escaped, then where to read more', () => {
    const stderr = fakeStream();
    writeUsageErrors(stderr, 'xlmerge inspect', ['Unknown option --dedup', 'bad name a\nb']);
    expect(stderr.text()).toBe(
      'xlmerge inspect: Unknown option --dedup\n' +
        'xlmerge inspect: bad name a\\nb\n' +
        'Run "xlmerge inspect --help" for usage.\n',
    );
  });
});

describe('interruptible', () => {
  const STOP_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM'] as const;
  type Listener = (signal: NodeJS.Signals) => void;

  /** For each stop signal, the listeners added since `before` was taken. */
  function added(before: ReadonlyMap<string, readonly unknown[]>): Listener[][] {
    return STOP_SIGNALS.map((signal) =>
      (process.listeners(signal) as Listener[]).filter(
        (listener) => !before.get(signal)?.includes(listener),
      ),
    );
  }

  it('aborts on the first signal, exits 128 + its number, ignores repeats, and lets go', () => {
    const before = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
    const interrupt = interruptible();
    try {
      const listeners = added(before);
      expect(listeners.map((list) => list.length)).toEqual([1, 1, 1, 1]);
      expect([interrupt.signal.aborted, interrupt.exitCode()]).toEqual([false, 130]);
      // Called as Node calls them, without sending the test process a real signal.
      listeners[3]?.[0]?.('SIGTERM');
      // A second signal while the run cleans up changes nothing.
      listeners[1]?.[0]?.('SIGINT');
      expect([interrupt.signal.aborted, interrupt.signal.reason, interrupt.exitCode()]).toEqual([
        true,
        'SIGTERM',
        143,
      ]);
    } finally {
      interrupt.dispose();
    }
    expect(added(before).map((list) => list.length)).toEqual([0, 0, 0, 0]);
  });
});

describe('toJsonError', () => {
  it('gives a coded error with its description and every failure, without stacks', () => {
    const failure = new XlmergeError(ErrorCode.EmptyFile, 'The file is empty', {
      file: 'in/a.xlsx',
    });
    const error = new XlmergeError(ErrorCode.FilesFailed, 'A file could not be merged', {
      failures: [failure],
      hint: 'Fix it',
    });
    expect(JSON.parse(JSON.stringify(toJsonError(error)))).toEqual({
      ok: false,
      error: {
        code: 'FILES_FAILED',
        message: 'A file could not be merged',
        hint: 'Fix it',
        description: 'A file could not be merged. Fix it',
        failures: [
          {
            code: 'EMPTY_FILE',
            message: 'The file is empty',
            file: 'in/a.xlsx',
            description: 'in/a.xlsx: The file is empty',
          },
        ],
      },
    });
  });

  it('calls anything else INTERNAL', () => {
    expect(toJsonError(new RangeError('bad length'))).toEqual({
      ok: false,
      error: { code: ErrorCode.Internal, message: 'RangeError: bad length' },
    });
  });
});
