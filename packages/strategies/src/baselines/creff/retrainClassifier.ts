/**
 * CReFF's classifier re-training (Shang et al., IJCAI 2022, §4.3): a freshly initialised linear
 * classifier is trained with plain SGD and cross-entropy on the federated features alone. Since
 * the features are class-balanced (m per class), the classifier is free of the long-tail bias the
 * federated backbone's own head picks up.
 */
import * as tf from '@tensorflow/tfjs';
import { SGD, crossEntropy, kaimingUniformBound, minimize, uniformInit } from '@fedloge/core';
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
 * the batches.
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
  const dim = features.length / n;
  const bound = kaimingUniformBound(dim);
  // tidy frees the initial values; variables survive tidy.
  const weight = tf.tidy(() => tf.variable(tf.tensor2d(uniformInit(rng.derive('init', 'weight'), [numClasses, dim], bound), [numClasses, dim]), true));
  const bias = tf.tidy(() => tf.variable(tf.tensor1d(uniformInit(rng.derive('init', 'bias'), [numClasses], bound)), true));
  const x = tf.tensor2d(features, [n, dim]);
  const y = tf.tensor1d(labels, 'int32');
  const optimizer = new SGD([weight, bias], { lr: options.lr });
  const orderRng = rng.derive('order');
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = orderRng.permutation(n);
      for (let start = 0; start < n; start += options.batchSize) {
        const idx = tf.tensor1d(order.subarray(start, Math.min(n, start + options.batchSize)), 'int32');
        minimize(optimizer, () =>
          tf.tidy(() => crossEntropy(tf.add(tf.matMul(tf.gather(x, idx), weight, false, true), bias) as tf.Tensor2D, tf.gather(y, idx) as tf.Tensor1D)),
        );
        idx.dispose();
      }
    }
    return { weight: weight.dataSync().slice() as Float32Array, bias: bias.dataSync().slice() as Float32Array };
  } finally {
    optimizer.dispose();
    tf.dispose([weight, bias, x, y]);
  }
}
