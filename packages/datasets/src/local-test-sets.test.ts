import { classHistogram, Rng } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealCifar10 } from './__fixtures__/real-data.js';
import { dirichletPartition } from './dirichlet-partition.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { drawLocalTestSets, localTestCounts } from './local-test-sets.js';
import { longTailSubset } from './long-tail.js';

describe('localTestCounts: T[k][c] = floor(A[k][c] / N_tot · testCount)', () => {
  it('divides by the global train total, not the client total', () => {
    // N_tot = 3 + 1 + 0 + 6 = 10: client 0 → 3000, 1000; client 1 → 0, 6000.
    expect(
      localTestCounts(
        [
          [3, 1],
          [0, 6],
        ],
        10000,
      ),
    ).toEqual([
      [3000, 1000],
      [0, 6000],
    ]);
  });

  it('floors, so a single sample out of many requests nothing', () => {
    // 1/3 · 10000 = 3333.33… → 3333; 1/12406 · 10000 = 0.806… → 0 (an "absent" class).
    expect(localTestCounts([[1, 2]], 10000)).toEqual([[3333, 6666]]);
    expect(localTestCounts([[1], [12405]], 10000)).toEqual([[0], [9999]]);
  });

  it('rejects clients without training data', () => {
    expect(() => localTestCounts([[0, 0]], 10000)).toThrow(/hold no training samples/);
  });
});

describe('drawLocalTestSets (real CIFAR-10-LT, 20 clients, α 0.5)', () => {
  let data: InMemoryImageDataset;
  let clients: number[][];
  beforeAll(async () => {
    data = await loadRealCifar10();
    const lt = longTailSubset(data.train.labels, 10, 0.01, new Rng(3407).derive('long-tail')).indices;
    clients = dirichletPartition(lt, data.train.labels, 10, { numClients: 20, alpha: 0.5 }, new Rng(3407));
  });

  it('gives each client floor(A/N_tot · 10000) test images of each class, no repeats within a client', () => {
    const sets = drawLocalTestSets(clients, data.train.labels, data.test.labels, 10, new Rng(9));
    const trainCounts = clients.map((c) => classHistogram(data.train.labels, c, 10));
    const requested = localTestCounts(trainCounts, 10000);
    sets.forEach((set, k) => {
      expect(classHistogram(data.test.labels, set, 10)).toEqual(requested[k]!.map((t) => Math.min(t, 1000)));
      expect(new Set(set).size).toBe(set.length);
      expect(set).toEqual([...set].sort((a, b) => a - b));
      expect(set.every((i) => Number.isInteger(i) && i >= 0 && i < 10000)).toBe(true);
    });
  });

  it('draws independently per client (sets may overlap) and deterministically per seed', () => {
    const a = drawLocalTestSets(clients, data.train.labels, data.test.labels, 10, new Rng(9));
    expect(JSON.stringify(drawLocalTestSets(clients, data.train.labels, data.test.labels, 10, new Rng(9)))).toBe(JSON.stringify(a));
    expect(JSON.stringify(drawLocalTestSets(clients, data.train.labels, data.test.labels, 10, new Rng(10)))).not.toBe(JSON.stringify(a));
    const seen = new Set<number>();
    let overlaps = 0;
    for (const set of a) {
      for (const i of set) {
        if (seen.has(i)) overlaps++;
        else seen.add(i);
      }
    }
    expect(overlaps).toBeGreaterThan(0);
  });

  it('caps a request larger than the class pool at the whole pool (documented deviation)', () => {
    // One client holding all of CIFAR-10-LT: T[0] = floor(5000 / 12406 · 10000) = 4030 requested airplanes, but the test split has 1000.
    const all = [clients.flat()];
    const requested = localTestCounts([classHistogram(data.train.labels, all[0]!, 10)], 10000)[0]!;
    expect(requested[0]).toBe(4030);
    const [set] = drawLocalTestSets(all, data.train.labels, data.test.labels, 10, new Rng(1));
    const h = classHistogram(data.test.labels, set!, 10);
    expect(h[0]).toBe(1000);
    expect(h).toEqual(requested.map((t) => Math.min(t, 1000)));
  });
});
