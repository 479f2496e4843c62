/**
 * Federated Averaging (FedAvg) [McMahan et al., 2017], "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS. https://arxiv.org/abs/1602.05629
 *
 * Each sampled client copies the global network (backbone + linear head), runs E local epochs of
 * mini-batch SGD on cross-entropy, and sends back its whole state; the server replaces every state
 * entry (BatchNorm running statistics included, as in the FedLoGe reference code) by the output of
 * the configured aggregator (`fedavg`: w ← Σ_k n_k/n · w_k, Algorithm 1). GM = the global network on
 * the balanced test set; PM = the same global network on each client's local test set (the default
 * when a strategy has no `personalPredictor`), docs/baselines.md#fedavg.
 *
 * ## Writing a strategy on top of FedAvg
 * FedAvg is the base class of the FedAvg family. Override only the phase your method changes:
 * - `createNetwork`: what the network is (e.g. a frozen classifier, two heads);
 * - `localObjective`: the loss on one batch (FedProx's proximal term, Balanced Softmax…);
 * - `trainableVariables`: what SGD updates (FedBABU freezes the head);
 * - `trainLocal` with a phase: several runs of the local loop that train different things (FedRep's
 *   head then body, Ditto's personal step, FedBABU's fine-tuning, FedETF's adaptation). The phase (class parameter `P`)
 *   is passed to `trainableVariables` and `localObjective` per call, so no run leaves state on the
 *   instance; `undefined` is ordinary federated training;
 * - `personalKeys`: state entries that stay on the client and persist in `ClientTrainContext.state`
 *   (FedBN's BN layers, FedPer's head); everything else is aggregated (`aggregatedKeys`);
 * - `aggregationWeight`: a client's averaging weight (CLIMB);
 * - `globalPredictor` / `personalPredictor` (the Strategy hooks) for GM/PM predictions.
 * A subclass declares no constructor (unless it has checks of its own) and no name: both come
 * from its plugin object, which the registry calls with a `StrategyContext` (name, parsed options,
 * aggregator, logger). No decorators or `inject` calls are needed, in TypeScript or JavaScript:
 *
 * ```ts
 * export class FedProx extends FedAvg<FedProxOptions> {
 *   protected override localObjective(net: Network, ctx: ClientTrainContext): LocalObjective { … }
 * }
 * export const fedProxPlugin: StrategyPlugin<FedProxOptions> = {
 *   kind: 'strategy', name: 'fedprox', description: '…', options: fedProxOptions,
 *   create: (ctx) => new FedProx(ctx),
 * };
 * ```
 *
 * Built-in strategies also keep their plugin as a static `plugin` property, so that they can be
 * built by hand with their defaults: `new FedProx()`, `new FedProx({ options: { mu: 0.1 } })`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  FedAvgAggregator,
  consoleLogger,
  crossEntropy,
  parsePluginOptions,
  prefixRecord,
  unprefixRecord,
  type Aggregator,
  type ArrayRecord,
  type Backbone,
  type Batch,
  type ClientResult,
  type ClientTrainContext,
  type ClientUpdate,
  type GlobalPredictor,
  type Head,
  type Logger,
  type ModelBuilder,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type Strategy,
  type StrategyContext,
  type StrategyPlugin,
  type TrainConfig,
} from '@fedloge/core';
import type { Rng } from '@fedloge/core/data';
import { loadOrDispose, overwrittenInit } from './loaded-module.js';
import { runLocalLoop, type BatchPosition } from './local-loop.js';

/** FedAvg has no options of its own: sampling, SGD and the aggregator are run settings. */
export const fedAvgOptions = z.strictObject({});
export type FedAvgOptions = z.output<typeof fedAvgOptions>;

/** State-key prefixes of the two parts of the network. */
export const BACKBONE_PREFIX = 'backbone.';
export const HEAD_PREFIX = 'head.';

/** The network a FedAvg-family client trains. */
export interface Network {
  readonly backbone: Backbone;
  readonly head: Head;
}

export type { BatchPosition } from './local-loop.js';

/** The local loss of one client-round. Built once per client-round; `dispose` frees what it holds. */
export interface LocalObjective {
  loss(batch: Batch, position: BatchPosition): tf.Scalar;
  dispose?(): void;
}

/** Name of FedAvg's only GM/PM prediction variant. */
export const GLOBAL_VARIANT = 'global';

/**
 * How to build a FedAvg-family strategy. The registry passes a whole `StrategyContext`; by hand,
 * every field may be left out.
 */
export interface StrategyInit<O> {
  /** The name it reports. @default its class's own `plugin.name`, else the class name */
  readonly name?: string;
  /**
   * Its options. A class with its own static `plugin` parses them with that plugin's schema
   * (defaults filled in, bad values rejected); otherwise they are taken as given (the registry has
   * parsed them with the plugin's schema already).
   */
  readonly options?: Partial<O>;
  /** @default a new FedAvgAggregator (sample-weighted mean of the client arrays) */
  readonly aggregator?: Aggregator;
  /** @default consoleLogger (stderr) */
  readonly logger?: Logger;
}

/** The class's own static `plugin` (not one inherited from a base class). */
function ownPlugin(cls: unknown): StrategyPlugin | undefined {
  return typeof cls === 'function' && Object.prototype.hasOwnProperty.call(cls, 'plugin')
    ? (cls as unknown as { plugin: StrategyPlugin }).plugin
    : undefined;
}

/**
 * `O` is the options type of a subclass (`class FedProx extends FedAvg<FedProxOptions>`), so
 * `this.options` is typed for it; FedAvg itself has none. `P` names the phases of a subclass that
 * runs the local loop more than once per client (see `trainLocal`); FedAvg has none.
 */
export class FedAvg<O extends object = FedAvgOptions, P = never> implements Strategy {
  /** The plugin FedAvg registers under (`fedavg`); subclasses give their own, so `new X()` gets its name and defaults. */
  static readonly plugin: StrategyPlugin = {
    kind: 'strategy',
    name: 'fedavg',
    description: 'FedAvg: whole network trained with CE, every state entry aggregated; PM = global model',
    paper: 'McMahan et al., AISTATS 2017, arXiv:1602.05629',
    options: fedAvgOptions,
    create: (ctx: StrategyContext<FedAvgOptions>) => new FedAvg(ctx),
  };

  readonly name: string;
  /**
   * The FedAvg family's reference PM (`localtest_villina`) does not mask absent classes
   * (docs/metrics.md#pm-masking); FedLoGe overrides this.
   */
  readonly referencePmMasking: boolean = false;
  protected readonly options: O;
  protected readonly aggregator: Aggregator;
  protected readonly logger: Logger;
  /** State-key prefix of the head's entries (`buildNetwork` / `exportNetwork`). @default `head.` */
  protected readonly headPrefix: string = HEAD_PREFIX;
  /** `networkBufferKeys` per model builder (`bufferKeysOf`). */
  private readonly bufferKeysByModels = new WeakMap<ModelBuilder, ReadonlySet<string>>();

  constructor(init: StrategyInit<O> = {}) {
    if (typeof (init as Partial<Aggregator>).aggregate === 'function') {
      throw new TypeError(
        `${new.target.name} was constructed the old way, new ${new.target.name}(aggregator, options). FedAvg's constructor now ` +
          'takes one object { name?, options?, aggregator?, logger? } (the StrategyContext the registry passes): delete the ' +
          "subclass's constructor and its @inject / inject(TOKENS…) calls, and make the plugin object " +
          `{ kind: 'strategy', name, description, options, create: (ctx) => new ${new.target.name}(ctx) }.`,
      );
    }
    const own = ownPlugin(new.target);
    this.logger = init.logger ?? consoleLogger;
    this.name = init.name ?? own?.name ?? new.target.name;
    const ownSchema = own !== undefined && (init.name === undefined || init.name === own.name);
    this.options = (ownSchema ? parsePluginOptions(own, init.options) : (init.options ?? {})) as O;
    this.aggregator = init.aggregator ?? new FedAvgAggregator({}, this.logger);
  }

  // ----- Strategy hooks -------------------------------------------------------------------------

  initialize(ctx: ServerContext): ArrayRecord {
    const net = this.createNetwork(ctx.models, ctx.rng);
    try {
      return this.exportNetwork(net);
    } finally {
      this.disposeNetwork(net);
    }
  }

  /** One run of the local loop in ordinary federated training (no phase). */
  async trainClient(ctx: ClientTrainContext): Promise<ClientUpdate> {
    return this.trainLocal(ctx, undefined);
  }

  aggregateTrain(round: number, global: ArrayRecord, results: readonly ClientResult[], ctx: ServerContext): ArrayRecord {
    const keys = new Set(this.aggregatedKeys(global));
    const current = selectKeys(global, (k) => keys.has(k));
    const updates = results.map((r) => {
      const weight = this.aggregationWeight(r, ctx);
      return {
        clientId: r.clientId,
        numSamples: r.numSamples,
        arrays: selectKeys(r.arrays, (k) => keys.has(k)),
        ...(weight === undefined ? {} : { weight }),
      };
    });
    const buffers = this.bufferKeysOf(ctx.models);
    const bufferKeys = Object.keys(current).filter((k) => buffers.has(k));
    return { ...global, ...this.aggregator.aggregate({ round, current, updates, bufferKeys }) };
  }

  /** GM: argmax of the global head on the global backbone's features (eval mode). */
  globalPredictor(global: ArrayRecord, ctx: ServerContext): GlobalPredictor {
    const net = this.buildNetwork(ctx.models, global);
    return {
      features: (x) => net.backbone.apply(x, 'eval'),
      heads: (f) => ({ [GLOBAL_VARIANT]: net.head.apply(f) }),
      dispose: () => this.disposeNetwork(net),
    };
  }

  summary(): Record<string, unknown> {
    return { strategy: this.name, options: this.options, aggregator: this.aggregator.name, ...(this.aggregator.summary?.() ?? {}) };
  }

  // ----- Extension hooks ------------------------------------------------------------------------

  /**
   * FedAvg's local loop: from the payload (with the client's personal entries laid over it),
   * `ctx.train.localEpochs` epochs of SGD on `localObjective` over `trainableVariables`, both asked
   * for `phase`; returns the trained non-personal entries, the personal ones as `state`, and the
   * mean batch loss. It is `runLocalLoop` (local-loop.ts) with one group; a method that steps
   * several parts with their own losses and optimisers runs it with one group each (FedLoGe).
   */
  protected async trainLocal(ctx: ClientTrainContext, phase: P | undefined): Promise<ClientUpdate> {
    // The client's personal entries (if any) override the payload's.
    const start = ctx.state ? { ...ctx.payload, ...ctx.state } : ctx.payload;
    const net = this.buildNetwork(ctx.models, start);
    const variables = this.trainableVariables(net, phase);
    const objective = this.localObjective(net, ctx, phase);
    try {
      const { losses } = runLocalLoop(ctx, [{ metric: 'loss', variables, loss: (batch, position) => objective.loss(batch, position) }]);
      const trained = this.exportNetwork(net);
      const personal = new Set(this.personalKeys(Object.keys(trained)));
      const state = personal.size ? selectKeys(trained, (k) => personal.has(k)) : undefined;
      return {
        arrays: selectKeys(trained, (k) => !personal.has(k)),
        numSamples: ctx.data.numSamples,
        ...(state ? { state } : {}),
        metrics: { loss: losses['loss']! },
      };
    } finally {
      objective.dispose?.();
      this.disposeNetwork(net);
    }
  }

  /**
   * Local training of one client at evaluation time (PM fine-tuning, local adaptation): one run of
   * `trainLocal` in `phase` from `start` on the client's training data with `train`, no personal
   * state; returns the trained entries.
   */
  protected async trainForEvaluation(
    start: ArrayRecord,
    client: PersonalContext,
    ctx: ServerContext,
    train: TrainConfig,
    phase: P | undefined,
  ): Promise<ArrayRecord> {
    const update = await this.trainLocal(
      {
        round: 0,
        clientId: client.clientId,
        payload: start,
        state: undefined,
        data: client.data,
        train,
        numClasses: ctx.numClasses,
        rng: client.rng,
        models: ctx.models,
        logger: ctx.logger,
      },
      phase,
    );
    return update.arrays;
  }

  /** A freshly initialised network; `rng` draws the initial weights (backbone and head streams apart). */
  protected createNetwork(models: ModelBuilder, rng: Rng): Network {
    return { backbone: models.backbone(rng.derive('backbone')), head: models.head(rng.derive('head')) };
  }

  /**
   * A network holding `arrays` (keys as `exportNetwork` writes them). The throwaway initial weights
   * come from a fixed stream and are overwritten at once.
   */
  protected buildNetwork(models: ModelBuilder, arrays: ArrayRecord): Network {
    return loadOrDispose(
      this.createNetwork(models, overwrittenInit()),
      (net) => {
        net.backbone.loadState(unprefixRecord(arrays, BACKBONE_PREFIX));
        net.head.loadState(unprefixRecord(arrays, this.headPrefix));
      },
      (net) => this.disposeNetwork(net),
    );
  }

  /**
   * A `model` PM predictor that scores the images with `net` (BatchNorm in eval mode) under the one
   * variant name `variant`; it owns `net` and disposes it.
   */
  protected networkPredictor(net: Network, variant: string): PersonalPredictor {
    return {
      kind: 'model',
      predict: (x) => ({ [variant]: net.head.apply(net.backbone.apply(x, 'eval')) }),
      dispose: () => this.disposeNetwork(net),
    };
  }

  /**
   * The state keys (as `exportNetwork` writes them) of what the network's modules declare as
   * statistics buffers (`Module.buffers`: BatchNorm running statistics), which aggregators average
   * by the plain weighted mean. A subclass whose network holds more modules adds theirs.
   */
  protected networkBufferKeys(net: Network): string[] {
    return [
      ...[...net.backbone.buffers.keys()].map((k) => BACKBONE_PREFIX + k),
      ...[...net.head.buffers.keys()].map((k) => this.headPrefix + k),
    ];
  }

  /** `networkBufferKeys` of a throwaway network, built once per model builder (the server's, a worker's). */
  private bufferKeysOf(models: ModelBuilder): ReadonlySet<string> {
    let keys = this.bufferKeysByModels.get(models);
    if (keys === undefined) {
      const net = this.createNetwork(models, overwrittenInit());
      try {
        keys = new Set(this.networkBufferKeys(net));
      } finally {
        this.disposeNetwork(net);
      }
      this.bufferKeysByModels.set(models, keys);
    }
    return keys;
  }

  /** Every state entry of the network, keys prefixed `backbone.` / `headPrefix`. */
  protected exportNetwork(net: Network): ArrayRecord {
    return { ...prefixRecord(net.backbone.exportState(), BACKBONE_PREFIX), ...prefixRecord(net.head.exportState(), this.headPrefix) };
  }

  protected disposeNetwork(net: Network): void {
    net.backbone.dispose();
    net.head.dispose();
  }

  /** What local SGD updates in `phase`. @default every parameter of backbone and head (buffers are not trained) */
  protected trainableVariables(net: Network, _phase?: P): tf.Variable[] {
    return [...net.backbone.params.values(), ...net.head.params.values()];
  }

  /** The local loss in `phase`. @default cross-entropy of head(backbone(x)) with BatchNorm in train mode */
  protected localObjective(net: Network, _ctx: ClientTrainContext, _phase?: P): LocalObjective {
    return { loss: (batch) => crossEntropy(net.head.apply(net.backbone.apply(batch.x, 'train')), batch.y) };
  }

  /**
   * Keys that stay on the client (returned as `ClientUpdate.state`, restored over the payload next
   * time) and are never aggregated. @default none
   */
  protected personalKeys(_keys: readonly string[]): string[] {
    return [];
  }

  /** Keys the server aggregates. @default every key that is not personal */
  protected aggregatedKeys(global: ArrayRecord): string[] {
    const keys = Object.keys(global);
    const personal = new Set(this.personalKeys(keys));
    return keys.filter((k) => !personal.has(k));
  }

  /** A client's averaging weight. @default undefined: the aggregator uses n_k */
  protected aggregationWeight(_result: ClientResult, _ctx: ServerContext): number | undefined {
    return undefined;
  }
}

/** The entries of `record` whose key passes `keep` (arrays shared, not copied). */
export function selectKeys(record: ArrayRecord, keep: (key: string) => boolean): ArrayRecord {
  const out: ArrayRecord = {};
  for (const [k, v] of Object.entries(record)) if (keep(k)) out[k] = v;
  return out;
}

/** FedAvg's plugin object (also `FedAvg.plugin`). */
export const fedAvgPlugin: StrategyPlugin<FedAvgOptions> = FedAvg.plugin;
