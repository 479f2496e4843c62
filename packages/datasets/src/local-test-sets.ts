/**
 * Per-client local test sets that follow each client's train label distribution (docs/data.md#local-test-sets).
 */
import { classHistogram, type Rng } from '@fedloge/core/data';
import { indicesByClass } from './long-tail.js';

/**
 * Requested local test counts T[k][c] = floor(A[k][c] / N_tot · testCount), where A[k][c] is client
 * k's train count of class c and N_tot the total train count over all clients (the global total, not
 * the client's), evaluated in that order in double precision as the reference does.
 */
export function localTestCounts(trainCounts: readonly (readonly number[])[], testCount: number): number[][] {
  let total = 0;
  for (const row of trainCounts) for (const a of row) total += a;
  if (total === 0) throw new RangeError('local test counts: the clients hold no training samples');
  return trainCounts.map((row) => row.map((a) => Math.floor((a / total) * testCount)));
}

/**
 * Draw each client's local test set from the balanced test split: T[k][c] images of class c without
 * replacement, independently per client (stream `rng.derive(k)`), so sets of different clients may overlap.
 *
 * Deviation from the reference: when T[k][c] exceeds the class's test pool (1 000 for CIFAR-10, 100 for
 * CIFAR-100), we take the whole pool. The reference crashes there for CIFAR-10 and, for CIFAR-100, draws
 * twice and de-duplicates, which also ends with the whole pool.
 *
 * Returns each client's test indices, ascending.
 */
export function drawLocalTestSets(
  clientTrainIndices: readonly (readonly number[])[],
  trainLabels: ArrayLike<number>,
  testLabels: ArrayLike<number>,
  numClasses: number,
  rng: Rng,
): number[][] {
  const trainCounts = clientTrainIndices.map((ix) => classHistogram(trainLabels, ix, numClasses));
  const requested = localTestCounts(trainCounts, testLabels.length);
  const pools = indicesByClass(testLabels, numClasses);
  return requested.map((row, k) => {
    const clientRng = rng.derive(k);
    const picked: number[] = [];
    row.forEach((t, c) => {
      const pool = pools[c]!;
      for (const p of clientRng.sampleWithoutReplacement(pool.length, Math.min(t, pool.length))) picked.push(pool[p]!);
    });
    return picked.sort((a, b) => a - b);
  });
}
