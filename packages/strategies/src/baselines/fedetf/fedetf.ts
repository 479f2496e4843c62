/**
 * FedETF [Li, Shang, He, Lin & Wu, 2023], "No Fear of Classifier Biases: Neural Collapse Inspired
 * Federated Learning with Synthetic and Fixed Classifier", ICCV 2023.
 * https://arxiv.org/abs/2303.10058 (official code: ZexiLee/ICCV-2023-FedETF)
 *
 * The classifier is a fixed simplex ETF shared by all clients (`EtfHead`): features are projected
 * to C' dimensions, L2-normalised and scored against the ETF prototypes with a learnable
 * temperature. Clients train backbone, projection and temperature with Balanced Softmax on their
 * local class counts (classes they lack are left out of their softmax); the server averages those
 * and never touches the ETF. GM = the aggregated model with the ETF (docs/baselines.md#fedetf).
 *
 * PM is local adaptation, as the official `Client_personalization`: starting from the global
 * model, the client runs one local update with the training objective, then alternates
 * fine-tuning the ETF itself (plain CE, SGD lr 0.1, nothing else trainable) and the projection
 * only (plain CE, SGD lr 0.05 with the run's momentum and weight decay), and is scored with the
 * result (a `model` predictor). The official schedule is 20 alternations of 3 + 3 epochs after an
 * E-epoch update (E = the run's local epochs, the default here too). The alternations are scaled
 * down by default for CPU runs, since every client adapts at every evaluation: 2 alternations of
 * 1 + 1 epochs. `scaledDown()` says so in every results table, and `--help` in the description;
 * `adaptation: { rounds: 20, etfEpochs: 3, projectionEpochs: 3 }` is the official schedule.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  type ArrayRecord,
  type ClientTrainContext,
  type ModelBuilder,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type StrategyContext,
  type StrategyPlugin,
  type TrainConfig,
} from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import { FedAvg, HEAD_PREFIX, fedAvgOptions, type LocalObjective, type Network } from '../../fedavg.js';
import { EtfHead } from './etf-head.js';
import { logCountOffsets } from '../losses/class-prior.js';
import { offsetCrossEntropy } from '../losses/offset-cross-entropy.js';

/** Name of FedETF's PM prediction variant. */
export const ADAPTED_VARIANT = 'adapted';
/** State key of the fixed ETF. */
export const ETF_KEY = `${HEAD_PREFIX}etf`;

/** The official local-adaptation schedule after the E-epoch update (ZexiLee/ICCV-2023-FedETF). */
export const FEDETF_OFFICIAL_ADAPTATION = { rounds: 20, etfEpochs: 3, projectionEpochs: 3 } as const;

const adaptationOptions = z.strictObject({
  /** Epochs of the training objective before the alternations; null = the run's E (official). @default null */
  localEpochs: z.int().min(0).nullable().default(null),
  /** Alternations of ETF and projection fine-tuning (official: 20). @default 2 */
  rounds: z.int().min(0).default(2),
  /** Epochs on the ETF per alternation (official: 3). @default 1 */
  etfEpochs: z.int().min(0).default(1),
  /** SGD learning rate on the ETF, no momentum (official: 0.1). @default 0.1 */
  etfLr: z.number().positive().default(0.1),
  /** Epochs on the projection per alternation (official: 3). @default 1 */
  projectionEpochs: z.int().min(0).default(1),
  /** SGD learning rate on the projection (official: 0.05). @default 0.05 */
  projectionLr: z.number().positive().default(0.05),
});

export const fedEtfOptions = fedAvgOptions.extend({
  /**
   * C', the width the feature is projected to before the ETF; `null` = the number of classes (the
   * official ResNet setting). Must be at least the number of classes.
   * @default null
   */
  projectionDim: z.int().min(2).nullable().default(null),
  /** The PM local-adaptation schedule. */
  adaptation: adaptationOptions.prefault({}),
});
export type FedEtfOptions = z.output<typeof fedEtfOptions>;

/** What local SGD trains and on which loss in one of `adapt`'s steps (the local-loop phase). */
type AdaptationStep = 'etf' | 'projection';

export class FedETF extends FedAvg<FedEtfOptions, AdaptationStep> {
  static override readonly plugin: StrategyPlugin<FedEtfOptions> = {
    kind: 'strategy',
    name: 'fedetf',
    description:
      'FedETF: projection + L2-norm + fixed simplex ETF with learnable temperature, Balanced Softmax; PM = local adaptation ' +
      '(SCALED DOWN by default for speed: 2 × (1 + 1) fine-tuning epochs, official 20 × (3 + 3))',
    paper: 'Li et al., ICCV 2023, arXiv:2303.10058',
    options: fedEtfOptions,
    create: (ctx: StrategyContext<FedEtfOptions>) => new FedETF(ctx),
  };

  /** The PM fine-tuning schedule, when shorter than the official E + 20 × (3 + 3) epochs. */
  scaledDown(): string | undefined {
    const { rounds, etfEpochs, projectionEpochs } = this.options.adaptation;
    const official = FEDETF_OFFICIAL_ADAPTATION;
    if (rounds >= official.rounds && etfEpochs >= official.etfEpochs && projectionEpochs >= official.projectionEpochs) return undefined;
    return (
      `FedETF's PM fine-tuning is ${rounds} × (${etfEpochs} + ${projectionEpochs}) epochs (official ${official.rounds} × (${official.etfEpochs} + ${official.projectionEpochs})); ` +
      `its PM is not the paper's setting (adaptation: { rounds: ${official.rounds}, etfEpochs: ${official.etfEpochs}, projectionEpochs: ${official.projectionEpochs} } restores it).`
    );
  }

  /** PM: the global model after local adaptation on this client's training data. */
  async personalPredictor(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<PersonalPredictor> {
    const net = this.buildNetwork(ctx.models, await this.adapt(global, client, ctx));
    return this.networkPredictor(net, ADAPTED_VARIANT);
  }

  /** Backbone + ETF head (projection, temperature, fixed ETF). */
  protected override createNetwork(models: ModelBuilder, rng: Rng): Network {
    const head = new EtfHead({
      inputDim: models.featureDim,
      numClasses: models.numClasses,
      projectionDim: this.options.projectionDim ?? models.numClasses,
      rng: rng.derive('head'),
    });
    return { backbone: models.backbone(rng.derive('backbone')), head };
  }

  /** FL: backbone, projection and temperature. Adaptation: the ETF alone, or the projection alone. */
  protected override trainableVariables(net: Network, step?: AdaptationStep): tf.Variable[] {
    const head = net.head as EtfHead;
    if (step === 'etf') return [head.etf];
    if (step === 'projection') return [head.projection.weight, head.projection.bias];
    return super.trainableVariables(net).filter((v) => v !== head.etf);
  }

  /** FL: Balanced Softmax with the client's class counts. Adaptation: plain cross-entropy. */
  protected override localObjective(net: Network, ctx: ClientTrainContext, step?: AdaptationStep): LocalObjective {
    if (step) return super.localObjective(net, ctx);
    const logPrior = logCountOffsets(ctx.data.classCounts);
    return { loss: (batch) => offsetCrossEntropy(net.head.apply(net.backbone.apply(batch.x, 'train')), batch.y, logPrior) };
  }

  /** Everything but the ETF, which stays as the server drew it. */
  protected override aggregatedKeys(global: ArrayRecord): string[] {
    return super.aggregatedKeys(global).filter((k) => k !== ETF_KEY);
  }

  /** The official local adaptation, from `global`, on the client's training data. */
  protected async adapt(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<ArrayRecord> {
    const a = this.options.adaptation;
    const run = (arrays: ArrayRecord, step: AdaptationStep | undefined, train: TrainConfig) =>
      this.trainForEvaluation(arrays, client, ctx, train, step);
    let arrays = await run(global, undefined, { ...ctx.train, localEpochs: a.localEpochs ?? ctx.train.localEpochs });
    for (let r = 0; r < a.rounds; r++) {
      arrays = await run(arrays, 'etf', { ...ctx.train, localEpochs: a.etfEpochs, lr: a.etfLr, momentum: 0, weightDecay: 0 });
      arrays = await run(arrays, 'projection', { ...ctx.train, localEpochs: a.projectionEpochs, lr: a.projectionLr });
    }
    return arrays;
  }
}

export const fedEtfPlugin: StrategyPlugin<FedEtfOptions> = FedETF.plugin;
