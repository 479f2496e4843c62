/**
 * A client evaluating the model it received on its own local test set, as a Flower ClientApp's
 * `evaluate` does: the strategy's PM for that client (FedAvg family: the received global model;
 * strategies with a `personalPredictor`, e.g. FedLoGe: the received global arrays plus the
 * client's own state), scored exactly as the server-side `Evaluator` scores that client
 * (client-scoring.ts), with the headline masking of the run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ArrayRecord } from '../arrays.js';
import type { ShotAccuracy } from '../metrics/shot-accuracy.js';
import { Rng } from '../random.js';
import type { GlobalPredictor, ServerContext } from '../strategy.js';
import type { ClientRuntime } from './client-runtime.js';
import {
  NO_DATA,
  downloadLogits,
  localTestSets,
  personalLogits,
  personalPredictorFor,
  scoreLocalLogits,
  testImages,
  type LocalTestSet,
} from './client-scoring.js';
import type { FederatedClientData } from './federated-client-data.js';
import { SIMULATION_DEFAULTS, headlinePmMasked, type PmMasking } from './simulation-config.js';
import { callHookSync, type HookSite } from './strategy-error.js';
import { RUN_STREAMS } from './streams.js';

/** One client's evaluation of the model it received. */
export interface ClientEvalTask {
  /** The round the model comes from (Flower's "server-round"); picks the evaluation's random streams. */
  readonly round: number;
  readonly clientId: number;
  /** The global arrays the server sent. */
  readonly global: ArrayRecord;
  /** The client's persistent state (e.g. FedLoGe's local head), undefined before its first update. */
  readonly state: ArrayRecord | undefined;
  /** Which PM is the headline, as `eval.pmMasking`. @default 'reference' */
  readonly pmMasking?: PmMasking;
  /** Images per forward pass (does not change the numbers). @default SIMULATION_DEFAULTS.evalBatchSize */
  readonly batchSize?: number;
}

/** The headline PM of one client on its local test set. */
export interface ClientEvalResult {
  readonly round: number;
  readonly clientId: number;
  /** The local test set's size (0: nothing was evaluated and every number is null). */
  readonly numExamples: number;
  /** The PM variant scored (the predictor's first, as the server's headline PM). */
  readonly variant: string;
  /** Whether classes absent from the local test set were masked (docs/metrics.md#pm-masking). */
  readonly masked: boolean;
  /** Mean cross-entropy of that variant's logits (over the present classes when masked); null without data. */
  readonly loss: number | null;
  /** acc_k and its head/middle/tail groups (groups from the client's local test counts; null when empty). */
  readonly accuracy: ShotAccuracy;
  readonly seconds: number;
}

/**
 * The server facts a predictor may use, as the round loop gives them at the evaluation of
 * `round` (simulation.ts): the same client histograms and the same ('evaluate', round) stream, so
 * a client builds the predictor the server would build.
 */
export function evaluationContext(runtime: ClientRuntime, clients: readonly FederatedClientData[], round: number): ServerContext {
  return {
    numClients: clients.length,
    numClasses: runtime.data.dataset.numClasses,
    clientClassCounts: clients.map((c) => c.classCounts),
    clientSizes: clients.map((c) => c.numSamples),
    models: runtime.models,
    rng: RUN_STREAMS.serverCall(new Rng(runtime.seed), 'evaluate', round),
    train: runtime.train,
    logger: runtime.logger,
  };
}

/** Local test sets per data set, built on a host's first evaluation (a host evaluates every round). */
const localSets = new WeakMap<object, readonly LocalTestSet[]>();

/** Evaluate `task` on the calling thread; errors come back tagged with strategy, hook, round and client. */
export async function evaluateClientTask(
  runtime: ClientRuntime,
  clients: readonly FederatedClientData[],
  task: ClientEvalTask,
): Promise<ClientEvalResult> {
  const started = performance.now();
  const { strategy, data } = runtime;
  const { round, clientId: k } = task;
  const client = clients[k];
  if (!client) throw new RangeError(`Client ${k} does not exist (the partition has ${clients.length} clients)`);
  let sets = localSets.get(data);
  if (!sets) localSets.set(data, (sets = localTestSets(data)));
  const local = sets[k]!;
  const masked = headlinePmMasked(task.pmMasking ?? 'reference', strategy);
  const n = local.indices.length;
  const result = (variant: string, loss: number | null, accuracy: ShotAccuracy): ClientEvalResult => ({
    round,
    clientId: k,
    numExamples: n,
    variant,
    masked,
    loss,
    accuracy,
    seconds: (performance.now() - started) / 1000,
  });
  if (n === 0) return result('', null, NO_DATA);

  const batchSize = task.batchSize ?? SIMULATION_DEFAULTS.evalBatchSize;
  const site = (hook: string): HookSite => ({ strategy: strategy.name, hook, round, clientId: k });
  const ctx = evaluationContext(runtime, clients, round);
  const state = { clientId: k, state: task.state, data: client };
  const personal = await personalPredictorFor(strategy, task.global, state, round, runtime.seed, ctx, site('personalPredictor'));
  let global: GlobalPredictor | undefined;
  // The global model's features of the local test images, in local order (batch by batch: eval mode, no state).
  const localFeatures = async (): Promise<tf.Tensor2D> => {
    global ??= callHookSync(site('globalPredictor'), () => strategy.globalPredictor(task.global, ctx));
    const predictor = global;
    const parts: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < n; start += batchSize) {
        const indices = local.indices.subarray(start, Math.min(start + batchSize, n));
        parts.push(
          tf.tidy(() => callHookSync(site('globalPredictor.features'), () => predictor.features(testImages(data, 'test', indices)))),
        );
        await Promise.resolve();
      }
      return parts.length === 1 ? tf.clone(parts[0]!) : tf.concat(parts, 0);
    } finally {
      tf.dispose(parts);
    }
  };
  try {
    let logits: Map<string, Float32Array>;
    if (personal) {
      logits = await personalLogits(personal, local, localFeatures, data, batchSize, site);
    } else {
      // FedAvg's PM: the GM heads on the client's local test set.
      const features = await localFeatures();
      try {
        const heads = tf.tidy(() => callHookSync(site('globalPredictor.heads'), () => global!.heads(features)));
        logits = await downloadLogits(heads, data.dataset.numClasses, 'globalPredictor.heads');
      } finally {
        features.dispose();
      }
    }
    const [variant, score] = [...scoreLocalLogits(logits, local, data.dataset.numClasses)][0] ?? [];
    if (variant === undefined || !score) {
      throw new Error(`Strategy '${strategy.name}': the ${personal ? 'personal' : 'global'} predictor returned no variant`);
    }
    return result(variant, masked ? score.maskedLoss : score.unmaskedLoss, masked ? score.masked : score.unmasked);
  } finally {
    personal?.dispose();
    (global as GlobalPredictor | undefined)?.dispose();
  }
}
