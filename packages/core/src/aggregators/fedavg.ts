/**
 * Federated Averaging (FedAvg) [McMahan et al., 2017], "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS. https://arxiv.org/abs/1602.05629
 *
 * The new global value of every array is the sample-weighted mean of the clients' arrays,
 * w ← Σ_k (n_k / n) · w_k (Algorithm 1), with n_k = `weight ?? numSamples`. Every entry is averaged,
 * BatchNorm running statistics and counters included, as in the FedLoGe reference code.
 */
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import type { Logger } from '../logger.js';
import { TOKENS } from '../plugins/tokens.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { weightedAverageRecord } from './records.js';

/** FedAvg has no options. */
export const fedAvgOptions = z.strictObject({});
export type FedAvgOptions = z.output<typeof fedAvgOptions>;

@injectable()
export class FedAvgAggregator extends BaseAggregator {
  readonly name = 'fedavg';
  readonly options: FedAvgOptions;

  constructor(
    @inject(TOKENS.AggregatorOptions) options: z.input<typeof fedAvgOptions>,
    @inject(TOKENS.Logger) logger: Logger,
  ) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, fedAvgOptions, options);
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    return weightedAverageRecord(updates, { round, layout: current });
  }
}

export const fedAvgPlugin: AggregatorPlugin<FedAvgOptions> = {
  kind: 'aggregator',
  name: 'fedavg',
  description: 'Sample-weighted mean of the client arrays (McMahan et al. 2017)',
  options: fedAvgOptions,
  aggregator: FedAvgAggregator,
};
