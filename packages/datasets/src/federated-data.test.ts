import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classHistogram, Rng } from '@fedloge/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRealCifar10 } from './__fixtures__/real-data.js';
import { buildFederatedData } from './federated-data.js';
import type { InMemoryImageDataset } from './in-memory-image-dataset.js';
import { localTestCounts } from './local-test-sets.js';
import { writePartitionFile } from './partition-file.js';

describe('buildFederatedData (real CIFAR-10, the reference setting N = 40, α = 0.5, IF = 0.01)', () => {
  let data: InMemoryImageDataset;
  beforeAll(async () => {
    data = await loadRealCifar10();
  });
  const build = (seed: number, extra: { iid?: boolean } = {}) =>
    buildFederatedData({ dataset: data, numClients: 40, alpha: 0.5, imbalanceFactor: 0.01, rng: new Rng(seed), ...extra });

  it('splits exactly the long-tailed set: every kept train index once, class counts as in the paper', () => {
    const fed = build(3407);
    expect(fed.ltCounts).toEqual([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]);
    const all = fed.partition.trainIndices.flat();
    expect(all).toHaveLength(12406);
    expect(new Set(all).size).toBe(12406);
    expect(classHistogram(data.train.labels, all, 10)).toEqual(fed.ltCounts);
    expect(fed.partition.trainIndices.every((c) => c.length >= 1)).toBe(true);
    expect(fed.partition).toMatchObject({ dataset: 'cifar10', numClasses: 10 });
    expect(fed.dataset).toBe(data);
  });

  it('gives every client a local test set following the floor rule', () => {
    const fed = build(3407);
    const trainCounts = fed.partition.trainIndices.map((c) => classHistogram(data.train.labels, c, 10));
    const requested = localTestCounts(trainCounts, 10000);
    fed.partition.localTestIndices.forEach((set, k) => {
      expect(classHistogram(data.test.labels, set, 10)).toEqual(requested[k]!.map((t) => Math.min(t, 1000)));
    });
  });

  it('same seed → byte-identical partition; another seed → another partition', () => {
    expect(JSON.stringify(build(3407).partition)).toBe(JSON.stringify(build(3407).partition));
    expect(JSON.stringify(build(3408).partition)).not.toBe(JSON.stringify(build(3407).partition));
  });

  it('IID: the same long-tailed set in near-equal random shares', () => {
    const fed = build(1, { iid: true });
    const sizes = fed.partition.trainIndices.map((c) => c.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(classHistogram(data.train.labels, fed.partition.trainIndices.flat(), 10)).toEqual(fed.ltCounts);
  });

  it('re-uses an exported partition file, and refuses one for another client count', () => {
    const fed = build(3407);
    const path = join(mkdtempSync(join(tmpdir(), 'fedloge-fed-')), 'partition.json');
    writePartitionFile(path, fed.partition);
    const reused = buildFederatedData({
      dataset: data,
      numClients: 40,
      alpha: 9,
      imbalanceFactor: 1,
      rng: new Rng(0),
      partitionFile: path,
    });
    expect(reused.partition).toEqual(fed.partition);
    expect(reused.ltCounts).toEqual(fed.ltCounts);
    expect(() =>
      buildFederatedData({ dataset: data, numClients: 20, alpha: 0.5, imbalanceFactor: 0.01, rng: new Rng(0), partitionFile: path }),
    ).toThrow(`Partition file ${path} has 40 clients but numClients is 20`);
  });
});
