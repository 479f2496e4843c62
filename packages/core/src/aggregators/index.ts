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
  assertDistinctClients,
  assertUpdateLayout,
  contributionWeights,
  firstNonFiniteArray,
  krumScoresRecord,
  medianRecord,
  partitionFinite,
  trimmedMeanRecord,
  weightedAverageRecord,
} from './records.js';
export type { RecordContext, RejectedUpdate } from './records.js';
export { BaseAggregator, parseAggregatorOptions } from './base.js';
export { ServerState } from './server-state.js';
export { FedAvgAggregator, fedAvgOptions, fedAvgPlugin } from './fedavg.js';
export type { FedAvgOptions } from './fedavg.js';
