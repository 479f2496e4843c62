// Parity of the native elementwise kernels (unary, broadcasting binary, comparisons, Select, Cast) with tfjs-cpu,
// values and gradients; NaN placement as tfjs-cpu.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';

import { nativeBackendAvailable, nativeSkipNote, randomTensor, type HostTensor } from '../__fixtures__/parity.js';
import { expectParityWithNaN, withNaN } from '../__fixtures__/parity-nan.js';

const run = it.skipIf(!nativeBackendAvailable);

const UNARY: ReadonlyArray<[string, (x: tf.Tensor) => tf.Tensor]> = [
  ['relu', (x) => tf.relu(x)],
  ['step', (x) => tf.step(x)],
  ['step α = 0.3', (x) => tf.step(x, 0.3)],
  ['square', (x) => tf.square(x)],
  ['sqrt', (x) => tf.sqrt(x)],
  ['rsqrt', (x) => tf.rsqrt(x)],
  ['exp', (x) => tf.exp(x)],
  ['log', (x) => tf.log(x)],
  ['neg', (x) => tf.neg(x)],
  ['abs', (x) => tf.abs(x)],
  ['reciprocal', (x) => tf.reciprocal(x)],
  ['sigmoid', (x) => tf.sigmoid(x)],
  ['tanh', (x) => tf.tanh(x)],
];

const SHAPES: readonly number[][] = [[], [0], [1], [7], [3, 5], [4, 7, 7, 9], [70_001]];

describe(`native unary kernels match tfjs-cpu${nativeSkipNote}`, () => {
  for (const [name, f] of UNARY) {
    run(`${name} on scalars, empty, odd and large shapes, with NaN, zeros and negatives`, async () => {
      for (const shape of SHAPES) {
        const x = withNaN(randomTensor(shape, shape.length + 3, 4), 11, 5);
        if (x.values.length > 2) x.values[1] = 0;
        await expectParityWithNaN([x], (t) => f(t!));
      }
    });
  }

  run('gradients through relu, step-based masks, sqrt, exp, log, sigmoid and tanh', async () => {
    const x = randomTensor([6, 13], 7, 2);
    const pos = { ...randomTensor([6, 13], 8, 1), values: randomTensor([6, 13], 8, 1).values.map((v) => Math.abs(v) + 0.1) };
    await expectParityWithNaN([x, pos], (a, b) =>
      tf.grads((u: tf.Tensor, v: tf.Tensor) =>
        tf.sum(
          tf.add(tf.mul(tf.relu(u), tf.sqrt(v)), tf.add(tf.mul(tf.exp(tf.neg(u)), tf.log(v)), tf.add(tf.sigmoid(u), tf.tanh(tf.abs(u))))),
        ),
      )([a!, b!]),
    );
  });

  run('leaves its input untouched', async () => {
    await tf.setBackend('native');
    const x = tf.tensor1d([-1, 2, -3, 4]);
    tf.relu(x).dispose();
    expect(Array.from(x.dataSync())).toEqual([-1, 2, -3, 4]);
    x.dispose();
  });
});

/** Shape pairs that broadcast in every position: same, scalars, trailing rows, columns, middle axes, empty. */
const BROADCASTS: ReadonlyArray<[number[], number[]]> = [
  [
    [3, 4],
    [3, 4],
  ],
  [[], [3, 4]],
  [[3, 4], []],
  [[], []],
  [[5, 6], [6]],
  [[6], [5, 6]],
  [
    [5, 1],
    [1, 6],
  ],
  [
    [5, 6],
    [5, 1],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [
    [2, 3, 4],
    [2, 1, 4],
  ],
  [
    [1, 3, 1, 5],
    [2, 1, 4, 1],
  ],
  [[0, 3], [3]],
  [[1], [0]],
  [[37], [37]],
  [[9, 28, 28, 32], [32]],
  [
    [300, 257],
    [300, 1],
  ],
  [[80_000], []],
];

const BINARY: ReadonlyArray<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['div', tf.div],
  ['maximum', tf.maximum],
  ['minimum', tf.minimum],
  ['pow', (a, b) => tf.pow(tf.abs(a), b)],
  ['squaredDifference', tf.squaredDifference],
];

describe(`native binary kernels broadcast as tfjs-cpu${nativeSkipNote}`, () => {
  for (const [name, f] of BINARY) {
    run(`${name} over every broadcast pattern, with NaN`, async () => {
      for (const [i, [sa, sb]] of BROADCASTS.entries()) {
        const a = withNaN(randomTensor(sa, 2 * i + 1, 3), 13, 2);
        const b = withNaN(randomTensor(sb, 2 * i + 2, 3), 17, 3);
        await expectParityWithNaN([a, b], (x, y) => f(x!, y!));
      }
    });
  }

  run('maximum / minimum propagate NaN from either side', async () => {
    const a: HostTensor = { values: Float32Array.of(NaN, 1, NaN, -2), shape: [4] };
    const b: HostTensor = { values: Float32Array.of(0, NaN, NaN, 3), shape: [4] };
    await expectParityWithNaN([a, b], (x, y) => [tf.maximum(x!, y!), tf.minimum(x!, y!)], 0);
    await tf.setBackend('native');
    expect(Array.from(tf.tidy(() => tf.maximum(tf.tensor1d([NaN, 1]), tf.tensor1d([0, 2])).dataSync()))).toEqual([NaN, 2]);
  });

  // Maximum and SquaredDifference only on equal shapes: tfjs's own gradients of them do not reduce broadcast dimensions.
  run('gradients of broadcasting binaries (reduced back to each operand shape)', async () => {
    const a = randomTensor([4, 1, 6], 3, 2);
    const b = { ...randomTensor([5, 1], 4, 1), values: randomTensor([5, 1], 4, 1).values.map((v) => v + 2) };
    await expectParityWithNaN([a, b], (x, y) =>
      tf.grads((u: tf.Tensor, v: tf.Tensor) =>
        tf.sum(
          tf.add(
            tf.div(tf.mul(u, v), tf.add(tf.square(v), 1)),
            tf.add(tf.maximum(u, tf.mul(u, -0.5)), tf.squaredDifference(u, tf.mul(u, 0.5))),
          ),
        ),
      )([x!, y!]),
    );
  });

  run('int32 operands fall back to the stock kernel with int32 results', async () => {
    const a: HostTensor = { values: Int32Array.of(1, -2, 3, 7), shape: [2, 2], dtype: 'int32' };
    const b: HostTensor = { values: Int32Array.of(2, 5), shape: [2], dtype: 'int32' };
    await expectParityWithNaN([a, b], (x, y) => [tf.add(x!, y!), tf.mul(x!, y!), tf.sub(x!, y!), tf.maximum(x!, y!)], 0);
  });
});

const COMPARE: ReadonlyArray<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
  ['equal', tf.equal],
  ['notEqual', tf.notEqual],
  ['greater', tf.greater],
  ['greaterEqual', tf.greaterEqual],
  ['less', tf.less],
  ['lessEqual', tf.lessEqual],
];

/** Small integers as floats, so that ties are frequent. */
function integers(shape: number[], seed: number): HostTensor {
  const h = randomTensor(shape, seed, 3);
  return { ...h, values: h.values.map((v) => Math.round(v)) };
}

describe(`native comparisons and Select${nativeSkipNote}`, () => {
  for (const [name, f] of COMPARE) {
    run(`${name} gives exactly tfjs-cpu's bools under broadcasting, ties and NaN`, async () => {
      for (const [i, [sa, sb]] of BROADCASTS.entries()) {
        await expectParityWithNaN([withNaN(integers(sa, i + 1), 7), integers(sb, i + 50)], (x, y) => f(x!, y!), 0);
      }
    });
  }

  run('where(cond, a, b) and its gradients, with broadcast branches', async () => {
    const a = randomTensor([4, 5], 1);
    const b = randomTensor([5], 2);
    await expectParityWithNaN(
      [a, b],
      (x, y) => {
        const cond = tf.greater(x!, y!);
        return [
          tf.where(cond, x!, y!),
          ...tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.where(cond, tf.square(u), tf.mul(v, 3))))([x!, tf.broadcastTo(y!, [4, 5])]),
        ];
      },
      0,
    );
  });
});

describe(`native Cast${nativeSkipNote}`, () => {
  run('float32 → int32 truncates and wraps like Int32Array.from; → bool is x ≠ 0 (NaN → true)', async () => {
    const x: HostTensor = { values: Float32Array.of(2.7, -2.7, 0, -0, NaN, 3e9, -3e9, Infinity, 1e20, 0.5), shape: [10] };
    await expectParityWithNaN([x], (t) => [tf.cast(t!, 'int32'), tf.cast(t!, 'bool')], 0);
  });

  run('int32 ↔ bool ↔ float32 in every direction, empty and scalar', async () => {
    for (const shape of [[], [0], [3, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const i: HostTensor = { values: Int32Array.from({ length: n }, (_, k) => (k % 3) - 1), shape, dtype: 'int32' };
      const b: HostTensor = { values: Uint8Array.from({ length: n }, (_, k) => k % 2), shape, dtype: 'bool' };
      await expectParityWithNaN(
        [i, b],
        (x, y) => [
          tf.cast(x!, 'float32'),
          tf.cast(x!, 'bool'),
          tf.cast(y!, 'float32'),
          tf.cast(y!, 'int32'),
          tf.cast(tf.cast(x!, 'float32'), 'int32'),
        ],
        0,
      );
    }
  });
});

describe(`native elementwise bindings reject bad arguments with JS errors${nativeSkipNote}`, () => {
  run('unknown ops, wrong lengths and shapes that do not broadcast', async () => {
    const { nativeAddon } = await import('../../load.js');
    const addon = nativeAddon()!;
    const a = new Float32Array(6);
    expect(() => addon.unaryF32!('cube' as never, a, 0, new Float32Array(6))).toThrow(/Expected one of relu, step/);
    expect(() => addon.unaryF32!('relu', a, 0, new Float32Array(5))).toThrow(RangeError);
    expect(() => addon.binaryF32!('add', a, [2, 3], a, [3, 2], new Float32Array(6), [2, 3])).toThrow(/do not broadcast/);
    expect(() => addon.binaryF32!('add', a, [2, 3], a, [2, 3], new Float32Array(6), [6])).toThrow(/is not the broadcast/);
    expect(() => addon.binaryF32!('add', a, [2, 2], a, [2, 3], new Float32Array(6), [2, 3])).toThrow(/Expected 4 elements/);
    expect(() => addon.reduceF32!('sum', a, [2, 3], [2], new Float32Array(2))).toThrow(/integers in \[0, 1\]/);
    expect(() => addon.reduceF32!('sum', a, [2, 3], [0, 0], new Float32Array(3))).toThrow(/repeated/);
    expect(() => addon.castTensor!(a, new Float32Array(6))).toThrow(/same element type/);
    expect(() => addon.argReduceF32!('max', a, 2, 0, 3, new Int32Array(6))).toThrow(/axisSize/);
  });
});
