import type { FederatedData, ImageDataset, PartitionFile, Rng } from '@fedloge/core/data';
import { classHistogram } from '@fedloge/core/data';
import { dirichletPartition } from './dirichlet-partition.js';
import { iidPartition } from './iid-partition.js';
import { drawLocalTestSets } from './local-test-sets.js';
import { longTailSubset } from './long-tail.js';
import { pathologicalPartition, type ClassAssignment } from './pathological-partition.js';
import { shardPartition } from './shard-partition.js';
import { readPartitionFile } from './partition-file.js';

/** How the long-tailed train set is split over clients. */
export type PartitionScheme = 'dirichlet' | 'iid' | 'shard' | 'pathological';
export const PARTITION_SCHEMES: readonly PartitionScheme[] = ['dirichlet', 'iid', 'shard', 'pathological'];

export interface FederatedDataOptions {
  readonly dataset: ImageDataset;
  readonly numClients: number;
  /** Dirichlet concentration of the label skew (ignored with `iid`). */
  readonly alpha: number;
  /**
   * min/max class size of the long-tailed train set, in (0, 1]; 1 keeps the balanced split. Ignored
   * for a data set that is long-tailed as published (`dataset.longTailed`): its whole train split is used.
   */
  readonly imbalanceFactor: number;
  /** Split the long-tailed set evenly at random instead of by Dirichlet (`scheme: 'iid'`). @default false */
  readonly iid?: boolean;
  /** The split over clients; `iid: true` means 'iid' and cannot be combined with another scheme. @default 'dirichlet' */
  readonly scheme?: PartitionScheme;
  /** shard: shards per client (McMahan et al.: 2). @default 2 */
  readonly shardsPerClient?: number;
  /** pathological: classes per client. @default 2 */
  readonly classesPerClient?: number;
  /** pathological: how the classes are chosen. @default 'first-deterministic' */
  readonly classAssignment?: ClassAssignment;
  /**
   * Redraw the Dirichlet partition until every client has at least this many train samples.
   * @default 1 (the reference has no minimum and would crash on an empty client; any draw it accepts, we accept)
   */
  readonly minClientSize?: number;
  /** Run stream; the steps use `rng.derive('long-tail' | 'partition' | 'local-test')`. */
  readonly rng: Rng;
  /** Use the partition stored in this file (from `writePartitionFile`) instead of drawing one. */
  readonly partitionFile?: string;
}

/** The federated data of a run, plus the long-tailed class counts (summed over clients). */
export type BuiltFederatedData = FederatedData & { readonly ltCounts: number[] };

/**
 * Build a run's federated data, following the FedLoGe reference (docs/data.md):
 * 1. the long-tailed train subset (exponential profile, per-class seeded shuffle);
 * 2. its split over clients: per-class Dirichlet(α·1_N) with per-sample categorical assignment, IID,
 *    label-sorted shards, or k classes per client (`scheme`);
 * 3. per-client local test sets drawn from the balanced test split in proportion to each client's
 *    train labels. The global test set is the whole test split.
 * With `partitionFile`, steps 1–3 are replaced by the validated file.
 */
export function buildFederatedData(options: FederatedDataOptions): BuiltFederatedData {
  const { dataset, numClients, rng } = options;
  const trainLabels = dataset.train.labels;
  if (options.partitionFile !== undefined) {
    const partition = readPartitionFile(options.partitionFile, dataset);
    if (partition.trainIndices.length !== numClients) {
      throw new Error(
        `Partition file ${options.partitionFile} has ${partition.trainIndices.length} clients but numClients is ${numClients}; ` +
          'set the number of clients to match the file',
      );
    }
    return { dataset, partition, ltCounts: classHistogram(trainLabels, partition.trainIndices.flat(), dataset.numClasses) };
  }

  // A data set that is long-tailed as published keeps its own tail: factor 1 keeps every image.
  const imbalanceFactor = dataset.longTailed === true ? 1 : options.imbalanceFactor;
  const longTail = longTailSubset(trainLabels, dataset.numClasses, imbalanceFactor, rng.derive('long-tail'));
  const trainIndices = splitOverClients(longTail.indices, options);
  const localTestIndices = drawLocalTestSets(trainIndices, trainLabels, dataset.test.labels, dataset.numClasses, rng.derive('local-test'));
  const partition: PartitionFile = { dataset: dataset.name, numClasses: dataset.numClasses, trainIndices, localTestIndices };
  return { dataset, partition, ltCounts: longTail.counts };
}

function partitionScheme(options: FederatedDataOptions): PartitionScheme {
  const scheme = options.scheme ?? (options.iid ? 'iid' : 'dirichlet');
  if (!PARTITION_SCHEMES.includes(scheme)) {
    throw new RangeError(`dataset.partition must be one of ${PARTITION_SCHEMES.join(', ')} but is ${JSON.stringify(scheme)}`);
  }
  if (options.iid && scheme !== 'iid') {
    throw new RangeError(
      `dataset.iid (--iid) is set together with dataset.partition '${scheme}'; give one: --iid means dataset.partition 'iid'`,
    );
  }
  return scheme;
}

/** Step 2: the long-tailed indices split over the clients by the configured scheme, from the 'partition' stream. */
function splitOverClients(indices: readonly number[], options: FederatedDataOptions): number[][] {
  const { dataset, numClients } = options;
  const labels = dataset.train.labels;
  const rng = options.rng.derive('partition');
  switch (partitionScheme(options)) {
    case 'iid':
      return iidPartition(indices, numClients, rng);
    case 'shard':
      return shardPartition(indices, labels, { numClients, shardsPerClient: options.shardsPerClient ?? 2 }, rng);
    case 'pathological':
      return pathologicalPartition(
        indices,
        labels,
        dataset.numClasses,
        { numClients, classesPerClient: options.classesPerClient ?? 2, classAssignment: options.classAssignment ?? 'first-deterministic' },
        rng,
      );
    case 'dirichlet':
      return dirichletPartition(
        indices,
        labels,
        dataset.numClasses,
        { numClients, alpha: options.alpha, minClientSize: options.minClientSize ?? 1 },
        rng,
      );
  }
}
