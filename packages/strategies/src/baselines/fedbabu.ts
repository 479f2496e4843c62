/**
 * FedBABU [Oh, Kim & Yun, 2022], "FedBABU: Toward Enhanced Representation for Federated Image
 * Classification", ICLR 2022. https://arxiv.org/abs/2106.06042
 *
 * During federated training the head is randomly initialised once and then frozen: clients train
 * only the body with cross-entropy, and only the body is aggregated (the head is identical
 * everywhere, so it is left out of aggregation and stays bit-for-bit at its initial value).
 * GM = aggregated body + the frozen random head.
 *
 * PM: before a client is evaluated, it fine-tunes the global model on its own training data for
 * `fineTuneEpochs` with the run's SGD settings (the paper fine-tunes the whole model; `fineTunePart:
 * 'head'` fine-tunes only the head), and is scored with the fine-tuned network (docs/baselines.md#fedbabu).
 * Evaluation therefore trains every client: its cost grows with `fineTuneEpochs`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  type ArrayRecord,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type StrategyContext,
  type StrategyPlugin,
} from '@fedloge/core';
import { BACKBONE_PREFIX, FedAvg, fedAvgOptions, type Network } from '../fedavg.js';

/** Name of FedBABU's PM prediction variant. */
export const FINE_TUNED_VARIANT = 'fine-tuned';

export const fedBabuOptions = fedAvgOptions.extend({
  /**
   * Local epochs of fine-tuning before PM evaluation (PFLlib's `fine_tuning_epochs`).
   * @default 5
   */
  fineTuneEpochs: z.int().min(0).default(5),
  /**
   * What fine-tuning updates: `'model'` (body and head, as the paper) or `'head'`.
   * @default 'model'
   */
  fineTunePart: z.enum(['model', 'head']).default('model'),
});
export type FedBabuOptions = z.output<typeof fedBabuOptions>;

/** The local-loop phase of PM fine-tuning (federated training has none). */
type FineTunePhase = 'fine-tune';

export class FedBABU extends FedAvg<FedBabuOptions, FineTunePhase> {
  static override readonly plugin: StrategyPlugin<FedBabuOptions> = {
    kind: 'strategy',
    name: 'fedbabu',
    description: 'FedBABU: head frozen at random init, body trained and aggregated; PM = model fine-tuned on local data',
    paper: 'Oh et al., ICLR 2022, arXiv:2106.06042',
    options: fedBabuOptions,
    create: (ctx: StrategyContext<FedBabuOptions>) => new FedBABU(ctx),
  };

  /** PM: the global model fine-tuned on this client's training data. */
  async personalPredictor(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<PersonalPredictor> {
    const net = this.buildNetwork(ctx.models, await this.fineTune(global, client, ctx));
    return this.networkPredictor(net, FINE_TUNED_VARIANT);
  }

  /** During FL: the body only (the head stays at its random initialisation); fine-tuning: `fineTunePart`. */
  protected override trainableVariables(net: Network, phase?: FineTunePhase): tf.Variable[] {
    if (phase === 'fine-tune' && this.options.fineTunePart === 'head') return [...net.head.params.values()];
    if (phase === 'fine-tune') return super.trainableVariables(net);
    return [...net.backbone.params.values()];
  }

  /** The body; the frozen head is never averaged. */
  protected override aggregatedKeys(global: ArrayRecord): string[] {
    return super.aggregatedKeys(global).filter((k) => k.startsWith(BACKBONE_PREFIX));
  }

  /** The global model after `fineTuneEpochs` of local SGD on the client's training data. */
  protected fineTune(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<ArrayRecord> {
    return this.trainForEvaluation(global, client, ctx, { ...ctx.train, localEpochs: this.options.fineTuneEpochs }, 'fine-tune');
  }
}

export const fedBabuPlugin: StrategyPlugin<FedBabuOptions> = FedBABU.plugin;
