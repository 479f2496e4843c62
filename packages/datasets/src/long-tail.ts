/**
 * The long-tailed training set of the Fed-LT literature (CIFAR-10/100-LT; Cao et al., 2019, LDAM,
 * arXiv:1906.07413, as used by FedLoGe, docs/data.md#long-tailed-training-set): an exponential class profile over the natural
 * label order, class 0 the head and class C−1 the tail.
 */
import type { Rng } from '@fedloge/core/data';

/**
 * Kept images per class: n_c = floor(n_max · IF^(c/(C−1))), c = 0..C−1, computed in double precision
 * as the reference does (`int(img_max * imb_factor ** (c / (C - 1.0)))`).
 * `imbalanceFactor` is min/max, in (0, 1]: 0.01 means "imbalance ratio 100".
 */
export function longTailCounts(maxCount: number, numClasses: number, imbalanceFactor: number): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer but is ${numClasses}`);
  if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError(`maxCount must be a non-negative integer but is ${maxCount}`);
  checkImbalanceFactor(imbalanceFactor);
  if (numClasses === 1) return [maxCount];
  return Array.from({ length: numClasses }, (_, c) => Math.floor(maxCount * Math.pow(imbalanceFactor, c / (numClasses - 1))));
}

/** A long-tailed subset of a split. */
export interface LongTailSubset {
  /** Kept indices into the split, class by class (class 0 first), each class in its shuffled order. */
  readonly indices: number[];
  /** Kept images per class. */
  readonly counts: number[];
}

/**
 * Keep n_c images of every class c: shuffle the class's indices (ascending official order) with the
 * class's own stream `rng.derive(c)` and keep the first n_c. n_max is the largest class of the split
 * (all classes of our data sets are equal: 6 000, 5 000 or 500); a class smaller than its n_c keeps all it has.
 */
export function longTailSubset(labels: ArrayLike<number>, numClasses: number, imbalanceFactor: number, rng: Rng): LongTailSubset {
  const byClass = indicesByClass(labels, numClasses);
  const maxCount = Math.max(...byClass.map((ix) => ix.length));
  const targets = longTailCounts(maxCount, numClasses, imbalanceFactor);
  const indices: number[] = [];
  const counts: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const kept = rng.derive(c).shuffle(byClass[c]!).slice(0, targets[c]);
    indices.push(...kept);
    counts.push(kept.length);
  }
  return { indices, counts };
}

/** The indices of each class, ascending. */
export function indicesByClass(labels: ArrayLike<number>, numClasses: number): number[][] {
  const byClass = Array.from({ length: numClasses }, () => [] as number[]);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < numClasses)) throw new RangeError(`label ${y} of image ${i} is outside [0, ${numClasses})`);
    byClass[y]!.push(i);
  }
  return byClass;
}

function checkImbalanceFactor(imbalanceFactor: number): void {
  if (!(imbalanceFactor > 0 && imbalanceFactor <= 1)) {
    throw new RangeError(`imbalanceFactor must be min/max class size in (0, 1] (e.g. 0.01 for ratio 100) but is ${imbalanceFactor}`);
  }
}
