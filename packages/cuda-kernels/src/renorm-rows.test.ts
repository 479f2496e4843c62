import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';

import { cudaAvailable, cudaSkipNote, expectClose, nativeLoaded, nativeSkipNote, randomFloats } from './__fixtures__/kernel-data.js';
import { renormRows } from './renorm-rows.js';
import { renormRowsImpl } from './renorm-rows.impl.js';

const rng = new Rng(13).derive('renorm-rows.test');

/** [name, rows, cols, zero row index or -1] */
const CASES: Array<[string, number, number, number]> = [
  ['random, cols not a multiple of 4 or 8', 23, 129, -1],
  ['single row', 1, 16, -1],
  ['no rows', 0, 8, -1],
  ['an all-zero row stays zero', 10, 33, 4],
  ['FedLoGe C100 × 512 auxiliary head', 100, 512, 7],
  ['large enough to use threads', 1000, 512, 0],
];

function makeCase(name: string, rows: number, cols: number, zeroRow: number): Float32Array {
  const w = randomFloats(rng.derive(name), rows * cols, 0.1);
  if (zeroRow >= 0) w.fill(0, zeroRow * cols, (zeroRow + 1) * cols);
  return w;
}

describe('renormRows: TypeScript reference', () => {
  it('rescales [3, 4] to norm 1.7 and keeps a zero row at zero', () => {
    const out = renormRowsImpl(new Float32Array([3, 4, 0, 0]), 2, 2, 1.7, new Float32Array(4));
    expectClose(out, [1.7 * 0.6, 1.7 * 0.8, 0, 0], 1e-7);
  });

  it('every non-zero row ends with norm = scale and keeps its direction', () => {
    const w = makeCase('norms', 6, 11, 2);
    const out = renormRowsImpl(w, 6, 11, 2.5, new Float32Array(w.length));
    for (let r = 0; r < 6; r++) {
      const row = out.subarray(r * 11, (r + 1) * 11);
      const norm = Math.hypot(...row);
      if (r === 2) expect(norm).toBe(0);
      else {
        expect(norm).toBeCloseTo(2.5, 5);
        // cosine with the input row is 1
        let dot = 0;
        for (let j = 0; j < 11; j++) dot += row[j]! * w[r * 11 + j]!;
        expect(dot / (norm * Math.hypot(...w.subarray(r * 11, (r + 1) * 11)))).toBeCloseTo(1, 6);
      }
    }
  });
});

describe(`renormRows: native CPU vs reference${nativeSkipNote}`, () => {
  it.skipIf(!nativeLoaded).each(CASES)('%s', (name, rows, cols, zeroRow) => {
    const w = makeCase(name, rows, cols, zeroRow);
    const expected = renormRowsImpl(w, rows, cols, 1.7, new Float32Array(w.length));
    expectClose(renormRows(w, cols, 1.7, { device: 'cpu' }), expected);
  });

  it.skipIf(!nativeLoaded)('works in place (out = w)', () => {
    const w = makeCase('in-place', 5, 9, 1);
    const expected = renormRowsImpl(w, 5, 9, 1.7, new Float32Array(w.length));
    expect(renormRows(w, 9, 1.7, { out: w })).toBe(w);
    expectClose(w, expected);
  });
});

describe(`renormRows: CUDA vs reference${cudaSkipNote}`, () => {
  it.skipIf(!cudaAvailable).each(CASES)('%s', (name, rows, cols, zeroRow) => {
    const w = makeCase(name, rows, cols, zeroRow);
    expectClose(renormRows(w, cols, 1.7, { device: 'cuda' }), renormRowsImpl(w, rows, cols, 1.7, new Float32Array(w.length)), 1e-5);
  });
});

describe('renormRows: argument checks', () => {
  it.each([
    // 7 elements are not whole rows of 2
    ['partial row', () => renormRows(new Float32Array(7), 2, 1), /renormRows\(w\).*not a multiple of 2/],
    // a NaN scale would poison every row
    ['scale', () => renormRows(new Float32Array(4), 2, NaN), /finite number for renormRows\(scale\)/],
    // cols must be a positive integer
    ['cols', () => renormRows(new Float32Array(4), 0, 1), /positive integer for renormRows\(cols\)/],
  ])('rejects bad %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
