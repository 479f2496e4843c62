/**
 * FedRep [Collins, Hassani, Mokhtari & Shakkottai, 2021], "Exploiting Shared Representations for
 * Personalized Federated Learning", ICML 2021. https://arxiv.org/abs/2102.07078
 *
 * The network is a shared representation (the backbone, aggregated) and a personal head (kept on
 * the client). Unlike FedPer, the two are trained in turn each round (Algorithm 1): first the
 * head for `headEpochs` with the representation frozen, then the representation for
 * `bodyEpochs` with the new head frozen. Only the representation is averaged.
 * PM = global backbone + the client's head (docs/baselines.md#fedrep). For the GM and `gmPersonalPart`,
 * see `personal-part.ts`.
 *
 * Each phase is one run of FedAvg's local loop with its own SGD (momentum is not carried from
 * the head phase into the body phase).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { ClientTrainContext, ClientUpdate, StrategyContext, StrategyPlugin } from '@fedloge/core';
import { HEAD_PREFIX, type Network } from '../fedavg.js';
import { PersonalPartStrategy, personalPartOptions } from './personal-part.js';

export const fedRepOptions = personalPartOptions.extend({
  /**
   * Local epochs on the head (representation frozen) before the representation is trained. 10 is
   * the FedLoGe reference's `update_weights_fedrep` (epochs 0–9 head, then the body).
   * @default 10
   */
  headEpochs: z.int().min(0).default(10),
  /**
   * Local epochs on the representation (head frozen); `null` uses the run's `train.localEpochs`.
   * @default null
   */
  bodyEpochs: z.int().min(0).nullable().default(null),
});
export type FedRepOptions = z.output<typeof fedRepOptions>;

/** Which part local SGD updates while a phase runs. */
type RepPhase = 'head' | 'body';

export class FedRep extends PersonalPartStrategy<FedRepOptions, RepPhase> {
  static override readonly plugin: StrategyPlugin<FedRepOptions> = {
    kind: 'strategy',
    name: 'fedrep',
    description: 'FedRep: personal head trained first (body frozen), then the shared body (head frozen); body aggregated',
    paper: 'Collins et al., ICML 2021, arXiv:2102.07078',
    options: fedRepOptions,
    create: (ctx: StrategyContext<FedRepOptions>) => new FedRep(ctx),
  };

  /** Head phase, then body phase from the head phase's result. */
  override async trainClient(ctx: ClientTrainContext): Promise<ClientUpdate> {
    const headEpochs = this.options.headEpochs;
    const bodyEpochs = this.options.bodyEpochs ?? ctx.train.localEpochs;
    const head = await this.trainLocal({ ...ctx, train: { ...ctx.train, localEpochs: headEpochs } }, 'head');
    // The body phase starts from everything the head phase produced (its state holds the new head).
    const afterHead = { ...ctx.payload, ...head.arrays, ...head.state };
    const body = await this.trainLocal(
      { ...ctx, payload: afterHead, state: undefined, train: { ...ctx.train, localEpochs: bodyEpochs } },
      'body',
    );
    return { ...body, metrics: { loss: body.metrics?.['loss'] ?? NaN, headLoss: head.metrics?.['loss'] ?? NaN } };
  }

  /** The head is personal. */
  protected override personalKeys(keys: readonly string[]): string[] {
    return keys.filter((k) => k.startsWith(HEAD_PREFIX));
  }

  /** Head phase: the head's parameters; body phase: the backbone's. */
  protected override trainableVariables(net: Network, phase?: RepPhase): tf.Variable[] {
    if (phase === 'head') return [...net.head.params.values()];
    if (phase === 'body') return [...net.backbone.params.values()];
    return super.trainableVariables(net);
  }
}

export const fedRepPlugin: StrategyPlugin<FedRepOptions> = FedRep.plugin;
