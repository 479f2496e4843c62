import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random.js';
import { registerKernelShims } from './register-all-kernels.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  readonly why: string;
  readonly x: [number, number, number, number];
  readonly k: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly pad: Pad;
}

const CASES: Case[] = [
  { why: '3x3 same stride 1', x: [2, 7, 6, 3], k: 3, outChannels: 4, stride: 1, pad: 'same' },
  { why: '3x3 valid stride 1', x: [2, 7, 6, 3], k: 3, outChannels: 4, stride: 1, pad: 'valid' },
  { why: '3x3 same stride 2, odd size (asymmetric same padding)', x: [3, 9, 7, 2], k: 3, outChannels: 5, stride: 2, pad: 'same' },
  { why: '3x3 same stride 2, even size', x: [2, 8, 8, 3], k: 3, outChannels: 4, stride: 2, pad: 'same' },
  { why: '3x3 valid stride 2, even size (last row unread)', x: [2, 8, 10, 3], k: 3, outChannels: 4, stride: 2, pad: 'valid' },
  { why: '3x3 valid stride 2, odd size', x: [1, 9, 9, 2], k: 3, outChannels: 3, stride: 2, pad: 'valid' },
  {
    why: '3x3 explicit pad 1 stride 2 (PyTorch ResNet)',
    x: [2, 8, 8, 3],
    k: 3,
    outChannels: 4,
    stride: 2,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  {
    why: '3x3 explicit pad 1 stride 1',
    x: [2, 5, 5, 3],
    k: 3,
    outChannels: 2,
    stride: 1,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { why: '1x1 stride 1 (matmul path)', x: [2, 5, 6, 4], k: 1, outChannels: 3, stride: 1, pad: 'valid' },
  { why: '1x1 stride 2 even (ResNet shortcut)', x: [2, 8, 8, 4], k: 1, outChannels: 6, stride: 2, pad: 'valid' },
  { why: '1x1 stride 2 odd', x: [2, 7, 9, 3], k: 1, outChannels: 2, stride: 2, pad: 'same' },
];

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-1, 1);
  return tf.tensor(data, shape);
}

/** dW and dX of sum(conv(x, W) · r) for a fixed random r, via tf.grads on the current backend. */
function convGrads(c: Case, seed: number): { dW: Float32Array; dX: Float32Array } {
  const rng = new Rng(seed);
  return tf.tidy(() => {
    const x = randomTensor(rng.derive('x'), c.x) as tf.Tensor4D;
    const w = randomTensor(rng.derive('w'), [c.k, c.k, c.x[3], c.outChannels]) as tf.Tensor4D;
    const f = (xx: tf.Tensor4D, ww: tf.Tensor4D) => tf.conv2d(xx, ww, c.stride, c.pad);
    const yShape = tf.tidy(() => f(x, w).shape);
    const r = randomTensor(rng.derive('r'), yShape);
    const [dX, dW] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, ww as tf.Tensor4D), r)))([x, w]);
    return { dW: dW!.dataSync() as Float32Array, dX: dX!.dataSync() as Float32Array };
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('conv backprop shims', () => {
  // References from the cpu backend's stock kernels, taken before any shim is registered.
  const reference = new Map<Case, { dW: Float32Array; dX: Float32Array }>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    CASES.forEach((c, i) => reference.set(c, convGrads(c, 100 + i)));
  });

  for (const [backend, title] of [
    ['wasm', 'wasm matches cpu stock'],
    ['cpu', 'cpu shim matches cpu stock'],
  ] as const) {
    it.each(CASES.map((c, i) => [c.why, c, i] as const))(`${title}: %s`, async (_why, c, i) => {
      registerKernelShims(backend);
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const got = convGrads(c, 100 + i);
      expect(tf.memory().numTensors).toBe(before);
      const ref = reference.get(c)!;
      expect(maxAbsDiff(got.dW, ref.dW)).toBeLessThan(1e-4);
      expect(maxAbsDiff(got.dX, ref.dX)).toBeLessThan(1e-4);
    });
  }

  it('is idempotent and replaces the stock kernel', () => {
    const first = registerKernelShims('wasm');
    const second = registerKernelShims('wasm');
    expect(second).toEqual(first);
    expect(first).toContain('Conv2DBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
});
