/** Options a command does not have: "did you mean", and merge options given to inspect. */
import { describe, expect, it } from 'vitest';
import { readCommandLine } from '../../dist/cli/command-line.js';
import { INSPECT_COMMAND, MERGE_COMMAND } from '../../dist/cli/option-table.js';

describe('unknown options', () => {
  it.each([
    [['--dedup', 'id'], 'Unknown option --dedup; did you mean --dedupe?'],
    [['--dedup=id'], 'Unknown option --dedup; did you mean --dedupe?'],
    [['--dryRun'], 'Unknown option --dryRun; did you mean --dry-run?'],
    [['--no-progres'], 'Unknown option --no-progres; did you mean --no-progress?'],
    [['--f'], 'Unknown option --f; did you mean -f?'],
    [['--frobnicate'], 'Unknown option --frobnicate'],
    [['-x'], 'Unknown option -x'],
    [['-fx'], 'Unknown option -x (in -fx)'],
    [['-v'], 'Unknown option -v; did you mean -V (--version)?'],
    [['-force'], 'Unknown option -force; did you mean --force?'],
    [['-dedup'], 'Unknown option -dedup; did you mean --dedupe?'],
  ])('merge %j: %s', (argv, message) => {
    expect(readCommandLine(MERGE_COMMAND, ['in', ...argv])).toEqual({ usage: [message] });
  });

  it('names each unknown option, once', () => {
    expect(
      readCommandLine(MERGE_COMMAND, ['in', '--dedup', 'id', '--fource', '--dedup', 'email']),
    ).toEqual({
      usage: [
        'Unknown option --dedup; did you mean --dedupe?',
        'Unknown option --fource; did you mean --force?',
      ],
    });
  });

  it.each([
    [['--keep', 'first'], '--keep is not an option of inspect (it is a merge option)'],
    [['--no-force'], '--no-force is not an option of inspect (it is a merge option)'],
    [['-f'], '-f (--force) is not an option of inspect (it is a merge option)'],
    [['-j4'], '-j (--jobs) is not an option of inspect (it is a merge option)'],
    [['--dedup'], 'Unknown option --dedup; did you mean --dedupe?'],
    [['-V'], '-V (--version) is not an option of inspect (it is a merge option)'],
  ])('inspect %j: %s', (argv, message) => {
    expect(readCommandLine(INSPECT_COMMAND, ['in', ...argv])).toEqual({ usage: [message] });
  });
});
