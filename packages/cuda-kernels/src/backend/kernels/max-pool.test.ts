// MaxPool and MaxPoolGrad on the native backend against tfjs-cpu, including ties and windows without a maximum.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs bundle does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { expectParity, nativeBackendAvailable, nativeSkipNote, randomTensor, runOn, type HostTensor } from '../__fixtures__/parity.js';

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly filter: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'same' | 'valid' | number;
  readonly ceil?: boolean;
}

const CASES: readonly Case[] = [
  { name: '2×2 stride 2 valid', x: [2, 6, 6, 3], filter: 2, strides: 2, pad: 'valid' },
  { name: '2×2 stride 2 valid on odd sizes (last row/column dropped)', x: [1, 7, 5, 2], filter: 2, strides: 2, pad: 'valid' },
  { name: '3×3 stride 2 same, odd non-square', x: [1, 7, 5, 2], filter: 3, strides: 2, pad: 'same' },
  { name: '3×3 stride 1 same (overlapping windows)', x: [2, 5, 5, 4], filter: 3, strides: 1, pad: 'same' },
  { name: 'non-square filter [3, 2], strides [1, 2], same', x: [2, 6, 7, 3], filter: [3, 2], strides: [1, 2], pad: 'same' },
  { name: 'pad 0 with dimRoundingMode ceil (last window clipped)', x: [2, 7, 7, 3], filter: 2, strides: 2, pad: 0, ceil: true },
  { name: 'batch 1, one channel', x: [1, 4, 4, 1], filter: 2, strides: 1, pad: 'valid' },
  { name: 'small CNN pool1 28×28×32', x: [2, 28, 28, 32], filter: 2, strides: 2, pad: 'valid' },
  { name: 'small CNN pool2 14×14×64', x: [2, 14, 14, 64], filter: 2, strides: 2, pad: 'valid' },
];

const pool = (c: Case) => (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, c.filter, c.strides, c.pad, c.ceil ? 'ceil' : undefined);

/** Values from {−1, 0, 1}: most windows hold tied maxima, so which one gets the gradient matters. */
function tiedTensor(shape: readonly number[], seed: number): HostTensor {
  const r = randomTensor(shape, seed);
  return { values: (r.values as Float32Array).map((v) => Math.round(v)), shape };
}

describe(`native MaxPool / MaxPoolGrad vs tfjs-cpu${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable).each(CASES)('forward and gradient: $name', async (c) => {
    const outShape = tf.tidy(() => pool(c)(tf.zeros([...c.x])).shape);
    await expectParity([randomTensor(c.x, 1)], (x) => pool(c)(x!));
    await expectParity([randomTensor(c.x, 2), randomTensor(outShape, 3)], (x, r) =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(c)(a), r!)))(x!),
    );
  });

  it.skipIf(!nativeBackendAvailable).each(CASES.slice(0, 5))('ties go to the same element as on cpu: $name', async (c) => {
    const outShape = tf.tidy(() => pool(c)(tf.zeros([...c.x])).shape);
    await expectParity([tiedTensor(c.x, 4), randomTensor(outShape, 5)], (x, r) =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(c)(a), r!)))(x!),
    );
  });

  it.skipIf(!nativeBackendAvailable)('windows of −∞ and NaN: −∞ out, no gradient, exactly as on cpu', async () => {
    // One 2×2 window per channel: channel 0 all −∞, channel 1 NaN and −∞, channel 2 NaN and 3 (NaN never wins).
    const values = new Float32Array([-Infinity, NaN, NaN, -Infinity, -Infinity, 3, -Infinity, -Infinity, 1, -Infinity, NaN, -2]);
    const inputs: HostTensor[] = [{ values, shape: [1, 2, 2, 3] }];
    const program = (x: tf.Tensor) => {
      const f = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid');
      return [f(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), tf.scalar(2))))(x)];
    };
    const cpu = await runOn('cpu', inputs, (x) => program(x!));
    const native = await runOn('native', inputs, (x) => program(x!));
    expect(Array.from(cpu.values[0]!)).toEqual([-Infinity, -Infinity, 3]);
    expect(native.values.map((v) => Array.from(v))).toEqual(cpu.values.map((v) => Array.from(v)));
  });

  it.skipIf(!nativeBackendAvailable)('invalid calls throw JS errors instead of crashing', () => {
    const addon = nativeAddon()!;
    const geometry = Int32Array.from([1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0]);
    const x = new Float32Array(32);
    const y = new Float32Array(8);
    expect(() => addon.maxPool2d!(x.subarray(1), geometry, y)).toThrow(/maxPool2d\(x\)/);
    expect(() => addon.maxPool2d!(x, geometry, y.subarray(1))).toThrow(/maxPool2d\(y\)/);
    expect(() => addon.maxPool2d!(x, geometry.subarray(2), y)).toThrow(/12 elements/);
    expect(() => addon.maxPool2d!(x, Int32Array.from(geometry).fill(0, 8, 9), y)).toThrow(/≥ 1/);
    expect(() => addon.maxPool2dBackward!(x, y.subarray(1), geometry, x)).toThrow(/maxPool2dBackward\(dy\)/);
    expect(() => (addon.maxPool2dBackward as (...a: unknown[]) => void)(x, y, geometry)).toThrow(/expects 4 arguments/);
  });
});
