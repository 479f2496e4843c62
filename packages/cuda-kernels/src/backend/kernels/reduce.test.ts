// Parity of the native reductions (Sum, Mean, Max, Min over any axes, ArgMax / ArgMin) and Softmax with tfjs-cpu,
// values and gradients, keepDims and negative axes, NaN as tfjs-cpu.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';

import { nativeBackendAvailable, nativeSkipNote, randomTensor, type HostTensor } from '../__fixtures__/parity.js';
import { expectParityWithNaN, withNaN } from '../__fixtures__/parity-nan.js';

const run = it.skipIf(!nativeBackendAvailable);

const REDUCE: ReadonlyArray<[string, (x: tf.Tensor, axis: number | number[] | undefined, keepDims: boolean) => tf.Tensor]> = [
  ['sum', tf.sum],
  ['mean', tf.mean],
  ['max', tf.max],
  ['min', tf.min],
];

/** (shape, axes) cases: all axes, single, negative, several non-adjacent, size-1 axes, scalars, large. */
const CASES: ReadonlyArray<[number[], number | number[] | undefined]> = [
  [[], undefined],
  [[7], undefined],
  [[7], 0],
  [[3, 5], 0],
  [[3, 5], 1],
  [[3, 5], -1],
  [
    [3, 5],
    [0, 1],
  ],
  [
    [2, 3, 4, 5],
    [0, 2],
  ],
  [
    [2, 3, 4, 5],
    [1, 3],
  ],
  [
    [2, 3, 4, 5],
    [-1, 0],
  ],
  [
    [2, 3, 4, 5],
    [3, 1, 2],
  ],
  [[2, 1, 4, 1], [1]],
  [
    [2, 1, 4, 1],
    [0, 3],
  ],
  [[1, 1], 0],
  [
    [9, 28, 28, 32],
    [0, 1, 2],
  ], // bias gradient of an NHWC activation
  [
    [9, 28, 28, 32],
    [1, 2],
  ], // global average pooling
  [[300, 257], -1],
  [[70_001], 0],
];

describe(`native reductions match tfjs-cpu${nativeSkipNote}`, () => {
  for (const [name, f] of REDUCE) {
    run(`${name} over every axis pattern, with and without keepDims`, async () => {
      for (const [i, [shape, axis]] of CASES.entries()) {
        const x = randomTensor(shape, i + 1, 3);
        await expectParityWithNaN([x], (t) => [f(t!, axis, false), f(t!, axis, true)]);
      }
    });
  }

  run('max / min propagate NaN; sum / mean too', async () => {
    const x = withNaN(randomTensor([4, 6], 3), 7, 2);
    await expectParityWithNaN([x], (t) => [tf.max(t!, 1), tf.min(t!, 0), tf.sum(t!, 1), tf.mean(t!, 0), tf.max(t!)], 0);
  });

  run('empty tensors and int32 / bool inputs fall back to the stock kernel', async () => {
    const empty = randomTensor([0, 3], 1);
    const ints: HostTensor = { values: Int32Array.of(1, -2, 3, 4, 5, -6), shape: [2, 3], dtype: 'int32' };
    const bools: HostTensor = { values: Uint8Array.of(1, 0, 1, 1, 1, 0), shape: [2, 3], dtype: 'bool' };
    await expectParityWithNaN(
      [empty, ints, bools],
      (e, i, b) => [tf.sum(e!, 0), tf.sum(i!, 1), tf.max(i!, 0), tf.sum(b!), tf.mean(e!, 1)],
      0,
    );
  });

  run('gradients through sum, mean, max and min over several axes', async () => {
    const x = randomTensor([3, 4, 5], 9, 2);
    await expectParityWithNaN([x], (t) =>
      tf.grads((u: tf.Tensor) =>
        tf.add(
          tf.add(tf.sum(tf.square(tf.mean(u, [0, 2], true))), tf.sum(tf.max(u, [1]))),
          tf.sum(tf.mul(tf.min(u, -1), tf.sum(u, [0, 2]))),
        ),
      )([t!]),
    );
  });
});

describe(`native ArgMax / ArgMin${nativeSkipNote}`, () => {
  run('match tfjs-cpu exactly on every axis, with ties (first wins) and NaN', async () => {
    for (const [shape, axis] of [
      [[7], 0],
      [[4, 6], 0],
      [[4, 6], 1],
      [[4, 6], -1],
      [[2, 3, 5], 1],
      [[1, 5], 0],
      [[300, 10], 1],
    ] as const) {
      const h = randomTensor(shape, shape.length + axis + 5, 3);
      const ties = { ...h, values: h.values.map((v) => Math.round(v)) };
      await expectParityWithNaN(
        [ties, withNaN(h, 5, 1)],
        (t, n) => [tf.argMax(t!, axis), tf.argMin(t!, axis), tf.argMax(n!, axis), tf.argMin(n!, axis)],
        0,
      );
    }
  });
});

describe(`native Softmax${nativeSkipNote}`, () => {
  run('softmax and logSoftmax over the last axis, values and gradients', async () => {
    for (const shape of [[10], [32, 10], [3, 4, 7], [1, 1]]) {
      const x = randomTensor(shape, shape.length, 6);
      await expectParityWithNaN([x], (t) => [
        tf.softmax(t!),
        tf.logSoftmax(t!),
        ...tf.grads((u: tf.Tensor) => tf.sum(tf.mul(tf.softmax(u), tf.logSoftmax(u))))([t!]),
      ]);
    }
  });

  run('large logits do not overflow (max is subtracted) and NaN rows stay NaN', async () => {
    const x: HostTensor = { values: Float32Array.of(1000, 1001, 999, NaN, 0, 1), shape: [2, 3] };
    await expectParityWithNaN([x], (t) => tf.softmax(t!));
    await tf.setBackend('native');
    const big = tf.tidy(() => Array.from(tf.softmax(tf.tensor2d([[1000, 1000]])).dataSync()));
    expect(big).toEqual([0.5, 0.5]);
  });
});
