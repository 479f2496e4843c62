/**
 * The "3-shot" class split of the FedLoGe reference code (`shot_split(counts, [75, 95])`,
 * util/update_baseline.py), docs/metrics.md#shot-split.
 *
 * Classes are ranked by count (descending, stable, so ties keep ascending class index and
 * zero-count classes come last). Head is the shortest prefix of that ranking holding ≥ 75 % of
 * the samples, middle extends it to ≥ 95 %, tail is the rest. The split is by cumulative sample
 * mass, not by per-class count thresholds (the usual many > 100 / few < 20 rule).
 */

/** Class indices of each group, each in ranking order (most frequent first). */
export interface ShotSplit {
  readonly head: readonly number[];
  readonly middle: readonly number[];
  readonly tail: readonly number[];
}

/** The group names, in report order. */
export const SHOT_GROUPS = ['head', 'middle', 'tail'] as const;
export type ShotGroup = (typeof SHOT_GROUPS)[number];

/**
 * Split classes into head / middle / tail by cumulative share of `counts`.
 *
 * @param counts per-class sample counts (non-negative).
 * @param thresholds the two cumulative percentages `[t1, t2]`, 0 < t1 ≤ t2 ≤ 100. @default [75, 95]
 *
 * With all counts zero there is no mass to split: every class goes to the tail (the reference
 * would divide by zero).
 */
export function shotSplit(counts: ArrayLike<number>, thresholds: readonly [number, number] = [75, 95]): ShotSplit {
  const [t1, t2] = thresholds;
  if (!(t1 > 0 && t1 <= t2 && t2 <= 100)) {
    throw new RangeError(`shotSplit: expected thresholds 0 < t1 <= t2 <= 100 but received [${t1}, ${t2}]`);
  }
  let total = 0;
  for (let c = 0; c < counts.length; c++) {
    const n = counts[c]!;
    if (!(n >= 0) || !Number.isFinite(n)) {
      throw new RangeError(`shotSplit: expected non-negative finite counts but counts[${c}] is ${n}`);
    }
    total += n;
  }
  // Array.prototype.sort is stable (ES2019), so equal counts keep ascending class order.
  const ranked = Array.from({ length: counts.length }, (_, c) => c).sort((a, b) => counts[b]! - counts[a]!);
  if (total === 0) return { head: [], middle: [], tail: ranked };

  // cut = first ranked position whose cumulative percentage reaches the threshold.
  let cut1 = -1;
  let cut2 = -1;
  let cumulative = 0;
  for (let i = 0; i < ranked.length; i++) {
    cumulative += counts[ranked[i]!]!;
    const percent = (100 * cumulative) / total;
    if (cut1 < 0 && percent >= t1) cut1 = i;
    if (cut2 < 0 && percent >= t2) {
      cut2 = i;
      break;
    }
  }
  return { head: ranked.slice(0, cut1 + 1), middle: ranked.slice(cut1 + 1, cut2 + 1), tail: ranked.slice(cut2 + 1) };
}
