/**
 * FedBN [Li, Jiang, Zhang, Kamp & Dou, 2021], "FedBN: Federated Learning on Non-IID Features via
 * Local Batch Normalization", ICLR 2021. https://arxiv.org/abs/2102.07623
 *
 * FedAvg in which every BatchNorm layer stays local: its affine scale and shift and its running
 * statistics never leave the client (`ClientUpdate.state`), everything else is averaged. BatchNorm
 * layers are found by their running-statistics buffers (`batchNormKeys`), so the BatchNorm inside
 * downsampling shortcuts is personal too, unlike in the FedLoGe reference helper, whose "bn"
 * substring test aggregates `shortcut.1.*` (docs/baselines.md#fedbn). PM = the client's own model:
 * shared weights with its BatchNorm, run on the images. For the GM and `gmPersonalPart`, see
 * `personal-part.ts`.
 */
import type { z } from 'zod';
import type { StrategyContext, StrategyPlugin } from '@fedloge/core';
import { batchNormKeys } from './batch-norm-keys.js';
import { PersonalPartStrategy, personalPartOptions } from './personal-part.js';

export const fedBnOptions = personalPartOptions;
export type FedBnOptions = z.output<typeof fedBnOptions>;

export class FedBN extends PersonalPartStrategy<FedBnOptions> {
  static override readonly plugin: StrategyPlugin<FedBnOptions> = {
    kind: 'strategy',
    name: 'fedbn',
    description: 'FedBN: BatchNorm parameters and statistics personal (shortcut BN included), rest aggregated; PM = own model',
    paper: 'Li et al., ICLR 2021, arXiv:2102.07623',
    options: fedBnOptions,
    create: (ctx: StrategyContext<FedBnOptions>) => new FedBN(ctx),
  };

  /** Every key of every BatchNorm layer (affine parameters and running statistics). */
  protected override personalKeys(keys: readonly string[]): string[] {
    return [...batchNormKeys(keys)];
  }
}

export const fedBnPlugin: StrategyPlugin<FedBnOptions> = FedBN.plugin;
