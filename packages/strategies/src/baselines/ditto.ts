/**
 * Ditto [Li, Hu, Beirami & Smith, 2021], "Ditto: Fair and Robust Federated Learning Through
 * Personalization", ICML 2021. https://arxiv.org/abs/2012.04221
 *
 * Two models per client. The global model w is trained by FedAvg, unchanged. Each sampled client
 * also trains a personal model v_k, kept in its state, on
 *   CE(v_k) + λ/2 · ‖v_k − w^t‖²           (Eq. 2, Algorithm 1)
 * with w^t the global model it received this round: v_k is free to fit local data but is pulled
 * towards the current consensus. The personal step runs first (PFLlib `clientditto.py` and the
 * FedETF repo do the same), then the usual local update of the global copy, which is uploaded.
 * GM = w; PM = v_k on the images (a `model` predictor; w for a client that never trained).
 *
 * `dittoRepoCompat: true` reproduces the FedLoGe reference's `ditto.py` instead (docs/baselines.md#ditto): no aggregation at all (the global model stays as the run started, in their logs a
 * pre-trained FedAvg checkpoint), and each round every sampled client runs `personalEpochs`
 * (1 there) on v_k with CE + λ·‖v_k − v_k^start‖ (un-squared, first batch of each epoch skipped),
 * anchored to its *own* personal model at the start of the round; λ = 0.01 there. Starting from a
 * checkpoint and sampling every client (frac = 1) are run settings.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  type ArrayRecord,
  type ClientResult,
  type ClientTrainContext,
  type ClientUpdate,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type StrategyContext,
  type StrategyPlugin,
} from '@fedloge/core';
import { BACKBONE_PREFIX, FedAvg, HEAD_PREFIX, fedAvgOptions, type LocalObjective, type Network } from '../fedavg.js';
import { proximalTerm, skipsFirstBatch, type ProxForm } from './losses/proximal-term.js';
import { PERSONAL_VARIANT } from './personal-part.js';

export const dittoOptions = fedAvgOptions.extend({
  /**
   * λ, the pull of v_k towards the global model. The paper tunes it per data set; the FedLoGe
   * reference uses 0.01 (with its un-squared form).
   * @default 0.1
   */
  lambda: z.number().min(0).default(0.1),
  /**
   * Local epochs on the personal model; `null` uses the run's `train.localEpochs` (1 in
   * `dittoRepoCompat` mode, as the reference forces).
   * @default null
   */
  personalEpochs: z.int().min(0).nullable().default(null),
  /**
   * Reproduce the FedLoGe reference's `ditto.py` (frozen global model, un-squared prox to the
   * client's own round-start model) instead of the paper's algorithm.
   * @default false
   */
  dittoRepoCompat: z.boolean().default(false),
});
export type DittoOptions = z.output<typeof dittoOptions>;

/** What the personal step is pulled towards (the local-loop phase of the personal step). */
interface PersonalStep {
  readonly anchor: ArrayRecord;
  readonly form: ProxForm;
}

export class Ditto extends FedAvg<DittoOptions, PersonalStep> {
  static override readonly plugin: StrategyPlugin<DittoOptions> = {
    kind: 'strategy',
    name: 'ditto',
    description: 'Ditto: global model by FedAvg; personal model on CE + λ/2·‖v − w_global‖²; PM = personal model',
    paper: 'Li et al., ICML 2021, arXiv:2012.04221',
    options: dittoOptions,
    create: (ctx: StrategyContext<DittoOptions>) => new Ditto(ctx),
  };

  /** The personal step on v_k, then (unless in repo-compat mode) FedAvg's step on the global copy. */
  override async trainClient(ctx: ClientTrainContext): Promise<ClientUpdate> {
    const compat = this.options.dittoRepoCompat;
    const personalStart = ctx.state ?? ctx.payload;
    const step: PersonalStep = compat ? { anchor: personalStart, form: 'l2' } : { anchor: ctx.payload, form: 'sqL2/2' };
    const localEpochs = this.options.personalEpochs ?? (compat ? 1 : ctx.train.localEpochs);
    const personal = await this.trainLocal(
      { ...ctx, payload: personalStart, state: undefined, train: { ...ctx.train, localEpochs } },
      step,
    );
    const personalLoss = personal.metrics?.['loss'] ?? NaN;
    if (compat) return { arrays: {}, numSamples: ctx.data.numSamples, state: personal.arrays, metrics: { personalLoss } };
    // The global copy starts from w^t: the personal state must not be laid over it.
    const global = await super.trainClient({ ...ctx, state: undefined });
    return { ...global, state: personal.arrays, metrics: { loss: global.metrics?.['loss'] ?? NaN, personalLoss } };
  }

  /** FedAvg's aggregation; none in repo-compat mode (the global model stays fixed). */
  override aggregateTrain(round: number, global: ArrayRecord, results: readonly ClientResult[], ctx: ServerContext): ArrayRecord {
    return this.options.dittoRepoCompat ? global : super.aggregateTrain(round, global, results, ctx);
  }

  /** PM: the client's personal model v_k on the images. */
  personalPredictor(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): PersonalPredictor {
    const net = this.buildNetwork(ctx.models, client.state ?? global);
    return this.networkPredictor(net, PERSONAL_VARIANT);
  }

  /** CE, plus during the personal step the proximal term to its anchor. */
  protected override localObjective(net: Network, ctx: ClientTrainContext, step?: PersonalStep): LocalObjective {
    const base = super.localObjective(net, ctx);
    if (!step || this.options.lambda === 0) return base;
    const weights = this.trainableVariables(net, step);
    const keyOf = trainableKeys(net);
    const anchors = weights.map((w) => {
      const key = keyOf.get(w);
      const entry = key === undefined ? undefined : step.anchor[key];
      if (!entry) throw new Error(`ditto: the personal step's anchor has no entry for trainable variable '${key ?? w.name}'`);
      return tf.tensor(entry.data, [...entry.shape]);
    });
    const lambda = this.options.lambda;
    return {
      loss: (batch, position) =>
        tf.tidy(() => {
          const loss = base.loss(batch, position);
          if (skipsFirstBatch(step.form) && position.batch === 0) return loss;
          return tf.add(loss, proximalTerm(weights, anchors, lambda, step.form)) as tf.Scalar;
        }),
      dispose: () => {
        base.dispose?.();
        tf.dispose(anchors);
      },
    };
  }
}

/** The state key of every parameter of FedAvg's network. */
function trainableKeys(net: Network): Map<tf.Variable, string> {
  const keys = new Map<tf.Variable, string>();
  for (const [key, v] of net.backbone.params) keys.set(v, BACKBONE_PREFIX + key);
  for (const [key, v] of net.head.params) keys.set(v, HEAD_PREFIX + key);
  return keys;
}

export const dittoPlugin: StrategyPlugin<DittoOptions> = Ditto.plugin;
