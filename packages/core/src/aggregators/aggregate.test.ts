import { describe, expect, it } from 'vitest';
import {
  accumulateSquaredDistances,
  assertKrumQuorum,
  coordinateMedian,
  krumScores,
  krumSelect,
  trimCount,
  trimmedMean,
  weightedAverage,
} from './aggregate.js';

const f32 = (...xs: number[]) => new Float32Array(xs);

describe('weightedAverage', () => {
  it('weights each client array by its own weight', () => {
    const values = [f32(1, 2), f32(3, 6), f32(5, 10)];
    // (1·1 + 1·3 + 2·5) / 4 = 3.5 and (2 + 6 + 20) / 4 = 7
    expect([...weightedAverage(values, [1, 1, 2])]).toEqual([3.5, 7]);
    // (2·1 + 3 + 5) / 4 = 2.5 and (4 + 6 + 10) / 4 = 5
    expect([...weightedAverage(values, [2, 1, 1])]).toEqual([2.5, 5]);
  });

  it('writes into the given output and returns it', () => {
    const out = new Float32Array(2);
    const result = weightedAverage([f32(1, 2), f32(3, 4)], [1, 3], out);
    expect(result).toBe(out);
    expect([...out]).toEqual([2.5, 3.5]);
  });

  it('accumulates in float64, so large terms do not swallow small ones', () => {
    // In float32, 1e8 + 1 rounds back to 1e8 (spacing 8) and the mean would come out 0.
    expect(weightedAverage([f32(1e8), f32(1), f32(-1e8)], [1, 1, 1])[0]).toBe(Math.fround(1 / 3));
  });

  it.each([
    // one weight per array is required
    [[f32(1), f32(2)], [1], /2 client arrays but 1 weights/],
    // negative and non-finite weights are bugs upstream
    [[f32(1), f32(2)], [1, -1], /finite weight >= 0 for client array 1/],
    [[f32(1), f32(2)], [1, Number.NaN], /finite weight >= 0/],
    // an all-zero weight vector has no mean
    [[f32(1), f32(2)], [0, 0], /sum to 0/],
    // copies of one tensor must have the same length
    [[f32(1, 2), f32(2)], [1, 1], /client array 1 has 1 values but array 0 has 2/],
    // nothing to average
    [[], [], /at least one client array/],
  ])('rejects bad input %#', (values, weights, message) => {
    expect(() => weightedAverage(values as Float32Array[], weights as number[])).toThrow(message);
  });
});

describe('coordinateMedian', () => {
  it('takes the middle value per coordinate for an odd number of clients', () => {
    const values = [f32(1, 10, -2), f32(3, 0, 7), f32(2, 5, 100)];
    expect([...coordinateMedian(values)]).toEqual([2, 5, 7]);
  });

  it('averages the two middle values for an even number of clients', () => {
    const values = [f32(1, 10, -2), f32(3, 0, 7), f32(2, 5, 100), f32(4, -1, 8)];
    // sorted columns: [1,2,3,4] → 2.5, [-1,0,5,10] → 2.5, [-2,7,8,100] → 7.5
    expect([...coordinateMedian(values)]).toEqual([2.5, 2.5, 7.5]);
  });

  it('sorts correctly past the insertion-sort threshold (40 clients)', () => {
    // Client k sends (k * 7) mod 40 → the values 0..39 in shuffled order; median = (19 + 20) / 2.
    const values = Array.from({ length: 40 }, (_, k) => f32((k * 7) % 40));
    expect(coordinateMedian(values)[0]).toBe(19.5);
  });
});

describe('trimmedMean', () => {
  const values = [f32(1, -50), f32(100, 0), f32(3, 1), f32(2, 3), f32(4, 2)];

  it('drops floor(beta·n) values from each end', () => {
    // beta 0.2, n 5 → one from each end: [1,2,3,4,100] → (2+3+4)/3 = 3; [-50,0,1,2,3] → (0+1+2)/3 = 1
    expect([...trimmedMean(values, 0.2)]).toEqual([3, 1]);
  });

  it('is the plain mean when floor(beta·n) = 0', () => {
    // (1+100+3+2+4)/5 = 22 and (-50+0+1+3+2)/5 = -8.8
    const plain = [22, Math.fround(-8.8)];
    expect([...trimmedMean(values, 0)]).toEqual(plain);
    expect([...trimmedMean(values, 0.1)]).toEqual(plain);
  });

  it('counts the trim like scipy.stats.trim_mean', () => {
    expect(trimCount(10, 0.25)).toBe(2);
    expect(trimCount(6, 0.1)).toBe(0);
    expect(trimCount(6, 1 / 3)).toBe(2);
    expect(() => trimCount(6, 0.5)).toThrow(/beta in \[0, 0.5\) but received 0.5/);
    expect(() => trimCount(6, -0.1)).toThrow(/beta in \[0, 0.5\)/);
  });
});

describe('Krum', () => {
  // Five 1-D clients at 0, 1, 2, 10, 11.
  const points = [0, 1, 2, 10, 11];
  const values = points.map((p) => f32(p));

  it('accumulates squared distances over several tensors', () => {
    const first = [f32(0, 0), f32(3, 4)];
    const second = [f32(1), f32(2)];
    const matrix = accumulateSquaredDistances(first);
    accumulateSquaredDistances(second, matrix);
    // 3² + 4² + 1² = 26
    expect([...matrix]).toEqual([0, 26, 26, 0]);
  });

  it('scores each client by its n − f − 2 nearest squared distances', () => {
    const distances = accumulateSquaredDistances(values);
    // f = 1 → 2 neighbours. 0: 1+4; 1: 1+1; 2: 1+4; 10: 1+64; 11: 1+81
    expect([...krumScores(distances, 5, 1)]).toEqual([5, 2, 5, 65, 82]);
    // f = 0 → 3 neighbours. 0: 1+4+100; 1: 1+1+81; 2: 1+4+64; 10: 1+64+81; 11: 1+81+100
    expect([...krumScores(distances, 5, 0)]).toEqual([105, 83, 69, 146, 182]);
  });

  it('does not count a client as its own neighbour when another client is identical', () => {
    // Clients 0 and 1 coincide: for client 0 the neighbours are 1 (distance 0) and 2 (distance 1).
    const distances = accumulateSquaredDistances([f32(0), f32(0), f32(1), f32(5), f32(6)]);
    expect(krumScores(distances, 5, 1)[0]).toBe(1);
  });

  it('selects the lowest scores, ties to the lower index', () => {
    expect(krumSelect([5, 2, 5, 65, 82], 1)).toEqual([1]);
    expect(krumSelect([5, 2, 5, 65, 82], 3)).toEqual([1, 0, 2]);
    expect(() => krumSelect([1, 2], 3)).toThrow(/integer m in \[1, 2\] but received 3/);
  });

  it('requires n > 2f + 2', () => {
    expect(() => assertKrumQuorum(4, 1)).toThrow(/n = 4 with f = 1 .*need at least 5/);
    expect(() => assertKrumQuorum(2, 0)).toThrow(/need at least 3/);
    expect(() => assertKrumQuorum(5, 1)).not.toThrow();
    expect(() => krumScores(new Float64Array(16), 4, 1)).toThrow(/n > 2f \+ 2/);
  });
});
