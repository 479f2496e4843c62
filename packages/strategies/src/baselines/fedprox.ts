/**
 * FedProx [Li, Sahu, Zaheer, Sanjabi, Talwalkar & Smith, 2020], "Federated Optimization in
 * Heterogeneous Networks", MLSys 2020. https://arxiv.org/abs/1812.06127
 *
 * FedAvg whose clients minimise, instead of their loss F_k(w) alone,
 *   h_k(w; w^t) = F_k(w) + μ/2 · ‖w − w^t‖²        (Eq. 2)
 * with w^t the global model the client received this round: the proximal term keeps local models
 * near it when local data are heterogeneous. Aggregation, GM and PM are FedAvg's.
 *
 * Client-side duty (as Flower's FedProx documents it): the anchor w^t is snapshotted from the
 * payload before the first local step, over the trainable parameters (BatchNorm running
 * statistics are not parameters and carry no penalty).
 *
 * `proxForm: 'l2'` reproduces the FedLoGe reference code instead (`--beta`, docs/baselines.md#fedprox):
 * the un-squared μ·‖w − w^t‖, skipped on the first batch of every local epoch (there the distance
 * is 0 at the first epoch and the norm's gradient is undefined). μ = 0.01 with `'l2'` is the
 * setting of the authors' FedProx logs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { ClientTrainContext, StrategyContext, StrategyPlugin } from '@fedloge/core';
import { FedAvg, fedAvgOptions, type LocalObjective, type Network, type StrategyInit } from '../fedavg.js';
import { PROX_FORMS, proximalTerm, skipsFirstBatch } from './losses/proximal-term.js';

export const fedProxOptions = fedAvgOptions.extend({
  /**
   * μ, the proximal weight. The paper tunes it per data set from {0.001, 0.01, 0.1, 1}; 0.01 is
   * the value behind the FedLoGe authors' FedProx logs.
   * @default 0.01
   */
  mu: z.number().min(0).default(0.01),
  /**
   * `'sqL2/2'`: the paper's μ/2·‖w − w^t‖². `'l2'`: the reference code's μ·‖w − w^t‖ with the
   * first batch of each epoch skipped.
   * @default 'sqL2/2'
   */
  proxForm: z.enum(PROX_FORMS).default('sqL2/2'),
});
export type FedProxOptions = z.output<typeof fedProxOptions>;

export class FedProx extends FedAvg<FedProxOptions> {
  static override readonly plugin: StrategyPlugin<FedProxOptions> = {
    kind: 'strategy',
    name: 'fedprox',
    description: 'FedProx: FedAvg + proximal term μ/2·‖w − w_global‖² in the local loss; PM = global model',
    paper: 'Li et al., MLSys 2020, arXiv:1812.06127',
    options: fedProxOptions,
    create: (ctx: StrategyContext<FedProxOptions>) => new FedProx(ctx),
  };

  constructor(init: StrategyInit<FedProxOptions> = {}) {
    super(init);
    if (this.options.mu === 0) this.logger.warn('fedprox: mu = 0 makes FedProx identical to FedAvg');
  }

  /** FedAvg's loss plus the proximal term to the weights this client started the round from. */
  protected override localObjective(net: Network, ctx: ClientTrainContext): LocalObjective {
    const base = super.localObjective(net, ctx);
    const weights = this.trainableVariables(net);
    // The network was just built from the payload, so its weights are w^t.
    const anchors = weights.map((w) => tf.keep(w.clone()));
    const { mu, proxForm } = this.options;
    return {
      loss: (batch, position) =>
        tf.tidy(() => {
          const loss = base.loss(batch, position);
          if (mu === 0 || (skipsFirstBatch(proxForm) && position.batch === 0)) return loss;
          return tf.add(loss, proximalTerm(weights, anchors, mu, proxForm)) as tf.Scalar;
        }),
      dispose: () => {
        base.dispose?.();
        tf.dispose(anchors);
      },
    };
  }
}

export const fedProxPlugin: StrategyPlugin<FedProxOptions> = FedProx.plugin;
