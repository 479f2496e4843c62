/**
 * How CReFF clients ship their per-class classifier gradients, and how the server combines them.
 *
 * A client sends, for every class c it holds, the classifier-layer gradient of cross-entropy on
 * its real data of class c, as two entries of its update: `creff.gradient.<c>.weight` ([C, d]) and
 * `creff.gradient.<c>.bias` ([C]). The server averages each class's gradient over the clients that
 * sent one, with equal weights (the official `update_feature_syn`), not by n_k.
 */
import type { ArrayRecord } from '@fedloge/core';
import type { ClassGradient } from './federated-features.js';

/** Key prefix of every per-class gradient entry. */
export const CLASS_GRADIENT_PREFIX = 'creff.gradient.';

/** The update entries for one class's gradient. */
export function classGradientEntries(classId: number, gradient: ClassGradient, numClasses: number, dim: number): ArrayRecord {
  return {
    [`${CLASS_GRADIENT_PREFIX}${classId}.weight`]: { shape: [numClasses, dim], data: gradient.weight },
    [`${CLASS_GRADIENT_PREFIX}${classId}.bias`]: { shape: [numClasses], data: gradient.bias },
  };
}

/**
 * Per class, the unweighted mean of the gradients the clients sent for it (classes nobody sent
 * are absent from the map).
 */
export function averageClassGradients(updates: readonly ArrayRecord[], numClasses: number, dim: number): Map<number, ClassGradient> {
  const sums = new Map<number, { weight: Float32Array; bias: Float32Array; count: number }>();
  for (const update of updates) {
    for (let c = 0; c < numClasses; c++) {
      const weight = update[`${CLASS_GRADIENT_PREFIX}${c}.weight`];
      const bias = update[`${CLASS_GRADIENT_PREFIX}${c}.bias`];
      if (!weight && !bias) continue;
      if (!weight || !bias || weight.data.length !== numClasses * dim || bias.data.length !== numClasses) {
        throw new RangeError(
          `CReFF: class ${c}'s gradient must come as '${CLASS_GRADIENT_PREFIX}${c}.weight' [${numClasses}, ${dim}] and ` +
            `'${CLASS_GRADIENT_PREFIX}${c}.bias' [${numClasses}] together`,
        );
      }
      const sum = sums.get(c) ?? { weight: new Float32Array(numClasses * dim), bias: new Float32Array(numClasses), count: 0 };
      weight.data.forEach((v, i) => (sum.weight[i]! += v));
      bias.data.forEach((v, i) => (sum.bias[i]! += v));
      sum.count++;
      sums.set(c, sum);
    }
  }
  return new Map([...sums].map(([c, s]) => [c, { weight: s.weight.map((v) => v / s.count), bias: s.bias.map((v) => v / s.count) }]));
}
