// Conv2D and its two gradients on the native backend (oneDNN) against tfjs-cpu, and the binding's argument checks.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs bundle does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { expectParity, maxRelativeError, nativeBackendAvailable, nativeSkipNote, randomTensor } from '../__fixtures__/parity.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly filter: readonly number[];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dilations?: number;
}

const pad1: Pad = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];
const CASES: readonly Case[] = [
  { name: '3×3 same, odd non-square input', x: [2, 7, 5, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3×3 same, stride 2 (tfjs pads bottom/right)', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: 'non-square filter, strides [2, 1], valid', x: [1, 9, 8, 2], filter: [3, 2, 2, 5], strides: [2, 1], pad: 'valid' },
  { name: '1×1 stride 2 valid, batch 3', x: [3, 6, 6, 4], filter: [1, 1, 4, 8], strides: 2, pad: 'valid' },
  { name: '2×2 stride 2 valid leaving the last row and column unused', x: [1, 5, 5, 2], filter: [2, 2, 2, 3], strides: 2, pad: 'valid' },
  { name: 'explicit pads 1, stride 2, batch 1', x: [1, 8, 8, 3], filter: [3, 3, 3, 5], strides: 2, pad: pad1 },
  {
    name: 'explicit asymmetric pads',
    x: [2, 6, 7, 2],
    filter: [3, 3, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ],
  },
  { name: 'dilation 2', x: [1, 9, 9, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  // Layers of the small CNN (Fashion-MNIST 28×28×1) and ResNet-8 (CIFAR 32×32×3), at batch 2.
  { name: 'small CNN conv1 28×28×1 → 32', x: [2, 28, 28, 1], filter: [3, 3, 1, 32], strides: 1, pad: 'same' },
  { name: 'small CNN conv2 14×14×32 → 64', x: [2, 14, 14, 32], filter: [3, 3, 32, 64], strides: 1, pad: 'same' },
  { name: 'ResNet-8 stem 32×32×3 → 16', x: [2, 32, 32, 3], filter: [3, 3, 3, 16], strides: 1, pad: pad1 },
  { name: 'ResNet-8 layer1 32×32×16 → 16', x: [2, 32, 32, 16], filter: [3, 3, 16, 16], strides: 1, pad: pad1 },
  { name: 'ResNet-8 layer2 conv1 16 → 32 stride 2', x: [2, 32, 32, 16], filter: [3, 3, 16, 32], strides: 2, pad: pad1 },
  { name: 'ResNet-8 layer2 shortcut 1×1 stride 2', x: [2, 32, 32, 16], filter: [1, 1, 16, 32], strides: 2, pad: 'valid' },
  { name: 'ResNet-8 layer3 conv1 32 → 64 stride 2', x: [2, 16, 16, 32], filter: [3, 3, 32, 64], strides: 2, pad: pad1 },
  { name: 'ResNet-8 layer3 conv2 8×8×64 → 64', x: [2, 8, 8, 64], filter: [3, 3, 64, 64], strides: 1, pad: pad1 },
];

const conv = (c: Case) => (x: tf.Tensor, w: tf.Tensor) =>
  tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1);

describe(`native Conv2D (oneDNN) vs tfjs-cpu${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable).each(CASES)('forward: $name', async (c) => {
    await expectParity([randomTensor(c.x, 1), randomTensor(c.filter, 2)], (x, w) => conv(c)(x!, w!));
  });

  it.skipIf(!nativeBackendAvailable).each(CASES.filter((c) => !c.dilations))('gradients dx, dw: $name', async (c) => {
    const y = tf.tidy(() => {
      const probe = conv(c)(tf.zeros([...c.x]), tf.zeros([...c.filter]));
      return probe.shape;
    });
    // Σ conv(x, w)·r: its gradients are Conv2DBackpropInput(r, w) and Conv2DBackpropFilter(x, r).
    await expectParity([randomTensor(c.x, 3), randomTensor(c.filter, 4), randomTensor(y, 5)], (x, w, r) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c)(a, b), r!)))([x!, w!]),
    );
  });

  // The default 'nhwc' layout runs every case above; the other two stay selectable for benchmarks, so they must agree too.
  const LAYOUT_CASES = CASES.filter((c) => /small CNN conv2|layer2 conv1|shortcut|asymmetric/.test(c.name));
  it.skipIf(!nativeBackendAvailable).each(LAYOUT_CASES.flatMap((c) => (['blocked', 'plain'] as const).map((layout) => ({ ...c, layout }))))(
    'layout $layout, forward and gradients: $name',
    async (c) => {
      const addon = nativeAddon()!;
      const y = tf.tidy(() => conv(c)(tf.zeros([...c.x]), tf.zeros([...c.filter])).shape);
      addon.setConvLayout!(c.layout);
      try {
        await expectParity([randomTensor(c.x, 21), randomTensor(c.filter, 22), randomTensor(y, 23)], (x, w, r) => [
          conv(c)(x!, w!),
          ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(c)(a, b), r!)))([x!, w!]),
        ]);
      } finally {
        addon.setConvLayout!('nhwc');
      }
    },
  );

  it.skipIf(!nativeBackendAvailable)('setConvLayout refuses an unknown layout, naming the three', () => {
    const set = nativeAddon()!.setConvLayout as (layout: unknown) => void;
    expect(() => set('nchw')).toThrow(/expected 'nhwc', 'blocked' or 'plain'/);
    expect(() => set(1)).toThrow(/expected 'nhwc', 'blocked' or 'plain'/);
  });

  it.skipIf(!nativeBackendAvailable)("cases oneDNN cannot express run tfjs-cpu's kernel (NCHW, dimRoundingMode ceil)", async () => {
    await expectParity([randomTensor([2, 3, 7, 6], 11), randomTensor([3, 3, 3, 4], 12)], (x, w) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NCHW'),
    );
    // ceil: (6 − 3) / 2 + 1 = 2.5 → 3 outputs, one more than oneDNN's rule gives.
    await expectParity([randomTensor([1, 6, 6, 2], 13), randomTensor([3, 3, 2, 3], 14)], (x, w) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 0, 'NHWC', 1, 'ceil'),
    );
  });

  it.skipIf(!nativeBackendAvailable)('the native kernels are the ones registered for the native backend', () => {
    for (const name of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']) {
      expect(tf.getKernel(name, 'native')?.kernelFunc).not.toBe(tf.getKernel(name, 'cpu')?.kernelFunc);
    }
  });

  it.skipIf(!nativeBackendAvailable)('the binding itself matches tfjs-cpu (not a fallback)', async () => {
    const addon = nativeAddon()!;
    const x = randomTensor([2, 6, 5, 3], 7);
    const w = randomTensor([3, 3, 3, 4], 8);
    // 'same', stride 1: pads 1 on every side, output 6×5.
    const geometry = Int32Array.from([2, 6, 5, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1]);
    const y = new Float32Array(2 * 6 * 5 * 4);
    addon.conv2dForward!(x.values as Float32Array, w.values as Float32Array, geometry, y);
    await tf.setBackend('cpu');
    const reference = tf.tidy(() =>
      tf.conv2d(tf.tensor4d(x.values, [2, 6, 5, 3]), tf.tensor4d(w.values, [3, 3, 3, 4]), 1, 'same').dataSync(),
    );
    expect(maxRelativeError(y, reference)).toBeLessThanOrEqual(1e-5);
  });

  it.skipIf(!nativeBackendAvailable)('invalid calls throw JS errors instead of crashing', () => {
    const addon = nativeAddon()!;
    const geometry = Int32Array.from([2, 6, 5, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1]);
    const x = new Float32Array(2 * 6 * 5 * 3);
    const w = new Float32Array(3 * 3 * 3 * 4);
    const y = new Float32Array(2 * 6 * 5 * 4);
    expect(() => addon.conv2dForward!(x.subarray(1), w, geometry, y)).toThrow(/Expected 180 elements .* in conv2dForward\(x\)/);
    expect(() => addon.conv2dForward!(x, w, geometry, y.subarray(2))).toThrow(/conv2dForward\(y\)/);
    expect(() => addon.conv2dBackwardInput!(y, w, geometry, x.subarray(3))).toThrow(/conv2dBackwardInput\(dx\)/);
    expect(() => addon.conv2dBackwardFilter!(x, y, geometry, w.subarray(1))).toThrow(/conv2dBackwardFilter\(dw\)/);
    expect(() => addon.conv2dForward!(x, w, geometry.subarray(1), y)).toThrow(/17 elements/);
    const wrongOut = Int32Array.from(geometry);
    wrongOut[4] = 5;
    expect(() => addon.conv2dForward!(x, w, wrongOut, y)).toThrow(/does not follow from the input/);
    expect(() => addon.conv2dForward!(x, w, Int32Array.from(geometry).fill(0, 9, 10), y)).toThrow(/≥ 1/);
    expect(() => (addon.conv2dForward as (...a: unknown[]) => void)(x, w, geometry)).toThrow(/expects 4 arguments/);
    expect(() => (addon.conv2dForward as (...a: unknown[]) => void)(Array.from(x), w, geometry, y)).toThrow(/Float32Array/);
  });
});
