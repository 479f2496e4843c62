import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stopGradient } from './stop-gradient.js';

describe('stopGradient', () => {
  it('passes values through and blocks the gradient of its branch only', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    // f(x) = Σ x² + Σ stop(x)³: only the first term has a gradient, 2x.
    const { value, grad } = tf.valueAndGrad(
      (t: tf.Tensor) => tf.add(tf.sum(tf.square(t)), tf.sum(tf.pow(stopGradient(t), 3))) as tf.Scalar,
    )(x);
    expect(value.dataSync()[0]).toBeCloseTo(14 + 36, 5);
    expect(Array.from(grad.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([x, value, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
