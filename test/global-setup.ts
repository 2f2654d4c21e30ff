/**
 * Builds `src/` into a clean `dist/` before any test runs: the end-to-end tests, the worker
 * threads and the CLI run the built JavaScript, and a build left from older source (or a file
 * whose source was removed) must never be what the tests see.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

export default function setup(): void {
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
