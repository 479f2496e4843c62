/**
 * The layer-wise gradient distance of Dataset Condensation (Zhao, Mopuri & Bilen, "Dataset
 * Condensation with Gradient Matching", ICLR 2021, arXiv:2006.05929, Eq. 10), which CReFF uses to
 * fit its federated features (the official code's `dis_metric='ours'`).
 *
 * For each parameter, the gradient is viewed as rows along its last axis (a linear weight
 * `[out, in]`: one row per output unit; a bias `[out]`: a single row), and the distance is
 * `Σ_rows (1 − cos(g_syn_row, g_real_row))`, summed over parameters. Leading axes just add rows,
 * so a stack of G gradients (`[G, out, in]` and `[G, out]`) gives the sum of the G distances in one
 * call. (The reference also flattens convolution kernels to `[out, in·h·w]`; CReFF only matches a
 * linear classifier.) The `1e-6` in the cosine's denominator is the reference's guard against
 * zero rows.
 */
import * as tf from '@tensorflow/tfjs-core';

const COSINE_EPSILON = 1e-6;

/** Per-row (last axis) `1 − cos` between two gradients of the same parameter, summed. */
function rowCosineDistance(syn: tf.Tensor, real: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(syn, real), -1);
    const norms = tf.mul(tf.norm(syn, 'euclidean', -1), tf.norm(real, 'euclidean', -1));
    return tf.sum(tf.sub(1, tf.div(dot, tf.add(norms, COSINE_EPSILON)))) as tf.Scalar;
  });
}

/**
 * Gradient-matching distance between synthetic and real gradients, given parameter by parameter
 * in the same order (weights in `[out, in]` layout).
 */
export function gradientMatchingDistance(synthetic: readonly tf.Tensor[], real: readonly tf.Tensor[]): tf.Scalar {
  if (synthetic.length !== real.length) {
    throw new RangeError(
      `gradientMatchingDistance: ${synthetic.length} synthetic gradients but ${real.length} real ones; pass one per parameter`,
    );
  }
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    synthetic.forEach((s, i) => {
      const r = real[i]!;
      if (s.shape.join('x') !== r.shape.join('x')) {
        throw new RangeError(
          `gradientMatchingDistance: parameter ${i} has synthetic gradient shape [${s.shape.join(', ')}] but real shape [${r.shape.join(', ')}]`,
        );
      }
      total = tf.add(total, rowCosineDistance(s, r));
    });
    return total;
  });
}
