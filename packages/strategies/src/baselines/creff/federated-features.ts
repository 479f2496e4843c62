/**
 * CReFF's server-side feature synthesis (Shang et al., IJCAI 2022, §4.2, Eq. 6–7): learnable
 * "federated features", `m` per class, are moved by SGD so that the classifier gradient they
 * produce matches, class by class, the classifier gradient clients measured on their real data.
 * Classes no client reported this round are left out of the loss, so their features do not move.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SGD, minimize } from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import { gradientMatchingDistance } from './gradient-matching-distance.js';
import { groupedLinearClassifierGradient, type LinearClassifierTensors } from './linear-classifier-gradient.js';

/** One class's averaged real classifier gradient, `[C, d]` and `[C]`. */
export interface ClassGradient {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** Settings of the synthesis step. */
export interface FeatureMatchingOptions {
  /** m: federated features per class. */
  readonly featuresPerClass: number;
  /** SGD steps on the features per round (the official `match_epoch`). */
  readonly steps: number;
  /** SGD learning rate on the features (the official `lr_feature`). */
  readonly lr: number;
}

/** Initial federated features: standard normal `[C·m, d]`, rows grouped by class (as `torch.randn`). */
export function initialFederatedFeatures(rng: Rng, numClasses: number, featuresPerClass: number, dim: number): Float32Array {
  const out = new Float32Array(numClasses * featuresPerClass * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** The labels of the federated features: `m` copies of each class id, in class order. */
export function federatedFeatureLabels(numClasses: number, featuresPerClass: number): Int32Array {
  const labels = new Int32Array(numClasses * featuresPerClass);
  for (let c = 0; c < numClasses; c++) labels.fill(c, c * featuresPerClass, (c + 1) * featuresPerClass);
  return labels;
}

/**
 * Run the matching steps and return the updated features `[C·m, d]` and the matching loss before
 * the first and after the last step.
 * @param features current federated features, `[C·m, d]` flattened, grouped by class.
 * @param classifier the classifier the real gradients were measured with.
 * @param realGradients averaged real gradient per class, for the classes some client holds.
 */
export function matchFederatedFeatures(
  features: Float32Array,
  classifier: LinearClassifierTensors,
  realGradients: ReadonlyMap<number, ClassGradient>,
  options: FeatureMatchingOptions,
): { features: Float32Array; lossBefore: number; lossAfter: number } {
  const [numClasses, dim] = classifier.weight.shape;
  const m = options.featuresPerClass;
  if (features.length !== numClasses * m * dim) {
    throw new RangeError(
      `matchFederatedFeatures: expected ${numClasses}·${m}·${dim} = ${numClasses * m * dim} feature values but received ${features.length}`,
    );
  }
  if (realGradients.size === 0) return { features: features.slice(), lossBefore: 0, lossAfter: 0 };
  // tidy frees the initial value; the variable itself survives tidy.
  const variable = tf.tidy(() => tf.variable(tf.tensor2d(features, [numClasses * m, dim]), true));
  // All reported classes in one batched computation: their rows, their labels and their targets.
  const reported = [...realGradients.keys()];
  const labels = tf.tensor2d(
    reported.flatMap((c) => new Array<number>(m).fill(c)),
    [reported.length, m],
    'int32',
  );
  const targetWeight = tf.tensor3d(concat(reported.map((c) => realGradients.get(c)!.weight)), [reported.length, numClasses, dim]);
  const targetBias = tf.tensor2d(concat(reported.map((c) => realGradients.get(c)!.bias)), [reported.length, numClasses]);
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      // Slices, not a gather: tfjs's gather gradient (unsorted segment sum) is very slow on cpu.
      const own = tf.stack(reported.map((c) => tf.slice(variable, [c * m, 0], [m, dim]))) as tf.Tensor3D;
      return gradientMatchingDistance(groupedLinearClassifierGradient(classifier, own, labels), [targetWeight, targetBias]);
    });
  const optimizer = new SGD([variable], { lr: options.lr });
  try {
    let lossBefore = Number.NaN;
    for (let step = 0; step < options.steps; step++) {
      const value = minimize(optimizer, loss);
      if (step === 0) lossBefore = value;
    }
    const lossAfter = tf.tidy(() => loss().dataSync()[0]!);
    return { features: variable.dataSync().slice() as Float32Array, lossBefore: options.steps > 0 ? lossBefore : lossAfter, lossAfter };
  } finally {
    optimizer.dispose();
    variable.dispose();
    tf.dispose([labels, targetWeight, targetBias]);
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
