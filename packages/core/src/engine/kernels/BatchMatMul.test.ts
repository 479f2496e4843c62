import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random.js';
import { registerKernelShims } from './register-all-kernels.js';

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-1, 1);
  return tf.tensor(data, shape);
}

/** Product and both input gradients of sum(matMul(a, b, tA, tB) · r). */
function productAndGrads(aShape: number[], bShape: number[], tA: boolean, tB: boolean): Float32Array[] {
  const rng = new Rng(aShape.length * 100 + Number(tA) * 10 + Number(tB));
  return tf.tidy(() => {
    const a = randomTensor(rng.derive('a'), aShape);
    const b = randomTensor(rng.derive('b'), bShape);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, tA, tB);
    const r = randomTensor(rng.derive('r'), f(a, b).shape);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), r)))([a, b]);
    return [f(a, b), da!, db!].map((t) => t.dataSync() as Float32Array);
  });
}

// [a shape, b shape, transposeA, transposeB]: every flag combination, 2-D and batched.
const CASES: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [7, 3], true, false],
  [[7, 5], [3, 7], true, true],
  [[2, 4, 6], [2, 5, 6], false, true],
  [[2, 6, 4], [2, 6, 5], true, false],
];

describe('wasm BatchMatMul shim', () => {
  const reference = new Map<number, Float32Array[]>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    CASES.forEach(([a, b, tA, tB], i) => reference.set(i, productAndGrads(a, b, tA, tB)));
    registerKernelShims('wasm');
    await tf.setBackend('wasm');
  });

  it.each(CASES.map((c, i) => [JSON.stringify(c), i] as const))('matches cpu for %s (product, dA, dB)', (_name, i) => {
    const [a, b, tA, tB] = CASES[i]!;
    const before = tf.memory().numTensors;
    const got = productAndGrads(a, b, tA, tB);
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((g, j) => {
      const want = reference.get(i)![j]!;
      expect(g.length).toBe(want.length);
      for (let k = 0; k < g.length; k++) expect(g[k]).toBeCloseTo(want[k]!, 5);
    });
  });

  it('still wraps the stock kernel after repeated registration', () => {
    registerKernelShims('wasm');
    registerKernelShims('wasm');
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true).dataSync());
    expect(Array.from(y)).toEqual([11]);
  });
});
