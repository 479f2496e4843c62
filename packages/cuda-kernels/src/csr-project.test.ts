import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';

import {
  cudaAvailable,
  cudaSkipNote,
  expectClose,
  nativeLoaded,
  nativeSkipNote,
  randomFloats,
  randomSparse,
} from './__fixtures__/kernel-data.js';
import { denseToCsr } from './csr.js';
import { csrProjectBackward, csrProjectForward } from './csr-project.js';
import { csrProjectBackwardImpl, csrProjectForwardImpl } from './csr-project.impl.js';

const rng = new Rng(7).derive('csr-project.test');

/** Shapes every implementation must agree on: [name, batch, dim, classes, extra]. */
const CASES: Array<[string, number, number, number, { zeroRow?: number; zeroCol?: number; bias?: boolean }]> = [
  ['random, d not a multiple of 4 or 8', 37, 129, 23, { bias: true }],
  ['single class (C = 1)', 5, 16, 1, { bias: true }],
  ['empty batch (B = 0)', 0, 32, 10, { bias: true }],
  ['a class with no non-zeros and an unused feature', 9, 40, 12, { zeroRow: 3, zeroCol: 7, bias: true }],
  ['d = 1, no bias', 6, 1, 4, {}],
  ['FedLoGe C100 head, large enough to use threads', 64, 512, 100, { bias: true }],
];

function makeCase(name: string, batch: number, dim: number, classes: number, extra: (typeof CASES)[number][4]) {
  const r = rng.derive(name);
  const { dense, s } = randomSparse(r, classes, dim, extra);
  const f = randomFloats(r, batch * dim);
  const bias = extra.bias ? randomFloats(r, classes, 0.05) : null;
  const gradLogits = randomFloats(r, batch * classes);
  return { dense, s, f, bias, gradLogits, batch };
}

describe('sparse-ETF projection: TypeScript reference', () => {
  it('matches a hand-computed 2-class example', () => {
    // S = [[1, 0, 2], [0, 3, 0]], f = [1, 2, 3], b = [0.5, −1] → logits = [1 + 6 + 0.5, 6 − 1]
    const s = denseToCsr(new Float32Array([1, 0, 2, 0, 3, 0]), 3);
    expect(s.values.length).toBe(3);
    const logits = csrProjectForwardImpl(new Float32Array([1, 2, 3]), 1, s, new Float32Array([0.5, -1]), new Float32Array(2));
    expect(Array.from(logits)).toEqual([7.5, 5]);
    // gradF = [1, 2] · S = [1, 6, 2]
    expect(Array.from(csrProjectBackwardImpl(new Float32Array([1, 2]), 1, s, new Float32Array(3)))).toEqual([1, 6, 2]);
  });

  it('forward equals a dense matmul over the uncompressed matrix', () => {
    const { dense, s, f, bias, batch } = makeCase('dense-check', 11, 33, 7, { bias: true });
    const expected = new Float64Array(batch * 7);
    for (let b = 0; b < batch; b++)
      for (let c = 0; c < 7; c++) {
        let acc = bias![c]!;
        for (let j = 0; j < 33; j++) acc += f[b * 33 + j]! * dense[c * 33 + j]!;
        expected[b * 7 + c] = acc;
      }
    expectClose(csrProjectForwardImpl(f, batch, s, bias, new Float32Array(batch * 7)), expected, 1e-6);
  });

  it('backward is the adjoint of the forward: <f·Sᵀ, g> = <f, g·S>', () => {
    const { s, f, gradLogits, batch } = makeCase('adjoint', 13, 50, 9, {});
    const logits = csrProjectForwardImpl(f, batch, s, null, new Float32Array(batch * 9));
    const gradF = csrProjectBackwardImpl(gradLogits, batch, s, new Float32Array(batch * 50));
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < logits.length; i++) lhs += logits[i]! * gradLogits[i]!;
    for (let i = 0; i < gradF.length; i++) rhs += f[i]! * gradF[i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lhs)));
  });
});

describe(`sparse-ETF projection: native CPU vs reference${nativeSkipNote}`, () => {
  it.skipIf(!nativeLoaded).each(CASES)('%s', (name, batch, dim, classes, extra) => {
    const { s, f, bias, gradLogits } = makeCase(name, batch, dim, classes, extra);
    expectClose(
      csrProjectForward(f, s, { bias, device: 'cpu' }),
      csrProjectForwardImpl(f, batch, s, bias, new Float32Array(batch * classes)),
    );
    expectClose(
      csrProjectBackward(gradLogits, s, { device: 'cpu' }),
      csrProjectBackwardImpl(gradLogits, batch, s, new Float32Array(batch * dim)),
    );
  });
});

describe(`sparse-ETF projection: CUDA vs reference${cudaSkipNote}`, () => {
  it.skipIf(!cudaAvailable).each(CASES)('%s', (name, batch, dim, classes, extra) => {
    const { s, f, bias, gradLogits } = makeCase(name, batch, dim, classes, extra);
    // float accumulation on the GPU: compared at 1e-4
    expectClose(
      csrProjectForward(f, s, { bias, device: 'cuda' }),
      csrProjectForwardImpl(f, batch, s, bias, new Float32Array(batch * classes)),
      1e-4,
    );
    expectClose(
      csrProjectBackward(gradLogits, s, { device: 'cuda' }),
      csrProjectBackwardImpl(gradLogits, batch, s, new Float32Array(batch * dim)),
      1e-4,
    );
  });

  it.skipIf(cudaAvailable)('device cuda without a usable device is an Error with the reason', () => {
    const { s } = randomSparse(rng.derive('no-cuda'), 3, 4);
    expect(() => csrProjectForward(new Float32Array(4), s, { device: 'cuda' })).toThrow(/CUDA kernels unavailable: .+/);
  });
});

describe('sparse-ETF projection: argument checks', () => {
  const { s } = randomSparse(rng.derive('checks'), 3, 4);
  it.each([
    // a partial feature row: 5 is not a multiple of d = 4
    ['f length', () => csrProjectForward(new Float32Array(5), s), /csrProjectForward\(f\).*not a multiple of 4/],
    // float64 input is a type error, not silently converted
    [
      'f type',
      () => csrProjectForward(new Float64Array(4) as unknown as Float32Array, s),
      /Expected a Float32Array for csrProjectForward\(f\)/,
    ],
    // NaN must not reach the kernel
    [
      'non-finite f',
      () => csrProjectForward(new Float32Array([0, NaN, 0, 0]), s),
      /finite values in csrProjectForward\(f\) but f\[1\] = NaN/,
    ],
    // bias must have one entry per class
    [
      'bias length',
      () => csrProjectForward(new Float32Array(4), s, { bias: new Float32Array(2) }),
      /Expected 3 elements in csrProjectForward\(options.bias\)/,
    ],
    // out must be exactly B × C
    ['out length', () => csrProjectForward(new Float32Array(4), s, { out: new Float32Array(2) }), /csrProjectForward\(options.out\)/],
    // a column index outside [0, d)
    ['corrupt CSR', () => csrProjectForward(new Float32Array(4), { ...s, colIdx: s.colIdx.map(() => 9) }), /colIdx\[0\] = 9 is outside/],
    // the gradient must hold whole rows of C
    ['gradLogits length', () => csrProjectBackward(new Float32Array(4), s), /csrProjectBackward\(gradLogits\).*not a multiple of 3/],
    // an unknown device name
    ['device', () => csrProjectForward(new Float32Array(4), s, { device: 'tpu' as 'cpu' }), /'cpu' or 'cuda'/],
  ])('rejects bad %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
