import type { Rng } from '@fedloge/core/data';

/**
 * Shard split (McMahan et al. 2017; flwr-datasets' ShardPartitioner with `num_shards_per_partition`):
 * sort `indices` by label (ties by index), cut them into `numClients · shardsPerClient` contiguous
 * shards, and give each client `shardsPerClient` shards of a random permutation. Unlike flwr-datasets,
 * which drops the last `n mod shards` samples, shard sizes differ by at most one, so every index is
 * assigned exactly once. Returns each client's indices, ascending.
 */
export function shardPartition(
  indices: readonly number[],
  labels: ArrayLike<number>,
  options: { readonly numClients: number; readonly shardsPerClient: number },
  rng: Rng,
): number[][] {
  const { numClients, shardsPerClient } = options;
  if (!Number.isInteger(numClients) || numClients < 1) throw new RangeError(`numClients must be a positive integer but is ${numClients}`);
  if (!Number.isInteger(shardsPerClient) || shardsPerClient < 1) {
    throw new RangeError(`dataset.shardsPerClient must be a positive integer but is ${shardsPerClient}`);
  }
  const numShards = numClients * shardsPerClient;
  if (indices.length < numShards) {
    throw new RangeError(
      `shard partition: ${indices.length} training images cannot fill ${numClients} clients × ${shardsPerClient} shards; ` +
        'lower dataset.shardsPerClient or the number of clients',
    );
  }
  const sorted = [...indices].sort((a, b) => labels[a]! - labels[b]! || a - b);
  const base = Math.floor(sorted.length / numShards);
  const extra = sorted.length % numShards;
  const shards: number[][] = [];
  let start = 0;
  for (let s = 0; s < numShards; s++) {
    const size = base + (s < extra ? 1 : 0);
    shards.push(sorted.slice(start, start + size));
    start += size;
  }
  const order = rng.permutation(numShards);
  return Array.from({ length: numClients }, (_, k) =>
    Array.from(order.subarray(k * shardsPerClient, (k + 1) * shardsPerClient))
      .flatMap((s) => shards[s]!)
      .sort((a, b) => a - b),
  );
}
