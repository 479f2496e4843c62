import { describe, expect, it } from 'vitest';
import { shotSplit } from './shot-split.js';

describe('shotSplit', () => {
  it('reproduces the CIFAR-10 IF=0.01 groups of the reference logs ({0,1,2} / {3,4,5} / {6..9})', () => {
    // total 12 406; cumulative %: 40.3, 64.5, 78.9 (≥75 → cut1 = 2), 87.6, 92.8, 95.9 (≥95 → cut2 = 5)
    const counts = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];
    expect(shotSplit(counts)).toEqual({ head: [0, 1, 2], middle: [3, 4, 5], tail: [6, 7, 8, 9] });
  });

  it('reproduces the CIFAR-10 IF=0.02 groups ({0..3} / {4,5,6} / {7,8,9})', () => {
    // total 13 996; cumulative %: 35.7, 58.9, 73.8, 83.5 (cut1 = 3), 89.8, 93.9, 96.5 (cut2 = 6)
    const counts = [5000, 3237, 2096, 1357, 878, 568, 368, 238, 154, 100];
    expect(shotSplit(counts)).toEqual({ head: [0, 1, 2, 3], middle: [4, 5, 6], tail: [7, 8, 9] });
  });

  it('ranks by count, keeping ascending class order on ties and zero counts last', () => {
    // ranked: class 3 (4), 1 (3), 4 (3), 0 (0), 2 (0); total 10
    // cumulative %: 40, 70, 100 → cut1 = 2 (first ≥ 75), cut2 = 2 (first ≥ 95)
    expect(shotSplit([0, 3, 0, 4, 3])).toEqual({ head: [3, 1, 4], middle: [], tail: [0, 2] });
  });

  it('cuts at the position whose cumulative share equals the threshold exactly', () => {
    // counts 75, 20, 5 (total 100): cumulative 75 (= 75 → cut1 = 0), 95 (= 95 → cut2 = 1), 100
    expect(shotSplit([75, 20, 5])).toEqual({ head: [0], middle: [1], tail: [2] });
  });

  it('honours custom thresholds', () => {
    // uniform counts, thresholds 50/90: cumulative 25, 50 (cut1 = 1), 75, 100 (cut2 = 3)
    expect(shotSplit([1, 1, 1, 1], [50, 90])).toEqual({ head: [0, 1], middle: [2, 3], tail: [] });
  });

  it('puts every class in the tail when there are no samples', () => {
    expect(shotSplit([0, 0, 0])).toEqual({ head: [], middle: [], tail: [0, 1, 2] });
  });

  it('rejects negative counts and bad thresholds with the offending value', () => {
    expect(() => shotSplit([1, -2])).toThrow(/counts\[1\] is -2/);
    expect(() => shotSplit([1, 2], [95, 75])).toThrow(/\[95, 75\]/);
  });
});
