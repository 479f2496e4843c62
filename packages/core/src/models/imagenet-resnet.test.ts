import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { LinearHead } from '../nn/linear-head.js';
import { Rng } from '../random.js';
import { IMAGENET_RESNET18, IMAGENET_RESNET50, ImageNetResNet } from './imagenet-resnet.js';
import { resnet18ImageNetModelPlugin, resnet50ImageNetModelPlugin } from './plugins.js';

/** Trainable parameters (conv weights, BN γ and β), the number torchvision's models report. */
function trainableCount(set: { params: ReadonlyMap<string, tf.Variable> }): number {
  let n = 0;
  for (const v of set.params.values()) n += v.size;
  return n;
}

describe('ImageNet ResNets (torchvision layout)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
  });

  it.each([
    // sum(p.numel() for p in torchvision.models.resnet18/50().parameters()), the fc included.
    ['resnet18-imagenet', IMAGENET_RESNET18, 512, 11_689_512],
    ['resnet50-imagenet', IMAGENET_RESNET50, 2048, 25_557_032],
  ] as const)(
    "%s with a 1 000-class linear head has exactly torchvision's parameter count",
    (name, config, featureDim, torchvisionCount) => {
      const net = new ImageNetResNet(name, config, [224, 224, 3], new Rng(1));
      const head = new LinearHead({ inputDim: net.featureDim, numClasses: 1000, rng: new Rng(2) });
      expect(net.featureDim).toBe(featureDim);
      expect(trainableCount(net) + trainableCount(head)).toBe(torchvisionCount);
      net.dispose();
      head.dispose();
    },
  );

  it('resnet50 state keys follow torchvision (downsample.0/.1 only on the first block of a stage)', () => {
    const net = new ImageNetResNet('resnet50-imagenet', IMAGENET_RESNET50, [224, 224, 3], new Rng(1));
    const state = net.exportState();
    const keys = Object.keys(state);
    expect(state['conv1.weight']!.shape).toEqual([7, 7, 3, 64]);
    expect(state['layer1.0.conv1.weight']!.shape).toEqual([1, 1, 64, 64]);
    expect(state['layer1.0.conv3.weight']!.shape).toEqual([1, 1, 64, 256]);
    expect(state['layer1.0.downsample.0.weight']!.shape).toEqual([1, 1, 64, 256]);
    // v1.5: the stride sits on the 3×3 conv; the 1×1 of a stage's first block keeps the input size.
    expect(state['layer2.0.conv2.weight']!.shape).toEqual([3, 3, 128, 128]);
    expect(state['layer4.2.conv3.weight']!.shape).toEqual([1, 1, 512, 2048]);
    expect(keys.filter((k) => k.endsWith('downsample.0.weight'))).toEqual([
      'layer1.0.downsample.0.weight',
      'layer2.0.downsample.0.weight',
      'layer3.0.downsample.0.weight',
      'layer4.0.downsample.0.weight',
    ]);
    expect(keys.filter((k) => /^layer\d\.\d+\.conv1\.weight$/.test(k))).toHaveLength(3 + 4 + 6 + 3);
    net.dispose();
  });

  it('maps 32- and 40-pixel batches to non-negative features in both modes, and rejects images under 32 pixels', () => {
    const net = resnet18ImageNetModelPlugin.create({ inputShape: [32, 32, 3], rng: new Rng(3) }, {});
    const rng = new Rng(4);
    for (const side of [32, 40]) {
      const x = tf.tensor4d(
        Float32Array.from({ length: 2 * side * side * 3 }, () => rng.normal()),
        [2, side, side, 3],
      );
      for (const mode of ['train', 'eval'] as const) {
        const f = tf.tidy(() => net.apply(x, mode));
        expect(f.shape).toEqual([2, 512]);
        expect(Math.min(...f.dataSync())).toBeGreaterThanOrEqual(0);
        f.dispose();
      }
      x.dispose();
    }
    net.dispose();
    expect(() => resnet50ImageNetModelPlugin.create({ inputShape: [16, 16, 3], rng: new Rng(1) }, {})).toThrow(
      /height, width ≥ 32 but received \[16, 16, 3\]/,
    );
  });
});
