/**
 * ReLU and the residual sum with gradients that keep fewer activations alive until backprop, as PyTorch's do.
 *
 * tfjs's Relu gradient saves its input and its Add gradient saves both operands (only for their shapes), so in a
 * conv → BN → ReLU network every BatchNorm output and both branches of every residual sum stay alive from the
 * forward to the backward pass. ReLU's derivative is as well read off its output (y > 0 exactly where x > 0), and
 * the sum of two same-shape tensors passes dy to both unchanged, so these versions save only the ReLU output —
 * which the next convolution saves anyway — and nothing for the sum. Values and gradients are tfjs's own, bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';

const reluOp = tf.customGrad((...args: unknown[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.relu(x);
  save([y]);
  return {
    value: y,
    // tfjs's Relu gradient is dy · step(x); step(y) is the same mask (and NaN where x is NaN, like step(x)).
    gradFunc: (dy: tf.Tensor, [yS]: tf.Tensor[]) => tf.mul(dy, tf.step(yS!)),
  };
});

const addOp = tf.customGrad((...args: unknown[]) => {
  const [a, b] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  // Two tensors, not dy twice: the tape disposes an input's gradient when it accumulates into it.
  return { value: tf.add(a, b), gradFunc: (dy: tf.Tensor) => [tf.clone(dy), tf.clone(dy)] };
});

/** max(x, 0), saving only its output for the gradient. */
export function reluLean<T extends tf.Tensor>(x: T): T {
  return reluOp(x) as T;
}

/** a + b of the same shape (no broadcasting), saving nothing for the gradient. */
export function addLean<T extends tf.Tensor>(a: T, b: T): T {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new RangeError(`addLean: the operands must have the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  return addOp(a, b) as T;
}
