/**
 * Cross-entropy on shifted logits, `CE(z + o, y)` with one offset `o_c` per class. Balanced
 * Softmax (offsets `log n_c`) and FedLC's logit calibration (offsets `−τ·n_c^{−1/4}`) are both
 * this loss with different offsets; see `class-prior.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@fedloge/core';

/**
 * Mean cross-entropy of `logits + offsets` against `labels`.
 * @param logits `[B, C]` raw logits.
 * @param labels `[B]` int32 class ids.
 * @param offsets `C` per-class additive offsets (finite; use `ABSENT_CLASS_OFFSET` for −∞).
 */
export function offsetCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, offsets: Float32Array): tf.Scalar {
  const numClasses = logits.shape[1];
  if (offsets.length !== numClasses) {
    throw new RangeError(`offsetCrossEntropy: expected ${numClasses} class offsets (one per logit column) but received ${offsets.length}`);
  }
  return tf.tidy(() => crossEntropy(tf.add(logits, tf.tensor1d(offsets)) as tf.Tensor2D, labels));
}
