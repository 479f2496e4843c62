/**
 * The gradient of mean cross-entropy with respect to a linear classifier's parameters, in closed
 * form: with `p = softmax(F Wᵀ + b)` and `Y` the one-hot labels of a batch of B features,
 *
 *   ∂L/∂W = (p − Y)ᵀ F / B   ([C, d]),   ∂L/∂b = Σ_rows (p − Y) / B   ([C]).
 *
 * CReFF needs this gradient as a differentiable function of the features F (to fit federated
 * features by gradient matching). Writing it out keeps that a first-order computation, instead of
 * differentiating through `tf.grads` (second-order autodiff, which tfjs does not support for
 * every op).
 */
import * as tf from '@tensorflow/tfjs-core';

/** A linear classifier in `[out, in]` layout: logits = features · weightᵀ + bias. */
export interface LinearClassifierTensors {
  /** `[C, d]`. */
  readonly weight: tf.Tensor2D;
  /** `[C]`. */
  readonly bias: tf.Tensor1D;
}

/** `[∂L/∂W, ∂L/∂b]` of mean cross-entropy on (`features` `[B, d]`, int32 `labels` `[B]`). */
export function linearClassifierGradient(
  classifier: LinearClassifierTensors,
  features: tf.Tensor2D,
  labels: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor1D] {
  const [numClasses, dim] = classifier.weight.shape;
  if (features.shape[1] !== dim) {
    throw new RangeError(`linearClassifierGradient: features have ${features.shape[1]} columns but the classifier expects ${dim}`);
  }
  return tf.tidy(() => {
    const logits = tf.add(tf.matMul(features, classifier.weight, false, true), classifier.bias);
    const residual = tf.div(tf.sub(tf.softmax(logits), tf.oneHot(tf.cast(labels, 'int32'), numClasses)), features.shape[0]);
    return [tf.matMul(residual, features, true, false) as tf.Tensor2D, tf.sum(residual, 0) as tf.Tensor1D];
  });
}

/**
 * The same gradient for G groups at once: `features` `[G, m, d]` with int32 `labels` `[G, m]`
 * give `[G, C, d]` and `[G, C]`, group g's entries being `linearClassifierGradient` of its m rows.
 */
export function groupedLinearClassifierGradient(
  classifier: LinearClassifierTensors,
  features: tf.Tensor3D,
  labels: tf.Tensor2D,
): [tf.Tensor3D, tf.Tensor2D] {
  const [numClasses, dim] = classifier.weight.shape;
  const [groups, rows, width] = features.shape;
  if (width !== dim) {
    throw new RangeError(`groupedLinearClassifierGradient: features have ${width} columns but the classifier expects ${dim}`);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(features, [groups * rows, dim]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(flat, classifier.weight, false, true), classifier.bias);
    const onehot = tf.oneHot(tf.reshape(tf.cast(labels, 'int32'), [groups * rows]) as tf.Tensor1D, numClasses);
    const residual = tf.reshape(tf.div(tf.sub(tf.softmax(logits), onehot), rows), [groups, rows, numClasses]) as tf.Tensor3D;
    return [tf.matMul(residual, features, true, false) as tf.Tensor3D, tf.sum(residual, 1) as tf.Tensor2D];
  });
}
