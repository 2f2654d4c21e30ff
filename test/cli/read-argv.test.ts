/** The argv reader's few rules, word by word: what is an option, what is its value, what is an input. */
import { describe, expect, it } from 'vitest';
import { MERGE_OPTIONS } from '../../dist/cli/option-table.js';
import { readArgv } from '../../dist/cli/read-argv.js';

/** The reading with each given option as [name, typed, value, negated]. */
function read(...argv: string[]) {
  const reading = readArgv(argv, MERGE_OPTIONS);
  return {
    given: reading.given.map((entry) => [
      entry.option.name,
      entry.typed,
      entry.value,
      entry.negated,
    ]),
    positionals: reading.positionals,
    unknown: reading.unknown,
    malformed: reading.malformed,
  };
}

const none = { unknown: [], malformed: [] };

describe('readArgv', () => {
  it('takes one value per --pattern, so the next word is an input', () => {
    expect(read('--pattern', '*.xlsx', './dir')).toEqual({
      given: [['pattern', '--pattern *.xlsx', '*.xlsx', false]],
      positionals: ['./dir'],
      ...none,
    });
  });

  it('reads --name=value, --name value, and a value option with no value', () => {
    expect(read('--output=a.xlsx', '--keep', 'last', '--dedupe', '--force', 'in')).toEqual({
      given: [
        ['output', '--output=a.xlsx', 'a.xlsx', false],
        ['keep', '--keep last', 'last', false],
        ['dedupe', '--dedupe', undefined, false],
        ['force', '--force', undefined, false],
      ],
      positionals: ['in'],
      ...none,
    });
  });

  it('gives a switch only true or false from the next word, and reads --no-name', () => {
    expect(read('--force', 'false', '--quiet', 'in', '--no-progress', '--json=yes')).toEqual({
      given: [
        ['force', '--force false', 'false', false],
        ['quiet', '--quiet', undefined, false],
        ['progress', '--no-progress', undefined, true],
        ['json', '--json=yes', 'yes', false],
      ],
      positionals: ['in'],
      ...none,
    });
  });

  it('reads short groups: switches, then a value last, after = or as a number', () => {
    expect(read('-fq', '-rd', 'id', '-o=out.xlsx', '-j4', '-fj', '2', 'in')).toEqual({
      given: [
        ['force', '-f', undefined, false],
        ['quiet', '-q', undefined, false],
        ['recursive', '-r', undefined, false],
        ['dedupe', '-d id', 'id', false],
        ['output', '-o=out.xlsx', 'out.xlsx', false],
        ['jobs', '-j4', '4', false],
        ['force', '-f', undefined, false],
        ['jobs', '-j 2', '2', false],
      ],
      positionals: ['in'],
      ...none,
    });
  });

  it('takes negative numbers and - as values or inputs, never as options', () => {
    expect(read('--header-row', '-1', '-5', '--output', '-', '-')).toEqual({
      given: [
        ['header-row', '--header-row -1', '-1', false],
        ['output', '--output -', '-', false],
      ],
      positionals: ['-5', '-'],
      ...none,
    });
  });

  it('stops at --: the rest are inputs, even if they look like options', () => {
    expect(read('-f', '--', '--force', '-x', 'in')).toEqual({
      given: [['force', '-f', undefined, false]],
      positionals: ['--force', '-x', 'in'],
      ...none,
    });
    // A value option before -- does not take it as its value.
    expect(read('--output', '--', 'in')).toEqual({
      given: [['output', '--output', undefined, false]],
      positionals: ['in'],
      ...none,
    });
  });

  it('reports unknown names, unknown letters and long names typed with one dash', () => {
    expect(read('--dedup=id', '-x', '-fz', '-force', 'in')).toEqual({
      given: [],
      positionals: ['in'],
      unknown: [
        { typed: '--dedup', form: 'long', name: 'dedup' },
        { typed: '-x', form: 'letter', name: 'x' },
        { typed: '-z', form: 'letter', name: 'z', group: '-fz' },
        { typed: '-force', form: 'long', name: 'force' },
      ],
      malformed: [],
    });
  });

  it('refuses text stuck to a value letter, and --no- on a value option or with a value', () => {
    expect(read('-oout.xlsx', '--no-dedupe', '--no-force=true', 'in')).toEqual({
      given: [],
      positionals: ['in'],
      unknown: [],
      malformed: [
        'Invalid option -oout.xlsx: -o takes a value; write -o out.xlsx or -o=out.xlsx',
        'Invalid option --no-dedupe: --dedupe takes a value, so it has no --no- form',
        'Invalid option --no-force=true: --no-force takes no value',
      ],
    });
  });
});
