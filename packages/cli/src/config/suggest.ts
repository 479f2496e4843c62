/** "Did you mean …?" for mistyped names (flags, config keys, subcommands). */

/**
 * Optimal-string-alignment distance: Levenshtein (insert, delete, substitute) plus the swap of two
 * adjacent characters, each costing 1, so the common typo 'trian' is one edit from 'train'.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo (distance at most
 * a third of the longer name, and at least 1 edit allowed), or one that contains `input` whole.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  if (bestDistance <= limit) return best;
  for (const c of candidates) if (input.length >= 3 && c.includes(input)) return c;
  return undefined;
}

/** ` Did you mean 'x'?` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>, format: (s: string) => string = (s) => `'${s}'`): string {
  const c = closestName(input, candidates);
  return c === undefined ? '' : ` Did you mean ${format(c)}?`;
}
