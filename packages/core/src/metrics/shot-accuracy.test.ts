import { describe, expect, it } from 'vitest';
import { tallyPredictions } from './class-tally.js';
import { clientModelAccuracy, globalModelAccuracy, globalTestDistribution, meanOverClients } from './shot-accuracy.js';

describe('globalTestDistribution', () => {
  it('sums the local test histograms, counting overlaps once per client', () => {
    // test labels: idx 0→0, 1→0, 2→1, 3→2; client 0 holds {0,1,2}, client 1 holds {1,3}
    expect(
      globalTestDistribution(
        [0, 0, 1, 2],
        [
          [0, 1, 2],
          [1, 3],
        ],
        3,
      ),
    ).toEqual([3, 1, 1]);
  });
});

describe('globalModelAccuracy', () => {
  it('groups classes by the long-tailed distribution, pooled over the balanced test set', () => {
    // distribution [60, 25, 10, 5] (total 100): cumulative 60, 85 (cut1 = 1), 95 (cut2 = 2)
    //   → head {0,1}, middle {2}, tail {3}
    // balanced test set, 2 samples per class; hits per class: 2, 1, 0, 1
    const labels = [0, 0, 1, 1, 2, 2, 3, 3];
    const preds = [0, 0, 1, 0, 0, 1, 3, 2];
    const m = globalModelAccuracy(tallyPredictions(preds, labels, 4), [60, 25, 10, 5]);
    expect(m.acc).toBeCloseTo(4 / 8);
    expect(m.head).toBeCloseTo(3 / 4);
    expect(m.middle).toBeCloseTo(0);
    expect(m.tail).toBeCloseTo(1 / 2);
  });

  it('reports an empty group as null', () => {
    // distribution [1, 0, 0]: head {0}, middle {} (cut2 = cut1), tail {1, 2}
    const m = globalModelAccuracy(tallyPredictions([0, 0, 2], [0, 1, 2], 3), [1, 0, 0]);
    expect(m).toEqual({ acc: 2 / 3, head: 1, middle: null, tail: 0.5 });
  });
});

describe('PM metrics', () => {
  // Client A: T = [3, 1, 0] → head {0} (75 %), middle {1} (100 % ≥ 95), tail {2} (no sample → null)
  //   labels 0 0 0 1, preds 0 0 1 1 → acc 3/4, head 2/3, middle 1/1
  const a = clientModelAccuracy(tallyPredictions([0, 0, 1, 1], [0, 0, 0, 1], 3), [3, 1, 0]);
  // Client B: T = [0, 1, 1] → ranked 1, 2, 0; cumulative 50, 100 → head {1, 2}, middle {}, tail {0}
  //   labels 1 2, preds 1 1 → acc 1/2, head 1/2
  const b = clientModelAccuracy(tallyPredictions([1, 1], [1, 2], 3), [0, 1, 1]);
  // Client C: no local test sample → everything null
  const c = clientModelAccuracy(tallyPredictions([], [], 3), [0, 0, 0]);

  it('computes per-client groups from the client’s own local test counts', () => {
    expect(a.acc).toBeCloseTo(0.75);
    expect(a.head).toBeCloseTo(2 / 3);
    expect(a.middle).toBe(1);
    expect(a.tail).toBeNull();
    expect(b).toEqual({ acc: 0.5, head: 0.5, middle: null, tail: null });
    expect(c).toEqual({ acc: null, head: null, middle: null, tail: null });
  });

  it('averages acc over clients and each group over the clients where it is valid', () => {
    const m = meanOverClients([a, b, c]);
    expect(m.acc).toBeCloseTo((0.75 + 0.5) / 2);
    expect(m.head).toBeCloseTo((2 / 3 + 0.5) / 2);
    expect(m.middle).toBe(1); // only client A has a valid middle group
    expect(m.tail).toBeNull();
  });
});
