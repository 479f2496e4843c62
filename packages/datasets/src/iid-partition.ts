import type { Rng } from '@fedloge/core/data';

/**
 * IID split: shuffle `indices` and cut them into `numClients` contiguous parts whose sizes differ by at
 * most one (the first `n mod N` clients get the extra sample). Returns each client's indices, ascending.
 */
export function iidPartition(indices: readonly number[], numClients: number, rng: Rng): number[][] {
  if (!Number.isInteger(numClients) || numClients < 1) throw new RangeError(`numClients must be a positive integer but is ${numClients}`);
  const shuffled = rng.shuffle([...indices]);
  const base = Math.floor(shuffled.length / numClients);
  const extra = shuffled.length % numClients;
  const clients: number[][] = [];
  let start = 0;
  for (let k = 0; k < numClients; k++) {
    const size = base + (k < extra ? 1 : 0);
    clients.push(shuffled.slice(start, start + size).sort((a, b) => a - b));
    start += size;
  }
  return clients;
}
