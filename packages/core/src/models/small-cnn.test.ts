import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { LinearHead } from '../nn/linear-head.js';
import { Rng } from '../random.js';
import { SGD, minimize } from '../train/sgd.js';
import { crossEntropy } from '../train/losses.js';
import { lossAndGrads, relativeMaxError } from './__fixtures__/grad-check.js';
import { cnnModelPlugin } from './plugins.js';
import { SmallCnn } from './small-cnn.js';

function imageBatch(rng: Rng, n: number, shape: [number, number, number]): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(n * size);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const labels = Int32Array.from({ length: n }, () => rng.int(10));
  return { x: tf.tensor4d(data, [n, ...shape]), y: tf.tensor1d(labels, 'int32') };
}

describe('cnn backbone', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
  });

  it('maps [B, 28, 28, 1] to non-negative [B, 128] features, with the documented state keys and sizes', () => {
    const net = cnnModelPlugin.create({ inputShape: [28, 28, 1], rng: new Rng(1) }, {});
    expect(net.featureDim).toBe(128);
    const state = net.exportState();
    const shapes = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      'conv1.weight': [3, 3, 1, 32],
      'bn1.gamma': [32],
      'bn1.beta': [32],
      'bn1.runningMean': [32],
      'bn1.runningVar': [32],
      'conv2.weight': [3, 3, 32, 64],
      'bn2.gamma': [64],
      'bn2.beta': [64],
      'bn2.runningMean': [64],
      'bn2.runningVar': [64],
      'fc.weight': [128, 7 * 7 * 64],
      'fc.bias': [128],
    });
    const { x } = imageBatch(new Rng(2), 3, [28, 28, 1]);
    for (const mode of ['train', 'eval'] as const) {
      const f = tf.tidy(() => net.apply(x, mode));
      expect(f.shape).toEqual([3, 128]);
      expect(Math.min(...f.dataSync())).toBeGreaterThanOrEqual(0);
      f.dispose();
    }
    x.dispose();
    net.dispose();
  });

  it('rejects images of the wrong size, saying what it expects', () => {
    const net = new SmallCnn([28, 28, 1], new Rng(1));
    expect(() => tf.tidy(() => net.apply(tf.zeros([2, 32, 32, 3]), 'eval'))).toThrow(
      'cnn.apply: expected an NHWC batch of shape [batch, 28, 28, 1] but received [2, 32, 32, 3]',
    );
    expect(() => new SmallCnn([2, 28, 1], new Rng(1))).toThrow(/height, width ≥ 4 but received \[2, 28, 1\]/);
    net.dispose();
  });

  it('has the same gradients on wasm (shims) and cpu', async () => {
    const grads: Record<string, Record<string, Float32Array>> = {};
    const losses: Record<string, number> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend, logger: silentLogger() });
      const net = new SmallCnn([12, 12, 1], new Rng(3));
      const head = new LinearHead({ inputDim: 128, numClasses: 10, rng: new Rng(4) });
      const { x, y } = imageBatch(new Rng(5), 4, [12, 12, 1]);
      ({ loss: losses[backend]!, grads: grads[backend]! } = lossAndGrads(net, head, x, y));
      tf.dispose([x, y]);
      net.dispose();
      head.dispose();
    }
    expect(losses['wasm']).toBeCloseTo(losses['cpu']!, 4);
    expect(Object.keys(grads['wasm']!).sort()).toEqual(Object.keys(grads['cpu']!).sort());
    expect(Object.keys(grads['wasm']!)).toHaveLength(10); // 8 backbone params + head weight, bias
    for (const [key, g] of Object.entries(grads['cpu']!))
      expect([key, relativeMaxError(grads['wasm']![key]!, g)]).toEqual([key, expect.closeTo(0, 3)]);
  });

  it('SGD steps fit a tiny batch, with a constant tensor count across steps', async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
    const net = new SmallCnn([28, 28, 1], new Rng(6));
    const head = new LinearHead({ inputDim: 128, numClasses: 10, rng: new Rng(7) });
    const { x, y } = imageBatch(new Rng(8), 8, [28, 28, 1]);
    const vars = [...net.trainableVariables(), ...head.trainableVariables()];
    const opt = new SGD(vars, { lr: 0.05, momentum: 0.9 });
    const loss = () => crossEntropy(head.apply(net.apply(x, 'train')), y);
    const losses = [minimize(opt, loss)];
    const tensorsAfterFirstStep = tf.memory().numTensors; // momentum buffers now exist
    for (let step = 0; step < 9; step++) losses.push(minimize(opt, loss));
    expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    opt.dispose();
    tf.dispose([x, y]);
    net.dispose();
    head.dispose();
  });
});
