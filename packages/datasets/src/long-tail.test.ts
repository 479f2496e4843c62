import { classHistogram, Rng } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealCifar10 } from './__fixtures__/real-data.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { longTailCounts, longTailSubset } from './long-tail.js';

describe('longTailCounts: n_c = floor(n_max · IF^(c/(C−1)))', () => {
  it.each([
    // Expected lists: docs/data.md#long-tailed-training-set (printed in the reference's logs) and, for Fashion-MNIST,
    // Python's int(6000 * 0.01 ** (c / 9.0)).
    ['CIFAR-10, IF 0.01', 5000, 10, 0.01, [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]],
    ['CIFAR-10, IF 0.02', 5000, 10, 0.02, [5000, 3237, 2096, 1357, 878, 568, 368, 238, 154, 100]],
    ['Fashion-MNIST, IF 0.01', 6000, 10, 0.01, [6000, 3596, 2156, 1292, 774, 464, 278, 166, 100, 60]],
    ['IF 1 keeps the balanced split', 5000, 10, 1, new Array(10).fill(5000)],
    ['a single class', 7, 1, 0.5, [7]],
  ])('%s', (_what, max, classes, factor, expected) => {
    expect(longTailCounts(max, classes, factor)).toEqual(expected);
  });

  it('CIFAR-100: 500, 477, 455, 434, 415 … 6, 5, 5, 5, 5, total 10 847 (IF 0.01) and 12 608 (IF 0.02)', () => {
    const c100 = longTailCounts(500, 100, 0.01);
    expect(c100.slice(0, 5)).toEqual([500, 477, 455, 434, 415]);
    expect(c100.slice(-5)).toEqual([6, 5, 5, 5, 5]);
    expect(c100.reduce((a, b) => a + b)).toBe(10847);
    const c100b = longTailCounts(500, 100, 0.02);
    expect(c100b.slice(0, 5)).toEqual([500, 480, 462, 444, 426]);
    expect(c100b.slice(-3)).toEqual([10, 10, 10]);
    expect(c100b.reduce((a, b) => a + b)).toBe(12608);
  });

  it.each([0, -0.1, 1.5, Number.NaN])('rejects imbalance factor %s', (factor) => {
    expect(() => longTailCounts(5000, 10, factor)).toThrow(/imbalanceFactor must be min\/max class size in \(0, 1\]/);
  });
});

describe('longTailSubset (real CIFAR-10 train labels)', () => {
  let data: InMemoryImageDataset;
  beforeAll(async () => {
    data = await loadRealCifar10();
  });

  it('keeps n_c distinct images of each class, class by class', () => {
    const subset = longTailSubset(data.train.labels, 10, 0.01, new Rng(3407).derive('long-tail'));
    expect(subset.counts).toEqual([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]);
    expect(subset.indices).toHaveLength(12406);
    expect(new Set(subset.indices).size).toBe(12406);
    expect(classHistogram(data.train.labels, subset.indices, 10)).toEqual(subset.counts);
    // Stacked class 0 first, as the reference does.
    const labels = subset.indices.map((i) => data.train.labels[i]!);
    expect(labels).toEqual([...labels].sort((a, b) => a - b));
  });

  it('is a seeded shuffle per class: same seed, same subset; other seed, other images', () => {
    const a = longTailSubset(data.train.labels, 10, 0.01, new Rng(1));
    const b = longTailSubset(data.train.labels, 10, 0.01, new Rng(1));
    const c = longTailSubset(data.train.labels, 10, 0.01, new Rng(2));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(c.counts).toEqual(a.counts);
    expect(JSON.stringify(c.indices)).not.toBe(JSON.stringify(a.indices));
    // Not simply the first n_c in file order.
    const firstOfClass9 = [...data.train.labels.keys()].filter((i) => data.train.labels[i] === 9).slice(0, 50);
    expect(a.indices.slice(-50)).not.toEqual(firstOfClass9);
  });
});
