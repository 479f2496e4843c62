/**
 * FedLC: Federated Learning with Label-distribution-skew Calibration [Zhang, Li, Li, Zhang, Zhu,
 * Wang & Shi, 2022], "Federated Learning with Label Distribution Skew via Logits Calibration",
 * ICML 2022. https://arxiv.org/abs/2209.00189
 *
 * FedAvg with one change, in the local loss: before the softmax, the logit of class c is shifted
 * by −τ·n_{k,c}^{−1/4}, with n_{k,c} the client's count of class c (the paper's Eq. 8 margin, as
 * implemented in PFLlib `clientlc.py` and FL-bench `fedlc.py`). Rare local classes get a larger
 * margin; classes the client does not hold are left out of its softmax (the limit n → 0), with
 * no NaN. Aggregation, GM and PM are FedAvg's (docs/baselines.md#fedlc).
 */
import { z } from 'zod';
import type { ClientTrainContext, StrategyContext, StrategyPlugin } from '@fedloge/core';
import { FedAvg, fedAvgOptions, type LocalObjective, type Network } from '../fedavg.js';
import { logitCalibrationOffsets } from './losses/class-prior.js';
import { offsetCrossEntropy } from './losses/offset-cross-entropy.js';

export const fedLcOptions = fedAvgOptions.extend({
  /**
   * τ, the calibration strength. The paper tunes it per data set; 1.0 is FL-bench's default.
   * @default 1
   */
  tau: z.number().min(0).default(1),
});
export type FedLcOptions = z.output<typeof fedLcOptions>;

export class FedLC extends FedAvg<FedLcOptions> {
  static override readonly plugin: StrategyPlugin<FedLcOptions> = {
    kind: 'strategy',
    name: 'fedlc',
    description: 'FedLC: FedAvg with logit-calibrated CE (logit_c − τ·n_{k,c}^{-1/4}); PM = global model',
    paper: 'Zhang et al., ICML 2022, arXiv:2209.00189',
    options: fedLcOptions,
    create: (ctx: StrategyContext<FedLcOptions>) => new FedLC(ctx),
  };

  /** Cross-entropy on logits − τ·n_{k,c}^{−1/4}, with this client's class counts. */
  protected override localObjective(net: Network, ctx: ClientTrainContext): LocalObjective {
    const offsets = logitCalibrationOffsets(ctx.data.classCounts, this.options.tau);
    return { loss: (batch) => offsetCrossEntropy(net.head.apply(net.backbone.apply(batch.x, 'train')), batch.y, offsets) };
  }
}

export const fedLcPlugin: StrategyPlugin<FedLcOptions> = FedLC.plugin;
