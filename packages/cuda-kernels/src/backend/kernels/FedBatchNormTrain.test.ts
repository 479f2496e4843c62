// The fused batch-norm kernels of the native backend against core's composite path on the cpu backend (the same
// BatchNorm2d code, so the running statistics are checked too), a float64 hand computation, and bad input.
import * as tf from '@tensorflow/tfjs-core';
import {
  BatchNorm2d,
  FED_BATCH_NORM_TRAIN as CORE_BN,
  FED_BATCH_NORM_TRAIN_GRAD as CORE_BN_GRAD,
  ParameterSet,
  batchNormTrain,
} from '@fedloge/core';
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { maxRelativeError, nativeBackendAvailable, nativeSkipNote, randomTensor, type HostTensor } from '../__fixtures__/parity.js';
import { FED_BATCH_NORM_TRAIN, FED_BATCH_NORM_TRAIN_GRAD } from './fused-names.js';

/** y, mean, variance and the gradients of Σ y·w wrt x, γ, β, on `backend`; also which kernels ran. */
async function bnRun(backend: 'cpu' | 'native', x: HostTensor, gamma: HostTensor, beta: HostTensor, w: HostTensor) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  let out: Float32Array[] = [];
  const profile = await tf.profile(() => {
    tf.tidy(() => {
      const [xt, gt, bt, wt] = [x, gamma, beta, w].map((h) => tf.tensor(h.values, [...h.shape]));
      let stats: tf.Tensor[] = [];
      const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
        const r = batchNormTrain(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5);
        stats = [r.mean, r.variance];
        return tf.sum(tf.mul(r.y, wt!));
      };
      const { value, grads } = tf.valueAndGrads(f)([xt!, gt!, bt!]);
      const y = tf.tidy(() => {
        const r = batchNormTrain(xt as tf.Tensor4D, gt as tf.Tensor1D, bt as tf.Tensor1D, 1e-5);
        r.mean.dispose();
        r.variance.dispose();
        return r.y;
      });
      out = [y, value, ...stats, ...grads].map((t) => Float32Array.from(t.dataSync()));
      for (const t of stats) t.dispose();
    });
  });
  expect(tf.memory().numTensors).toBe(before);
  return { out, kernels: new Set(profile.kernelNames) };
}

describe(`FedBatchNormTrain on the native backend${nativeSkipNote}`, () => {
  it('uses the kernel names core declares', () => {
    expect([FED_BATCH_NORM_TRAIN, FED_BATCH_NORM_TRAIN_GRAD]).toEqual([CORE_BN, CORE_BN_GRAD]);
  });

  it.skipIf(!nativeBackendAvailable)('matches the composite path on cpu: y, statistics and all three gradients', async () => {
    const shape = [3, 5, 4, 6];
    const inputs = [randomTensor(shape, 1, 2), randomTensor([6], 2), randomTensor([6], 3), randomTensor(shape, 4)] as const;
    const cpu = await bnRun('cpu', ...inputs);
    const native = await bnRun('native', ...inputs);
    expect(cpu.kernels.has(FED_BATCH_NORM_TRAIN)).toBe(false);
    expect(native.kernels.has(FED_BATCH_NORM_TRAIN)).toBe(true);
    expect(native.kernels.has(FED_BATCH_NORM_TRAIN_GRAD)).toBe(true);
    const names = ['y', 'loss', 'mean', 'variance', 'dx', 'dGamma', 'dBeta'];
    cpu.out.forEach((ref, i) => expect(maxRelativeError(native.out[i]!, ref), names[i]).toBeLessThanOrEqual(1e-4));
  });

  it.skipIf(!nativeBackendAvailable)('keeps BatchNorm2d running statistics identical to the cpu backend', async () => {
    const x = randomTensor([4, 3, 3, 5], 7, 3);
    const runningAfter = async (backend: 'cpu' | 'native') => {
      await tf.setBackend(backend);
      const params = new ParameterSet('bnTest');
      const bn = new BatchNorm2d(params, 'bn', { channels: 5 });
      for (let step = 0; step < 2; step++)
        tf.tidy(() => bn.apply(tf.tensor4d(x.values, x.shape as [number, number, number, number]), 'train'));
      const result = [bn.runningMean, bn.runningVar].map((t) => Float32Array.from(t.dataSync()));
      params.dispose();
      return result;
    };
    const cpu = await runningAfter('cpu');
    const native = await runningAfter('native');
    cpu.forEach((ref, i) => expect(maxRelativeError(native[i]!, ref)).toBeLessThanOrEqual(1e-5));
  });

  it.skipIf(!nativeBackendAvailable)('computes accurate statistics for a large mean (float64 reference)', async () => {
    const m = 4096;
    const c = 3;
    const x = new Float32Array(m * c);
    for (let i = 0; i < x.length; i++) x[i] = 1000 + Math.sin(i * 0.37) * (1 + (i % c));
    const mean = new Float32Array(c);
    const variance = new Float32Array(c);
    const y = new Float32Array(m * c);
    nativeAddon()!.batchNormTrainForward!(x, m, c, new Float32Array(c).fill(1), new Float32Array(c), 1e-5, y, mean, variance);
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += x[r * c + j]!;
      const mu = s / m;
      let v = 0;
      for (let r = 0; r < m; r++) v += (x[r * c + j]! - mu) ** 2;
      v /= m;
      expect(Math.abs(mean[j]! - mu) / mu).toBeLessThan(1e-6);
      expect(Math.abs(variance[j]! - v) / v).toBeLessThan(1e-4);
    }
  });

  it.skipIf(!nativeBackendAvailable)('throws JS errors for mismatched shapes, in the binding and in the kernel', async () => {
    const addon = nativeAddon()!;
    const f = (n: number) => new Float32Array(n);
    expect(() => addon.batchNormTrainForward!(f(12), 4, 3, f(2), f(3), 1e-5, f(12), f(3), f(3))).toThrow(/gamma/);
    expect(() => addon.batchNormTrainForward!(f(12), 4, 3, f(3), f(3), 1e-5, f(11), f(3), f(3))).toThrow(/y/);
    expect(() => addon.batchNormTrainForward!(f(12), 0, 3, f(3), f(3), 1e-5, f(0), f(3), f(3))).toThrow(RangeError);
    expect(() =>
      addon.batchNormTrainForward!(new Int32Array(12) as unknown as Float32Array, 4, 3, f(3), f(3), 1e-5, f(12), f(3), f(3)),
    ).toThrow(TypeError);
    expect(() => addon.batchNormTrainBackward!(f(12), f(10), 4, 3, f(3), f(3), f(3), 1e-5, f(12), f(3), f(3))).toThrow(/x/);
    expect(() => addon.batchNormTrainBackward!(f(12), f(12), 4, 3, f(3), f(3), f(3), 1e-5, f(12), f(3), f(2))).toThrow(/dBeta/);
    await tf.setBackend('native');
    const inUse = (tf.backend() as unknown as { pool: { stats(): { buffersInUse: number } } }).pool.stats().buffersInUse;
    tf.tidy(() => {
      const x = tf.zeros([2, 2, 2, 3]);
      expect(() => tf.engine().runKernel(FED_BATCH_NORM_TRAIN, { x, gamma: tf.ones([4]), beta: tf.zeros([3]) }, { epsilon: 1e-5 })).toThrow(
        /gamma must have shape \[3\]/,
      );
      expect(() =>
        tf
          .engine()
          .runKernel(
            FED_BATCH_NORM_TRAIN_GRAD,
            { dy: tf.zeros([2, 2, 3]), x, gamma: tf.ones([3]), mean: tf.zeros([3]), variance: tf.ones([3]) },
            { epsilon: 1e-5 },
          ),
      ).toThrow(/dy/);
    });
    expect((tf.backend() as unknown as { pool: { stats(): { buffersInUse: number } } }).pool.stats().buffersInUse).toBe(inUse);
  });
});
