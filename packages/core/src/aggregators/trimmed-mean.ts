/**
 * Coordinate-wise trimmed mean [Yin et al., 2018], "Byzantine-Robust Distributed Learning: Towards
 * Optimal Statistical Rates", ICML. https://arxiv.org/abs/1803.01498 (Flower's FedTrimmedAvg.)
 *
 * Per coordinate, the ⌊β·n⌋ largest and ⌊β·n⌋ smallest client values are dropped and the rest
 * averaged, unweighted. It tolerates up to ⌊β·n⌋ clients sending arbitrary values; when ⌊β·n⌋ = 0
 * (e.g. β = 0.1 with fewer than 10 clients) nothing is trimmed and it is a plain mean, which the
 * aggregator warns about. Parameters are aggregated this way; BatchNorm running statistics get the plain weighted mean (base.ts).
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { trimCount } from './aggregate.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { trimmedMeanRecord } from './records.js';

export const trimmedMeanOptions = z.strictObject({
  /**
   * Fraction β of the clients trimmed from each end, in [0, 0.5). It should be at least the
   * expected fraction of Byzantine clients. (Flower's FedTrimmedAvg defaults to 0.2.)
   * @default 0.1
   */
  beta: z.number().min(0).lt(0.5).default(0.1),
});
export type TrimmedMeanOptions = z.output<typeof trimmedMeanOptions>;

export class TrimmedMeanAggregator extends BaseAggregator {
  readonly name = 'trimmed-mean';
  readonly options: TrimmedMeanOptions;
  /** Client counts already warned about, so a degenerate setting is reported once, not every round. */
  private readonly warnedCounts = new Set<number>();

  constructor(options: z.input<typeof trimmedMeanOptions> = {}, logger: Logger = consoleLogger) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, trimmedMeanOptions, options);
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    const { beta } = this.options;
    const n = updates.length;
    if (beta > 0 && trimCount(n, beta) === 0 && !this.warnedCounts.has(n)) {
      this.warnedCounts.add(n);
      // The smallest β with ⌊β·n⌋ ≥ 1 is 1/n; shown rounded up so the suggestion really trims.
      const remedy =
        n > 2 ? `use beta >= ${Math.ceil(1000 / n - 1e-9) / 1000} to trim one from each end` : 'no beta < 0.5 can trim 2 or fewer updates';
      this.logger.warn(
        `trimmed-mean, round ${round}: beta = ${beta} trims ⌊${beta}·${n}⌋ = 0 of ${n} updates from each end, ` +
          `so this is a plain mean with no robustness; ${remedy}`,
      );
    }
    return trimmedMeanRecord(updates, beta, { round, layout: current, checked: true });
  }
}

export const trimmedMeanPlugin: AggregatorPlugin<TrimmedMeanOptions> = {
  kind: 'aggregator',
  name: 'trimmed-mean',
  description: 'Coordinate-wise mean after dropping the β-fraction extremes at each end (Yin et al. 2018)',
  options: trimmedMeanOptions,
  create: ({ options, logger }) => new TrimmedMeanAggregator(options, logger),
};
