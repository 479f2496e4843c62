import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { resnet8ModelPlugin } from '../models/plugins.js';
import { LinearHead } from '../nn/linear-head.js';
import { Rng } from '../random.js';
import { leanVariableGrads } from './lean-backprop.js';
import { crossEntropy } from './losses.js';

type Grads = (f: () => tf.Scalar, vars: tf.Variable[]) => { value: tf.Scalar; grads: tf.NamedTensorMap };

describe.each(['cpu', 'wasm'] as const)('leanVariableGrads on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend, logger: silentLogger() });
  });

  it("gives tf.variableGrads' loss and gradients bit for bit on a ResNet-8 step, leaving no tensor behind", () => {
    const rng = new Rng(11);
    const net = resnet8ModelPlugin.create({ inputShape: [16, 16, 3], rng: rng.derive('net') }, {});
    const head = new LinearHead({ inputDim: net.featureDim, numClasses: 5, rng: rng.derive('head') });
    const data = rng.derive('data');
    const x = tf.tensor4d(
      Float32Array.from({ length: 4 * 16 * 16 * 3 }, () => data.normal()),
      [4, 16, 16, 3],
    );
    const y = tf.tensor1d([0, 3, 1, 4], 'int32');
    // The head's bias is left out: its gradient must be absent, not zero, as with tf.variableGrads.
    const vars = [...net.params.values(), ...head.params.values()].filter((v) => !v.name.endsWith('bias'));
    const run = (grads: Grads) => {
      const before = tf.memory().numTensors;
      const { value, grads: g } = grads(() => crossEntropy(head.apply(net.apply(x, 'train')), y), vars);
      const out = {
        loss: value.dataSync()[0]!,
        grads: Object.fromEntries(Object.entries(g).map(([k, t]) => [k, Array.from(t.dataSync())])),
      };
      tf.dispose([value, ...Object.values(g)]);
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    // Train mode normalises with batch statistics: the running ones that the first run moved do not enter the second.
    const stock = run(tf.variableGrads as Grads);
    const lean = run(leanVariableGrads as Grads);
    expect(lean.loss).toBe(stock.loss);
    expect(Object.keys(lean.grads).sort()).toEqual(Object.keys(stock.grads).sort());
    expect(Object.keys(lean.grads)).toHaveLength(vars.length);
    for (const [k, g] of Object.entries(stock.grads)) expect(lean.grads[k], k).toEqual(g);
    tf.dispose([x, y]);
    net.dispose();
    head.dispose();
  });

  it('frees each intermediate gradient once backprop has passed it (tfjs keeps all of them to the end)', () => {
    // 12 layers h ← 1.5·h of 10 000 floats; each layer's gradient function reports the bytes alive at that moment.
    const w = tf.variable(tf.ones([10_000]));
    const seen: number[] = [];
    const probe = tf.customGrad((...args: unknown[]) => {
      const [t] = args as [tf.Tensor];
      return {
        value: tf.clone(t),
        gradFunc: (dy: tf.Tensor) => {
          seen.push(tf.memory().numBytes);
          return tf.clone(dy);
        },
      };
    });
    const loss = () => {
      let h: tf.Tensor = w;
      for (let i = 0; i < 12; i++) h = probe(tf.mul(h, 1.5));
      return tf.sum(h) as tf.Scalar;
    };
    const peak = (grads: Grads) => {
      seen.length = 0;
      const { value, grads: g } = grads(loss, [w]);
      tf.dispose([value, ...Object.values(g)]);
      return Math.max(...seen);
    };
    const stock = peak(tf.variableGrads as Grads);
    const lean = peak(leanVariableGrads as Grads);
    const layer = 10_000 * 4;
    // Stock holds the 12 layers' outputs' gradients (2 per layer: after the probe and after the product) at the end.
    expect(stock - lean).toBeGreaterThan(12 * layer);
    w.dispose();
  });

  it('says so when no variable is connected to the loss', () => {
    const w = tf.variable(tf.ones([3]));
    const before = tf.memory().numTensors;
    expect(() => leanVariableGrads(() => tf.sum(tf.ones([2])) as tf.Scalar, [w])).toThrow(/no variable is connected to the loss/);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
