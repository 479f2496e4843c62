/**
 * FedYogi [Reddi et al., 2021], "Adaptive Federated Optimization", ICLR, Algorithm 2.
 * https://arxiv.org/abs/2003.00295
 *
 * FedOpt (see fedopt.ts) with Yogi's second moment (Zaheer et al. 2018), which grows v additively
 * and so adapts less abruptly than Adam: v ← v − (1 − β₂)·Δ²·sign(v − Δ²).
 * Defaults: η = 1e-2, β₁ = 0.9, β₂ = 0.99 (Flower), τ = 1e-3 and v₀ = τ² (the paper).
 */
import type { z } from 'zod';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { parseAggregatorOptions } from './base.js';
import { FedOptAggregator, fedOptOptions, type FedOptOptions } from './fedopt.js';

export const fedYogiOptions = fedOptOptions({ eta: 1e-2 });
export type FedYogiOptions = FedOptOptions;

export class FedYogiAggregator extends FedOptAggregator {
  readonly name = 'fedyogi';
  readonly options: FedYogiOptions;

  constructor(options: z.input<typeof fedYogiOptions> = {}, logger: Logger = consoleLogger) {
    super('fedyogi', logger);
    this.options = parseAggregatorOptions(this.name, fedYogiOptions, options);
  }

  protected updateSecondMoment(v: Float32Array, delta: Float32Array): void {
    const beta2 = this.options.beta2;
    for (let i = 0; i < v.length; i++) {
      const d2 = delta[i]! * delta[i]!;
      v[i] = v[i]! - (1 - beta2) * d2 * Math.sign(v[i]! - d2);
    }
  }
}

export const fedYogiPlugin: AggregatorPlugin<FedYogiOptions> = {
  kind: 'aggregator',
  name: 'fedyogi',
  description: 'Server-side Yogi step on the mean client change (Reddi et al. 2021)',
  options: fedYogiOptions,
  create: ({ options, logger }) => new FedYogiAggregator(options, logger),
};
