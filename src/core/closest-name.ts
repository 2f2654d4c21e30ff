/**
 * "Did you mean …?" for names a person typed: an option, a key column, a sheet. Pure, shared by
 * the command line and the library so both suggest the same thing.
 */

/**
 * Edit distance between `a` and `b`, counting an insertion, a deletion, a substitution and a
 * swap of two neighbouring characters as one edit each (the optimal string alignment distance),
 * over code points. `emial` is one edit from `email`.
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  // Three rows of the table: the one before the previous (for swaps), the previous, this one.
  let before = new Array<number>(y.length + 1).fill(0);
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = new Array<number>(y.length + 1).fill(0);
    current[0] = i;
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      current[j] = best;
    }
    before = previous;
    previous = current;
  }
  return previous[y.length] as number;
}

/**
 * The candidate closest to `wanted`, compared without regard to case, when it is close enough
 * to be a slip of the keyboard: at most one edit for names of up to four characters, two up to
 * eight, three beyond. Ties go to the earlier candidate; `undefined` when none is close.
 */
export function closestName(wanted: string, candidates: Iterable<string>): string | undefined {
  const folded = wanted.toLowerCase();
  const length = [...folded].length;
  const allowed = length <= 4 ? 1 : length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    if (candidate === wanted) continue;
    const distance = editDistance(folded, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
