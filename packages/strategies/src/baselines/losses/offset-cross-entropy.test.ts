import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ABSENT_CLASS_OFFSET, logCountOffsets, logitCalibrationOffsets } from './class-prior.js';
import { offsetCrossEntropy } from './offset-cross-entropy.js';

const logits = [
  [1.0, -0.5, 2.0, 0.3],
  [-1.2, 0.7, 0.1, 0.0],
  [0.4, 0.4, -2.0, 1.5],
];
const labels = [2, 1, 0];

/** Mean of −log softmax(z + o)[y] in float64, skipping classes whose offset is −∞. */
function referenceLoss(z: number[][], y: number[], offsets: number[]): number {
  let total = 0;
  z.forEach((row, i) => {
    const shifted = row.map((v, c) => v + offsets[c]!);
    const present = shifted.filter((v) => Number.isFinite(v));
    const max = Math.max(...present);
    const logSumExp = max + Math.log(present.reduce((s, v) => s + Math.exp(v - max), 0));
    total += logSumExp - shifted[y[i]!]!;
  });
  return total / z.length;
}

describe('offsetCrossEntropy', () => {
  it('Balanced Softmax equals CE(z + log n) computed by hand', () => {
    const counts = [50, 7, 300, 2];
    const got = tf.tidy(
      () => offsetCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), logCountOffsets(counts)).dataSync()[0]!,
    );
    expect(got).toBeCloseTo(referenceLoss(logits, labels, counts.map(Math.log)), 5);
  });

  it('drops a locally absent class from the softmax without NaN in the loss or its gradient', () => {
    const counts = [50, 7, 300, 0];
    const before = tf.memory().numTensors;
    const offsets = logCountOffsets(counts);
    expect(offsets[3]).toBe(ABSENT_CLASS_OFFSET);
    const z = tf.tensor2d(logits);
    const y = tf.tensor1d(labels, 'int32');
    const { value, grads } = tf.valueAndGrads((t: tf.Tensor) => offsetCrossEntropy(t as tf.Tensor2D, y, offsets))([z]);
    const loss = value.dataSync()[0]!;
    const grad = grads[0]!.arraySync() as number[][];
    // log 0 = −∞ removes class 3 entirely, exactly as in the reference.
    expect(loss).toBeCloseTo(referenceLoss(logits, labels, [...counts.slice(0, 3).map(Math.log), -Infinity]), 5);
    for (const row of grad) {
      for (const g of row) expect(Number.isFinite(g)).toBe(true);
      expect(row[3]).toBe(0); // an absent class gets no gradient
    }
    tf.dispose([z, y, value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('FedLC calibration equals CE(z − τ n^{-1/4}) computed by hand', () => {
    const counts = [16, 1, 81, 256];
    const tau = 0.7;
    const got = tf.tidy(
      () => offsetCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), logitCalibrationOffsets(counts, tau)).dataSync()[0]!,
    );
    // 16^{-1/4} = 1/2, 1^{-1/4} = 1, 81^{-1/4} = 1/3, 256^{-1/4} = 1/4.
    expect(got).toBeCloseTo(referenceLoss(logits, labels, [-tau / 2, -tau, -tau / 3, -tau / 4]), 5);
  });

  it('τ = 0 leaves plain cross-entropy, even for absent classes', () => {
    expect(Array.from(logitCalibrationOffsets([3, 0, 1], 0), Math.abs)).toEqual([0, 0, 0]);
  });

  it('rejects offsets of the wrong length and bad counts, naming the problem', () => {
    const z = tf.tensor2d(logits);
    const y = tf.tensor1d(labels, 'int32');
    expect(() => offsetCrossEntropy(z, y, new Float32Array(3))).toThrow(/expected 4 class offsets/);
    expect(() => logCountOffsets([1, -2])).toThrow(/class 1 but received -2/);
    expect(() => logCountOffsets([0, 0])).toThrow(/every class count is 0/);
    expect(() => logitCalibrationOffsets([1], Number.NaN)).toThrow(/tau >= 0/);
    tf.dispose([z, y]);
  });
});
