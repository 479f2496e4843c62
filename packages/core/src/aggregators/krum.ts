/**
 * Krum [Blanchard et al., 2017], "Machine Learning with Adversaries: Byzantine Tolerant Gradient
 * Descent", NeurIPS. https://papers.nips.cc/paper/6617 (Flower's Krum.)
 *
 * Each client's update is scored by the sum of squared Euclidean distances (over its parameters)
 * to its n − f − 2 nearest other updates; the update with the lowest score becomes the new global
 * value. BatchNorm running statistics get the weighted mean of all updates (base.ts). Tolerates
 * f Byzantine clients when n > 2f + 2, and throws an `AggregationError` for rounds with fewer
 * updates (after non-finite ones are dropped).
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import { cloneRecord, type ArrayRecord } from '../arrays.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { assertKrumQuorum, krumSelect } from './aggregate.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { krumScoresRecord } from './records.js';

/**
 * f, the number of Byzantine clients Krum and Multi-Krum are asked to tolerate.
 * @default 0 (needs n ≥ 3 updates per round; each extra unit of f needs two more)
 */
export const byzantineClients = z.number().int().min(0).default(0);

export const krumOptions = z.strictObject({
  /**
   * Assumed number of Byzantine clients f; every round needs n > 2f + 2 updates.
   * @default 0
   */
  f: byzantineClients,
});
export type KrumOptions = z.output<typeof krumOptions>;

/** Krum's quorum n > 2f + 2 for `clientsPerRound` updates, as a problem message (undefined when met). */
export function krumQuorumProblem(name: string, f: number, clientsPerRound: number): string | undefined {
  try {
    assertKrumQuorum(clientsPerRound, f);
    return undefined;
  } catch (e) {
    if (!Number.isInteger(f) || f < 0) return (e as Error).message;
    // The largest f with n > 2f + 2; none when n < 3.
    const fMax = Math.ceil((clientsPerRound - 2) / 2) - 1;
    const lowerF = fMax >= 0 ? ` or lower f to at most ${fMax}` : ' (even f = 0 needs 3)';
    return (
      `${name} with f = ${f} needs more than 2f + 2 = ${2 * f + 2} updates per round, but ${clientsPerRound} ` +
      `client${clientsPerRound === 1 ? ' is' : 's are'} sampled per round; sample at least ${2 * f + 3} clients per round ` +
      `(--clients-per-round)${lowerF}`
    );
  }
}

export class KrumAggregator extends BaseAggregator {
  readonly name = 'krum';
  readonly options: KrumOptions;

  constructor(options: z.input<typeof krumOptions> = {}, logger: Logger = consoleLogger) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, krumOptions, options);
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    const scores = krumScoresRecord(updates, this.options.f, { round, layout: current, checked: true });
    const [best] = krumSelect(scores, 1) as [number];
    this.logger.debug(`krum, round ${round}: selected client ${updates[best]!.clientId} (score ${scores[best]})`);
    return cloneRecord(updates[best]!.arrays);
  }
}

export const krumPlugin: AggregatorPlugin<KrumOptions> = {
  kind: 'aggregator',
  name: 'krum',
  description: 'The client update closest to its n − f − 2 nearest neighbours (Blanchard et al. 2017)',
  options: krumOptions,
  create: ({ options, logger }) => new KrumAggregator(options, logger),
  settingProblem: (options, clientsPerRound) => krumQuorumProblem('krum', options.f, clientsPerRound),
};
