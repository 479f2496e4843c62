import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks, niceUpper } from './scale.js';

describe('linearScale', () => {
  it('maps the domain ends onto the range ends, reversed ranges included', () => {
    const y = linearScale([0, 100], [288, 12]);
    expect(y(0)).toBe(288);
    expect(y(100)).toBe(12);
    expect(y(25)).toBe(288 - 0.25 * 276);
  });

  it('puts every value in the middle of the range for a zero-width domain', () => {
    expect(linearScale([3, 3], [10, 30])(3)).toBe(20);
  });
});

describe('niceTicks', () => {
  it.each([
    // [min, max, count, integer, expected]
    [0, 100, 5, false, [0, 20, 40, 60, 80, 100]],
    [1, 10, 8, true, [2, 4, 6, 8, 10]], // step 9/8 rounds up to 2
    [1, 200, 8, true, [50, 100, 150, 200]], // step 199/8 ≈ 24.9 rounds up to 50
    [0, 1, 5, false, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [1, 3, 8, true, [1, 2, 3]], // integer steps never go below 1 round
  ] as const)('niceTicks(%d, %d, %d, %s)', (min, max, count, integer, expected) => {
    expect(niceTicks(min, max, count, integer)).toEqual(expected);
  });

  it('returns the single value of an empty interval', () => {
    expect(niceTicks(4, 4, 5)).toEqual([4]);
  });
});

describe('niceUpper', () => {
  it.each([
    // [max, expected]: a tick at or above max, on the 1-2-5 grid niceTicks(0, max, 5) uses
    [2.3, 2.5], // step 0.5: ticks end at 2.0, one more step
    [1.43, 1.5], // step 0.5: 1.0 < 1.43, so 1.5
    [0.44, 0.5], // step 0.1
    [100, 100], // already on a tick
    [0, 1],
  ] as const)('niceUpper(%d) = %d', (max, expected) => {
    expect(niceUpper(max)).toBe(expected);
  });
});
