/**
 * Where Node runs without WebAssembly (`node --jitless`), the row engine and the row copier
 * are not there, and the JavaScript paths do their work: the output must be the same bytes.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/xlmerge.js');
const DEMO = path.join(ROOT, 'fixtures/demo');

function merge(output: string, nodeFlags: string[]): Promise<void> {
  const args = [...nodeFlags, BIN, DEMO, '--recursive', '--dedupe', 'id,email', '-o', output];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (error) => (error === null ? resolve() : reject(error)));
  });
}

describe('without WebAssembly', () => {
  it('writes the same workbook as with it', async () => {
    const dir = await makeTempDir();
    const withWasm = path.join(dir, 'wasm.xlsx');
    const without = path.join(dir, 'jitless.xlsx');
    await merge(withWasm, []);
    await merge(without, ['--jitless']);
    const [a, b] = await Promise.all([fs.readFile(withWasm), fs.readFile(without)]);
    expect(a.length).toBeGreaterThan(1000);
    expect(b.equals(a)).toBe(true);
  });
});
