/**
 * CReFF's classifier re-training (Shang et al., IJCAI 2022, §4.3): a freshly initialised linear
 * classifier is trained with plain mini-batch SGD and cross-entropy on the federated features
 * alone. Since the features are class-balanced (m per class), the classifier is free of the
 * long-tail bias the federated backbone's own head picks up.
 *
 * Plain JS rather than tfjs: a softmax regression on a few thousand rows is tiny work, and per-op
 * overhead on the cpu/wasm backends made the official 300-epoch schedule cost tens of seconds per
 * round, against well under one here. Per step, with p = softmax(X Wᵀ + b) on a batch of B rows:
 *   W ← W − lr · (p − Y)ᵀ X / B,   b ← b − lr · Σ_rows (p − Y) / B.
 */
import { kaimingUniformBound, uniformInit } from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';

/** Settings of the re-training. */
export interface RetrainOptions {
  /** Passes over the federated features (the official `crt_epoch`). */
  readonly epochs: number;
  readonly batchSize: number;
  /** SGD learning rate, no momentum (the official `lr_net`). */
  readonly lr: number;
}

/** A linear classifier as plain arrays in `[out, in]` layout. */
export interface LinearClassifierArrays {
  /** `[C, d]` row-major. */
  readonly weight: Float32Array;
  /** `[C]`. */
  readonly bias: Float32Array;
}

/**
 * Train a fresh classifier on (`features` `[N, d]`, `labels` `[N]`). Initialisation is PyTorch's
 * `nn.Linear` default, U(−1/√d, 1/√d) for weight and bias, drawn from `rng`, which also orders
 * the batches (a new order every epoch, the last batch possibly smaller).
 */
export function retrainClassifier(
  features: Float32Array,
  labels: Int32Array,
  numClasses: number,
  options: RetrainOptions,
  rng: Rng,
): LinearClassifierArrays {
  const n = labels.length;
  if (n === 0 || features.length % n !== 0) {
    throw new RangeError(`retrainClassifier: ${features.length} feature values do not split into ${n} rows`);
  }
  for (const y of labels) {
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses))
      throw new RangeError(`retrainClassifier: label ${y} is outside [0, ${numClasses})`);
  }
  const dim = features.length / n;
  const bound = kaimingUniformBound(dim);
  const weight = Float64Array.from(uniformInit(rng.derive('init', 'weight'), [numClasses, dim], bound));
  const bias = Float64Array.from(uniformInit(rng.derive('init', 'bias'), [numClasses], bound));
  const gradW = new Float64Array(numClasses * dim);
  const gradB = new Float64Array(numClasses);
  const p = new Float64Array(numClasses);
  const orderRng = rng.derive('order');
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = orderRng.permutation(n);
    for (let start = 0; start < n; start += options.batchSize) {
      const end = Math.min(n, start + options.batchSize);
      gradW.fill(0);
      gradB.fill(0);
      for (let r = start; r < end; r++) {
        const row = order[r]! * dim;
        // p = softmax(x Wᵀ + b), with the max subtracted for stability.
        let max = -Infinity;
        for (let c = 0; c < numClasses; c++) {
          let z = bias[c]!;
          for (let j = 0; j < dim; j++) z += weight[c * dim + j]! * features[row + j]!;
          p[c] = z;
          if (z > max) max = z;
        }
        let sum = 0;
        for (let c = 0; c < numClasses; c++) sum += p[c] = Math.exp(p[c]! - max);
        const y = labels[order[r]!]!;
        for (let c = 0; c < numClasses; c++) {
          const residual = p[c]! / sum - (c === y ? 1 : 0);
          gradB[c]! += residual;
          for (let j = 0; j < dim; j++) gradW[c * dim + j]! += residual * features[row + j]!;
        }
      }
      const step = options.lr / (end - start);
      for (let i = 0; i < weight.length; i++) weight[i]! -= step * gradW[i]!;
      for (let c = 0; c < numClasses; c++) bias[c]! -= step * gradB[c]!;
    }
  }
  return { weight: Float32Array.from(weight), bias: Float32Array.from(bias) };
}
