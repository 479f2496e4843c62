/** Mean cross-entropy of downloaded logits, for the loss a client reports with its evaluation. */

/**
 * Mean over the rows of the row-major `[rows, C]` matrix `logits` of −log softmax(row)[label],
 * computed with the row maximum subtracted (log-sum-exp) so large logits do not overflow.
 * `allowed`, when given, takes the softmax over the allowed classes only: the loss under PM
 * masking, where the other logits are −∞ (see `argmaxRows`). A row whose label is not allowed,
 * or whose logits are not finite, gives Infinity or NaN, as torch's cross_entropy would.
 * NaN for zero rows (no data: nothing to average).
 */
export function meanCrossEntropy(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  allowed?: readonly boolean[],
): number {
  const rows = labels.length;
  if (logits.length !== rows * numClasses) {
    throw new RangeError(`meanCrossEntropy: expected ${rows}x${numClasses} = ${rows * numClasses} logits but received ${logits.length}`);
  }
  if (allowed && allowed.length !== numClasses) {
    throw new RangeError(`meanCrossEntropy: mask has ${allowed.length} entries for ${numClasses} classes`);
  }
  if (rows === 0) return NaN;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * numClasses;
    const label = labels[r]!;
    if (!(label >= 0 && label < numClasses))
      throw new RangeError(`meanCrossEntropy: label ${label} of row ${r} is not in [0, ${numClasses})`);
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) if (!allowed || allowed[c]) max = Math.max(max, logits[base + c]!);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) if (!allowed || allowed[c]) sum += Math.exp(logits[base + c]! - max);
    const target = allowed && !allowed[label] ? -Infinity : logits[base + label]!;
    total += max + Math.log(sum) - target;
  }
  return total / rows;
}
