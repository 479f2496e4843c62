/** "Did you mean …?" for mistyped names (flags, config keys, subcommands). */

/** Levenshtein edit distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
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
