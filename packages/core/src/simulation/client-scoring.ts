/**
 * One client's PM scoring, shared by the server-side `Evaluator` (every client, each evaluated
 * round) and the client-side evaluation of a Flower `evaluate` message (client-evaluation.ts), so
 * both score the same predictor on the same local test set in the same way
 * (docs/metrics.md#personalized-model-pm, docs/metrics.md#pm-masking).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayRecord } from '../arrays.js';
import type { FederatedData, SplitName } from '../dataset.js';
import { argmaxRows } from '../metrics/argmax.js';
import { tallyPredictions } from '../metrics/class-tally.js';
import { meanCrossEntropy } from '../metrics/cross-entropy.js';
import { clientModelAccuracy, type ShotAccuracy } from '../metrics/shot-accuracy.js';
import { Rng } from '../random.js';
import type { ClientData, PersonalPredictor, ServerContext, Strategy } from '../strategy.js';
import { callHook, callHookSync, type HookSite } from './strategy-error.js';
import { RUN_STREAMS } from './streams.js';

/** Client k's local test set: indices into the test split, their labels, T[k] and the classes present. */
export interface LocalTestSet {
  readonly indices: Int32Array;
  readonly labels: Int32Array;
  readonly counts: readonly number[];
  readonly present: readonly boolean[];
}

/** One variant's PM scores on a client, masked and unmasked, with the mean cross-entropy of each. */
export interface VariantScore {
  readonly masked: ShotAccuracy;
  readonly unmasked: ShotAccuracy;
  readonly maskedLoss: number;
  readonly unmaskedLoss: number;
}

/** Per-variant scores of one client, in the predictor's variant order (the first is the headline). */
export type ClientScores = Map<string, VariantScore>;

/** The accuracies of a client (or group) without test data. */
export const NO_DATA: ShotAccuracy = { acc: null, head: null, middle: null, tail: null };

/** Every client's local test set, checked against the test split. */
export function localTestSets(data: FederatedData): LocalTestSet[] {
  const { dataset, partition } = data;
  if (partition.localTestIndices.length !== partition.trainIndices.length) {
    throw new RangeError(
      `The partition has ${partition.trainIndices.length} clients' train indices but ${partition.localTestIndices.length} local test sets; they must match`,
    );
  }
  const testLabels = dataset.test.labels;
  return partition.localTestIndices.map((idx, k) => {
    const indices = Int32Array.from(idx);
    for (const i of indices) {
      if (!(i >= 0 && i < dataset.test.count)) {
        throw new RangeError(`Client ${k}'s local test index ${i} is outside the test split (size ${dataset.test.count})`);
      }
    }
    const labels = indices.map((i) => testLabels[i]!);
    const counts = new Array<number>(dataset.numClasses).fill(0);
    for (const y of labels) counts[y]!++;
    return { indices, labels, counts, present: counts.map((n) => n > 0) };
  });
}

/** The strategy's personalised predictor for client `clientId`, or undefined when it has none (FedAvg's PM). */
export async function personalPredictorFor(
  strategy: Strategy,
  global: ArrayRecord,
  client: { readonly clientId: number; readonly state: ArrayRecord | undefined; readonly data: ClientData },
  round: number,
  seed: number,
  ctx: ServerContext,
  site: HookSite,
): Promise<PersonalPredictor | undefined> {
  if (!strategy.personalPredictor) return undefined;
  return callHook(site, () =>
    strategy.personalPredictor!(global, { ...client, rng: RUN_STREAMS.personal(new Rng(seed), round, client.clientId) }, ctx),
  );
}

/**
 * Logits of a client's local test set per variant of `personal`, as plain arrays. `localFeatures`
 * gives the global model's `[n, d]` features of the local test images, in local order (only
 * `heads` predictors ask for it; the caller's tensor is disposed here).
 */
export async function personalLogits(
  personal: PersonalPredictor,
  local: LocalTestSet,
  localFeatures: () => tf.Tensor2D | Promise<tf.Tensor2D>,
  data: FederatedData,
  batchSize: number,
  site: (hook: string) => HookSite,
): Promise<Map<string, Float32Array>> {
  const numClasses = data.dataset.numClasses;
  if (personal.kind === 'heads') {
    const features = await localFeatures();
    try {
      const logits = tf.tidy(() => callHookSync(site('personalPredictor.heads'), () => personal.heads(features)));
      return await downloadLogits(logits, numClasses, 'personalPredictor.heads');
    } finally {
      features.dispose();
    }
  }
  // A `model` predictor: forward the images batch by batch and stitch the logits together.
  const n = local.indices.length;
  const out = new Map<string, Float32Array>();
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    const batch = tf.tidy(() =>
      callHookSync(site('personalPredictor.predict'), () => personal.predict(testImages(data, 'test', local.indices.subarray(start, end)))),
    );
    for (const [name, values] of await downloadLogits(batch, numClasses, 'personalPredictor.predict')) {
      let all = out.get(name);
      if (!all) out.set(name, (all = new Float32Array(n * numClasses)));
      all.set(values, start * numClasses);
    }
  }
  return out;
}

/** PM scores of a client from its local test logits (`[n, C]` per variant, local order). */
export function scoreLocalLogits(logits: ReadonlyMap<string, Float32Array>, local: LocalTestSet, numClasses: number): ClientScores {
  const scores: ClientScores = new Map();
  const n = local.indices.length;
  for (const [name, values] of logits) {
    const unmasked = tallyPredictions(argmaxRows(values, n, numClasses), local.labels, numClasses);
    const masked = tallyPredictions(argmaxRows(values, n, numClasses, local.present), local.labels, numClasses);
    scores.set(name, {
      masked: clientModelAccuracy(masked, local.counts),
      unmasked: clientModelAccuracy(unmasked, local.counts),
      maskedLoss: meanCrossEntropy(values, local.labels, numClasses, local.present),
      unmaskedLoss: meanCrossEntropy(values, local.labels, numClasses),
    });
  }
  return scores;
}

/** Normalised, unaugmented images of `indices` as an NHWC tensor. */
export function testImages(data: FederatedData, split: SplitName, indices: ArrayLike<number>): tf.Tensor4D {
  const { dataset } = data;
  const [h, w, c] = dataset.imageShape;
  const pixels = new Float32Array(indices.length * h * w * c);
  dataset.fillBatch(split, indices, pixels, { augment: false });
  return tf.tensor4d(pixels, [indices.length, h, w, c]);
}

/** Read each variant's `[n, C]` logits into a Float32Array and dispose the tensors. */
export async function downloadLogits(
  logits: Record<string, tf.Tensor2D>,
  numClasses: number,
  source: string,
): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  try {
    for (const [name, t] of Object.entries(logits)) {
      if (t.rank !== 2 || t.shape[1] !== numClasses) {
        throw new Error(`${source} returned logits of shape [${t.shape.join(', ')}] for variant '${name}'; expected [n, ${numClasses}]`);
      }
      out.set(name, (await t.data()) as Float32Array);
    }
  } finally {
    for (const t of Object.values(logits)) t.dispose();
  }
  return out;
}
