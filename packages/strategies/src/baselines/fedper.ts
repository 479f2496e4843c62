/**
 * FedPer [Arivazhagan, Aggarwal, Singh & Choudhary, 2019], "Federated Learning with
 * Personalization Layers", arXiv preprint. https://arxiv.org/abs/1912.00818
 *
 * Each client trains its whole network (base + personalisation layers) jointly with
 * cross-entropy, as FedAvg; only the base is federated. Here the personalisation layers are the
 * linear head: it stays on the client (`head.*` in the client state) and the backbone is
 * aggregated. PM = global backbone + the client's head (docs/baselines.md#fedper). For the GM and
 * `gmPersonalPart`, see `personal-part.ts`.
 */
import type { z } from 'zod';
import type { StrategyContext, StrategyPlugin } from '@fedloge/core';
import { HEAD_PREFIX } from '../fedavg.js';
import { PersonalPartStrategy, personalPartOptions } from './personal-part.js';

export const fedPerOptions = personalPartOptions;
export type FedPerOptions = z.output<typeof fedPerOptions>;

export class FedPer extends PersonalPartStrategy<FedPerOptions> {
  static override readonly plugin: StrategyPlugin<FedPerOptions> = {
    kind: 'strategy',
    name: 'fedper',
    description: 'FedPer: body aggregated, head personal, both trained jointly with CE; PM = global body + own head',
    paper: 'Arivazhagan et al., arXiv 2019, arXiv:1912.00818',
    options: fedPerOptions,
    create: (ctx: StrategyContext<FedPerOptions>) => new FedPer(ctx),
  };

  /** The head is personal. */
  protected override personalKeys(keys: readonly string[]): string[] {
    return keys.filter((k) => k.startsWith(HEAD_PREFIX));
  }
}

export const fedPerPlugin: StrategyPlugin<FedPerOptions> = FedPer.plugin;
