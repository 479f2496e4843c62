import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { SGD, minimize } from './sgd.js';

/**
 * torch.optim.SGD (dampening 0, no Nesterov), written out in float64:
 *   g ← g + wd·w;  v ← g on the first step, else μ·v + g;  w ← w − lr·v.
 */
function torchSgdReference(
  w0: number[],
  gradOf: (w: number[]) => number[],
  steps: number,
  lr: number,
  momentum: number,
  wd: number,
): number[][] {
  let w = [...w0];
  let v: number[] | undefined;
  const trace: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const g = gradOf(w).map((gi, i) => gi + wd * w[i]!);
    v = v ? v.map((vi, i) => momentum * vi + g[i]!) : g;
    w = w.map((wi, i) => wi - lr * v![i]!);
    trace.push(w);
  }
  return trace;
}

// loss(w) = Σ c_i·w_i² / 2 + d·w_0, so ∂loss/∂w_i = c_i·w_i + d·[i = 0].
const C = [1.5, 0.5];
const D = 0.3;
const gradOf = (w: number[]) => w.map((wi, i) => C[i]! * wi + (i === 0 ? D : 0));
const lossOf = (w: tf.Variable) =>
  tf.add(tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(C), tf.square(w)))), tf.mul(D, tf.slice(w, 0, 1).reshape([]))) as tf.Scalar;

describe('SGD (PyTorch semantics)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
  });

  // Each row exercises one term of the update; a wrong term changes the trace.
  it.each([
    ['plain gradient descent', 0.1, 0, 0],
    ['momentum, v = g on the first step', 0.1, 0.9, 0],
    ['weight decay added to the gradient', 0.2, 0, 0.05],
    ['momentum and weight decay', 0.05, 0.5, 0.01],
  ])('%s', (_why, lr, momentum, weightDecay) => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, `sgd-test-${lr}-${momentum}-${weightDecay}`);
    const opt = new SGD([w], { lr, momentum, weightDecay });
    const want = torchSgdReference([1, -2], gradOf, 4, lr, momentum, weightDecay);
    for (let t = 0; t < 4; t++) {
      const loss = minimize(opt, () => lossOf(w));
      const got = Array.from(w.dataSync());
      expect(got[0]).toBeCloseTo(want[t]![0]!, 5);
      expect(got[1]).toBeCloseTo(want[t]![1]!, 5);
      expect(Number.isFinite(loss)).toBe(true);
    }
    opt.dispose();
    w.dispose();
  });

  it('minimize returns the loss before the step and leaks nothing; dispose frees the momentum buffers', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'sgd-test-leak');
    const before = tf.memory().numTensors;
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    const loss = minimize(opt, () => lossOf(w));
    expect(loss).toBeCloseTo(0.5 * (1.5 * 1 + 0.5 * 4) + 0.3 * 1, 5);
    expect(tf.memory().numTensors).toBe(before + 1); // one velocity buffer
    minimize(opt, () => lossOf(w));
    expect(tf.memory().numTensors).toBe(before + 1);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('step accepts gradients keyed by variable and skips variables without one', () => {
    const a = tf.variable(tf.tensor1d([1, 1]), true, 'sgd-test-a');
    const b = tf.variable(tf.tensor1d([5]), true, 'sgd-test-b');
    const opt = new SGD([a, b], { lr: 0.5 });
    const g = tf.tensor1d([2, -4]);
    opt.step(new Map([[a, g]]));
    expect(Array.from(a.dataSync())).toEqual([0, 3]);
    expect(Array.from(b.dataSync())).toEqual([5]);
    tf.dispose([g, a, b]);
    opt.dispose();
  });

  it.each([
    [{ lr: 0 }, 'Expected a finite number > 0 for lr but received 0'],
    [{ lr: Number.POSITIVE_INFINITY }, 'Expected a finite number > 0 for lr'],
    [{ lr: 0.1, momentum: 1 }, 'Expected momentum in [0, 1) but received 1'],
    [{ lr: 0.1, weightDecay: -1 }, 'Expected weightDecay >= 0 but received -1'],
  ])('rejects %o', (options, message) => {
    expect(() => new SGD([], options)).toThrow(message);
  });
});
