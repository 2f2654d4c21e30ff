/** The option tables: well formed, and the number options explained in the library's words. */
import { describe, expect, it } from 'vitest';
import { readCommandLine } from '../../dist/cli/command-line.js';
import { INSPECT_COMMAND, MERGE_COMMAND } from '../../dist/cli/option-table.js';
import { normalizeOptions } from '../../dist/options.js';

describe.each([
  ['merge', MERGE_COMMAND],
  ['inspect', INSPECT_COMMAND],
] as const)('the %s table', (_name, command) => {
  it('names each option once, in kebab case, with a one-letter alias at most', () => {
    const names = command.options.map((option) => option.name);
    const aliases = command.options.flatMap((option) => option.alias ?? []);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(aliases).size).toBe(aliases.length);
    expect(names.filter((name) => !/^[a-z]+(-[a-z]+)*$/.test(name))).toEqual([]);
    expect(aliases.filter((alias) => !/^[a-zA-Z]$/.test(alias))).toEqual([]);
  });
});

describe('the number options', () => {
  /** The "expected …" part of an `Invalid option` message. */
  const expectedPart = (message: string) => message.replace(/^.*: expected (.*), got .*$/, '$1');

  it.each([
    ['--jobs', { jobs: 0 }],
    ['--worker-memory', { workerMemoryMb: 1 }],
    ['--file-timeout', { fileTimeout: 0 }],
    ['--header-row', { headerRow: 0 }],
  ])('%s: "abc" is explained as the library explains a number out of range', (flag, bad) => {
    const cli = readCommandLine(MERGE_COMMAND, ['in', flag, 'abc']);
    expect('usage' in cli).toBe(true);
    const cliMessage = 'usage' in cli ? (cli.usage[0] ?? '') : '';
    let libraryMessage = '';
    try {
      normalizeOptions({ inputs: ['in'], ...bad });
    } catch (error) {
      libraryMessage = (error as Error).message;
    }
    expect(cliMessage).toMatch(new RegExp(`^Invalid option ${flag}: expected .*, got "abc"$`));
    expect(expectedPart(cliMessage)).toBe(expectedPart(libraryMessage));
  });
});
