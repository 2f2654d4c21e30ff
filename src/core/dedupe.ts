/**
 * Which row survives when keys repeat. The rule is applied twice with the same meaning: inside
 * each file (in the worker) and across files (in the reducer, in input order), so the result
 * never depends on how many workers ran or which finished first.
 */
export type KeepMode = 'first' | 'last' | 'none';

export const KEEP_MODES: readonly KeepMode[] = ['first', 'last', 'none'];

/** The outcome of deduplicating one sequence of keys. */
export interface DedupeResult {
  /** Indexes of the surviving rows, ascending. */
  readonly kept: number[];
  /** How many rows were dropped. */
  readonly dropped: number;
  /**
   * With `keep: 'none'`: the keys that occurred more than once (every row with them was
   * dropped); the reducer needs them to drop the same key in other files too.
   */
  readonly repeatedKeys: string[];
}

/**
 * Deduplicates one sequence of row keys. `null` keys (all key cells empty) always survive.
 *
 * - `first`: the first row with each key survives;
 * - `last`: the last row with each key survives, at its own position;
 * - `none`: no row whose key occurs more than once survives (pandas `keep=False`).
 */
export function dedupeKeys(keys: readonly (string | null)[], keep: KeepMode): DedupeResult {
  const kept: number[] = [];
  if (keep === 'first') {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (key === null) kept.push(index);
      else if (!seen.has(key)) {
        seen.add(key);
        kept.push(index);
      }
    });
    return { kept, dropped: keys.length - kept.length, repeatedKeys: [] };
  }
  const counts = new Map<string, number>();
  const last = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === null) return;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    last.set(key, index);
  });
  keys.forEach((key, index) => {
    if (key === null) kept.push(index);
    else if (keep === 'last' ? last.get(key) === index : counts.get(key) === 1) kept.push(index);
  });
  const repeatedKeys: string[] = [];
  if (keep === 'none') for (const [key, count] of counts) if (count > 1) repeatedKeys.push(key);
  return { kept, dropped: keys.length - kept.length, repeatedKeys };
}

/** What the reducer knows of one file's rows after the in-file dedupe. */
export interface FileKeys {
  /** Keys of the rows that survived inside the file, in order. */
  readonly keys: readonly (string | null)[];
  /** With `keep: 'none'`: keys the file itself repeated (their rows are gone already). */
  readonly repeatedKeys: readonly string[];
}

/**
 * Cross-file survivors for `keep: 'first'`, decided file by file as results arrive in input
 * order: only the keys seen so far are remembered, never the rows.
 */
export class FirstKeeper {
  readonly #seen = new Set<string>();

  /** True when the row survives; remembers its key. */
  accept(key: string | null): boolean {
    if (key === null) return true;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}

/**
 * Cross-file survivors for any mode, given every file's in-file result in input order. `last`
 * and `none` need all files before any row can be written, because a later file can still
 * decide the fate of an earlier row.
 *
 * Returns, per file, the indexes (into that file's `keys`) of the rows that survive.
 */
export function planSurvivors(files: readonly FileKeys[], keep: KeepMode): number[][] {
  if (keep === 'first') {
    const keeper = new FirstKeeper();
    return files.map((file) => indexesWhere(file.keys, (key) => keeper.accept(key)));
  }
  if (keep === 'last') {
    const lastFile = new Map<string, number>();
    files.forEach((file, fileIndex) => {
      for (const key of file.keys) if (key !== null) lastFile.set(key, fileIndex);
    });
    return files.map((file, fileIndex) =>
      indexesWhere(file.keys, (key) => key === null || lastFile.get(key) === fileIndex),
    );
  }
  const counts = new Map<string, number>();
  const add = (key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n);
  for (const file of files) {
    for (const key of file.keys) if (key !== null) add(key, 1);
    for (const key of file.repeatedKeys) add(key, 2);
  }
  return files.map((file) =>
    indexesWhere(file.keys, (key) => key === null || counts.get(key) === 1),
  );
}

/** Indexes of the items that pass `test`, ascending. */
export function indexesWhere<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  const result: number[] = [];
  items.forEach((item, index) => {
    if (test(item)) result.push(index);
  });
  return result;
}

/**
 * Splits ascending indexes into a concatenation of parts (such as a file's sheets) into
 * per-part indexes. `lengths` are the parts' lengths in order.
 */
export function splitIndexes(indexes: readonly number[], lengths: readonly number[]): number[][] {
  const result: number[][] = lengths.map(() => []);
  let part = 0;
  let start = 0;
  for (const index of indexes) {
    while (part < lengths.length && index >= start + (lengths[part] ?? 0)) {
      start += lengths[part] ?? 0;
      part += 1;
    }
    result[part]?.push(index - start);
  }
  return result;
}
