import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';
import { federatedFeatureLabels, initialFederatedFeatures, matchFederatedFeatures, type ClassGradient } from './federated-features.js';
import { linearClassifierGradient } from './linear-classifier-gradient.js';

const C = 3;
const D = 4;
const M = 5;

/** The real gradient of class c, measured on features drawn around a class-specific mean. */
function realGradient(weight: tf.Tensor2D, bias: tf.Tensor1D, c: number, rng: Rng): ClassGradient {
  return tf.tidy(() => {
    const rows = Array.from({ length: 16 }, () => Array.from({ length: D }, (_, j) => (j === c ? 3 : 0) + rng.normal(0, 0.3)));
    const [gw, gb] = linearClassifierGradient({ weight, bias }, tf.tensor2d(rows), tf.fill([16], c, 'int32') as tf.Tensor1D);
    return { weight: gw.dataSync().slice() as Float32Array, bias: gb.dataSync().slice() as Float32Array };
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('federated features', () => {
  it('labels are m copies of each class, in class order', () => {
    expect(Array.from(federatedFeatureLabels(3, 2))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('matching moves the features of reported classes so their classifier gradient aligns with the real one', () => {
    const rng = new Rng(7);
    const weight = tf.tensor2d(
      Array.from({ length: C * D }, () => rng.normal(0, 0.5)),
      [C, D],
    );
    const bias = tf.zeros([C]) as tf.Tensor1D;
    const real = new Map([
      [0, realGradient(weight, bias, 0, rng)],
      [2, realGradient(weight, bias, 2, rng)],
    ]);
    const start = initialFederatedFeatures(rng.derive('features'), C, M, D);
    const before = tf.memory().numTensors;

    const result = matchFederatedFeatures(start, { weight, bias }, real, { featuresPerClass: M, steps: 60, lr: 0.5 });

    expect(tf.memory().numTensors).toBe(before);
    expect(result.lossAfter).toBeLessThan(result.lossBefore * 0.5);
    const slice = (f: Float32Array, c: number) => f.subarray(c * M * D, (c + 1) * M * D);
    // Class 1 was reported by no client: its features are untouched.
    expect(Array.from(slice(result.features, 1))).toEqual(Array.from(slice(start, 1)));
    expect(Array.from(slice(result.features, 0))).not.toEqual(Array.from(slice(start, 0)));
    // The synthetic weight gradient of class 2 now points where the real one does.
    const synthetic = (f: Float32Array) =>
      tf.tidy(
        () =>
          linearClassifierGradient({ weight, bias }, tf.tensor2d(slice(f, 2), [M, D]), tf.fill([M], 2, 'int32') as tf.Tensor1D)[0]
            .dataSync()
            .slice() as Float32Array,
      );
    expect(cosine(synthetic(result.features), real.get(2)!.weight)).toBeGreaterThan(cosine(synthetic(start), real.get(2)!.weight));
    expect(cosine(synthetic(result.features), real.get(2)!.weight)).toBeGreaterThan(0.9);
    tf.dispose([weight, bias]);
  });

  it('returns the features unchanged when no class was reported, and checks their size', () => {
    const weight = tf.zeros([C, D]) as tf.Tensor2D;
    const bias = tf.zeros([C]) as tf.Tensor1D;
    const start = new Float32Array(C * M * D).fill(0.5);
    expect(
      Array.from(matchFederatedFeatures(start, { weight, bias }, new Map(), { featuresPerClass: M, steps: 3, lr: 1 }).features),
    ).toEqual(Array.from(start));
    expect(() =>
      matchFederatedFeatures(new Float32Array(7), { weight, bias }, new Map(), { featuresPerClass: M, steps: 3, lr: 1 }),
    ).toThrow(/expected 3·5·4 = 60/);
    tf.dispose([weight, bias]);
  });
});
