// BatchMatMul on the native backend (oneDNN matmul) against tfjs-cpu: transposes, batches, broadcasts, gradients.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs bundle does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { expectParity, nativeBackendAvailable, nativeSkipNote, randomTensor } from '../__fixtures__/parity.js';

interface Case {
  readonly name: string;
  /** tfjs's own BatchMatMul gradient rejects broadcast batches (dA gets the broadcast shape), on every backend. */
  readonly broadcast?: boolean;
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

const CASES: readonly Case[] = [
  { name: '2-D odd sizes', a: [5, 7], b: [7, 3] },
  { name: 'transposeA', a: [7, 5], b: [7, 3], transposeA: true },
  { name: 'transposeB', a: [5, 7], b: [3, 7], transposeB: true },
  { name: 'both transposed', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { name: 'batch 3', a: [3, 4, 6], b: [3, 6, 2] },
  { name: 'batch 1 on the left broadcast against 4', a: [1, 4, 6], b: [4, 6, 2], broadcast: true },
  { name: 'rank 2 against a batch of 4, transposed', a: [6, 4], b: [4, 2, 6], transposeA: true, transposeB: true, broadcast: true },
  { name: 'rank 4 equal outer dims', a: [2, 3, 4, 5], b: [2, 3, 5, 2] },
  { name: 'outer broadcast [2, 3] against [3] (tfjs-cpu fallback)', a: [2, 3, 4, 5], b: [3, 5, 2], broadcast: true },
  { name: 'vector-like 1×k · k×1', a: [1, 9], b: [9, 1] },
  { name: 'small CNN fc 3136 → 128 (batch 8)', a: [8, 3136], b: [3136, 128] },
  { name: 'linear head 128 → 10 (batch 32), weight stored transposed', a: [32, 128], b: [10, 128], transposeB: true },
];

const program = (c: Case) => (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, c.transposeA ?? false, c.transposeB ?? false);

describe(`native BatchMatMul (oneDNN) vs tfjs-cpu${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable).each(CASES)('product: $name', async (c) => {
    await expectParity([randomTensor(c.a, 1), randomTensor(c.b, 2)], (a, b) => program(c)(a!, b!));
  });

  it.skipIf(!nativeBackendAvailable).each(CASES.filter((c) => !c.broadcast))('gradients: $name', async (c) => {
    const shape = tf.tidy(() => program(c)(tf.zeros([...c.a]), tf.zeros([...c.b])).shape);
    await expectParity([randomTensor(c.a, 3), randomTensor(c.b, 4), randomTensor(shape, 5)], (a, b, r) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(program(c)(x, y), r!)))([a!, b!]),
    );
  });

  it.skipIf(!nativeBackendAvailable)('the binding computes a hand-checked product', () => {
    // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; with transposeB, · [[5, 7], [6, 8]].
    const c = new Float32Array(4);
    nativeAddon()!.batchMatMul!(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 7, 6, 8), 1, 1, 2, 2, 2, false, true, c);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  it.skipIf(!nativeBackendAvailable)('invalid calls throw JS errors instead of crashing', () => {
    const addon = nativeAddon()!;
    const a = new Float32Array(2 * 3 * 4);
    const b = new Float32Array(2 * 4 * 5);
    const c = new Float32Array(2 * 3 * 5);
    expect(() => addon.batchMatMul!(a.subarray(1), b, 2, 2, 3, 4, 5, false, false, c)).toThrow(/batchMatMul\(a\)/);
    expect(() => addon.batchMatMul!(a, b, 2, 2, 3, 4, 5, false, false, c.subarray(1))).toThrow(/batchMatMul\(c\)/);
    expect(() => addon.batchMatMul!(a, b, 2, 3, 3, 4, 5, false, false, c)).toThrow(/equal or one of them 1/);
    expect(() => addon.batchMatMul!(a, b, 2, 2, 0, 4, 5, false, false, c)).toThrow(/≥ 1/);
    expect(() => (addon.batchMatMul as (...x: unknown[]) => void)(a, b, 2, 2, 3, 4, 5, 0, false, c)).toThrow(/boolean/);
    expect(() => (addon.batchMatMul as (...x: unknown[]) => void)(a, b, 2)).toThrow(/expects 10 arguments/);
  });
});
