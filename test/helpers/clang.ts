/**
 * The C compiler the WebAssembly build pins (src/wasm/build.sh): clang 14.0.x with its wasm-ld.
 * Tests that need it are skipped where it is not installed, so a machine without a C compiler
 * still runs everything else.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** What the names of the tests that need clang say (vitest shows it when they are skipped). */
export const NO_CLANG_14 =
  'needs clang 14.0.x with wasm-ld, else skipped: apt-get install clang-14 lld-14';

/** clang 14.0.x with wasm-ld, found as build.sh finds it (CLANG, else clang-14, else clang); else null. */
export function findClang14(): string | null {
  const given = process.env.CLANG;
  for (const clang of given ? [given] : ['clang-14', 'clang']) {
    try {
      const version = execFileSync(clang, ['--version'], { encoding: 'utf8', stdio: 'pipe' });
      if (!/clang version 14\.0\./.test(version)) continue;
      const linker = execFileSync(clang, ['--print-prog-name=wasm-ld'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }).trim();
      if (path.isAbsolute(linker) ? existsSync(linker) : onPath(linker)) return clang;
    } catch {
      // not installed, or does not run: try the next
    }
  }
  return null;
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', command], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
