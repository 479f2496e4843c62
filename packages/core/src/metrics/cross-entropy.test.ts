import { describe, expect, it } from 'vitest';
import { meanCrossEntropy } from './cross-entropy.js';

/** −log softmax by the textbook formula, no shift: the oracle for small logits. */
function naive(row: number[], label: number): number {
  const z = row.reduce((s, v) => s + Math.exp(v), 0);
  return -Math.log(Math.exp(row[label]!) / z);
}

describe('meanCrossEntropy', () => {
  it('is the mean of −log softmax[label] over the rows', () => {
    const rows = [
      [1, 2, 0.5],
      [-1, 0, 3],
    ];
    const expected = (naive(rows[0]!, 1) + naive(rows[1]!, 0)) / 2;
    expect(meanCrossEntropy(rows.flat(), [1, 0], 3)).toBeCloseTo(expected, 12);
  });

  it('takes the softmax over the allowed classes only (PM masking)', () => {
    const row = [1, 2, 0.5, 4];
    // Classes 1 and 3 masked: the softmax is over classes 0 and 2.
    expect(meanCrossEntropy(row, [0], 4, [true, false, true, false])).toBeCloseTo(naive([1, 0.5], 0), 12);
  });

  it('does not overflow on large logits', () => {
    expect(meanCrossEntropy([1000, 1001], [1], 2)).toBeCloseTo(naive([0, 1], 1), 12);
  });

  it('is NaN without rows and refuses a shape mismatch', () => {
    expect(meanCrossEntropy([], [], 3)).toBeNaN();
    expect(() => meanCrossEntropy([1, 2], [0], 3)).toThrow(/expected 1x3 = 3 logits but received 2/);
  });
});
