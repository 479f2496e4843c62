/**
 * Coordinate-wise median [Yin et al., 2018], "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML. https://arxiv.org/abs/1803.01498 (Flower's FedMedian.)
 *
 * Each coordinate of the new global arrays is the median of the clients' values; sample weights
 * are ignored, so one client cannot buy influence by claiming a large dataset. Tolerates fewer
 * than half of the clients sending arbitrary values. Parameters are aggregated this way; BatchNorm
 * running statistics and counters get the plain weighted mean (base.ts).
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { medianRecord } from './records.js';

/** The median has no options. */
export const medianOptions = z.strictObject({});
export type MedianOptions = z.output<typeof medianOptions>;

export class MedianAggregator extends BaseAggregator {
  readonly name = 'median';
  readonly options: MedianOptions;

  constructor(options: z.input<typeof medianOptions> = {}, logger: Logger = consoleLogger) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, medianOptions, options);
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    return medianRecord(updates, { round, layout: current, checked: true });
  }
}

export const medianPlugin: AggregatorPlugin<MedianOptions> = {
  kind: 'aggregator',
  name: 'median',
  description: 'Coordinate-wise median of the client arrays (Yin et al. 2018)',
  options: medianOptions,
  create: ({ options, logger }) => new MedianAggregator(options, logger),
};
