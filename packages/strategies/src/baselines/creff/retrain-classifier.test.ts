import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';
import { retrainClassifier } from './retrain-classifier.js';

/** Three classes, each a tight cluster on its own axis. */
function clusters(rng: Rng, perClass: number): { features: Float32Array; labels: Int32Array } {
  const features: number[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      for (let j = 0; j < 3; j++) features.push((j === c ? 2 : 0) + rng.normal(0, 0.2));
      labels.push(c);
    }
  }
  return { features: Float32Array.from(features), labels: Int32Array.from(labels) };
}

describe('retrainClassifier', () => {
  it('fits a fresh classifier that separates the federated features', () => {
    const { features, labels } = clusters(new Rng(1), 10);
    const fitted = retrainClassifier(features, labels, 3, { epochs: 30, batchSize: 8, lr: 0.5 }, new Rng(2));
    expect(fitted.weight.length).toBe(9);
    expect(fitted.bias.length).toBe(3);
    // Predict by hand: argmax_c (w_c · x + b_c).
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      const scores = [0, 1, 2].map(
        (c) => fitted.bias[c]! + [0, 1, 2].reduce((s, j) => s + fitted.weight[c * 3 + j]! * features[i * 3 + j]!, 0),
      );
      if (scores.indexOf(Math.max(...scores)) === labels[i]) correct++;
    }
    expect(correct).toBe(labels.length);
  });

  it('one step equals W − lr·(p − Y)ᵀX/B computed with tfjs autodiff', async () => {
    const { crossEntropy } = await import('@fedloge/core');
    const { features, labels } = clusters(new Rng(4), 2);
    const fresh = retrainClassifier(features, labels, 3, { epochs: 0, batchSize: 6, lr: 0.3 }, new Rng(5));
    // One epoch with one batch holding every row: the order does not matter.
    const stepped = retrainClassifier(features, labels, 3, { epochs: 1, batchSize: 6, lr: 0.3 }, new Rng(5));
    const expected = tf.tidy(() => {
      const w = tf.tensor2d(fresh.weight, [3, 3]);
      const b = tf.tensor1d(fresh.bias);
      const x = tf.tensor2d(features, [6, 3]);
      const y = tf.tensor1d(labels, 'int32');
      const [gw, gb] = tf.grads((wt: tf.Tensor, bt: tf.Tensor) =>
        crossEntropy(tf.add(tf.matMul(x, wt, false, true), bt) as tf.Tensor2D, y),
      )([w, b]);
      return [Array.from(tf.sub(w, tf.mul(gw!, 0.3)).dataSync()), Array.from(tf.sub(b, tf.mul(gb!, 0.3)).dataSync())];
    });
    expect(Math.max(...expected[0]!.map((v, i) => Math.abs(v - stepped.weight[i]!)))).toBeLessThan(1e-6);
    expect(Math.max(...expected[1]!.map((v, i) => Math.abs(v - stepped.bias[i]!)))).toBeLessThan(1e-6);
  });

  it('with zero epochs returns the PyTorch-default initialisation, bounded by 1/√d', () => {
    const { features, labels } = clusters(new Rng(1), 2);
    const fresh = retrainClassifier(features, labels, 3, { epochs: 0, batchSize: 4, lr: 0.1 }, new Rng(3));
    for (const v of [...fresh.weight, ...fresh.bias]) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(3));
    // Same stream, same classifier.
    expect(Array.from(retrainClassifier(features, labels, 3, { epochs: 0, batchSize: 4, lr: 0.1 }, new Rng(3)).weight)).toEqual(
      Array.from(fresh.weight),
    );
  });
});
