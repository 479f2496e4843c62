/**
 * CReFF: Classifier Re-training with Federated Features [Shang, Lu, Huang & Wang, 2022],
 * "Federated Learning on Heterogeneous and Long-Tailed Data via Classifier Re-Training with
 * Federated Features", IJCAI 2022. https://arxiv.org/abs/2204.13399 (official code:
 * shangxinyi/CReFF-FL)
 *
 * Clients run FedAvg's local update of the whole network. Before it, each client measures, for
 * every class it holds, the gradient of cross-entropy with respect to the *re-trained* classifier
 * (global backbone in eval mode + the classifier the server re-trained last round) on its real
 * data of that class, and uploads these per-class gradients with its model. The server then
 *  1. averages the models (FedAvg);
 *  2. averages each class's gradient over the clients that hold the class;
 *  3. moves its federated features (m per class, persistent across rounds) so that their
 *     classifier gradient matches the real one (gradient matching, `federated-features.ts`);
 *  4. re-trains a freshly initialised linear classifier on the federated features alone.
 * Training continues from the FedAvg model, its own head included; the re-trained classifier is
 * used for the GM and for next round's client gradients. GM = FedAvg backbone + re-trained
 * classifier (variant `re-trained`; the FedAvg head is reported as `fedavg`). PM: none (the GM on
 * each client's local test set). See docs/baselines.md#creff.
 *
 * Server state lives in the global arrays (`creff.features`, `creff.classifier.*`), so it is
 * checkpointed with the model; the features are not sent to clients.
 *
 * Defaults are the official values: 100 features per class, 10 gradient draws, 100 matching
 * steps at lr 0.1, 300 re-training epochs at lr 0.01 with batch 32, and up to 32 images per class
 * and draw. Feature matching dominates the server's time (about 8 s per round for 10 classes at
 * 100 features on the tfjs cpu backend, 2 s at 20); smaller values are options, and `scaledDown()`
 * says so in every results table when they are used.
 * The official code draws each class's 32 images directly and applies DSA augmentation; here each
 * draw is one shuffled pass over the client's data with the data set's train-time augmentation,
 * keeping the first images of every class.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  LinearHead,
  prefixRecord,
  type ArrayRecord,
  type Backbone,
  type ClientResult,
  type ClientTrainContext,
  type ClientUpdate,
  type GlobalPredictor,
  type ServerContext,
  type StrategyContext,
  type StrategyPlugin,
} from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import { BACKBONE_PREFIX, FedAvg, HEAD_PREFIX, fedAvgOptions } from '../../fedavg.js';
import { averageClassGradients, classGradientEntries } from './class-gradients.js';
import { federatedFeatureLabels, initialFederatedFeatures, matchFederatedFeatures, type ClassGradient } from './federated-features.js';
import { linearClassifierGradient, type LinearClassifierTensors } from './linear-classifier-gradient.js';
import { retrainClassifier } from './retrain-classifier.js';

/** Global-array keys of CReFF's server state. */
export const FEDERATED_FEATURES_KEY = 'creff.features';
export const CLASSIFIER_PREFIX = 'creff.classifier.';
/** GM variants: the re-trained classifier (headline) and the FedAvg head. */
export const RETRAINED_VARIANT = 're-trained';
export const FEDAVG_HEAD_VARIANT = 'fedavg';

/** The official code's values of the options (shangxinyi/CReFF-FL `options.py`). */
export const CREFF_OFFICIAL = {
  featuresPerClass: 100,
  matchSteps: 100,
  featureLr: 0.1,
  retrainEpochs: 300,
  retrainBatchSize: 32,
  retrainLr: 0.01,
  realBatchSize: 32,
  gradientDraws: 10,
} as const;

export const creffOptions = fedAvgOptions.extend({
  /** m, federated features per class (official: 100). @default 100 */
  featuresPerClass: z.int().min(1).default(CREFF_OFFICIAL.featuresPerClass),
  /** Gradient-matching SGD steps per round (official `match_epoch`: 100). @default 100 */
  matchSteps: z.int().min(0).default(100),
  /** Learning rate on the federated features (official `lr_feature`: 0.1). @default 0.1 */
  featureLr: z.number().positive().default(0.1),
  /** Classifier re-training epochs per round (official `crt_epoch`: 300). @default 300 */
  retrainEpochs: z.int().min(0).default(300),
  /** Re-training batch size (official: 32). @default 32 */
  retrainBatchSize: z.int().min(1).default(32),
  /** Re-training SGD learning rate (official `lr_net`: 0.01). @default 0.01 */
  retrainLr: z.number().positive().default(0.01),
  /** Real images per class per gradient draw (official `batch_real`: 32). @default 32 */
  realBatchSize: z.int().min(1).default(32),
  /** Gradient draws averaged per class (official: 10). @default 10 */
  gradientDraws: z.int().min(1).default(CREFF_OFFICIAL.gradientDraws),
});
export type CreffOptions = z.output<typeof creffOptions>;

export class CReFF extends FedAvg<CreffOptions> {
  static override readonly plugin: StrategyPlugin<CreffOptions> = {
    kind: 'strategy',
    name: 'creff',
    description:
      'CReFF: FedAvg + server-side federated features (gradient matching) and classifier re-training; GM = re-trained classifier',
    paper: 'Shang et al., IJCAI 2022, arXiv:2204.13399',
    options: creffOptions,
    create: (ctx: StrategyContext<CreffOptions>) => new CReFF(ctx),
  };

  /** The counts set below the official code's (learning rates and batch sizes are not "scaled"). */
  scaledDown(): string | undefined {
    const counts = ['featuresPerClass', 'gradientDraws', 'matchSteps', 'retrainEpochs', 'realBatchSize'] as const;
    const lower = counts.filter((k) => this.options[k] < CREFF_OFFICIAL[k]);
    if (lower.length === 0) return undefined;
    return `CReFF runs with ${lower.map((k) => `${k} ${this.options[k]} (official ${CREFF_OFFICIAL[k]})`).join(', ')}; its numbers are not the paper's setting.`;
  }

  /** FedAvg's network, plus initial federated features and a freshly initialised classifier. */
  override initialize(ctx: ServerContext): ArrayRecord {
    const model = super.initialize(ctx);
    const dim = ctx.models.featureDim;
    const classifier = new LinearHead({ inputDim: dim, numClasses: ctx.numClasses, rng: ctx.rng.derive('creff', 'classifier') });
    try {
      const m = this.options.featuresPerClass;
      const features = initialFederatedFeatures(ctx.rng.derive('creff', 'features'), ctx.numClasses, m, dim);
      return {
        ...model,
        [FEDERATED_FEATURES_KEY]: { shape: [ctx.numClasses * m, dim], data: features },
        ...prefixRecord(classifier.exportState(), CLASSIFIER_PREFIX),
      };
    } finally {
      classifier.dispose();
    }
  }

  /** Everything but the federated features, which only the server uses. */
  payloadFor(_round: number, global: ArrayRecord): ArrayRecord {
    const { [FEDERATED_FEATURES_KEY]: _features, ...payload } = global;
    return payload;
  }

  /** Per-class classifier gradients on real data, then FedAvg's local update; both are uploaded. */
  override async trainClient(ctx: ClientTrainContext): Promise<ClientUpdate> {
    const gradients = this.measureClassGradients(ctx);
    const update = await super.trainClient(ctx);
    const dim = ctx.models.featureDim;
    const entries = [...gradients].map(([c, g]) => classGradientEntries(c, g, ctx.numClasses, dim));
    return { ...update, arrays: Object.assign({ ...update.arrays }, ...entries) };
  }

  /** FedAvg of the model, then feature matching and classifier re-training on the server. */
  override aggregateTrain(round: number, global: ArrayRecord, results: readonly ClientResult[], ctx: ServerContext): ArrayRecord {
    const next = super.aggregateTrain(round, global, results, ctx);
    const dim = ctx.models.featureDim;
    const real = averageClassGradients(
      results.map((r) => r.arrays),
      ctx.numClasses,
      dim,
    );
    const features = global[FEDERATED_FEATURES_KEY];
    if (!features) throw new Error(`creff: the global arrays have no '${FEDERATED_FEATURES_KEY}'; were they produced by CReFF.initialize?`);
    const o = this.options;
    const classifier = classifierTensors(global, ctx.numClasses, dim);
    let matched;
    try {
      matched = matchFederatedFeatures(features.data, classifier, real, {
        featuresPerClass: o.featuresPerClass,
        steps: o.matchSteps,
        lr: o.featureLr,
      });
    } finally {
      tf.dispose([classifier.weight, classifier.bias]);
    }
    ctx.logger.debug(
      `creff round ${round}: gradient matching ${matched.lossBefore.toFixed(4)} → ${matched.lossAfter.toFixed(4)} over ${real.size} classes`,
    );
    const retrained = retrainClassifier(
      matched.features,
      federatedFeatureLabels(ctx.numClasses, o.featuresPerClass),
      ctx.numClasses,
      { epochs: o.retrainEpochs, batchSize: o.retrainBatchSize, lr: o.retrainLr },
      ctx.rng.derive('creff', 'retrain', round),
    );
    return {
      ...next,
      [FEDERATED_FEATURES_KEY]: { shape: [...features.shape], data: matched.features },
      [`${CLASSIFIER_PREFIX}weight`]: { shape: [ctx.numClasses, dim], data: retrained.weight },
      [`${CLASSIFIER_PREFIX}bias`]: { shape: [ctx.numClasses], data: retrained.bias },
    };
  }

  /** GM: the FedAvg backbone's features, scored by the re-trained classifier (and the FedAvg head). */
  override globalPredictor(global: ArrayRecord, ctx: ServerContext): GlobalPredictor {
    const base = super.globalPredictor(global, ctx);
    const classifier = classifierTensors(global, ctx.numClasses, ctx.models.featureDim);
    return {
      features: (x) => base.features(x),
      heads: (f) => ({
        [RETRAINED_VARIANT]: tf.tidy(() => tf.add(tf.matMul(f, classifier.weight, false, true), classifier.bias) as tf.Tensor2D),
        [FEDAVG_HEAD_VARIANT]: Object.values(base.heads(f))[0]!,
      }),
      dispose: () => {
        base.dispose();
        tf.dispose([classifier.weight, classifier.bias]);
      },
    };
  }

  /** Only the model is averaged; the CReFF entries are the server's own. */
  protected override aggregatedKeys(global: ArrayRecord): string[] {
    return super.aggregatedKeys(global).filter((k) => k.startsWith(BACKBONE_PREFIX) || k.startsWith(HEAD_PREFIX));
  }

  /**
   * For every class the client holds, the mean over `gradientDraws` draws of the re-trained
   * classifier's CE gradient on up to `realBatchSize` of its images (features from the received
   * backbone in eval mode). Draws come from a stream derived from the client's, so the local
   * update that follows sees the same batches as plain FedAvg would.
   */
  protected measureClassGradients(ctx: ClientTrainContext): Map<number, ClassGradient> {
    const dim = ctx.models.featureDim;
    const held = ctx.data.classCounts.flatMap((n, c) => (n > 0 ? [c] : []));
    const net = this.buildNetwork(ctx.models, ctx.payload);
    const classifier = classifierTensors(ctx.payload, ctx.numClasses, dim);
    const sums = new Map(held.map((c) => [c, { weight: new Float32Array(ctx.numClasses * dim), bias: new Float32Array(ctx.numClasses) }]));
    const rng = ctx.rng.derive('creff', 'gradients');
    try {
      for (let draw = 0; draw < this.options.gradientDraws; draw++) {
        const perClass = this.drawClassFeatures(net.backbone, ctx, rng, held);
        for (const [c, rows] of perClass) {
          const [gw, gb] = tf.tidy(() => {
            const [w, b] = linearClassifierGradient(
              classifier,
              tf.tensor2d(rows, [rows.length / dim, dim]),
              tf.fill([rows.length / dim], c, 'int32') as tf.Tensor1D,
            );
            return [w.dataSync(), b.dataSync()];
          });
          const sum = sums.get(c)!;
          gw.forEach((v, i) => (sum.weight[i]! += v / this.options.gradientDraws));
          gb.forEach((v, i) => (sum.bias[i]! += v / this.options.gradientDraws));
        }
      }
      return sums;
    } finally {
      tf.dispose([classifier.weight, classifier.bias]);
      this.disposeNetwork(net);
    }
  }

  /** One shuffled pass: the eval-mode features of the first `realBatchSize` images of each class. */
  private drawClassFeatures(backbone: Backbone, ctx: ClientTrainContext, rng: Rng, held: readonly number[]): Map<number, Float32Array> {
    const limit = this.options.realBatchSize;
    const wanted = new Map(held.map((c) => [c, Math.min(limit, ctx.data.classCounts[c]!)]));
    const rows = new Map<number, number[]>(held.map((c) => [c, []]));
    const dim = ctx.models.featureDim;
    for (const batch of ctx.data.batches(rng, ctx.train.batchSize)) {
      const [features, labels] = tf.tidy(() => [backbone.apply(batch.x, 'eval').dataSync(), batch.y.dataSync()]);
      tf.dispose([batch.x, batch.y]);
      labels.forEach((y, i) => {
        const own = rows.get(y)!;
        if (own.length / dim < wanted.get(y)!) for (let j = 0; j < dim; j++) own.push(features[i * dim + j]!);
      });
      if (held.every((c) => rows.get(c)!.length / dim >= wanted.get(c)!)) break;
    }
    return new Map([...rows].map(([c, r]) => [c, Float32Array.from(r)]));
  }
}

/** The re-trained classifier of `arrays` as tensors (the caller disposes them). */
function classifierTensors(arrays: ArrayRecord, numClasses: number, dim: number): LinearClassifierTensors {
  const weight = arrays[`${CLASSIFIER_PREFIX}weight`];
  const bias = arrays[`${CLASSIFIER_PREFIX}bias`];
  if (!weight || !bias) throw new Error(`creff: the arrays have no '${CLASSIFIER_PREFIX}weight'/'bias'; the payload must come from CReFF`);
  return { weight: tf.tensor2d(weight.data, [numClasses, dim]), bias: tf.tensor1d(bias.data) };
}

export const creffPlugin: StrategyPlugin<CreffOptions> = CReFF.plugin;
