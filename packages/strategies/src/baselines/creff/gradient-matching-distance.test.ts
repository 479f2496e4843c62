import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gradientMatchingDistance } from './gradient-matching-distance.js';

function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  return dot / (na * nb + 1e-6);
}

describe('gradientMatchingDistance', () => {
  it('sums 1 − cos over weight rows and over the bias as one row', () => {
    const wSyn = [
      [1, 0, 2],
      [0.5, -1, 0],
    ];
    const wReal = [
      [2, 1, 1],
      [-0.5, 1, 0],
    ];
    const bSyn = [0.3, -0.2];
    const bReal = [0.1, 0.4];
    const expected = 1 - cosine(wSyn[0]!, wReal[0]!) + (1 - cosine(wSyn[1]!, wReal[1]!)) + (1 - cosine(bSyn, bReal));
    const before = tf.memory().numTensors;
    const got = tf.tidy(
      () => gradientMatchingDistance([tf.tensor2d(wSyn), tf.tensor1d(bSyn)], [tf.tensor2d(wReal), tf.tensor1d(bReal)]).dataSync()[0]!,
    );
    expect(got).toBeCloseTo(expected, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is 0 for parallel gradients of any scale and 2 per row for opposite ones', () => {
    const parallel = tf.tidy(() => gradientMatchingDistance([tf.tensor2d([[1, 2]])], [tf.tensor2d([[3, 6]])]).dataSync()[0]!);
    const opposite = tf.tidy(
      () =>
        gradientMatchingDistance(
          [
            tf.tensor2d([
              [1, 2],
              [0, 1],
            ]),
          ],
          [
            tf.tensor2d([
              [-1, -2],
              [0, -5],
            ]),
          ],
        ).dataSync()[0]!,
    );
    expect(parallel).toBeCloseTo(0, 5);
    expect(opposite).toBeCloseTo(4, 5);
  });

  it('a stack of gradients gives the sum of their distances', () => {
    const a = [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 1],
        [2, 0],
      ],
    ];
    const b = [
      [
        [1, 1],
        [0, 2],
      ],
      [
        [-1, 1],
        [1, 3],
      ],
    ];
    const ab = [
      [0.5, 1],
      [1, -1],
    ];
    const bb = [
      [1, 1],
      [0, 2],
    ];
    const stacked = tf.tidy(
      () => gradientMatchingDistance([tf.tensor3d(a), tf.tensor2d(ab)], [tf.tensor3d(b), tf.tensor2d(bb)]).dataSync()[0]!,
    );
    const separate = [0, 1].reduce(
      (s, g) =>
        s +
        tf.tidy(
          () =>
            gradientMatchingDistance([tf.tensor2d(a[g]!), tf.tensor1d(ab[g]!)], [tf.tensor2d(b[g]!), tf.tensor1d(bb[g]!)]).dataSync()[0]!,
        ),
      0,
    );
    expect(stacked).toBeCloseTo(separate, 5);
  });

  it('is differentiable with respect to the synthetic gradient', () => {
    const real = tf.tensor2d([[1, 0]]);
    const syn = tf.tensor2d([[0, 1]]);
    const g = tf.grad((s: tf.Tensor) => gradientMatchingDistance([s], [real]))(syn);
    // d/ds (1 − s·r/(|s||r|)) at s ⟂ r, |s| = |r| = 1 is −r.
    expect(Array.from(g.dataSync()).map((v) => +v.toFixed(4))).toEqual([-1, 0]);
    tf.dispose([real, syn, g]);
  });

  it('rejects mismatched parameter lists', () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([1, 2, 3]);
    expect(() => gradientMatchingDistance([a], [])).toThrow(/1 synthetic gradients but 0 real/);
    expect(() => gradientMatchingDistance([a], [b])).toThrow(/parameter 0/);
    tf.dispose([a, b]);
  });
});
