import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { proximalTerm, skipsFirstBatch } from './proximal-term.js';

const w = [
  [1, 2, 3],
  [0.5, -1],
];
const a = [
  [0, 2, 1],
  [1.5, -1],
];
// ‖w − a‖² over both tensors: 1 + 0 + 4 + 1 + 0 = 6.
const squaredDistance = 6;

describe('proximalTerm', () => {
  it("'sqL2/2' is μ/2·‖w − w_a‖² over all tensors together", () => {
    const v = tf.tidy(
      () =>
        proximalTerm(
          w.map((x) => tf.tensor(x)),
          a.map((x) => tf.tensor(x)),
          0.1,
          'sqL2/2',
        ).dataSync()[0]!,
    );
    expect(v).toBeCloseTo((0.1 / 2) * squaredDistance, 6);
  });

  it("'l2' is the un-squared μ·‖w − w_a‖ of the reference code, and only it skips batch 0", () => {
    const v = tf.tidy(
      () =>
        proximalTerm(
          w.map((x) => tf.tensor(x)),
          a.map((x) => tf.tensor(x)),
          0.1,
          'l2',
        ).dataSync()[0]!,
    );
    expect(v).toBeCloseTo(0.1 * Math.sqrt(squaredDistance), 6);
    expect(skipsFirstBatch('l2')).toBe(true);
    expect(skipsFirstBatch('sqL2/2')).toBe(false);
  });

  it('has gradient μ·(w − w_a) in the paper form and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const ws = w.map((x) => tf.tensor(x));
    const as = a.map((x) => tf.tensor(x));
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => proximalTerm(xs, as, 0.1, 'sqL2/2'))(ws);
    expect(Array.from(grads[0]!.dataSync()).map((g) => +g.toFixed(6))).toEqual([0.1, 0, 0.2]);
    expect(Array.from(grads[1]!.dataSync()).map((g) => +g.toFixed(6))).toEqual([-0.1, 0]);
    tf.dispose([...ws, ...as, value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched lists and shapes', () => {
    const x = tf.tensor([1, 2]);
    const y = tf.tensor([1, 2, 3]);
    expect(() => proximalTerm([x], [], 1, 'l2')).toThrow(/1 weights but 0 anchors/);
    expect(() => proximalTerm([x], [y], 1, 'l2')).toThrow(/shape \[2\] but its anchor has shape \[3\]/);
    tf.dispose([x, y]);
  });
});
