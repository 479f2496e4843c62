/**
 * Label-skewed client partition: for every class c, p_c ~ Dirichlet(α·1_N) over the N clients, then
 * every sample of c goes to a client drawn independently from Categorical(p_c) (Hsu et al., 2019,
 * arXiv:1909.06335; FedLoGe's `non_iid_dirichlet_sampling` with every client eligible for every class, docs/data.md#dirichlet-partition).
 */
import type { Rng } from '@fedloge/core/data';

export interface DirichletPartitionOptions {
  readonly numClients: number;
  /** Concentration α > 0: small α gives few classes per client, large α approaches IID. */
  readonly alpha: number;
  /**
   * Redraw the whole partition (with the next stream `rng.derive(attempt)`) until every client holds
   * at least this many samples. The reference has no such loop (0), and crashes on an empty client.
   * @default 0
   */
  readonly minClientSize?: number;
  /** Draws before giving up on `minClientSize`. @default 100 */
  readonly maxAttempts?: number;
}

/**
 * Split `indices` (e.g. the long-tailed train subset) over clients. Classes are visited in label order
 * and each class's samples in their order in `indices`. Returns each client's indices, ascending.
 */
export function dirichletPartition(
  indices: readonly number[],
  labels: ArrayLike<number>,
  numClasses: number,
  options: DirichletPartitionOptions,
  rng: Rng,
): number[][] {
  const { numClients, alpha, minClientSize = 0, maxAttempts = 100 } = options;
  if (!Number.isInteger(numClients) || numClients < 1) throw new RangeError(`numClients must be a positive integer but is ${numClients}`);
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`alpha must be a positive number but is ${alpha}`);
  if (!Number.isInteger(minClientSize) || minClientSize < 0) {
    throw new RangeError(`minClientSize must be a non-negative integer but is ${minClientSize}`);
  }
  if (numClients * minClientSize > indices.length) {
    throw new RangeError(
      `minClientSize ${minClientSize} × ${numClients} clients needs ${numClients * minClientSize} samples but there are only ${indices.length}`,
    );
  }
  const byClass = Array.from({ length: numClasses }, () => [] as number[]);
  for (const i of indices) byClass[labels[i]!]!.push(i);

  let smallest = 0;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const clients = drawOnce(byClass, numClients, alpha, rng.derive(attempt));
    smallest = Math.min(...clients.map((c) => c.length));
    if (smallest >= minClientSize) return clients.map((c) => c.sort((a, b) => a - b));
  }
  throw new Error(
    `Dirichlet partition: after ${maxAttempts} draws some client still had fewer than ${minClientSize} samples ` +
      `(the smallest had ${smallest}). Use a larger alpha (now ${alpha}), fewer clients (now ${numClients}) ` +
      'or a smaller minClientSize.',
  );
}

function drawOnce(byClass: readonly number[][], numClients: number, alpha: number, rng: Rng): number[][] {
  const clients = Array.from({ length: numClients }, () => [] as number[]);
  for (const members of byClass) {
    const p = rng.dirichlet(alpha, numClients);
    for (const i of members) clients[rng.categorical(p)]!.push(i);
  }
  return clients;
}
