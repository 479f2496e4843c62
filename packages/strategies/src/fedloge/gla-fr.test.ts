import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectKernels, type KernelChoice } from '../native-ops/index.js';
import { disposeHeads, globalRealign, linearLogits, localRealign, localRealignAll, type LinearParams } from './gla-fr.js';

// Global head g_aux (C=3, d=2): row norms 5, 1, 2.
const G = [
  [3, 4],
  [0, 1],
  [2, 0],
];
const B = [0.5, -0.25, 0.125];
// A local head with row norms 2, 0.5, 13 ((5,12) → 13).
const L = [
  [0, 2],
  [0.3, -0.4],
  [5, 12],
];

describe.each<KernelChoice>(['tfjs', 'native'])('GLA-FR with %s kernels', (choice) => {
  const kernels = selectKernels(choice);
  let head: LinearParams;
  let before: number;
  beforeEach(() => {
    before = tf.memory().numTensors;
    head = { weight: tf.tensor2d(G), bias: tf.tensor1d(B) };
  });
  afterEach(() => {
    disposeHeads(head);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('GA-FR rescales every row to the target norm and keeps the bias', () => {
    const r = globalRealign(kernels, head, 1.7);
    // Hand-computed: 1.7·(3,4)/5, 1.7·(0,1)/1, 1.7·(2,0)/2.
    const expected = [1.02, 1.36, 0, 1.7, 1.7, 0];
    Array.from(r.weight.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(Array.from(r.bias.dataSync())).toEqual(B.map(Math.fround));
    disposeHeads(r);
  });

  it('LA-FR scales the unnormalised global rows by the local row norms, with the global bias', () => {
    const local = tf.tensor2d(L);
    const r = localRealign(kernels, head, local);
    // Hand-computed: (3,4)·2, (0,1)·0.5, (2,0)·13.
    const expected = [6, 8, 0, 0.5, 26, 0];
    Array.from(r.weight.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(Array.from(r.bias.dataSync())).toEqual(B.map(Math.fround));
    disposeHeads(r);
    local.dispose();
  });

  it('LA-FR for several clients equals one call per client', () => {
    const locals = [
      tf.tensor2d(L),
      tf.tensor2d([
        [1, 0],
        [0, 2],
        [0, 0],
      ]),
    ];
    const batched = localRealignAll(kernels, head, locals);
    const second = localRealign(kernels, head, locals[1]!);
    expect(Array.from(batched[1]!.weight.dataSync())).toEqual(Array.from(second.weight.dataSync()));
    // (3,4)·1, (0,1)·2, (2,0)·0.
    Array.from(second.weight.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([3, 4, 0, 2, 0, 0][i]!, 6));
    disposeHeads(...batched, second);
    for (const l of locals) l.dispose();
  });

  it('linear logits are f·Wᵀ + b', () => {
    const f = tf.tensor2d([[1, 2]]);
    const z = linearLogits(f, head);
    // (3+8+0.5, 0+2−0.25, 2+0+0.125)
    Array.from(z.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([11.5, 1.75, 2.125][i]!, 6));
    z.dispose();
    f.dispose();
  });

  it.each([
    // The reference's τ is positive; 0 would erase the head.
    [0, /finite row norm > 0/],
    [Number.NaN, /finite row norm > 0/],
  ])('GA-FR rejects norm %s', (norm, message) => {
    expect(() => globalRealign(kernels, head, norm)).toThrow(message);
  });

  it('LA-FR rejects a local head of another shape', () => {
    const wrong = tf.zeros([3, 5]) as tf.Tensor2D;
    expect(() => localRealign(kernels, head, wrong)).toThrow(/local head 0 has weight shape \[3, 5\].*\[3, 2\]/);
    wrong.dispose();
  });
});
