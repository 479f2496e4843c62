/**
 * Multi-Krum [Blanchard et al., 2017], "Machine Learning with Adversaries: Byzantine Tolerant
 * Gradient Descent", NeurIPS, §4. https://papers.nips.cc/paper/6617 (Flower's MultiKrum.)
 *
 * Scores updates as Krum does (see krum.ts), keeps the m with the lowest scores and returns their
 * uniform mean, as in the paper: weighting by claimed sample counts (Flower's choice, kept as
 * `weighting: 'samples'`) would let an attacker inside the honest cluster buy influence by
 * claiming a huge data set. m = 1 is Krum. Needs n > 2f + 2 updates per round.
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { krumSelect } from './aggregate.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { AggregationError } from './errors.js';
import { byzantineClients, krumQuorumProblem } from './krum.js';
import { krumScoresRecord, weightedAverageRecord } from './records.js';
import { updateWeighting, weighUpdates } from './weighting.js';

export const multiKrumOptions = z.strictObject({
  /**
   * Assumed number of Byzantine clients f; every round needs n > 2f + 2 updates.
   * @default 0
   */
  f: byzantineClients,
  /**
   * Number m of lowest-scoring updates averaged. Unset: m = n − f, the choice of El Mhamdi et al.
   * 2018 (Bulyan), which keeps every update when f = 0.
   * @default n − f
   */
  m: z.number().int().min(1).optional(),
  /**
   * How the selected updates are averaged: `uniform` (Blanchard et al.) or by `samples`
   * (`weight ?? numSamples`, as Flower).
   * @default 'uniform'
   */
  weighting: updateWeighting.default('uniform'),
});
export type MultiKrumOptions = z.output<typeof multiKrumOptions>;

export class MultiKrumAggregator extends BaseAggregator {
  readonly name = 'multi-krum';
  readonly options: MultiKrumOptions;

  constructor(options: z.input<typeof multiKrumOptions> = {}, logger: Logger = consoleLogger) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, multiKrumOptions, options);
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    const { f } = this.options;
    const n = updates.length;
    const m = this.options.m ?? n - f;
    if (m > n) {
      throw new AggregationError(
        `multi-krum, round ${round}: m = ${m} updates should be averaged but only ${n} arrived; ` +
          'lower m or sample more clients per round',
        { round },
      );
    }
    const scores = krumScoresRecord(updates, f, { round, layout: current, checked: true });
    const selected = krumSelect(scores, m).map((k) => updates[k]!);
    this.logger.debug(`multi-krum, round ${round}: averaging clients ${selected.map((u) => u.clientId).join(', ')}`);
    return weightedAverageRecord(weighUpdates(selected, this.options.weighting), { round, layout: current, checked: true });
  }
}

export const multiKrumPlugin: AggregatorPlugin<MultiKrumOptions> = {
  kind: 'aggregator',
  name: 'multi-krum',
  description: 'Mean of the m updates with the best Krum scores (Blanchard et al. 2017)',
  options: multiKrumOptions,
  create: ({ options, logger }) => new MultiKrumAggregator(options, logger),
  settingProblem: (options, clientsPerRound) =>
    krumQuorumProblem('multi-krum', options.f, clientsPerRound) ??
    (options.m !== undefined && options.m > clientsPerRound
      ? `multi-krum averages m = ${options.m} updates but only ${clientsPerRound} clients are sampled per round; lower m to at most ${clientsPerRound} or sample more clients per round (--clients-per-round)`
      : undefined),
};
