/**
 * GM and PM evaluation of the current global arrays (docs/metrics.md).
 *
 * - GM: the global model's features of the whole balanced test set are computed once; every head
 *   variant of `Strategy.globalPredictor` is scored on them. Groups come from
 *   `shotSplit(globalTestDistribution)`.
 * - PM: every client (all N, sampled or not) is scored on its local test set. Without
 *   `personalPredictor` (FedAvg's PM) the client's logits are the GM logits' rows at its local test
 *   indices; `heads` predictors get those rows of the global features; `model` predictors run on
 *   the images. Groups come from the
 *   client's local test counts T[k]; the report averages over clients (docs/metrics.md#personalized-model-pm).
 * - PM masking: classes with T[k][c] = 0 get logit −∞ (argmax restricted to present classes).
 *   The reference sets those weight rows to −1e10 with the bias kept, which gives −1e10·Σf + b on
 *   non-negative features: the same argmax except in the degenerate all-zero-feature case
 *   (docs/metrics.md#pm-masking). Both masked and unmasked numbers are reported for every variant.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayRecord } from '../arrays.js';
import type { FederatedData } from '../dataset.js';
import { argmaxRows } from '../metrics/argmax.js';
import { perClassAccuracy, tallyPredictions } from '../metrics/class-tally.js';
import { globalModelAccuracy, globalTestDistribution, meanOverClients, type ShotAccuracy } from '../metrics/shot-accuracy.js';
import { shotSplit, type ShotSplit } from '../metrics/shot-split.js';
import type { ClientData, GlobalPredictor, ServerContext, Strategy } from '../strategy.js';
import {
  NO_DATA,
  downloadLogits,
  localTestSets,
  personalLogits,
  personalPredictorFor,
  scoreLocalLogits,
  testImages,
  type ClientScores,
  type LocalTestSet,
} from './client-scoring.js';
import type { ClientStateStore } from './client-state-store.js';
import { callHookSync, type HookSite } from './strategy-error.js';
import { groupPredictionCounts, type GroupPredictions } from './unpredicted-groups.js';

/** The metrics of one evaluation. Accuracies are fractions. */
export interface Evaluation {
  /** Headline GM: the first variant of `globalPredictor().heads`. */
  readonly gm: ShotAccuracy;
  /** Headline PM: the first PM variant, masked when `pmMasking` is on. */
  readonly pm: ShotAccuracy;
  /** The headline PM variant with masking. */
  readonly pmMasked: ShotAccuracy;
  /** The headline PM variant without masking. */
  readonly pmUnmasked: ShotAccuracy;
  /** Every variant: `gm/<name>`, `pm/<name>` (masked) and `pm/<name>/unmasked`. */
  readonly variants: Readonly<Record<string, ShotAccuracy>>;
  /** Per GM variant key (`gm/<name>`): test images predicted as a head, middle and tail class. */
  readonly gmPredicted: Readonly<Record<string, GroupPredictions>>;
  /** Headline GM accuracy of each class on the balanced test set. */
  readonly gmPerClass: readonly (number | null)[];
  /** Headline PM accuracy of each client (null: no local test data). */
  readonly pmPerClient: readonly (number | null)[];
  readonly seconds: number;
}

export interface EvaluatorOptions {
  readonly strategy: Strategy;
  readonly data: FederatedData;
  /** Per client id, its training data (for `PersonalContext.data`). */
  readonly clients: readonly ClientData[];
  readonly batchSize: number;
  /** Whether the headline PM is the masked one (resolved per strategy). */
  readonly pmMasking: boolean;
  readonly seed: number;
}

export class Evaluator {
  private readonly numClasses: number;
  private readonly testLabels: Int32Array;
  private readonly globalDistribution: number[];
  /** The GM head/middle/tail classes (`shotSplit(globalTestDistribution)`). */
  readonly gmSplit: ShotSplit;
  /** Per client: local test indices, their labels, T[k] and which classes are present. */
  private readonly local: readonly LocalTestSet[];

  constructor(private readonly options: EvaluatorOptions) {
    const { dataset, partition } = options.data;
    this.numClasses = dataset.numClasses;
    this.testLabels = Int32Array.from(dataset.test.labels);
    this.globalDistribution = globalTestDistribution(this.testLabels, partition.localTestIndices, this.numClasses);
    this.gmSplit = shotSplit(this.globalDistribution);
    this.local = localTestSets(options.data);
  }

  /** Images of the balanced test set every GM variant is scored on. */
  get testImages(): number {
    return this.testLabels.length;
  }

  /** Evaluate the strategy's GM and PM predictors for `global` after `round`. */
  async evaluate(round: number, global: ArrayRecord, ctx: ServerContext, states: ClientStateStore): Promise<Evaluation> {
    const started = performance.now();
    const { strategy } = this.options;
    const site = (hook: string, clientId?: number): HookSite => ({ strategy: strategy.name, hook, round, clientId });
    const predictor = callHookSync(site('globalPredictor'), () => strategy.globalPredictor(global, ctx));
    try {
      const features = await this.globalFeatures(predictor, site('globalPredictor.features'));
      try {
        const variants: Record<string, ShotAccuracy> = {};
        const gmPredicted: Record<string, GroupPredictions> = {};
        const gmLogits = await downloadLogits(
          tf.tidy(() => callHookSync(site('globalPredictor.heads'), () => predictor.heads(features))),
          this.numClasses,
          'globalPredictor.heads',
        );
        let gmPerClass: (number | null)[] = [];
        for (const [name, logits] of gmLogits) {
          const predictions = argmaxRows(logits, this.testLabels.length, this.numClasses);
          const tally = tallyPredictions(predictions, this.testLabels, this.numClasses);
          variants[`gm/${name}`] = globalModelAccuracy(tally, this.globalDistribution);
          gmPredicted[`gm/${name}`] = groupPredictionCounts(predictions, this.gmSplit, this.numClasses);
          if (gmPerClass.length === 0) gmPerClass = perClassAccuracy(tally);
        }
        const gmHeadline = gmLogits.keys().next().value;
        if (gmHeadline === undefined) throw new Error(`Strategy '${strategy.name}': globalPredictor.heads returned no variant`);

        const perClient: ClientScores[] = [];
        for (let k = 0; k < this.local.length; k++) {
          perClient.push(await this.scoreClient(k, round, global, ctx, states, gmLogits, features, site));
        }
        const pmNames = [...new Set(perClient.flatMap((s) => [...s.keys()]))];
        for (const name of pmNames) {
          variants[`pm/${name}`] = meanOverClients(perClient.map((s) => s.get(name)?.masked ?? NO_DATA));
          variants[`pm/${name}/unmasked`] = meanOverClients(perClient.map((s) => s.get(name)?.unmasked ?? NO_DATA));
        }
        const pmHeadline = pmNames[0];
        const pmKey = pmHeadline === undefined ? undefined : `pm/${pmHeadline}${this.options.pmMasking ? '' : '/unmasked'}`;
        return {
          gm: variants[`gm/${gmHeadline}`]!,
          pm: pmKey ? variants[pmKey]! : NO_DATA,
          pmMasked: pmHeadline === undefined ? NO_DATA : variants[`pm/${pmHeadline}`]!,
          pmUnmasked: pmHeadline === undefined ? NO_DATA : variants[`pm/${pmHeadline}/unmasked`]!,
          variants,
          gmPredicted,
          gmPerClass,
          pmPerClient: perClient.map((s) => {
            const score = pmHeadline === undefined ? undefined : s.get(pmHeadline);
            return (this.options.pmMasking ? score?.masked : score?.unmasked)?.acc ?? null;
          }),
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        features.dispose();
      }
    } finally {
      predictor.dispose();
    }
  }

  /** `[testCount, d]` features of the whole test split under the global model. */
  private async globalFeatures(predictor: GlobalPredictor, site: HookSite): Promise<tf.Tensor2D> {
    const count = this.testLabels.length;
    const parts: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < count; start += this.options.batchSize) {
        const indices = range(start, Math.min(start + this.options.batchSize, count));
        parts.push(tf.tidy(() => callHookSync(site, () => predictor.features(testImages(this.options.data, 'test', indices)))));
        // Let the event loop breathe between batches (progress bars, worker messages).
        await Promise.resolve();
      }
      return parts.length === 1 ? tf.clone(parts[0]!) : tf.concat(parts, 0);
    } finally {
      for (const p of parts) p.dispose();
    }
  }

  /** PM scores of client `k` for every variant its predictor reports. */
  private async scoreClient(
    k: number,
    round: number,
    global: ArrayRecord,
    ctx: ServerContext,
    states: ClientStateStore,
    gmLogits: ReadonlyMap<string, Float32Array>,
    globalFeatures: tf.Tensor2D,
    site: (hook: string, clientId?: number) => HookSite,
  ): Promise<ClientScores> {
    const local = this.local[k]!;
    // acc_k is undefined without local test data; such a client is left out of every PM mean.
    if (local.indices.length === 0) return new Map();

    const { strategy } = this.options;
    const client = { clientId: k, state: states.get(k), data: this.options.clients[k]! };
    const personal = await personalPredictorFor(strategy, global, client, round, this.options.seed, ctx, site('personalPredictor', k));
    try {
      const logits = personal
        ? await personalLogits(
            personal,
            local,
            () => tf.tidy(() => tf.gather(globalFeatures, tf.tensor1d(local.indices, 'int32'))),
            this.options.data,
            this.options.batchSize,
            (hook) => site(hook, k),
          )
        : new Map([...gmLogits].map(([name, all]) => [name, this.rows(all, local.indices)]));
      return scoreLocalLogits(logits, local, this.numClasses);
    } finally {
      personal?.dispose();
    }
  }

  /** Rows `indices` of the row-major `[testCount, C]` matrix `all`. */
  private rows(all: Float32Array, indices: Int32Array): Float32Array {
    const C = this.numClasses;
    const out = new Float32Array(indices.length * C);
    indices.forEach((i, r) => out.set(all.subarray(i * C, (i + 1) * C), r * C));
    return out;
  }
}

function range(start: number, end: number): Int32Array {
  const r = new Int32Array(end - start);
  for (let i = 0; i < r.length; i++) r[i] = start + i;
  return r;
}
