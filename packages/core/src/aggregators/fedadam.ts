/**
 * FedAdam [Reddi et al., 2021], "Adaptive Federated Optimization", ICLR, Algorithm 2.
 * https://arxiv.org/abs/2003.00295
 *
 * FedOpt (see fedopt.ts) with Adam's second moment: v ← β₂·v + (1 − β₂)·Δ².
 * Defaults: η = 1e-1, β₁ = 0.9, β₂ = 0.99 (Flower), τ = 1e-3 and v₀ = τ² (the paper; Flower uses
 * τ = 1e-9 and v₀ = 0). Flower's client rate η_l is a client-side setting and has no place here.
 */
import type { z } from 'zod';
import { consoleLogger, type Logger } from '../logger.js';
import type { AggregatorPlugin } from '../plugins/types.js';
import { parseAggregatorOptions } from './base.js';
import { FedOptAggregator, fedOptOptions, type FedOptOptions } from './fedopt.js';

export const fedAdamOptions = fedOptOptions({ eta: 1e-1 });
export type FedAdamOptions = FedOptOptions;

export class FedAdamAggregator extends FedOptAggregator {
  readonly name = 'fedadam';
  readonly options: FedAdamOptions;

  constructor(options: z.input<typeof fedAdamOptions> = {}, logger: Logger = consoleLogger) {
    super('fedadam', logger);
    this.options = parseAggregatorOptions(this.name, fedAdamOptions, options);
  }

  protected updateSecondMoment(v: Float32Array, delta: Float32Array): void {
    const beta2 = this.options.beta2;
    for (let i = 0; i < v.length; i++) v[i] = beta2 * v[i]! + (1 - beta2) * delta[i]! * delta[i]!;
  }
}

export const fedAdamPlugin: AggregatorPlugin<FedAdamOptions> = {
  kind: 'aggregator',
  name: 'fedadam',
  description: 'Server-side Adam step on the mean client change (Reddi et al. 2021)',
  options: fedAdamOptions,
  create: ({ options, logger }) => new FedAdamAggregator(options, logger),
};
