import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The source tree's layers, lowest first. A module imports only from its own layer or lower
 * ones, and a format folder imports nothing of another format: the pure rules know nothing of
 * files, the formats nothing of the pipeline that runs them. docs/development.md draws the same
 * picture.
 */
const LAYERS: readonly (readonly string[])[] = [
  // pure rules, the error class and the runtime shims every layer uses
  ['core', 'errors.ts', 'heap-room.ts', 'require-cjs.ts'],
  // what formats and pipeline share: the reader interface, rendering, files, WebAssembly, the
  // zip reader, the XML lexer and the package parts (opc), options
  ['reader', 'render', 'io', 'wasm', 'zip', 'xml', 'opc', 'options.ts', 'summary.ts'],
  // the formats
  ['xlsx', 'csv', 'xls', 'xlsb', 'ods'],
  // the pipeline and its entry points
  [
    'index.ts',
    'merge.ts',
    'inspect.ts',
    'cli',
    'scan',
    'worker',
    'cache',
    'reduce',
    'output',
    'inspect',
    'input',
  ],
];
const FORMATS = LAYERS[2] ?? [];

const src = join(dirname(fileURLToPath(import.meta.url)), '../src');

/** The first path segment below `src/`: a folder, or a top-level file named as `.ts`. */
function topOf(path: string): string {
  return (path.split('/')[0] ?? '').replace(/\.js$/, '.ts');
}

function layerOf(path: string): number {
  const top = topOf(path);
  const layer = LAYERS.findIndex((names) => names.includes(top));
  if (layer < 0) throw new Error(`src/${top} is in no layer: add it to LAYERS`);
  return layer;
}

function sourceFiles(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split('\\').join('/'))
    .sort();
}

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** Every relative import in src/, as paths below src/. */
function imports(): { from: string; to: string }[] {
  const found: { from: string; to: string }[] = [];
  for (const from of sourceFiles()) {
    const text = readFileSync(join(src, from), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const to = relative(src, join(src, dirname(from), match[1] ?? ''))
        .split('\\')
        .join('/');
      found.push({ from, to });
    }
  }
  return found;
}

describe('the source layers', () => {
  it('finds the imports it checks', () => {
    const found = imports();
    expect(found.length).toBeGreaterThan(300);
    expect(found).toContainEqual({ from: 'merge.ts', to: 'options.js' });
    expect(found).toContainEqual({
      from: 'xlsx/read/row-engine/read-with-engine.ts',
      to: 'xlsx/read/row-engine/row-engine.js',
    });
  });

  it('puts every file of src/ in a layer', () => {
    expect(sourceFiles().filter((file) => !LAYERS.flat().includes(topOf(file)))).toEqual([]);
  });

  it('has no import from a lower layer into a higher one', () => {
    const upward = imports()
      .filter(({ from, to }) => layerOf(to) > layerOf(from))
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it('has no import from one format into another', () => {
    const across = imports()
      .filter(({ from, to }) => {
        const [a, b] = [topOf(from), topOf(to)];
        return FORMATS.includes(a) && FORMATS.includes(b) && a !== b;
      })
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(across).toEqual([]);
  });

  it('knows an upward import when it sees one', () => {
    expect(layerOf('core/key.ts')).toBeLessThan(layerOf('xlsx/read/sheet-scanner.js'));
    expect(layerOf('render/cell-xml.ts')).toBeLessThan(layerOf('worker/protocol.js'));
    expect(layerOf('errors.js')).toBe(0);
  });
});
