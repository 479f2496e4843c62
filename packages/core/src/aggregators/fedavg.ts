/**
 * Federated Averaging (FedAvg) [McMahan et al., 2017], "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS. https://arxiv.org/abs/1602.05629
 *
 * The new global value of every array is the sample-weighted mean of the clients' arrays,
 * w ← Σ_k (n_k / n) · w_k (Algorithm 1), with n_k = `weight ?? numSamples`. Every entry is averaged,
 * BatchNorm running statistics and counters included, as in the FedLoGe reference code.
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { weightedAverageRecord } from './records.js';

/** The FedAvg aggregator has no options. (Named apart from the FedAvg strategy's `fedAvgOptions` in @fedloge/strategies.) */
export const fedAvgAggregatorOptions = z.strictObject({});
export type FedAvgAggregatorOptions = z.output<typeof fedAvgAggregatorOptions>;

export class FedAvgAggregator extends BaseAggregator {
  readonly name = 'fedavg';
  readonly options: FedAvgAggregatorOptions;

  constructor(options: z.input<typeof fedAvgAggregatorOptions> = {}, logger: Logger = consoleLogger) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, fedAvgAggregatorOptions, options);
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    return weightedAverageRecord(updates, { round, layout: current, checked: true });
  }
}

export const fedAvgAggregatorPlugin: AggregatorPlugin<FedAvgAggregatorOptions> = {
  kind: 'aggregator',
  name: 'fedavg',
  description: 'Sample-weighted mean of the client arrays (McMahan et al. 2017)',
  options: fedAvgAggregatorOptions,
  create: ({ options, logger }) => new FedAvgAggregator(options, logger),
};
