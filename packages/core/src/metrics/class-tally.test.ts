import { describe, expect, it } from 'vitest';
import { perClassAccuracy, pooledAccuracy, tallyPredictions } from './class-tally.js';
import { argmaxRows } from './argmax.js';

describe('tallyPredictions', () => {
  // labels      0 0 1 1 1 2
  // predictions 0 1 1 1 0 -1   → class 0: 1/2, class 1: 2/3, class 2: 0/1, class 3: no sample
  const tally = tallyPredictions([0, 1, 1, 1, 0, -1], [0, 0, 1, 1, 1, 2], 4);

  it('counts samples and hits per class', () => {
    expect(tally).toEqual({ correct: [1, 2, 0, 0], total: [2, 3, 1, 0] });
  });

  it('pools accuracy over all classes or a subset', () => {
    expect(pooledAccuracy(tally)).toBeCloseTo(3 / 6);
    expect(pooledAccuracy(tally, [1, 2])).toBeCloseTo(2 / 4);
    expect(pooledAccuracy(tally, [3])).toBeNull();
  });

  it('gives per-class accuracy with null for classes without samples', () => {
    expect(perClassAccuracy(tally)).toEqual([0.5, 2 / 3, 0, null]);
  });

  it('rejects labels outside the class range', () => {
    expect(() => tallyPredictions([0], [5], 4)).toThrow(/label 5 at 0/);
  });
});

describe('argmaxRows', () => {
  it('takes the first maximum, skips NaN, and restricts to allowed classes', () => {
    const logits = [
      1,
      3,
      3, // tie → 1
      NaN,
      -1,
      -2, // NaN skipped → 1
      NaN,
      NaN,
      NaN, // nothing valid → -1
      5,
      1,
      2, // masked to {1, 2} → 2
    ];
    expect(Array.from(argmaxRows(logits.slice(0, 9), 3, 3))).toEqual([1, 1, -1]);
    expect(Array.from(argmaxRows(logits.slice(9), 1, 3, [false, true, true]))).toEqual([2]);
  });

  it('still predicts an allowed class when all its logits are −∞', () => {
    expect(Array.from(argmaxRows([-Infinity, -Infinity, 7], 1, 3, [true, true, false]))).toEqual([0]);
  });
});
