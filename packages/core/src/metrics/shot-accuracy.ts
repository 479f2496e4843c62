/**
 * Generic-model (GM) and personalised-model (PM) accuracy with head/middle/tail groups, exactly as
 * the FedLoGe reference reports them (docs/metrics.md#global-model-gm, docs/metrics.md#personalized-model-pm).
 */
import { pooledAccuracy, type ClassTally } from './class-tally.js';
import { shotSplit, type ShotSplit } from './shot-split.js';

/** Accuracies as fractions in [0, 1]; null where there is nothing to measure (an empty group). */
export interface ShotAccuracy {
  readonly acc: number | null;
  readonly head: number | null;
  readonly middle: number | null;
  readonly tail: number | null;
}

/**
 * `global_test_distribution` of the reference: Σ_k T[k], the class histogram of all local test
 * sets together (duplicates across clients counted each time). It follows the long-tailed train
 * distribution and only defines the GM class groups; the GM test set itself stays balanced.
 */
export function globalTestDistribution(
  testLabels: ArrayLike<number>,
  localTestIndices: readonly (readonly number[])[],
  numClasses: number,
): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const indices of localTestIndices) for (const i of indices) counts[testLabels[i]!]!++;
  return counts;
}

/** Overall accuracy and the pooled accuracy of each group of `split` over the samples in `tally`. */
export function groupedAccuracy(tally: ClassTally, split: ShotSplit): ShotAccuracy {
  return {
    acc: pooledAccuracy(tally),
    head: split.head.length ? pooledAccuracy(tally, split.head) : null,
    middle: split.middle.length ? pooledAccuracy(tally, split.middle) : null,
    tail: split.tail.length ? pooledAccuracy(tally, split.tail) : null,
  };
}

/**
 * GM metrics: accuracy on the balanced test set, with groups from
 * `shotSplit(globalTestDistribution)`. On a balanced set each pooled group accuracy equals the
 * mean of its per-class accuracies.
 */
export function globalModelAccuracy(tally: ClassTally, globalDistribution: ArrayLike<number>): ShotAccuracy {
  return groupedAccuracy(tally, shotSplit(globalDistribution));
}

/**
 * One client's PM metrics on its local test set: acc_k = correct/total, and groups from
 * `shotSplit(T[k])` with `T[k]` = the client's local test class counts, pooled within the client.
 * A group with no test sample (e.g. a tail of zero-count classes) is null ("invalid").
 */
export function clientModelAccuracy(tally: ClassTally, localTestCounts: ArrayLike<number>): ShotAccuracy {
  return groupedAccuracy(tally, shotSplit(localTestCounts));
}

/**
 * The reported PM: `acc` = unweighted mean of acc_k over all clients (clients without any local
 * test sample, whose acc_k is undefined, are left out); each group = mean of that group's accuracy
 * over the clients where the group is valid (the reference's "average 3shot acc").
 */
export function meanOverClients(clients: readonly ShotAccuracy[]): ShotAccuracy {
  const mean = (key: keyof ShotAccuracy): number | null => {
    let sum = 0;
    let n = 0;
    for (const c of clients) {
      const v = c[key];
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    return n === 0 ? null : sum / n;
  };
  return { acc: mean('acc'), head: mean('head'), middle: mean('middle'), tail: mean('tail') };
}
