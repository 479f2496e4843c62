// Aggregators: the array math, the record-level helpers, the shared bases and one plugin per file.
import type { AggregatorPlugin } from '../plugins/types.js';
import { fedAdamPlugin } from './fedadam.js';
import { fedAvgAggregatorPlugin } from './fedavg.js';
import { fedAvgMPlugin } from './fedavgm.js';
import { fedYogiPlugin } from './fedyogi.js';
import { krumPlugin } from './krum.js';
import { medianPlugin } from './median.js';
import { multiKrumPlugin } from './multi-krum.js';
import { trimmedMeanPlugin } from './trimmed-mean.js';

export { AggregationError } from './errors.js';
export {
  accumulateSquaredDistances,
  assertKrumQuorum,
  coordinateMedian,
  krumScores,
  krumSelect,
  trimCount,
  trimmedMean,
  weightedAverage,
} from './aggregate.js';
export {
  assertConsistentRecord,
  assertDistinctClients,
  assertUpdateLayout,
  contributionWeights,
  krumScoresRecord,
  medianRecord,
  trimmedMeanRecord,
  weightedAverageRecord,
} from './records.js';
export type { RecordContext } from './records.js';
export { BaseAggregator, parseAggregatorOptions } from './base.js';
export { ServerState } from './server-state.js';
export { FedOptAggregator, fedOptOptions } from './fedopt.js';
export type { FedOptDefaults, FedOptOptions } from './fedopt.js';
export { FedAvgAggregator, fedAvgAggregatorOptions, fedAvgAggregatorPlugin } from './fedavg.js';
export type { FedAvgAggregatorOptions } from './fedavg.js';
export { FedAvgMAggregator, fedAvgMOptions, fedAvgMPlugin } from './fedavgm.js';
export type { FedAvgMOptions } from './fedavgm.js';
export { FedAdamAggregator, fedAdamOptions, fedAdamPlugin } from './fedadam.js';
export type { FedAdamOptions } from './fedadam.js';
export { FedYogiAggregator, fedYogiOptions, fedYogiPlugin } from './fedyogi.js';
export type { FedYogiOptions } from './fedyogi.js';
export { MedianAggregator, medianOptions, medianPlugin } from './median.js';
export type { MedianOptions } from './median.js';
export { TrimmedMeanAggregator, trimmedMeanOptions, trimmedMeanPlugin } from './trimmed-mean.js';
export type { TrimmedMeanOptions } from './trimmed-mean.js';
export { KrumAggregator, krumOptions, krumPlugin } from './krum.js';
export type { KrumOptions } from './krum.js';
export { MultiKrumAggregator, multiKrumOptions, multiKrumPlugin } from './multi-krum.js';
export type { MultiKrumOptions } from './multi-krum.js';

/** Every built-in aggregator plugin, for the host to register in its container. */
export const CORE_AGGREGATOR_PLUGINS: readonly AggregatorPlugin[] = [
  fedAvgAggregatorPlugin,
  fedAvgMPlugin,
  fedAdamPlugin,
  fedYogiPlugin,
  medianPlugin,
  trimmedMeanPlugin,
  krumPlugin,
  multiKrumPlugin,
];
