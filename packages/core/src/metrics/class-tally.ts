/**
 * Per-class counts of test samples and correct predictions: the one table every accuracy in a
 * report (overall, per class, head/middle/tail) is computed from.
 */

/** `total[c]` test samples of class c, `correct[c]` of them predicted right. */
export interface ClassTally {
  readonly correct: readonly number[];
  readonly total: readonly number[];
}

/**
 * Count, per true class, how many of `predictions` equal `labels`.
 * A prediction of -1 (no valid class, e.g. all logits NaN) counts as wrong.
 */
export function tallyPredictions(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): ClassTally {
  if (predictions.length !== labels.length) {
    throw new RangeError(`tallyPredictions: ${predictions.length} predictions for ${labels.length} labels`);
  }
  const correct = new Array<number>(numClasses).fill(0);
  const total = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < numClasses)) throw new RangeError(`tallyPredictions: label ${y} at ${i} is not in [0, ${numClasses})`);
    total[y]!++;
    if (predictions[i] === y) correct[y]!++;
  }
  return { correct, total };
}

/** Pooled accuracy over `classes` (all classes when omitted); null when they hold no sample. */
export function pooledAccuracy(tally: ClassTally, classes?: readonly number[]): number | null {
  let right = 0;
  let seen = 0;
  const pick = classes ?? tally.total.map((_, c) => c);
  for (const c of pick) {
    right += tally.correct[c]!;
    seen += tally.total[c]!;
  }
  return seen === 0 ? null : right / seen;
}

/** Accuracy of each class; null for a class without test samples. */
export function perClassAccuracy(tally: ClassTally): (number | null)[] {
  return tally.total.map((n, c) => (n === 0 ? null : tally.correct[c]! / n));
}
