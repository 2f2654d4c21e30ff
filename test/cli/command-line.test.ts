/**
 * argv → library options, without running anything: every option of both commands given
 * twice, lists that accumulate, numbers read as text, and the usage errors for the rest.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode, runCli } from '../../dist/cli/cli.js';
import { readCommandLine } from '../../dist/cli/command-line.js';
import {
  type Command,
  type Display,
  INSPECT_COMMAND,
  MERGE_COMMAND,
} from '../../dist/cli/option-table.js';
import type { MergeOptions } from '../../dist/options.js';
import { fakeStream } from '../helpers/streams.js';

/** `--sheet` given several times: the library's `sheet` as a list. */
const sheets = (...names: string[]): MergeOptions['sheet'] => names;

const DISPLAY: Display = { json: false, quiet: false, progress: undefined, verbose: false };

/** What a command line should come to, short: only what differs from reading `in` alone. */
type Expected =
  | { readonly options: Partial<MergeOptions> }
  | { readonly display: Partial<Display> }
  | { readonly show: 'help' | 'version' }
  | { readonly usage: string };

/** `expected` in full, as readCommandLine returns it for the inputs `in`. */
function reading(expected: Expected) {
  if ('usage' in expected) return { usage: [expected.usage] };
  if ('show' in expected) return { show: expected.show };
  return {
    commandLine: {
      options: { inputs: ['in'], ...('options' in expected ? expected.options : {}) },
      display: { ...DISPLAY, ...('display' in expected ? expected.display : {}) },
      show: undefined,
    },
  };
}

/**
 * Each option given twice, by name, and what that comes to. Lists accumulate, switches that
 * agree are fine, everything else is a usage error naming the option.
 */
const MERGE_TWICE: Readonly<Record<string, readonly [readonly string[], Expected]>> = {
  output: [
    ['-o', 'a.xlsx', '--output', 'b.xlsx'],
    { usage: '--output was given twice ("a.xlsx" and "b.xlsx"); give it once' },
  ],
  dedupe: [
    ['--dedupe', 'id', '-d', 'email,name'],
    { options: { dedupe: ['id', 'email', 'name'] } },
  ],
  keep: [
    ['--keep', 'first', '--keep=last'],
    { usage: '--keep was given twice ("first" and "last"); give it once' },
  ],
  'ignore-case': [['--ignore-case', '--ignore-case'], { options: { ignoreCase: true } }],
  trim: [['--trim', '--trim=true'], { options: { trim: true } }],
  'keys-as-text': [
    ['--keys-as-text', '--no-keys-as-text'],
    {
      usage:
        '--keys-as-text was given both on and off (--keys-as-text and --no-keys-as-text); give it once',
    },
  ],
  sheet: [['--sheet', 'Q1', '--sheet', '2'], { options: { sheet: sheets('Q1', '2') } }],
  'header-row': [
    ['--header-row', '2', '--header-row', '3'],
    { usage: '--header-row was given twice ("2" and "3"); give it once' },
  ],
  rename: [
    ['--rename', 'Cust ID=id', '--rename', 'E-mail=email'],
    {
      options: {
        rename: [
          ['Cust ID', 'id'],
          ['E-mail', 'email'],
        ],
      },
    },
  ],
  'match-headers': [
    ['--match-headers', 'loose', '--match-headers', 'loose'],
    { usage: '--match-headers was given twice ("loose" and "loose"); give it once' },
  ],
  columns: [
    ['--columns', 'id,name', '--columns', 'email'],
    { options: { columns: ['id', 'name', 'email'] } },
  ],
  recursive: [['-r', '--recursive'], { options: { recursive: true } }],
  pattern: [
    ['--pattern', '*.xlsx', '--pattern', '*.csv'],
    { options: { pattern: ['*.xlsx', '*.csv'] } },
  ],
  'csv-delimiter': [
    ['--csv-delimiter', ';', '--csv-delimiter', 'tab'],
    { usage: '--csv-delimiter was given twice (";" and "tab"); give it once' },
  ],
  'csv-types': [['--csv-types=false', '--no-csv-types'], { options: { csvTypes: false } }],
  'source-column': [
    ['--source-column', '--source-column=false'],
    {
      usage:
        '--source-column was given both on and off (--source-column and --source-column=false); give it once',
    },
  ],
  duplicates: [
    ['--duplicates', 'a.xlsx', '--duplicates', 'b.csv'],
    { usage: '--duplicates was given twice ("a.xlsx" and "b.csv"); give it once' },
  ],
  'dry-run': [['--dry-run', '--dry-run'], { options: { dryRun: true } }],
  summary: [['--summary', '--summary', 'true'], { options: { summarySheet: true } }],
  force: [['-f', '--force'], { options: { force: true } }],
  'skip-errors': [
    ['--no-skip-errors', '--skip-errors'],
    {
      usage:
        '--skip-errors was given both on and off (--no-skip-errors and --skip-errors); give it once',
    },
  ],
  overflow: [
    ['--overflow', 'split', '--overflow', 'error'],
    { usage: '--overflow was given twice ("split" and "error"); give it once' },
  ],
  formats: [
    ['--formats', 'keep', '--formats', 'plain'],
    { usage: '--formats was given twice ("keep" and "plain"); give it once' },
  ],
  'truncate-long': [['--truncate-long', '--truncate-long'], { options: { truncateLong: true } }],
  jobs: [
    ['-j', '2', '--jobs', '3'],
    { usage: '--jobs was given twice ("2" and "3"); give it once' },
  ],
  'worker-memory': [
    ['--worker-memory', '512', '--worker-memory=1024'],
    { usage: '--worker-memory was given twice ("512" and "1024"); give it once' },
  ],
  'file-timeout': [
    ['--file-timeout', '30', '--file-timeout', '30'],
    { usage: '--file-timeout was given twice ("30" and "30"); give it once' },
  ],
  cache: [
    ['--cache', 'a', '--cache', 'b'],
    { usage: '--cache was given twice ("a" and "b"); give it once' },
  ],
  json: [['--json', '--json'], { display: { json: true } }],
  quiet: [['-q', '--quiet'], { display: { quiet: true } }],
  progress: [
    ['--progress', '--no-progress'],
    { usage: '--progress was given both on and off (--progress and --no-progress); give it once' },
  ],
  verbose: [['--verbose', '--verbose'], { display: { verbose: true } }],
  version: [['-V', '--version'], { show: 'version' }],
  help: [['-h', '--help'], { show: 'help' }],
};

const INSPECT_TWICE: Readonly<Record<string, readonly [readonly string[], Expected]>> = {
  dedupe: [['-d', 'id', '--dedupe=email'], { options: { dedupe: ['id', 'email'] } }],
  sheet: [['--sheet', 'all', '--sheet', 'Q*'], { options: { sheet: sheets('all', 'Q*') } }],
  'header-row': [
    ['--header-row', '1', '--header-row', '1'],
    { usage: '--header-row was given twice ("1" and "1"); give it once' },
  ],
  recursive: [['--recursive', '-r'], { options: { recursive: true } }],
  pattern: [
    ['--pattern', 'a*.xlsx', '--pattern', 'b*.xlsx'],
    { options: { pattern: ['a*.xlsx', 'b*.xlsx'] } },
  ],
  'csv-delimiter': [
    ['--csv-delimiter', ',', '--csv-delimiter', ','],
    { usage: '--csv-delimiter was given twice ("," and ","); give it once' },
  ],
  output: [
    ['--output', 'a.xlsx', '-o', 'a.xlsx'],
    { usage: '--output was given twice ("a.xlsx" and "a.xlsx"); give it once' },
  ],
  rename: [
    ['--rename', 'a=b', '--rename', 'c=d'],
    {
      options: {
        rename: [
          ['a', 'b'],
          ['c', 'd'],
        ],
      },
    },
  ],
  'match-headers': [
    ['--match-headers', 'exact', '--match-headers', 'loose'],
    { usage: '--match-headers was given twice ("exact" and "loose"); give it once' },
  ],
  json: [['--json', '--json=true'], { display: { json: true } }],
  verbose: [
    ['--verbose', '--verbose=false'],
    { usage: '--verbose was given both on and off (--verbose and --verbose=false); give it once' },
  ],
  help: [['--help', '-h'], { show: 'help' }],
};

describe.each([
  ['merge', MERGE_COMMAND, MERGE_TWICE],
  ['inspect', INSPECT_COMMAND, INSPECT_TWICE],
] as const)('every option of %s, given twice', (name, command: Command, twice) => {
  it('has a case for each option of the table, and none other', () => {
    expect(Object.keys(twice)).toEqual(command.options.map((option) => option.name));
  });

  it.each(Object.entries(twice))('--%s', async (_option, [given, expected]) => {
    const argv = ['in', ...given];
    expect(readCommandLine(command, argv)).toEqual(reading(expected));
    if (!('usage' in expected)) return;
    // The same through the command line: exit 2, the message, where to read more.
    const stdout = fakeStream();
    const stderr = fakeStream();
    const words = name === 'inspect' ? ['inspect', ...argv] : argv;
    expect(await runCli(words, { stdout, stderr })).toBe(ExitCode.Usage);
    expect([stdout.text(), stderr.text()]).toEqual([
      '',
      `${command.program}: ${expected.usage}\nRun "${command.program} --help" for usage.\n`,
    ]);
  });
});

describe('readCommandLine', () => {
  const read = (...argv: string[]) => readCommandLine(MERGE_COMMAND, ['in', ...argv]);

  it('gives the library only the options given', () => {
    expect(read()).toEqual(reading({ options: {} }));
  });

  it('passes --sheet given once as a string', () => {
    expect(read('--sheet', '2')).toEqual(reading({ options: { sheet: '2' } }));
  });

  it('reads --dedupe alone as all columns, and refuses it beside a list', () => {
    expect(read('--dedupe')).toEqual(reading({ options: { dedupe: [] } }));
    expect(read('--dedupe=', '-d')).toEqual(reading({ options: { dedupe: [] } }));
    expect(read('--dedupe', 'id', '--dedupe', 'email', '--dedupe')).toEqual(
      reading({
        usage:
          '--dedupe alone (all columns) cannot be combined with --dedupe id,email; give one or the other',
      }),
    );
  });

  it('leaves a key column named twice to the library, which refuses it', () => {
    expect(read('--dedupe', 'id', '--dedupe', 'id')).toEqual(
      reading({ options: { dedupe: ['id', 'id'] } }),
    );
  });

  it('refuses an empty --columns, which would add nothing', () => {
    expect(read('--columns', 'id', '--columns=')).toEqual(
      reading({
        usage: 'Invalid option --columns: expected column names, comma-separated, got ""',
      }),
    );
  });

  it('reads --rename and refuses one without =', () => {
    expect(read('--rename', 'a=b=c')).toEqual(reading({ options: { rename: [['a', 'b=c']] } }));
    expect(read('--rename', 'Cust ID')).toEqual(
      reading({ usage: 'Invalid option --rename: expected OLD=NEW, got "Cust ID"' }),
    );
  });

  it('reads --csv-delimiter tab as a TAB', () => {
    expect(read('--csv-delimiter', 'tab')).toEqual(reading({ options: { csvDelimiter: '\t' } }));
    expect(read('--csv-delimiter', '\\t')).toEqual(reading({ options: { csvDelimiter: '\t' } }));
  });

  it('reads plain decimal numbers and leaves their range to the library', () => {
    expect(
      read('-j', '4', '--worker-memory', '512', '--file-timeout', '.5', '--header-row', '-1'),
    ).toEqual(
      reading({ options: { jobs: 4, workerMemoryMb: 512, fileTimeout: 0.5, headerRow: -1 } }),
    );
    expect(read('--jobs', '0', '--file-timeout', '2.5')).toEqual(
      reading({ options: { jobs: 0, fileTimeout: 2.5 } }),
    );
  });

  it.each([
    ['--jobs', 'abc', 'a whole number from 1 to 256'],
    ['--jobs', '2x', 'a whole number from 1 to 256'],
    ['--jobs', '', 'a whole number from 1 to 256'],
    ['--jobs', ' 4', 'a whole number from 1 to 256'],
    ['--jobs', '0x10', 'a whole number from 1 to 256'],
    ['--worker-memory', '1e3', 'a whole number of MB from 64 to 65536'],
    ['--file-timeout', 'Infinity', 'a number of seconds above 0, at most 2147483'],
    ['--header-row', 'two', 'a row number from 1 to 1048576'],
  ])('refuses %s %j, which is not a number', (flag, value, expected) => {
    expect(read(`${flag}=${value}`)).toEqual(
      reading({
        usage: `Invalid option ${flag}: expected ${expected}, got ${JSON.stringify(value)}`,
      }),
    );
  });

  it('refuses a number option typed last, with no value', () => {
    expect(readCommandLine(MERGE_COMMAND, ['in', '--jobs'])).toEqual(
      reading({ usage: 'Invalid option --jobs: expected a whole number from 1 to 256, got ""' }),
    );
  });

  it('reads a switch given true or false, and refuses any other value', () => {
    expect(read('--force=false', '--trim', 'true')).toEqual(
      reading({ options: { force: false, trim: true } }),
    );
    expect(read('--force=yes')).toEqual(
      reading({ usage: 'Invalid option --force: expected true or false, got "yes"' }),
    );
    expect(read('-f=1')).toEqual(
      reading({ usage: 'Invalid option --force: expected true or false, got "1"' }),
    );
  });

  it('says a repeat three times, and every problem at once', () => {
    expect(read('-o', 'a', '--output', 'b', '-o=c', '--keep', 'x', '--keep', 'y')).toEqual({
      usage: [
        '--output was given 3 times ("a", "b" and "c"); give it once',
        '--keep was given twice ("x" and "y"); give it once',
      ],
    });
  });

  it('asks for inputs', () => {
    expect(readCommandLine(MERGE_COMMAND, ['--force'])).toEqual({
      usage: ['Missing inputs: name the folders, files or globs to read'],
    });
  });

  it('shows help when asked, even beside a mistake or without inputs', () => {
    expect(readCommandLine(MERGE_COMMAND, ['--help'])).toEqual({ show: 'help' });
    expect(readCommandLine(MERGE_COMMAND, ['--dedup', 'id', '-h'])).toEqual({ show: 'help' });
    expect(readCommandLine(MERGE_COMMAND, ['-V'])).toEqual({ show: 'version' });
    expect(readCommandLine(MERGE_COMMAND, ['-V', '-h'])).toEqual({ show: 'help' });
  });
});
