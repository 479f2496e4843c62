import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { LinearHead } from '../nn/linear-head.js';
import { Rng } from '../random.js';
import { lossAndGrads, relativeMaxError } from './__fixtures__/grad-check.js';
import { CORE_HEAD_PLUGINS, CORE_MODEL_PLUGINS, resnet18ModelPlugin, resnet34ModelPlugin, resnet8ModelPlugin } from './plugins.js';
import { RESNET8, ResNet } from './resnet.js';

function randomImages(rng: Rng, shape: [number, number, number, number]): tf.Tensor4D {
  const data = new Float32Array(shape.reduce((a, b) => a * b));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return tf.tensor4d(data, shape);
}

function trainableCount(net: ResNet): number {
  let n = 0;
  for (const v of net.params.values()) n += v.size;
  return n;
}

describe('ResNets', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
  });

  it('resnet8 maps any image size to non-negative 64-d features', () => {
    const net = resnet8ModelPlugin.create({ inputShape: [32, 32, 3], rng: new Rng(1) }, {});
    expect(net.featureDim).toBe(64);
    for (const shape of [
      [2, 32, 32, 3],
      [3, 17, 23, 3],
      [1, 1, 1, 3],
    ] as [number, number, number, number][]) {
      const x = randomImages(new Rng(2), shape);
      for (const mode of ['train', 'eval'] as const) {
        const f = tf.tidy(() => net.apply(x, mode));
        expect(f.shape).toEqual([shape[0], 64]);
        expect(Math.min(...f.dataSync())).toBeGreaterThanOrEqual(0);
        f.dispose();
      }
      x.dispose();
    }
    expect(() => tf.tidy(() => net.apply(tf.zeros([1, 8, 8, 1]), 'eval'))).toThrow(
      'expected an NHWC batch of shape [batch, height, width, 3]',
    );
    net.dispose();
  });

  it('resnet8 state keys follow the PyTorch module tree (shortcut only where the shape changes)', () => {
    const net = new ResNet('resnet8', RESNET8, [32, 32, 3], new Rng(1));
    const keys = Object.keys(net.exportState());
    const convs = keys.filter((k) => k.endsWith('.weight'));
    expect(convs).toEqual([
      'conv1.weight',
      'layer1.0.conv1.weight',
      'layer1.0.conv2.weight',
      'layer2.0.conv1.weight',
      'layer2.0.conv2.weight',
      'layer2.0.shortcut.conv.weight',
      'layer3.0.conv1.weight',
      'layer3.0.conv2.weight',
      'layer3.0.shortcut.conv.weight',
    ]);
    expect(keys).toContain('layer2.0.shortcut.bn.runningVar');
    expect(net.exportState()['layer3.0.shortcut.conv.weight']!.shape).toEqual([1, 1, 32, 64]);
    // Stem 3·3·3·16 + BN 2·16; layer1 2·(9·16·16) + 2·32; layer2 9·16·32 + 9·32·32 + 16·32 + 3·64;
    // layer3 9·32·64 + 9·64·64 + 32·64 + 3·128 (docs/stack.md#measured-step-times: 78k with a dense-10 head).
    expect(trainableCount(net)).toBe(464 + 4_672 + 14_528 + 57_728);
    net.dispose();
  });

  it('resnet18 and resnet34 have the parameter counts of the PyTorch CIFAR models (minus the classifier)', () => {
    // torchsummary of kuangliu ResNet18/34 for CIFAR-10: 11 173 962 and 21 282 122 parameters,
    // of which the final Linear(512, 10) holds 5 130.
    const r18 = resnet18ModelPlugin.create({ inputShape: [32, 32, 3], rng: new Rng(1) }, {}) as ResNet;
    expect(r18.featureDim).toBe(512);
    expect(trainableCount(r18)).toBe(11_173_962 - 5_130);
    const f = tf.tidy(() => r18.apply(tf.ones([1, 8, 8, 3]), 'eval'));
    expect(f.shape).toEqual([1, 512]);
    f.dispose();
    r18.dispose();
    const r34 = resnet34ModelPlugin.create({ inputShape: [32, 32, 3], rng: new Rng(1) }, {}) as ResNet;
    expect(trainableCount(r34)).toBe(21_282_122 - 5_130);
    expect(Object.keys(r34.exportState()).filter((k) => k.endsWith('conv1.weight'))).toHaveLength(1 + 3 + 4 + 6 + 3);
    r34.dispose();
  });

  it('resnet8 has the same gradients on wasm (shims, stride 2, 1×1 shortcuts) and cpu', async () => {
    const grads: Record<string, Record<string, Float32Array>> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend, logger: silentLogger() });
      const net = new ResNet('resnet8', RESNET8, [9, 9, 3], new Rng(3));
      const head = new LinearHead({ inputDim: 64, numClasses: 10, rng: new Rng(4) });
      const x = randomImages(new Rng(5), [3, 9, 9, 3]);
      const y = tf.tensor1d([1, 4, 7], 'int32');
      grads[backend] = lossAndGrads(net, head, x, y).grads;
      tf.dispose([x, y]);
      net.dispose();
      head.dispose();
    }
    await initBackend({ backend: 'wasm', logger: silentLogger() });
    expect(Object.keys(grads['wasm']!)).toHaveLength(Object.keys(grads['cpu']!).length);
    for (const [key, g] of Object.entries(grads['cpu']!))
      expect([key, relativeMaxError(grads['wasm']![key]!, g)]).toEqual([key, expect.closeTo(0, 3)]);
  });

  it('exports the built-in plugin arrays', () => {
    expect(CORE_MODEL_PLUGINS.map((p) => p.name)).toEqual([
      'cnn',
      'resnet8',
      'resnet18',
      'resnet34',
      'resnet18-imagenet',
      'resnet50-imagenet',
    ]);
    expect(CORE_HEAD_PLUGINS.map((p) => `${p.kind}:${p.name}`)).toEqual(['head:linear']);
  });
});
