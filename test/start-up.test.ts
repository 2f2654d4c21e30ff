/**
 * What a run loads before it needs it. Scripts call xlmerge many times, and every module loaded
 * at start costs each call: the CLI loads yargs only for --help and the library only for a
 * merge or inspect (dynamic imports); the main thread of a merge, which never reads a
 * workbook, loads no reader (the workers do).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '../src');

/** Static imports only: `import … from '…'` and `export … from '…'`, not `import('…')`. */
const STATIC_IMPORT = /^(?:import|export)\s[^;]*?\sfrom\s*'([^']+)';/gms;

/** Every module `entry` loads before it runs: paths below src/, and packages by name. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(src, file), 'utf8');
    for (const match of text.matchAll(STATIC_IMPORT)) {
      const spec = match[1] ?? '';
      if (/^import type\s|^export type\s/.test(match[0])) continue;
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      visit(relative(src, join(src, dirname(file), spec)).replace(/\.js$/, '.ts'));
    }
  };
  visit(entry);
  return seen;
}

const READERS = /^(?:xlsx\/read|xls\/|xlsb\/|ods\/|csv\/read|input\/open-input)/;

describe('start-up', () => {
  it('finds the imports it checks', () => {
    const graph = staticGraph('cli/cli.ts');
    expect(graph).toContain('cli/command-line.ts');
    expect(graph).toContain('cli/inspect-command.ts');
  });

  it('loads neither yargs nor the library nor the progress bar to start the CLI', () => {
    const graph = [...staticGraph('cli/cli.ts')];
    expect(graph.filter((module) => /^(?:yargs|cli-progress|workerpool)/.test(module))).toEqual([]);
    expect(
      graph.filter((module) => ['merge.ts', 'inspect.ts', 'index.ts'].includes(module)),
    ).toEqual([]);
  });

  it('loads no workbook reader in the main thread of a merge', () => {
    expect([...staticGraph('merge.ts')].filter((module) => READERS.test(module))).toEqual([]);
  });
});
