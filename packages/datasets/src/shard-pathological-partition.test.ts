import { describe, expect, it } from 'vitest';
import { Rng } from '@fedloge/core/data';
import { pathologicalPartition } from './pathological-partition.js';
import { shardPartition } from './shard-partition.js';

// A long-tailed label set: class c has 40 − 7c images (40, 33, …, 5), indices interleaved.
const NUM_CLASSES = 6;
const labels: number[] = [];
for (let c = 0; c < NUM_CLASSES; c++) for (let j = 0; j < 40 - 7 * c; j++) labels.push(c);
new Rng(9).shuffle(labels);
const all = labels.map((_, i) => i);
// Only part of the set takes part (as the long-tailed subset does).
const indices = all.filter((i) => i % 5 !== 0);

function expectEachOnce(clients: number[][], expected: readonly number[]): void {
  const flat = clients.flat();
  expect(new Set(flat).size, 'no index twice').toBe(flat.length);
  expect([...flat].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
  for (const c of clients) expect(c).toEqual([...c].sort((a, b) => a - b));
}

const classesOf = (c: number[]) => new Set(c.map((i) => labels[i]!));

describe('shardPartition', () => {
  it('assigns every image once, shardsPerClient label-sorted shards per client, sizes within one', () => {
    const clients = shardPartition(indices, labels, { numClients: 7, shardsPerClient: 2 }, new Rng(1));
    expectEachOnce(clients, indices);
    const n = indices.length;
    const shardSize = Math.floor(n / 14);
    for (const c of clients) {
      expect(c.length).toBeGreaterThanOrEqual(2 * shardSize);
      expect(c.length).toBeLessThanOrEqual(2 * shardSize + 2);
    }
    // The shards themselves: the sorted order cut into 14 near-equal runs, each client's two of them.
    const sorted = [...indices].sort((a, b) => labels[a]! - labels[b]! || a - b);
    const runs = new Map<number, number>();
    sorted.forEach((i, r) => runs.set(i, r));
    for (const c of clients) {
      const positions = c.map((i) => runs.get(i)!).sort((a, b) => a - b);
      const gaps = positions.slice(1).filter((p, j) => p !== positions[j]! + 1).length;
      expect(gaps, 'a client holds at most two runs of the sorted order').toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic in the seed and differs across seeds', () => {
    const a = shardPartition(indices, labels, { numClients: 5, shardsPerClient: 3 }, new Rng(4));
    expect(shardPartition(indices, labels, { numClients: 5, shardsPerClient: 3 }, new Rng(4))).toEqual(a);
    expect(shardPartition(indices, labels, { numClients: 5, shardsPerClient: 3 }, new Rng(5))).not.toEqual(a);
  });

  it('refuses more shards than images and a bad shard count, naming the setting', () => {
    expect(() => shardPartition(indices.slice(0, 5), labels, { numClients: 3, shardsPerClient: 2 }, new Rng(1))).toThrow(
      /cannot fill 3 clients × 2 shards/,
    );
    expect(() => shardPartition(indices, labels, { numClients: 3, shardsPerClient: 0 }, new Rng(1))).toThrow(/dataset.shardsPerClient/);
  });
});

describe('pathologicalPartition', () => {
  const count = (c: number[], k: number) => c.filter((i) => labels[i] === k).length;

  it('first-deterministic: client k holds class k mod C and classesPerClient classes; each class split evenly over its holders', () => {
    const clients = pathologicalPartition(
      indices,
      labels,
      NUM_CLASSES,
      { numClients: 8, classesPerClient: 2, classAssignment: 'first-deterministic' },
      new Rng(2),
    );
    // Every class has a holder (8 ≥ 6 clients), so every image is assigned once.
    expectEachOnce(clients, indices);
    clients.forEach((c, k) => {
      const classes = classesOf(c);
      expect(classes.size, `client ${k}`).toBe(2);
      expect(classes.has(k % NUM_CLASSES), `client ${k}`).toBe(true);
    });
    for (let cls = 0; cls < NUM_CLASSES; cls++) {
      const shares = clients.map((c) => count(c, cls)).filter((n) => n > 0);
      expect(Math.max(...shares) - Math.min(...shares), `class ${cls}`).toBeLessThanOrEqual(1);
    }
  });

  it('deterministic: client k holds k, k+1, k+2 (mod C)', () => {
    const clients = pathologicalPartition(
      indices,
      labels,
      NUM_CLASSES,
      { numClients: 4, classesPerClient: 3, classAssignment: 'deterministic' },
      new Rng(2),
    );
    clients.forEach((c, k) => expect([...classesOf(c)].sort()).toEqual([k, k + 1, k + 2].map((x) => x % NUM_CLASSES).sort()));
    // Classes 0..5 all held by 4 clients × 3 consecutive classes: every image once.
    expectEachOnce(clients, indices);
  });

  it('random: classesPerClient distinct classes each, only held classes assigned, deterministic by seed', () => {
    const options = { numClients: 3, classesPerClient: 2, classAssignment: 'random' } as const;
    const clients = pathologicalPartition(indices, labels, NUM_CLASSES, options, new Rng(6));
    for (const c of clients) expect(classesOf(c).size).toBe(2);
    const held = new Set(clients.flatMap((c) => [...classesOf(c)]));
    expectEachOnce(
      clients,
      indices.filter((i) => held.has(labels[i]!)),
    );
    expect(pathologicalPartition(indices, labels, NUM_CLASSES, options, new Rng(6))).toEqual(clients);
    const others = [7, 8, 9, 10].map((seed) => pathologicalPartition(indices, labels, NUM_CLASSES, options, new Rng(seed)));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(clients))).toBe(true);
  });

  it('refuses classesPerClient outside [1, C] and an unknown assignment', () => {
    expect(() =>
      pathologicalPartition(indices, labels, NUM_CLASSES, { numClients: 2, classesPerClient: 7, classAssignment: 'random' }, new Rng(1)),
    ).toThrow(/dataset.classesPerClient must be an integer in \[1, 6\]/);
    expect(() =>
      pathologicalPartition(
        indices,
        labels,
        NUM_CLASSES,
        { numClients: 2, classesPerClient: 2, classAssignment: 'rand' as never },
        new Rng(1),
      ),
    ).toThrow(/dataset.classAssignment must be one of first-deterministic, deterministic, random/);
  });
});
