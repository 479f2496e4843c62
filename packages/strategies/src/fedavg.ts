/**
 * Federated Averaging (FedAvg) [McMahan et al., 2017], "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS. https://arxiv.org/abs/1602.05629
 *
 * Each sampled client copies the global network (backbone + linear head), runs E local epochs of
 * mini-batch SGD on cross-entropy, and sends back its whole state; the server replaces every state
 * entry (BatchNorm running statistics included, as in the FedLoGe reference code) by the output of
 * the configured aggregator (`fedavg`: w ← Σ_k n_k/n · w_k, Algorithm 1). GM = the global network on
 * the balanced test set; PM = the same global network on each client's local test set (the default
 * when a strategy has no `personalPredictor`), baselines.md §2.1.
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
 * A subclass re-declares the constructor with the same two `@inject` tokens (tsyringe does not
 * inherit constructor metadata) and gives itself a `name`:
 *
 * ```ts
 * @injectable()
 * export class FedProx extends FedAvg {
 *   override readonly name: string = 'fedprox';
 *   constructor(@inject(TOKENS.Aggregator) aggregator: Aggregator, @inject(TOKENS.StrategyOptions) options: FedProxOptions) {
 *     super(aggregator, options);
 *   }
 *   protected override localObjective(net: Network, ctx: ClientTrainContext): LocalObjective { … }
 * }
 * ```
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import {
  SGD,
  TOKENS,
  crossEntropy,
  minimize,
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
  type ModelBuilder,
  type PersonalContext,
  type PersonalPredictor,
  type ServerContext,
  type Strategy,
  type StrategyPlugin,
  type TrainConfig,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';

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

/** Where a batch sits in local training (for objectives that treat some batches differently). */
export interface BatchPosition {
  /** 0-based local epoch. */
  readonly epoch: number;
  /** 0-based batch index within the epoch. */
  readonly batch: number;
}

/** The local loss of one client-round. Built once per client-round; `dispose` frees what it holds. */
export interface LocalObjective {
  loss(batch: Batch, position: BatchPosition): tf.Scalar;
  dispose?(): void;
}

/** Name of FedAvg's only GM/PM prediction variant. */
export const GLOBAL_VARIANT = 'global';

/**
 * `O` is the options type of a subclass (`class FedProx extends FedAvg<FedProxOptions>`), so
 * `this.options` is typed for it; FedAvg itself has none. `P` names the phases of a subclass that
 * runs the local loop more than once per client (see `trainLocal`); FedAvg has none.
 */
@injectable()
export class FedAvg<O extends object = FedAvgOptions, P = never> implements Strategy {
  readonly name: string = 'fedavg';
  /**
   * The FedAvg family's reference PM (`localtest_villina`) does not mask absent classes
   * (baselines.md §1); FedLoGe overrides this.
   */
  readonly referencePmMasking: boolean = false;
  protected readonly options: O;
  /** State-key prefix of the head's entries (`buildNetwork` / `exportNetwork`). @default `head.` */
  protected readonly headPrefix: string = HEAD_PREFIX;

  constructor(
    @inject(TOKENS.Aggregator) protected readonly aggregator: Aggregator,
    @inject(TOKENS.StrategyOptions) options: O,
  ) {
    if (!aggregator || typeof aggregator.aggregate !== 'function') {
      throw new Error(
        `${new.target.name} was constructed without an aggregator. Decorate the class with @injectable() and declare its ` +
          'constructor as (@inject(TOKENS.Aggregator) aggregator, @inject(TOKENS.StrategyOptions) options), then build it ' +
          'with createStrategy (tsyringe does not inherit constructor parameters).',
      );
    }
    this.options = options ?? ({} as O);
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
    return { ...global, ...this.aggregator.aggregate({ round, current, updates }) };
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
   * mean batch loss.
   */
  protected async trainLocal(ctx: ClientTrainContext, phase: P | undefined): Promise<ClientUpdate> {
    // The client's personal entries (if any) override the payload's.
    const start = ctx.state ? { ...ctx.payload, ...ctx.state } : ctx.payload;
    const net = this.buildNetwork(ctx.models, start);
    const variables = this.trainableVariables(net, phase);
    const optimizer = new SGD(variables, { lr: ctx.train.lr, momentum: ctx.train.momentum, weightDecay: ctx.train.weightDecay });
    const objective = this.localObjective(net, ctx, phase);
    let lossSum = 0;
    let steps = 0;
    try {
      for (let epoch = 0; epoch < ctx.train.localEpochs; epoch++) {
        let index = 0;
        for (const batch of ctx.data.batches(ctx.rng, ctx.train.batchSize)) {
          const position = { epoch, batch: index++ };
          try {
            lossSum += minimize(optimizer, () => objective.loss(batch, position), variables);
            steps++;
          } finally {
            batch.x.dispose();
            batch.y.dispose();
          }
        }
      }
      const trained = this.exportNetwork(net);
      const personal = new Set(this.personalKeys(Object.keys(trained)));
      const state = personal.size ? selectKeys(trained, (k) => personal.has(k)) : undefined;
      return {
        arrays: selectKeys(trained, (k) => !personal.has(k)),
        numSamples: ctx.data.numSamples,
        ...(state ? { state } : {}),
        metrics: { loss: steps ? lossSum / steps : NaN },
      };
    } finally {
      objective.dispose?.();
      optimizer.dispose();
      this.disposeNetwork(net);
    }
  }

  /**
   * Local training of one client at evaluation time (PM fine-tuning, local adaptation): one run of
   * `trainLocal` in `phase` from `start` on the client's training data with `train`, no personal
   * state; returns the trained entries.
   */
  protected async trainForEvaluation(start: ArrayRecord, client: PersonalContext, ctx: ServerContext, train: TrainConfig, phase: P | undefined): Promise<ArrayRecord> {
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
    const net = this.createNetwork(models, new Rng(0, 'fedavg/overwritten-init'));
    try {
      net.backbone.loadState(unprefixRecord(arrays, BACKBONE_PREFIX));
      net.head.loadState(unprefixRecord(arrays, this.headPrefix));
    } catch (e) {
      this.disposeNetwork(net);
      throw e;
    }
    return net;
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

export const fedAvgPlugin: StrategyPlugin<FedAvgOptions> = {
  kind: 'strategy',
  name: 'fedavg',
  description: 'FedAvg: whole network trained with CE, every state entry aggregated; PM = global model',
  paper: 'McMahan et al., AISTATS 2017, arXiv:1602.05629',
  options: fedAvgOptions,
  strategy: FedAvg,
};
