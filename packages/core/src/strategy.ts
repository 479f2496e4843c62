/**
 * Strategy: what a federated algorithm does, as lifecycle hooks around one round loop that the
 * framework writes once (`Simulation`). Modelled on Flower's Strategy (configure / train /
 * aggregate / evaluate), with client training expressed as a pure function of its context so it
 * can run inline or in a worker thread.
 *
 * Per-client state that persists across rounds (a personal head, a FedBN's BN statistics) is not
 * kept in the strategy: `trainClient` receives it in `ctx.state` and returns the new value in
 * `ClientUpdate.state`; the framework's ClientStateStore keeps it (so it can be checkpointed).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ArrayRecord } from './arrays.js';
import type { Rng } from './random.js';
import type { Backbone, Head } from './nn/module.js';
import type { Logger } from './logger.js';
import type { LrSchedule } from './train/lr-schedule.js';

/** The local optimiser: SGD (lr, momentum, weightDecay of `TrainConfig`), or Adam/AdamW (lr, weightDecay and these). */
export type OptimizerConfig =
  { readonly name: 'sgd' } | { readonly name: 'adam' | 'adamw'; readonly beta1?: number; readonly beta2?: number; readonly eps?: number };

/** Local optimisation settings (PyTorch optimiser semantics). */
export interface TrainConfig {
  readonly localEpochs: number;
  readonly batchSize: number;
  /** The lr a client trains with: in a client task, the round's lr (`lrSchedule` applied). */
  readonly lr: number;
  /** SGD's only. */
  readonly momentum: number;
  readonly weightDecay: number;
  /** @default SGD */
  readonly optimizer?: OptimizerConfig;
  /** Per-round schedule of `lr` (lr-schedule.ts). @default constant */
  readonly lrSchedule?: LrSchedule;
}

/** One mini-batch. The tensors belong to the consumer, which must dispose them. */
export interface Batch {
  /** NHWC float32, normalised (and augmented when training). */
  readonly x: tf.Tensor4D;
  /** int32 labels. */
  readonly y: tf.Tensor1D;
  readonly size: number;
}

/** A client's local training data. */
export interface ClientData {
  readonly clientId: number;
  /** n_k: the number of training examples. */
  readonly numSamples: number;
  /** Training-label histogram (length = number of classes). */
  readonly classCounts: readonly number[];
  /**
   * One pass over the training data in an order drawn from `rng`, with train-time augmentation
   * unless `augment` is false. The last batch may be smaller (no drop-last, as in the reference).
   */
  batches(rng: Rng, batchSize: number, options?: { readonly augment?: boolean }): Iterable<Batch>;
}

/** Builds fresh modules of the run's configured architecture. */
export interface ModelBuilder {
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly featureDim: number;
  /** A backbone of the configured model, initialised from `rng`. */
  backbone(rng: Rng): Backbone;
  /** A head of a registered type (default `linear`), initialised from `rng`. */
  head(rng: Rng, type?: string, options?: unknown): Head;
}

/** What `trainClient` receives. */
export interface ClientTrainContext {
  readonly round: number;
  readonly clientId: number;
  /** What the server sent this client (`payloadFor`, by default the global arrays). */
  readonly payload: ArrayRecord;
  /** The client's persistent state, or undefined before its first `ClientUpdate.state`. */
  readonly state: ArrayRecord | undefined;
  readonly data: ClientData;
  readonly train: TrainConfig;
  readonly numClasses: number;
  /** This client's stream for this round. */
  readonly rng: Rng;
  readonly models: ModelBuilder;
  readonly logger: Logger;
}

/** What a client returns. */
export interface ClientUpdate {
  /** Sent to the server for aggregation. */
  readonly arrays: ArrayRecord;
  /** n_k, the default aggregation weight. */
  readonly numSamples: number;
  /** New persistent client state; when undefined the stored state is kept as it was. */
  readonly state?: ArrayRecord;
  /** Scalars for logs (e.g. `loss`), averaged over the round's clients by the framework. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** A `ClientUpdate` with the id of the client that produced it. */
export interface ClientResult extends ClientUpdate {
  readonly clientId: number;
}

/** Server-side facts available to `initialize` and `aggregateTrain`. */
export interface ServerContext {
  readonly numClients: number;
  readonly numClasses: number;
  /** Per client: training-label histogram (some methods, e.g. class-wise aggregation, use it). */
  readonly clientClassCounts: readonly (readonly number[])[];
  /** Per client: n_k. */
  readonly clientSizes: readonly number[];
  readonly models: ModelBuilder;
  /** The strategy's own server stream. */
  readonly rng: Rng;
  readonly train: TrainConfig;
  readonly logger: Logger;
}

/** Generic-model (GM) predictions: features under the global model, then one or more heads. */
export interface GlobalPredictor {
  /** `[batch, d]` features of a batch under the global model (eval mode). */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /**
   * Logits per named variant (e.g. `{ 'sse-c': …, 'ga-fr': … }`). The first variant is the
   * headline GM. Returned tensors belong to the caller.
   */
  heads(features: tf.Tensor2D): Record<string, tf.Tensor2D>;
  dispose(): void;
}

/**
 * Personalised-model (PM) predictions for one client, and the one place a strategy says whether its
 * PM shares the global backbone (docs/metrics.md#what-an-evaluation-computes-once):
 * - `heads`: backbone = the global model's (`GlobalPredictor.features`, unchanged), head = a function
 *   of those features. The evaluator runs the backbone once per test image per evaluation and hands
 *   each client the rows of its local test images: no forward pass of its own.
 * - `model`: anything below the head is the client's own (personal BatchNorm, a fine-tuned or
 *   personal body), so the client's network runs on its local test images.
 * Declaring `heads` for a personalised backbone would score the wrong model; `model` is always
 * correct, only slower. A strategy without `personalPredictor` shares the backbone too (FedAvg's PM).
 */
export type PersonalPredictor =
  | {
      readonly kind: 'heads';
      /** Logits per variant from the *global* features of the client's local test images. */
      heads(globalFeatures: tf.Tensor2D): Record<string, tf.Tensor2D>;
      dispose(): void;
    }
  | {
      readonly kind: 'model';
      predict(x: tf.Tensor4D): Record<string, tf.Tensor2D>;
      dispose(): void;
    };

/** What a personalised predictor may use about its client. */
export interface PersonalContext {
  readonly clientId: number;
  readonly state: ArrayRecord | undefined;
  /** The client's training data (for methods that fine-tune before PM, e.g. FedBABU). */
  readonly data: ClientData;
  readonly rng: Rng;
}

/** What `Strategy.exportModel` receives: the finished run. */
export interface ModelExportContext {
  /** The final global arrays. */
  readonly global: ArrayRecord;
  /** Per client id 0..N−1, its persistent state, or undefined for a client that never trained. */
  readonly clientStates: readonly (ArrayRecord | undefined)[];
  readonly models: ModelBuilder;
  /** The backbone plugin and its options, so a loader can rebuild the architecture. */
  readonly backbone: { readonly name: string; readonly options?: unknown };
  /** The run's root seed (for anything the strategy derives from it rather than stores). */
  readonly seed: number;
  readonly logger: Logger;
}

/** What `Strategy.exportModel` wrote, for summary.json. */
export interface ModelExportInfo {
  /** Name of the on-disk format (e.g. `fedloge-model`), so a reader knows what loads it. */
  readonly format: string;
  readonly version: number;
  /** The files written, relative to the export folder. */
  readonly files: readonly string[];
}

export interface Strategy {
  /** Registered name. */
  readonly name: string;

  /**
   * Whether the strategy's reference code masks the classes absent from a client's local test set
   * when it reports PM (FedLoGe's `localtest`: yes; FedAvg-family `localtest_villina`: no). The
   * headline PM follows it under `pmMasking: 'reference'`; both PMs are always recorded.
   * @default false
   */
  readonly referencePmMasking?: boolean;

  /** The global arrays before round 1 (e.g. a freshly initialised backbone and head). */
  initialize(ctx: ServerContext): ArrayRecord | Promise<ArrayRecord>;

  /**
   * What client `clientId` receives this round. Undefined (or a missing hook) means the global
   * arrays unchanged.
   */
  payloadFor?(round: number, global: ArrayRecord, clientId: number): ArrayRecord | undefined;

  /**
   * Local training on one client. Must depend only on `ctx` (it may run in a worker thread with
   * another instance of the strategy) and must dispose every tensor it creates.
   */
  trainClient(ctx: ClientTrainContext): ClientUpdate | Promise<ClientUpdate>;

  /**
   * The new global arrays from this round's results, normally through the injected Aggregator.
   * Returning `global` unchanged keeps the previous model.
   */
  aggregateTrain(
    round: number,
    global: ArrayRecord,
    results: readonly ClientResult[],
    ctx: ServerContext,
  ): ArrayRecord | Promise<ArrayRecord>;

  /** GM predictor for the current global arrays. */
  globalPredictor(global: ArrayRecord, ctx: ServerContext): GlobalPredictor;

  /**
   * PM predictor for one client. A missing hook means "the GM heads on the global features"
   * (FedAvg's PM: the global model on the client's local test set).
   */
  personalPredictor?(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): PersonalPredictor | Promise<PersonalPredictor>;

  /** Resolved options and anything else worth recording in summary.json. */
  summary?(): Record<string, unknown>;

  /**
   * What the resolved options scale down from the paper's or official code's values for speed,
   * with those values and how to restore them; undefined when nothing is. Hosts print it with
   * the results (final table, compare.md, summary.json) so a scaled-down number is never read as
   * the paper's setting.
   */
  scaledDown?(): string | undefined;

  /**
   * Human-readable names of the prediction variants, keyed as the evaluator reports them
   * (`gm/<name>`, `pm/<name>`), for result tables (e.g. `'gm/ga-fr': 'GM global (GA-FR)'`). Keys
   * left out are shown as they are.
   */
  variantLabels?(): Readonly<Record<string, string>>;

  /**
   * Write the trained model to `dir` (created if needed) in the strategy's own format, with
   * whatever its inference needs, so it can be loaded without the strategy or the run. Called once
   * after the last round by hosts that keep models (the CLI writes `<out>/model/`). A missing hook
   * means the generic export, which every strategy has: the global arrays and the clients' states
   * (`exportStateModel`), loaded back by rebuilding the strategy (`loadStateModel`).
   */
  exportModel?(dir: string, ctx: ModelExportContext): Promise<ModelExportInfo>;
}
