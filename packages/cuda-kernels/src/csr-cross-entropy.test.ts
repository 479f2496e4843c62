import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';

import {
  cudaAvailable,
  cudaSkipNote,
  expectClose,
  nativeLoaded,
  nativeSkipNote,
  randomFloats,
  randomLabels,
  randomSparse,
} from './__fixtures__/kernel-data.js';
import { denseToCsr } from './csr.js';
import { csrCrossEntropy } from './csr-cross-entropy.js';
import { csrCrossEntropyImpl } from './csr-cross-entropy.impl.js';
import { csrProjectForwardImpl } from './csr-project.impl.js';

const rng = new Rng(11).derive('csr-cross-entropy.test');

/** [name, batch, dim, classes, extra] */
const CASES: Array<[string, number, number, number, { zeroRow?: number; zeroCol?: number }]> = [
  ['random, d not a multiple of 4 or 8', 37, 129, 23, {}],
  ['single class (C = 1): loss 0, gradient 0', 5, 16, 1, {}],
  ['empty batch (B = 0): loss 0', 0, 32, 10, {}],
  ['a class with no non-zeros and an unused feature', 9, 40, 12, { zeroRow: 3, zeroCol: 7 }],
  ['FedLoGe C100 head, large enough to use threads', 64, 512, 100, {}],
];

function makeCase(name: string, batch: number, dim: number, classes: number, extra: (typeof CASES)[number][4]) {
  const r = rng.derive(name);
  const { s } = randomSparse(r, classes, dim, extra);
  // std 3 features give logits of a few units: a non-trivial softmax
  return { s, f: randomFloats(r, batch * dim, 3), bias: randomFloats(r, classes, 0.05), labels: randomLabels(r, batch, classes), batch };
}

describe('fused sparse-ETF cross-entropy: TypeScript reference', () => {
  it('matches a hand-computed example', () => {
    // S = I₂, f = [0, ln 3], label 0 → softmax = [1/4, 3/4], loss = ln 4, gradF = softmax − onehot = [−3/4, 3/4]
    const s = denseToCsr(new Float32Array([1, 0, 0, 1]), 2);
    const gradF = new Float32Array(2);
    const loss = csrCrossEntropyImpl(new Float32Array([0, Math.log(3)]), 1, s, null, new Int32Array([0]), gradF);
    expect(loss).toBeCloseTo(Math.log(4), 6);
    expectClose(gradF, [-0.75, 0.75], 1e-6);
  });

  it('loss equals logsumexp − target logit of the projection forward', () => {
    const { s, f, bias, labels, batch } = makeCase('lse', 6, 20, 5, {});
    const logits = csrProjectForwardImpl(f, batch, s, bias, new Float32Array(batch * 5));
    let expected = 0;
    for (let b = 0; b < batch; b++) {
      let sum = 0;
      for (let c = 0; c < 5; c++) sum += Math.exp(logits[b * 5 + c]!);
      expected += Math.log(sum) - logits[b * 5 + labels[b]!]!;
    }
    expect(csrCrossEntropyImpl(f, batch, s, bias, labels, new Float32Array(batch * 20))).toBeCloseTo(expected / batch, 5);
  });

  it('gradient matches central finite differences of the loss', () => {
    const { s, f, bias, labels, batch } = makeCase('fd', 3, 8, 4, {});
    const gradF = new Float32Array(batch * 8);
    csrCrossEntropyImpl(f, batch, s, bias, labels, gradF);
    const h = 1e-2;
    const numeric = Array.from(f, (_, i) => {
      const plus = f.slice();
      const minus = f.slice();
      plus[i]! += h;
      minus[i]! -= h;
      const scratch = new Float32Array(f.length);
      return (
        (csrCrossEntropyImpl(plus, batch, s, bias, labels, scratch) - csrCrossEntropyImpl(minus, batch, s, bias, labels, scratch)) /
        (plus[i]! - minus[i]!)
      );
    });
    expectClose(gradF, numeric, 1e-3);
  });

  it('is stable for huge logits (shift invariance of softmax)', () => {
    const { s, f, labels, batch } = makeCase('stable', 4, 10, 6, {});
    const scratch = new Float32Array(batch * 10);
    const base = csrCrossEntropyImpl(f, batch, s, new Float32Array(6).fill(0), labels, scratch);
    const shifted = csrCrossEntropyImpl(f, batch, s, new Float32Array(6).fill(1e4), labels, new Float32Array(batch * 10));
    expect(Number.isFinite(shifted)).toBe(true);
    expect(shifted).toBeCloseTo(base, 8);
  });
});

describe(`fused sparse-ETF cross-entropy: native CPU vs reference${nativeSkipNote}`, () => {
  it.skipIf(!nativeLoaded).each(CASES)('%s', (name, batch, dim, classes, extra) => {
    const { s, f, bias, labels } = makeCase(name, batch, dim, classes, extra);
    const expectedGrad = new Float32Array(batch * dim);
    const expectedLoss = csrCrossEntropyImpl(f, batch, s, bias, labels, expectedGrad);
    const { loss, gradF } = csrCrossEntropy(f, s, labels, { bias, device: 'cpu' });
    expect(Math.abs(loss - expectedLoss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expectedLoss)));
    expectClose(gradF, expectedGrad);
  });
});

describe(`fused sparse-ETF cross-entropy: CUDA vs reference${cudaSkipNote}`, () => {
  it.skipIf(!cudaAvailable).each(CASES)('%s', (name, batch, dim, classes, extra) => {
    const { s, f, bias, labels } = makeCase(name, batch, dim, classes, extra);
    const expectedGrad = new Float32Array(batch * dim);
    const expectedLoss = csrCrossEntropyImpl(f, batch, s, bias, labels, expectedGrad);
    const { loss, gradF } = csrCrossEntropy(f, s, labels, { bias, device: 'cuda' });
    expect(Math.abs(loss - expectedLoss)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expectedLoss)));
    expectClose(gradF, expectedGrad, 1e-4);
  });
});

describe('fused sparse-ETF cross-entropy: argument checks', () => {
  const { s } = randomSparse(rng.derive('checks'), 3, 4);
  it.each([
    // label 3 does not exist with C = 3
    ['label out of range', () => csrCrossEntropy(new Float32Array(4), s, new Int32Array([3])), /labels\[0\] = 3 is outside \[0, 3\)/],
    // one label per sample
    ['label count', () => csrCrossEntropy(new Float32Array(8), s, new Int32Array([0])), /one label per sample \(2\)/],
    // float labels are rejected rather than truncated
    [
      'label type',
      () => csrCrossEntropy(new Float32Array(4), s, new Float32Array([0]) as unknown as Int32Array),
      /Int32Array for csrCrossEntropy\(labels\)/,
    ],
    // Infinity in the features
    ['non-finite f', () => csrCrossEntropy(new Float32Array([Infinity, 0, 0, 0]), s, new Int32Array([0])), /f\[0\] = Infinity/],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
