import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { Rng } from '../random.js';
import { BatchNorm2d } from './batch-norm.js';
import { batchNormTrain } from './batch-norm-train.js';
import { ParameterSet } from './parameter-set.js';

const SHAPE: [number, number, number, number] = [3, 2, 3, 4]; // B, H, W, C: m = 18 values per channel

function randomArray(rng: Rng, n: number, lo = -2, hi = 3): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** Per-channel mean and biased/unbiased variance of NHWC data, in float64 JS. */
function channelStats(x: Float32Array, c: number): { mean: number[]; biased: number[]; unbiased: number[] } {
  const m = x.length / c;
  const mean = Array.from({ length: c }, (_, k) => {
    let s = 0;
    for (let i = k; i < x.length; i += c) s += x[i]!;
    return s / m;
  });
  const ss = mean.map((mu, k) => {
    let s = 0;
    for (let i = k; i < x.length; i += c) s += (x[i]! - mu) ** 2;
    return s;
  });
  return { mean, biased: ss.map((s) => s / m), unbiased: ss.map((s) => s / (m - 1)) };
}

describe.each(['wasm', 'cpu'] as const)('BatchNorm2d on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, logger: silentLogger() });
  });

  it('train mode normalises with batch statistics and moves the running stats once (unbiased variance)', () => {
    const owner = new ParameterSet('bn-test');
    const bn = new BatchNorm2d(owner, 'bn', { channels: 4 });
    const rng = new Rng(1);
    const gamma = randomArray(rng.derive('g'), 4, 0.5, 2);
    const beta = randomArray(rng.derive('b'), 4);
    const oldMean = randomArray(rng.derive('rm'), 4);
    const oldVar = randomArray(rng.derive('rv'), 4, 0.5, 2);
    owner.loadState({
      'bn.gamma': { shape: [4], data: gamma },
      'bn.beta': { shape: [4], data: beta },
      'bn.runningMean': { shape: [4], data: oldMean },
      'bn.runningVar': { shape: [4], data: oldVar },
    });
    const xData = randomArray(
      rng.derive('x'),
      SHAPE.reduce((a, b) => a * b),
    );
    const stats = channelStats(xData, 4);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => bn.apply(tf.tensor4d(xData, SHAPE), 'train').dataSync());
    expect(tf.memory().numTensors).toBe(before);

    for (let i = 0; i < xData.length; i++) {
      const k = i % 4;
      const expected = gamma[k]! * ((xData[i]! - stats.mean[k]!) / Math.sqrt(stats.biased[k]! + 1e-5)) + beta[k]!;
      expect(y[i]).toBeCloseTo(expected, 4);
    }
    const state = owner.exportState();
    for (let k = 0; k < 4; k++) {
      expect(state['bn.runningMean']!.data[k]).toBeCloseTo(0.9 * oldMean[k]! + 0.1 * stats.mean[k]!, 5);
      expect(state['bn.runningVar']!.data[k]).toBeCloseTo(0.9 * oldVar[k]! + 0.1 * stats.unbiased[k]!, 5);
    }
    owner.dispose();
  });

  it('eval mode uses the running statistics and changes nothing', () => {
    const owner = new ParameterSet('bn-test');
    const bn = new BatchNorm2d(owner, 'bn', { channels: 4 });
    const rm = [0.5, -1, 2, 0];
    const rv = [1, 4, 0.25, 2];
    owner.loadState({
      ...owner.exportState(),
      'bn.runningMean': { shape: [4], data: Float32Array.from(rm) },
      'bn.runningVar': { shape: [4], data: Float32Array.from(rv) },
    });
    const before = owner.exportState();
    const xData = randomArray(
      new Rng(2),
      SHAPE.reduce((a, b) => a * b),
    );
    const y = tf.tidy(() => bn.apply(tf.tensor4d(xData, SHAPE), 'eval').dataSync());
    for (let i = 0; i < xData.length; i++) {
      const k = i % 4;
      expect(y[i]).toBeCloseTo((xData[i]! - rm[k]!) / Math.sqrt(rv[k]! + 1e-5), 4);
    }
    expect(owner.exportState()).toEqual(before);
    owner.dispose();
  });

  it('the explicit backward matches autodiff of the textbook formula', () => {
    const rng = new Rng(3);
    const n = SHAPE.reduce((a, b) => a * b);
    const [x, gamma, beta, r] = [
      tf.tensor4d(randomArray(rng.derive('x'), n), SHAPE),
      tf.tensor1d(randomArray(rng.derive('g'), 4, 0.5, 2)),
      tf.tensor1d(randomArray(rng.derive('b'), 4)),
      tf.tensor4d(randomArray(rng.derive('r'), n), SHAPE),
    ];
    const textbook = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const mean = tf.mean(xx, [0, 1, 2]);
      const variance = tf.mean(tf.square(tf.sub(xx, mean)), [0, 1, 2]);
      return tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, 1e-5))), gg), bb);
    };
    const ours = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const res = batchNormTrain(xx as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5);
      res.mean.dispose();
      res.variance.dispose();
      return res.y;
    };
    const before = tf.memory().numTensors;
    const got = tf.tidy(() =>
      tf
        .grads((a, b, c) => tf.sum(tf.mul(ours(a!, b!, c!), r)))([x, gamma, beta])
        .map((t) => t.dataSync()),
    );
    expect(tf.memory().numTensors).toBe(before);
    const want = tf.tidy(() =>
      tf
        .grads((a, b, c) => tf.sum(tf.mul(textbook(a!, b!, c!), r)))([x, gamma, beta])
        .map((t) => t.dataSync()),
    );
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < want[j]!.length; i++) expect(got[j]![i]).toBeCloseTo(want[j]![i]!, 4);
    }
    tf.dispose([x, gamma, beta, r]);
  });

  it('works inside tf.variableGrads: gradients for γ, β only, running stats updated, no leaked tensors', () => {
    const owner = new ParameterSet('bn-test');
    const bn = new BatchNorm2d(owner, 'bn', { channels: 4 });
    const x = tf.tensor4d(
      randomArray(
        new Rng(4),
        SHAPE.reduce((a, b) => a * b),
      ),
      SHAPE,
    );
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(bn.apply(x, 'train'))) as tf.Scalar, owner.trainableVariables());
      expect(Object.keys(grads).sort()).toEqual([bn.beta.name, bn.gamma.name].sort());
      value.dispose();
      tf.dispose(Object.values(grads));
    }
    expect(tf.memory().numTensors).toBe(before);
    // Three updates of the running mean towards the batch mean: 1 − 0.9³ of the way.
    const mean = channelStats(x.dataSync() as Float32Array, 4).mean;
    const rm = bn.runningMean.dataSync();
    for (let k = 0; k < 4; k++) expect(rm[k]).toBeCloseTo((1 - 0.9 ** 3) * mean[k]!, 5);
    x.dispose();
    owner.dispose();
  });
});
