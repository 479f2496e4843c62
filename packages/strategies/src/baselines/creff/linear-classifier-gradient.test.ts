import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@fedloge/core';
import { describe, expect, it } from 'vitest';
import { groupedLinearClassifierGradient, linearClassifierGradient } from './linear-classifier-gradient.js';

describe('linearClassifierGradient', () => {
  it('matches autodiff of mean cross-entropy', () => {
    const before = tf.memory().numTensors;
    const weight = tf.tensor2d([
      [0.2, -0.1, 0.4],
      [0.0, 0.3, -0.2],
      [-0.5, 0.1, 0.1],
      [0.3, 0.3, 0.3],
    ]);
    const bias = tf.tensor1d([0.1, -0.2, 0.0, 0.05]);
    const features = tf.tensor2d([
      [1, 2, 0.5],
      [-1, 0, 2],
      [0.3, 0.3, -0.7],
    ]);
    const labels = tf.tensor1d([3, 0, 0], 'int32');
    const [gw, gb] = linearClassifierGradient({ weight, bias }, features, labels);
    const auto = tf.grads((w: tf.Tensor, b: tf.Tensor) =>
      crossEntropy(tf.add(tf.matMul(features, w, false, true), b) as tf.Tensor2D, labels),
    )([weight, bias]);
    const close = (a: tf.Tensor, b: tf.Tensor) => Math.max(...Array.from(tf.tidy(() => tf.abs(tf.sub(a, b)).dataSync())));
    expect(close(gw, auto[0]!)).toBeLessThan(1e-6);
    expect(close(gb, auto[1]!)).toBeLessThan(1e-6);
    tf.dispose([weight, bias, features, labels, gw, gb, ...auto]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('grouped: each group equals the single-batch gradient of its rows', () => {
    const before = tf.memory().numTensors;
    const weight = tf.tensor2d([
      [0.2, -0.1],
      [0.0, 0.3],
      [-0.5, 0.1],
    ]);
    const bias = tf.tensor1d([0.1, -0.2, 0.0]);
    const features = tf.tensor3d([
      [
        [1, 2],
        [-1, 0],
      ],
      [
        [0.3, 0.3],
        [2, -1],
      ],
    ]);
    const labels = tf.tensor2d(
      [
        [2, 2],
        [0, 1],
      ],
      [2, 2],
      'int32',
    );
    const [gw, gb] = groupedLinearClassifierGradient({ weight, bias }, features, labels);
    for (let g = 0; g < 2; g++) {
      const [w1, b1] = tf.tidy(() =>
        linearClassifierGradient(
          { weight, bias },
          tf.squeeze(tf.slice(features, [g, 0, 0], [1, 2, 2]), [0]) as tf.Tensor2D,
          tf.squeeze(tf.slice(labels, [g, 0], [1, 2]), [0]) as tf.Tensor1D,
        ).map((t) => t.dataSync()),
      );
      const gwRow = tf.tidy(() => tf.slice(gw, [g, 0, 0], [1, 3, 2]).dataSync());
      const gbRow = tf.tidy(() => tf.slice(gb, [g, 0], [1, 3]).dataSync());
      w1!.forEach((v, i) => expect(gwRow[i]).toBeCloseTo(v, 6));
      b1!.forEach((v, i) => expect(gbRow[i]).toBeCloseTo(v, 6));
    }
    tf.dispose([weight, bias, features, labels, gw, gb]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects features of the wrong width', () => {
    const weight = tf.zeros([2, 3]) as tf.Tensor2D;
    const bias = tf.zeros([2]) as tf.Tensor1D;
    const features = tf.zeros([1, 4]) as tf.Tensor2D;
    const labels = tf.tensor1d([0], 'int32');
    expect(() => linearClassifierGradient({ weight, bias }, features, labels)).toThrow(/4 columns but the classifier expects 3/);
    tf.dispose([weight, bias, features, labels]);
  });
});
