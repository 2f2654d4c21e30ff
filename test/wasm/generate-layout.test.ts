/**
 * src/wasm/generate-layout.mjs: the TypeScript side of a C layout, from clang's reading of the
 * header (each rule of its naming, the values and offsets clang computes), and the refusal of
 * anything it does not know. Needs clang 14; the committed engine-layout.ts is checked against
 * a fresh one by test/wasm/build.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findClang14, NO_CLANG_14 } from '../helpers/clang.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(ROOT, 'src/wasm/generate-layout.mjs');
const clang = findClang14();

async function generate(header: string): Promise<{ status: number | null; output: string }> {
  const dir = await makeTempDir();
  const input = path.join(dir, 'layout.h');
  const output = path.join(dir, 'layout.ts');
  writeFileSync(input, header);
  const run = spawnSync(process.execPath, [SCRIPT, clang ?? '', input, output], {
    encoding: 'utf8',
  });
  if (run.status !== 0) return { status: run.status, output: run.stderr };
  return { status: 0, output: readFileSync(output, 'utf8').split('\n').slice(2).join('\n') };
}

describe.skipIf(clang === null)(`generate-layout (${NO_CLANG_14})`, () => {
  it('writes enums, constants and structs as clang lays them out for wasm32', async () => {
    const header = [
      'typedef unsigned int u32;',
      '/** A status. */',
      'enum scan_status { NEED_MORE, END = 3, AFTER_END };',
      'enum flag { F_ONE = 1 << 0, F_TWO_BITS = 1 << 1 };',
      'enum {',
      '  /**',
      '   * Two lines',
      '   * of doc.',
      '   */',
      '  SIZE = sizeof(double) * 3,',
      '  /* not a doc comment */',
      '  PLAIN = 7',
      '};',
      '/** A record. */',
      'struct row_record {',
      '  /** Its number. */',
      '  u32 number;',
      '  const char *text_end;',
      '};',
      '',
    ].join('\n');
    expect(await generate(header)).toEqual({
      status: 0,
      output: [
        '',
        '/** A status. */',
        'export const ScanStatus = {',
        '  NeedMore: 0,',
        '  End: 3,',
        '  AfterEnd: 4,',
        '} as const;',
        'export type ScanStatus = (typeof ScanStatus)[keyof typeof ScanStatus];',
        '',
        'export const Flag = {',
        '  One: 1,',
        '  TwoBits: 2,',
        '} as const;',
        'export type Flag = (typeof Flag)[keyof typeof Flag];',
        '',
        '/**',
        ' * Two lines',
        ' * of doc.',
        ' */',
        'export const SIZE = 24;',
        '',
        'export const PLAIN = 7;',
        '',
        '/** A record. */',
        'export const RowRecord = {',
        '  /** Its number. */',
        '  number: 0,',
        '  textEnd: 1,',
        '} as const;',
        '/** u32 words in a struct row_record. */',
        'export const ROW_RECORD_WORDS = 2;',
        '',
      ].join('\n'),
    });
  });

  it.each([
    [
      'int f(void);',
      'layout.h:1: FunctionDecl f: the generator reads only typedefs, enums and named structs',
    ],
    [
      'union u { int a; };',
      'layout.h:1: RecordDecl union u: the generator reads only typedefs, enums and named structs',
    ],
    ['struct s { unsigned a : 3; };', 'layout.h:1: a bit-field'],
    ['struct { int a; } z;', 'layout.h:1: a struct without a name'],
    [
      'struct s { char a; };',
      'struct s: field a is 1 bytes at offset 0: expected 4 bytes at a multiple of 4, as JavaScript reads u32 words',
    ],
    [
      '#include <stddef.h>\n',
      'the header includes another file: it may not (its layout is all here)',
    ],
    ['enum e { A_B }; enum { E = 1 };', 'two declarations are named E in TypeScript'],
  ])('refuses %j', async (header, message) => {
    expect(await generate(header)).toEqual({ status: 1, output: `generate-layout: ${message}\n` });
  });

  it('refuses a value past 2^31 - 1, as clang reports it', async () => {
    const { status, output } = await generate('enum { BIG = 3000000000u };');
    expect(status).toBe(1);
    expect(output).toContain('BIG is not between 0 and 2^31 - 1');
  });
});
