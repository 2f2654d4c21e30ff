/**
 * The WebAssembly build (src/wasm/build.sh): each embedded module says which files it was built
 * from, and their bytes are still the ones it was built from; where clang 14 is installed,
 * building again gives every committed file byte for byte: both modules, engine-layout.ts and
 * excel-limits.h.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ENGINE_SOURCE_SHA256,
  ENGINE_SOURCES,
  ENGINE_WASM_BASE64,
} from '../../src/xlsx/read/row-engine/engine-wasm.js';
import {
  COPIER_SOURCE_SHA256,
  COPIER_SOURCES,
  COPIER_WASM_BASE64,
} from '../../src/xlsx/write/row-copier/copier-wasm.js';
import { findClang14, NO_CLANG_14 } from '../helpers/clang.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const MODULES = [
  {
    name: 'engine',
    folder: 'src/xlsx/read/row-engine',
    sources: ENGINE_SOURCES,
    sha256: ENGINE_SOURCE_SHA256,
    base64: ENGINE_WASM_BASE64,
  },
  {
    name: 'copier',
    folder: 'src/xlsx/write/row-copier',
    sources: COPIER_SOURCES,
    sha256: COPIER_SOURCE_SHA256,
    base64: COPIER_WASM_BASE64,
  },
];

/** What build.sh generates besides the modules. */
const GENERATED = [
  'src/core/excel-limits.h',
  'src/xlsx/read/row-engine/engine-layout.ts',
  'src/xlsx/read/row-engine/engine-wasm.ts',
  'src/xlsx/write/row-copier/copier-wasm.ts',
];

const clang = findClang14();

describe('the WebAssembly build', () => {
  it.each(MODULES)('embeds the $name as built from the sources it lists', (module) => {
    const hash = createHash('sha256');
    for (const source of module.sources) hash.update(readFileSync(path.join(ROOT, source)));
    expect(hash.digest('hex')).toBe(module.sha256);
  });

  it('lists every C file of each module among its sources, and excel-limits.h', () => {
    expect(ENGINE_SOURCES).toEqual([
      'src/xlsx/read/row-engine/engine.c',
      'src/xlsx/read/row-engine/engine-layout.h',
      'src/core/excel-limits.h',
      'src/xlsx/read/row-engine/engine-markup.c',
      'src/xlsx/read/row-engine/engine-output.c',
      'src/xlsx/read/row-engine/engine-numbers.c',
      'src/xlsx/read/row-engine/engine-rows.c',
      'src/xlsx/read/row-engine/engine-strings.c',
    ]);
    expect(COPIER_SOURCES).toEqual([
      'src/xlsx/write/row-copier/copier.c',
      'src/core/excel-limits.h',
    ]);
    for (const module of MODULES) {
      const files = readdirSync(path.join(ROOT, module.folder)).filter((name) =>
        /\.[ch]$/.test(name),
      );
      for (const file of files) expect(module.sources).toContain(`${module.folder}/${file}`);
    }
  });

  it.skipIf(clang === null)(
    `builds both modules and every generated file again, byte for byte (${NO_CLANG_14})`,
    async () => {
      const dir = await makeTempDir();
      execFileSync('sh', ['src/wasm/build.sh', dir], {
        cwd: ROOT,
        env: { ...process.env, CLANG: clang ?? '' },
        stdio: 'pipe',
      });
      for (const module of MODULES) {
        const built = readFileSync(path.join(dir, `${module.name}.wasm`));
        expect(built.equals(Buffer.from(module.base64, 'base64'))).toBe(true);
      }
      for (const file of GENERATED) {
        const built = readFileSync(path.join(dir, path.basename(file)), 'utf8');
        expect(built).toBe(readFileSync(path.join(ROOT, file), 'utf8'));
      }
    },
  );

  it('refuses a clang other than 14.0.x, saying what to install', () => {
    let failure: { status: number; stderr: string } | null = null;
    try {
      execFileSync('sh', ['src/wasm/build.sh'], {
        cwd: ROOT,
        env: { ...process.env, CLANG: 'node' },
        stdio: 'pipe',
        encoding: 'utf8',
      });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toBe(
      `build.sh: node is not clang 14.0.x: ${process.version}\n` +
        "build.sh: the committed modules are clang 14's, byte for byte: install clang 14.0.x and its wasm-ld (Debian 12: apt-get install clang-14 lld-14), or set CLANG to it\n",
    );
  });
});
