/**
 * Generates the TypeScript side of a layout C and TypeScript share (engine-layout.ts) from its
 * C header (engine-layout.h), so the two cannot drift: build.sh runs it before compiling.
 *
 *   node src/wasm/generate-layout.mjs CLANG HEADER OUTPUT
 *
 * clang reads the header, not this script: its AST (as JSON) says what the header declares,
 * and a probe compiled against the header gives every value, offset and size as clang computes
 * them for wasm32. The script only names and prints, and it refuses anything it does not know
 * (a function, a union, a bit-field, a field that is not 4 bytes, a value past 2^31 - 1, two
 * declarations with one TypeScript name), naming it. What becomes of each declaration:
 *
 *   - a named enum: a const object of the same name in PascalCase (enum scan_status:
 *     ScanStatus), its members in PascalCase without the prefix they all share (F_TEXT_END:
 *     TextEnd), and a type of its values;
 *   - an unnamed enum: each constant under its own name;
 *   - a struct: a const object of each field's index in u32 words (its offset / 4), fields in
 *     camelCase, and NAME_WORDS, its size in u32 words (struct row_record: RowRecord and
 *     ROW_RECORD_WORDS);
 *   - a typedef: nothing.
 *
 * Doc comments (slash, two stars) go with what they document; other comments do not.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLANG_FLAGS = ['-x', 'c', '--target=wasm32', '-fsyntax-only', '-Wall', '-Wextra', '-Werror'];
const PROBE = 'xlmerge_layout_probe_';
const MAX_VALUE = 2 ** 31 - 1;

class LayoutError extends Error {}

/** The TypeScript text of `header`'s layout, as clang (the command `clang`) reads it. */
export function generateLayout(clang, header) {
  const absolute = path.resolve(header);
  // clang's offsets count bytes
  const text = readFileSync(absolute);
  const where = (offset) => `${path.basename(absolute)}:${lineAt(text, offset)}`;
  const declarations = readDeclarations(astOf(clang, absolute), text, where);
  const values = probeValues(clang, absolute, declarations);
  return render(declarations, values, path.relative(ROOT, absolute));
}

function astOf(clang, file, source) {
  const args = [...CLANG_FLAGS, '-Xclang', '-ast-dump=json', source === undefined ? file : '-'];
  try {
    const json = execFileSync(clang, args, {
      input: source,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return JSON.parse(json);
  } catch (error) {
    const reason = error.stderr ? `\n${String(error.stderr).trimEnd()}` : ` ${error.message}`;
    const what = source === undefined ? path.basename(file) : `a probe of ${path.basename(file)}`;
    throw new LayoutError(`clang could not read ${what}:${reason}`);
  }
}

/** The header's enums and structs, in order, with their names, members and doc comments. */
function readDeclarations(ast, text, where) {
  const declarations = [];
  for (const node of ast.inner ?? []) {
    if (node.isImplicit) continue;
    const at = node.range?.begin?.offset;
    if (node.loc?.includedFrom !== undefined) {
      throw new LayoutError(
        'the header includes another file: it may not (its layout is all here)',
      );
    }
    if (node.kind === 'TypedefDecl') continue;
    if (node.kind === 'EnumDecl') {
      const members = children(node, 'EnumConstantDecl', where).map((member) => ({
        name: member.name,
        doc: docBefore(text, member.range.begin.offset),
      }));
      declarations.push({
        kind: 'enum',
        name: node.name ?? null,
        doc: docBefore(text, at),
        members,
      });
      continue;
    }
    if (node.kind === 'RecordDecl' && node.tagUsed === 'struct' && node.completeDefinition) {
      if (node.name === undefined) throw new LayoutError(`${where(at)}: a struct without a name`);
      const fields = children(node, 'FieldDecl', where).map((field) => {
        if (field.isBitfield)
          throw new LayoutError(`${where(field.range.begin.offset)}: a bit-field`);
        return { name: field.name, doc: docBefore(text, field.range.begin.offset) };
      });
      declarations.push({ kind: 'struct', name: node.name, doc: docBefore(text, at), fields });
      continue;
    }
    const what = [node.kind, node.tagUsed, node.name].filter(Boolean).join(' ');
    throw new LayoutError(
      `${where(at ?? 0)}: ${what}: the generator reads only typedefs, enums and named structs`,
    );
  }
  return declarations;
}

/** A declaration's members of `kind` (its comments aside); anything else is refused. */
function children(node, kind, where) {
  const found = [];
  for (const child of node.inner ?? []) {
    if (child.kind === 'FullComment') continue;
    if (child.kind !== kind || child.name === undefined) {
      throw new LayoutError(
        `${where(child.range?.begin?.offset ?? node.range.begin.offset)}: ${child.kind} in ${node.name ?? 'an unnamed enum'}: expected only ${kind}s`,
      );
    }
    found.push(child);
  }
  if (found.length === 0) throw new LayoutError(`${where(node.range.begin.offset)}: empty`);
  return found;
}

/**
 * Every value the TypeScript needs (enum constants, field offsets and sizes, struct sizes), as
 * clang computes them: each is an enumerator of a probe that includes the header.
 */
function probeValues(clang, header, declarations) {
  const expressions = [];
  const add = (expression) => {
    expressions.push(expression);
    return expressions.length - 1;
  };
  for (const declaration of declarations) {
    if (declaration.kind === 'enum') {
      for (const member of declaration.members) member.value = add(member.name);
    } else {
      const type = `struct ${declaration.name}`;
      for (const field of declaration.fields) {
        field.offset = add(`__builtin_offsetof(${type}, ${field.name})`);
        field.size = add(`sizeof(((${type} *)0)->${field.name})`);
      }
      declaration.size = add(`sizeof(${type})`);
    }
  }
  const source = [
    `#include "${header}"`,
    ...expressions.map(
      (expression, index) =>
        `_Static_assert((${expression}) >= 0 && (${expression}) <= ${MAX_VALUE}, "${PROBE}${index}: ${expression.replaceAll('"', "'")} is not between 0 and 2^31 - 1");`,
    ),
    'enum {',
    ...expressions.map((expression, index) => `  ${PROBE}${index} = (int)(${expression}),`),
    '};',
    '',
  ].join('\n');
  const values = new Array(expressions.length);
  for (const node of astOf(clang, header, source).inner ?? []) {
    if (node.kind !== 'EnumDecl') continue;
    for (const member of node.inner ?? []) {
      if (!member.name?.startsWith(PROBE)) continue;
      const value = Number(constantOf(member));
      if (!Number.isSafeInteger(value)) throw new LayoutError(`${member.name}: no value`);
      values[Number(member.name.slice(PROBE.length))] = value;
    }
  }
  for (let index = 0; index < expressions.length; index++) {
    if (values[index] === undefined) throw new LayoutError(`no value for ${expressions[index]}`);
  }
  return values;
}

/** The value clang gave an enumerator: its initializer's ConstantExpr. */
function constantOf(node) {
  for (const child of node.inner ?? []) {
    if (child.kind === 'ConstantExpr' && child.value !== undefined) return child.value;
    const found = constantOf(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

function render(declarations, values, source) {
  const out = [
    `// Generated by src/wasm/generate-layout.mjs from ${source}: do not edit.`,
    "// Each struct is its fields' indices in u32 words (byte offset / 4) and NAME_WORDS its size.",
  ];
  const names = new Set();
  const claim = (name) => {
    if (names.has(name)) throw new LayoutError(`two declarations are named ${name} in TypeScript`);
    names.add(name);
    return name;
  };
  for (const declaration of declarations) {
    out.push('');
    if (declaration.kind === 'enum' && declaration.name === null) {
      declaration.members.forEach((member, index) => {
        if (index > 0) out.push('');
        out.push(...docLines(member.doc, ''));
        out.push(`export const ${claim(member.name)} = ${values[member.value]};`);
      });
      continue;
    }
    const name = claim(pascalCase(declaration.name));
    out.push(...docLines(declaration.doc, ''));
    out.push(`export const ${name} = {`);
    if (declaration.kind === 'enum') {
      const prefix = sharedPrefix(declaration.members.map((member) => member.name));
      for (const member of declaration.members) {
        out.push(...docLines(member.doc, '  '));
        out.push(`  ${pascalCase(member.name.slice(prefix.length))}: ${values[member.value]},`);
      }
      out.push('} as const;');
      out.push(`export type ${name} = (typeof ${name})[keyof typeof ${name}];`);
      continue;
    }
    for (const field of declaration.fields) {
      const offset = values[field.offset];
      if (values[field.size] !== 4 || offset % 4 !== 0) {
        throw new LayoutError(
          `struct ${declaration.name}: field ${field.name} is ${values[field.size]} bytes at offset ${offset}: expected 4 bytes at a multiple of 4, as JavaScript reads u32 words`,
        );
      }
      out.push(...docLines(field.doc, '  '));
      out.push(`  ${camelCase(field.name)}: ${offset / 4},`);
    }
    out.push('} as const;');
    const size = values[declaration.size];
    if (size % 4 !== 0) throw new LayoutError(`struct ${declaration.name} is ${size} bytes`);
    out.push(`/** u32 words in a struct ${declaration.name}. */`);
    out.push(`export const ${claim(`${declaration.name.toUpperCase()}_WORDS`)} = ${size / 4};`);
  }
  return `${out.join('\n')}\n`;
}

/** The prefix up to an underscore that all names share, when each has more after it. */
function sharedPrefix(names) {
  let prefix = names[0];
  for (const name of names) {
    while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
  if (names.length < 2 || names.some((name) => name.length === prefix.length)) return '';
  return prefix;
}

function words(name) {
  if (!/^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/.test(name)) {
    throw new LayoutError(`${name}: expected a snake_case or UPPER_CASE name`);
  }
  return name.toLowerCase().split('_');
}

function pascalCase(name) {
  return words(name)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

function camelCase(name) {
  const pascal = pascalCase(name);
  return pascal[0].toLowerCase() + pascal.slice(1);
}

function lineAt(text, offset) {
  return text.subarray(0, offset).toString('utf8').split('\n').length;
}

/** The doc comment (slash, two stars) right before byte `offset`, as lines of text; else null. */
function docBefore(text, offset) {
  if (offset === undefined) return null;
  const end = text.subarray(0, offset).toString('utf8').trimEnd();
  if (!end.endsWith('*/')) return null;
  const start = end.lastIndexOf('/*');
  if (!end.startsWith('/**', start) || start + 3 > end.length - 2) return null;
  const lines = end
    .slice(start + 3, -2)
    .split('\n')
    .map((line, index) => (index === 0 ? line : line.replace(/^\s*\* ?/, '')).trimEnd());
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) return null;
  lines[0] = lines[0].trimStart();
  return lines;
}

function docLines(doc, indent) {
  if (doc === null) return [];
  if (doc.length === 1) return [`${indent}/** ${doc[0]} */`];
  return [
    `${indent}/**`,
    ...doc.map((line) => `${indent} *${line === '' ? '' : ` ${line}`}`),
    `${indent} */`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [clang, header, output] = process.argv.slice(2);
  if (output === undefined) {
    console.error('usage: node src/wasm/generate-layout.mjs CLANG HEADER OUTPUT');
    process.exit(2);
  }
  try {
    writeFileSync(output, generateLayout(clang, header));
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error;
    console.error(`generate-layout: ${error.message}`);
    process.exit(1);
  }
}
