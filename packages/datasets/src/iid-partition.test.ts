import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';
import { iidPartition } from './iid-partition.js';

describe('iidPartition', () => {
  const indices = Array.from({ length: 1003 }, (_, i) => 3 * i + 1);

  it('splits every index exactly once into sizes that differ by at most one', () => {
    const clients = iidPartition(indices, 10, new Rng(1));
    expect(clients.map((c) => c.length)).toEqual([101, 101, 101, 100, 100, 100, 100, 100, 100, 100]);
    expect(clients.flat().sort((a, b) => a - b)).toEqual(indices);
    for (const c of clients) expect(c).toEqual([...c].sort((a, b) => a - b));
  });

  it('is a random split: not contiguous blocks, and seeded', () => {
    const clients = iidPartition(indices, 10, new Rng(1));
    expect(clients[0]).not.toEqual(indices.slice(0, 101));
    expect(JSON.stringify(iidPartition(indices, 10, new Rng(1)))).toBe(JSON.stringify(clients));
    expect(JSON.stringify(iidPartition(indices, 10, new Rng(2)))).not.toBe(JSON.stringify(clients));
  });

  it('rejects a non-positive client count', () => {
    expect(() => iidPartition(indices, 0, new Rng(1))).toThrow(/numClients must be a positive integer but is 0/);
  });
});
