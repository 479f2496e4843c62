/**
 * The proximal penalty that keeps a local model near an anchor (FedProx's global model, Ditto's
 * global model for the personal copy).
 *
 * - `'sqL2/2'`: `μ/2 · ‖w − w_a‖²`, as written in FedProx (Li et al., MLSys 2020, Eq. 2) and Ditto
 *   (Li et al., ICML 2021, Eq. 2).
 * - `'l2'`: `μ · ‖w − w_a‖`, the un-squared norm of the FedLoGe reference code (`--beta`). Its
 *   gradient `(w − w_a)/‖w − w_a‖` is undefined at w = w_a, which is why that code skips the term
 *   on the first batch of every epoch; callers implement the skip (`skipsFirstBatch`).
 *
 * The norm runs over all parameters together, as one vector.
 */
import * as tf from '@tensorflow/tfjs-core';

export type ProxForm = 'sqL2/2' | 'l2';

/** Every proximal form, for option schemas. */
export const PROX_FORMS = ['sqL2/2', 'l2'] as const satisfies readonly ProxForm[];

/**
 * The penalty for `weights` against `anchors` (same order, same shapes). Differentiable with
 * respect to `weights`; the anchors are constants.
 */
export function proximalTerm(weights: readonly tf.Tensor[], anchors: readonly tf.Tensor[], mu: number, form: ProxForm): tf.Scalar {
  if (weights.length !== anchors.length) {
    throw new RangeError(`proximalTerm: ${weights.length} weights but ${anchors.length} anchors; pass one anchor per weight`);
  }
  weights.forEach((w, i) => {
    if (w.shape.join('x') !== anchors[i]!.shape.join('x')) {
      throw new RangeError(
        `proximalTerm: weight ${i} has shape [${w.shape.join(', ')}] but its anchor has shape [${anchors[i]!.shape.join(', ')}]`,
      );
    }
  });
  return tf.tidy(() => {
    let squared: tf.Scalar = tf.scalar(0);
    for (let i = 0; i < weights.length; i++) {
      squared = tf.add(squared, tf.sum(tf.square(tf.sub(weights[i]!, anchors[i]!))));
    }
    return (form === 'sqL2/2' ? tf.mul(squared, mu / 2) : tf.mul(tf.sqrt(squared), mu)) as tf.Scalar;
  });
}

/** Whether the reference code's first-batch-of-each-epoch skip applies to this form. */
export function skipsFirstBatch(form: ProxForm): boolean {
  return form === 'l2';
}
