import { classHistogram, Rng } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealCifar10 } from './__fixtures__/real-data.js';
import { dirichletPartition } from './dirichlet-partition.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { longTailSubset } from './long-tail.js';

describe('dirichletPartition (real CIFAR-10-LT, IF 0.01)', () => {
  let labels: Uint8Array;
  let lt: number[];
  const sorted = (a: readonly number[]) => Int32Array.from(a).sort();
  beforeAll(async () => {
    const data: InMemoryImageDataset = await loadRealCifar10();
    labels = data.train.labels;
    lt = longTailSubset(labels, 10, 0.01, new Rng(3407).derive('long-tail')).indices;
  });

  it('assigns every long-tailed index to exactly one client, each client ascending', () => {
    const clients = dirichletPartition(lt, labels, 10, { numClients: 40, alpha: 0.5 }, new Rng(3407));
    expect(clients).toHaveLength(40);
    const all = clients.flat();
    expect(all).toHaveLength(12406);
    expect(sorted(all)).toEqual(sorted(lt));
    for (const c of clients) expect(c).toEqual([...c].sort((a, b) => a - b));
  });

  it('same seed → identical partition; other seed → another one', () => {
    const draw = (seed: number) => JSON.stringify(dirichletPartition(lt, labels, 10, { numClients: 20, alpha: 0.5 }, new Rng(seed)));
    expect(draw(7)).toBe(draw(7));
    expect(draw(8)).not.toBe(draw(7));
  });

  it('large α spreads every class evenly; small α gives each class a dominant client', () => {
    // α = 1000, 4 clients: each client gets ≈ n_c / 4 of class c (sd ≈ 46 for class 0's 5000).
    const even = dirichletPartition(lt, labels, 10, { numClients: 4, alpha: 1000 }, new Rng(1));
    for (const client of even) {
      const h = classHistogram(labels, client, 10);
      expect(Math.abs(h[0]! - 1250)).toBeLessThan(250);
      expect(Math.abs(h[3]! - 1077 / 4)).toBeLessThan(80);
    }
    // α = 0.05, 10 clients: Dirichlet mass concentrates on one component.
    const skewed = dirichletPartition(lt, labels, 10, { numClients: 10, alpha: 0.05 }, new Rng(1));
    const ltCounts = classHistogram(labels, lt, 10);
    const topShare = ltCounts.map((n, c) => Math.max(...skewed.map((client) => classHistogram(labels, client, 10)[c]!)) / n);
    expect(topShare.reduce((a, b) => a + b) / 10).toBeGreaterThan(0.6);
  });

  it('minClientSize redraws until every client is big enough', () => {
    const options = { numClients: 40, alpha: 0.5 };
    const first = dirichletPartition(lt, labels, 10, options, new Rng(5));
    const smallest = Math.min(...first.map((c) => c.length));
    expect(smallest).toBeLessThan(50); // so the constraint below really forces a redraw
    const constrained = dirichletPartition(lt, labels, 10, { ...options, minClientSize: 50 }, new Rng(5));
    expect(Math.min(...constrained.map((c) => c.length))).toBeGreaterThanOrEqual(50);
    expect(sorted(constrained.flat())).toEqual(sorted(lt));
  });

  it('gives up after maxAttempts with advice', () => {
    const call = () => dirichletPartition(lt, labels, 10, { numClients: 40, alpha: 0.01, minClientSize: 300, maxAttempts: 3 }, new Rng(1));
    expect(call).toThrow(
      /after 3 draws some client still had fewer than 300 samples \(the smallest had \d+\)\. Use a larger alpha \(now 0\.01\), fewer clients \(now 40\)/,
    );
  });

  it.each([
    // each case is invalid input that must fail with the parameter named
    ['an impossible minimum', { numClients: 40, alpha: 1, minClientSize: 400 }, /needs 16000 samples but there are only 12406/],
    ['α = 0', { numClients: 4, alpha: 0 }, /alpha must be a positive number but is 0/],
    ['no clients', { numClients: 0, alpha: 1 }, /numClients must be a positive integer but is 0/],
    ['a fractional minimum', { numClients: 4, alpha: 1, minClientSize: 1.5 }, /minClientSize must be a non-negative integer/],
  ])('rejects %s', (_what, options, message) => {
    expect(() => dirichletPartition(lt, labels, 10, options, new Rng(1))).toThrow(message);
  });
});
