/**
 * `x` with its gradient cut (PyTorch's `.detach()`): the same values forward, zero gradient
 * backward. tfjs has no stop-gradient op, so this is an identity whose custom gradient is zero.
 */
import * as tf from '@tensorflow/tfjs-core';

const detach = tf.customGrad((...inputs: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return detach(x) as T;
}
