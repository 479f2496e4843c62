/**
 * Federated Averaging with server momentum (FedAvgM) [Hsu et al., 2019], "Measuring the Effects of
 * Non-Identical Data Distribution for Federated Visual Classification". https://arxiv.org/abs/1909.06335
 *
 * FedAvg's mean w̄ defines the pseudo-gradient g = w − w̄; the server then takes one SGD step with
 * momentum (PyTorch convention, no Nesterov, as Flower's FedAvgM):
 *   v ← β·v + g   (v₀ = 0, so the first round has v = g)
 *   w ← w − η·v
 * With η = 1 and β = 0 this is FedAvg. The momentum buffer is server state per array name
 * (`stateDict()` → `momentum/<array>`) for parameters only: BatchNorm running statistics and
 * counters get the plain weighted mean (base.ts), since momentum could push a variance below 0.
 */
import { z } from 'zod';
import type { ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { BaseAggregator, parseAggregatorOptions } from './base.js';
import { weightedAverageRecord } from './records.js';
import { ServerState } from './server-state.js';

export const fedAvgMOptions = z.strictObject({
  /**
   * Server learning rate η (Flower's `server_learning_rate`).
   * @default 1.0
   */
  serverLearningRate: z.number().positive().finite().default(1.0),
  /**
   * Server momentum β. Hsu et al. sweep β ∈ {0, 0.7, 0.9, 0.97, 0.99, 0.997}; 0.9 is the usual
   * choice. (Flower's default is 0.0, which makes FedAvgM plain FedAvg.)
   * @default 0.9
   */
  serverMomentum: z.number().min(0).lt(1).default(0.9),
});
export type FedAvgMOptions = z.output<typeof fedAvgMOptions>;

export class FedAvgMAggregator extends BaseAggregator {
  readonly name = 'fedavgm';
  readonly options: FedAvgMOptions;
  private readonly state = new ServerState(this.name, ['momentum']);

  constructor(options: z.input<typeof fedAvgMOptions> = {}, logger: Logger = consoleLogger) {
    super(logger);
    this.options = parseAggregatorOptions(this.name, fedAvgMOptions, options);
    if (this.options.serverMomentum === 0 && this.options.serverLearningRate === 1) {
      logger.warn('fedavgm with serverMomentum 0 and serverLearningRate 1 is exactly fedavg');
    }
  }

  protected combine(current: ArrayRecord, updates: readonly ClientContribution[], round: number): ArrayRecord {
    const { serverLearningRate: lr, serverMomentum: beta } = this.options;
    const next = weightedAverageRecord(updates, { round, layout: current, checked: true });
    for (const [key, entry] of Object.entries(next)) {
      const w = current[key]!.data;
      const velocity = this.state.buffer('momentum', key, entry.shape, round);
      const out = entry.data; // holds the mean w̄ on entry
      for (let i = 0; i < out.length; i++) {
        velocity[i] = beta * velocity[i]! + (w[i]! - out[i]!);
        out[i] = w[i]! - lr * velocity[i]!;
      }
    }
    return next;
  }

  stateDict(): ArrayRecord {
    return this.state.toRecord();
  }

  loadStateDict(state: ArrayRecord): void {
    this.state.load(state);
  }
}

export const fedAvgMPlugin: AggregatorPlugin<FedAvgMOptions> = {
  kind: 'aggregator',
  name: 'fedavgm',
  description: 'FedAvg followed by a server SGD step with momentum (Hsu et al. 2019)',
  options: fedAvgMOptions,
  create: ({ options, logger }) => new FedAvgMAggregator(options, logger),
};
