import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { Rng } from '../random.js';
import { addLean, reluLean } from './lean-gradients.js';

/** Values in [−2, 3) with exact zeros and a NaN, so ReLU's kink and NaN propagation are covered. */
function data(rng: Rng, n: number): Float32Array {
  const a = Float32Array.from({ length: n }, () => rng.uniform(-2, 3));
  a[1] = 0;
  a[5] = 0;
  a[7] = Number.NaN;
  return a;
}

describe.each(['cpu', 'wasm'] as const)('lean ReLU and sum on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, logger: silentLogger() });
  });

  it('give the values and gradients of tf.relu(tf.add(a, b)) bit for bit, through a second use of each input', () => {
    const rng = new Rng(7);
    const shape: [number, number, number, number] = [2, 3, 3, 4];
    const a = tf.tensor4d(data(rng.derive('a'), 72), shape);
    const b = tf.tensor4d(data(rng.derive('b'), 72), shape);
    const w = tf.tensor4d(
      data(rng.derive('w'), 72).map((v) => (Number.isNaN(v) ? 0.5 : v)),
      shape,
    );
    const before = tf.memory().numTensors;
    // a is used twice (in the sum and again below) so the tape accumulates into its gradient.
    const loss = (relu: typeof tf.relu, add: typeof tf.add) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(relu(add(x, y)), tf.mul(x, 0.5)), w));
    const run = (relu: typeof tf.relu, add: typeof tf.add) =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(loss(relu, add))([a, b]);
        return [value, ...grads].map((t) => t.dataSync().slice());
      });
    const ours = run(reluLean as typeof tf.relu, addLean as typeof tf.add);
    const stock = run(tf.relu, tf.add);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < stock.length; i++) expect(Array.from(ours[i]!)).toEqual(Array.from(stock[i]!));
    // The NaN propagates to the loss and to the gradients at its position, as with tfjs's own ops.
    expect(Number.isNaN(ours[0]![0]!)).toBe(true);
    expect(Number.isNaN(ours[1]![7]!)).toBe(true);
    expect(ours[2]![0]).toBe(stock[2]![0]);
    tf.dispose([a, b, w]);
  });

  it('keeps fewer tensors alive for backprop than tf.relu(tf.add(…))', () => {
    // What the tape holds between the forward and the backward pass: count live tensors at the loss.
    const shape: [number, number, number, number] = [2, 4, 4, 3];
    const a = tf.variable(tf.ones(shape));
    const b = tf.variable(tf.ones(shape));
    const liveAtLoss = (relu: typeof tf.relu, add: typeof tf.add) => {
      let live = 0;
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const y = tf.tidy(() => relu(add(relu(a), b)));
          live = tf.memory().numTensors;
          return tf.sum(y) as tf.Scalar;
        }),
      );
      tf.dispose([value, ...Object.values(grads)]);
      return live;
    };
    const stock = liveAtLoss(tf.relu, tf.add);
    const ours = liveAtLoss(reluLean as typeof tf.relu, addLean as typeof tf.add);
    // Stock: relu(a) and the sum saved twice over (Add's operands, the outer Relu's input); ours: the two ReLU outputs.
    expect(ours).toBeLessThan(stock);
    tf.dispose([a, b]);
  });

  it('refuses operands of different shapes instead of broadcasting', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3]);
    expect(() => addLean(a, b as unknown as tf.Tensor2D)).toThrow('addLean: the operands must have the same shape, got [2, 3] and [3]');
    tf.dispose([a, b]);
  });
});
