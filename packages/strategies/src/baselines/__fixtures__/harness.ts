/**
 * Test harness for the baseline strategies: a tiny long-tailed federation of the framework's
 * pattern data set, the real plugin registry (core plugins + the test MLP backbone), the real
 * `fedavg` aggregator, and builders for the contexts the framework passes to strategy hooks.
 * Nothing here imitates the framework: every object is the one the simulation itself uses.
 */
import 'reflect-metadata';
import type * as tf from '@tensorflow/tfjs-core';
import {
  FederatedClientData,
  PluginModelBuilder,
  createAggregator,
  createStrategy,
  registerPlugin,
  silentLogger,
  type ArrayRecord,
  type Batch,
  type ClientTrainContext,
  type ModelBuilder,
  type PersonalContext,
  type ServerContext,
  type Strategy,
  type StrategyPlugin,
  type TrainConfig,
} from '@fedloge/core';
import { Rng, type ImageDataset } from '@fedloge/core/data';
import type { DependencyContainer } from 'tsyringe';
import { testCoreContainer } from '../../../../../test/fixtures/core-container.js';
import { createPatternDataset } from '../../../../../test/fixtures/pattern-dataset.js';
import { bnMlpModelPlugin } from './bn-mlp-backbone.js';
import type { FedAvg, LocalObjective, Network } from '../../fedavg.js';

export const NUM_CLASSES = 4;
export const FEATURE_DIM = 8;

export const TRAIN: TrainConfig = { localEpochs: 1, batchSize: 8, lr: 0.1, momentum: 0, weightDecay: 0 };

export interface Harness {
  readonly container: DependencyContainer;
  readonly dataset: ImageDataset;
  readonly models: ModelBuilder;
  /** Build a registered baseline through the registry, as the CLI does. */
  strategy<S extends Strategy>(plugin: StrategyPlugin, options?: unknown): S;
  /** A client holding the first `counts[c]` training images of each class c. */
  client(clientId: number, counts: readonly number[]): FederatedClientData;
  server(clients: readonly FederatedClientData[], seed?: number): ServerContext;
  trainContext(
    client: FederatedClientData,
    payload: ArrayRecord,
    extra?: { state?: ArrayRecord; train?: Partial<TrainConfig>; round?: number; seed?: number },
  ): ClientTrainContext;
  personalContext(client: FederatedClientData, state: ArrayRecord | undefined, seed?: number): PersonalContext;
}

/** @param backbone `tiny-mlp` (default), `bn-mlp` (with BatchNorm) or a core backbone such as `resnet8`. */
export function harness(
  backbone: { name: string; options?: unknown } = { name: 'tiny-mlp', options: { featureDim: FEATURE_DIM } },
): Harness {
  const container = testCoreContainer();
  registerPlugin(container, bnMlpModelPlugin);
  const dataset = createPatternDataset({ numClasses: NUM_CLASSES, trainPerClass: 40, testPerClass: 10, seed: 3 });
  const models = new PluginModelBuilder(container, { backbone }, dataset.imageShape, NUM_CLASSES);
  const logger = silentLogger();
  return {
    container,
    dataset,
    models,
    strategy<S extends Strategy>(plugin: StrategyPlugin, options?: unknown): S {
      registerPlugin(container, plugin);
      const aggregator = createAggregator(container, 'fedavg', {}, logger);
      return createStrategy(container, plugin.name, options, aggregator, logger) as S;
    },
    client(clientId, counts) {
      const indices: number[] = [];
      counts.forEach((n, c) => {
        for (let i = 0, taken = 0; i < dataset.train.count && taken < n; i++) {
          if (dataset.train.labels[i] === c) {
            indices.push(i);
            taken++;
          }
        }
      });
      return new FederatedClientData(dataset, clientId, indices, { augment: false });
    },
    server(clients, seed = 1) {
      return {
        numClients: clients.length,
        numClasses: NUM_CLASSES,
        clientClassCounts: clients.map((c) => c.classCounts),
        clientSizes: clients.map((c) => c.numSamples),
        models,
        rng: new Rng(seed, 'server'),
        train: TRAIN,
        logger,
      };
    },
    trainContext(client, payload, extra = {}) {
      return {
        round: extra.round ?? 1,
        clientId: client.clientId,
        payload,
        state: extra.state,
        data: client,
        train: { ...TRAIN, ...extra.train },
        numClasses: NUM_CLASSES,
        rng: new Rng(extra.seed ?? 5).derive('client', client.clientId),
        models,
        logger,
      };
    },
    personalContext(client, state, seed = 9) {
      return { clientId: client.clientId, state, data: client, rng: new Rng(seed).derive('personal', client.clientId) };
    },
  };
}

/** The protected FedAvg hooks, opened for tests that check a strategy's network and loss directly. */
export interface FedAvgHooks {
  buildNetwork(models: ModelBuilder, arrays: ArrayRecord): Network;
  disposeNetwork(net: Network): void;
  localObjective(net: Network, ctx: ClientTrainContext): LocalObjective;
  trainableVariables(net: Network): tf.Variable[];
  personalKeys(keys: readonly string[]): string[];
  aggregatedKeys(global: ArrayRecord): string[];
}

export function hooksOf(strategy: FedAvg<object>): FedAvgHooks {
  const open = strategy as unknown as FedAvgHooks;
  return {
    buildNetwork: (m, a) => open.buildNetwork(m, a),
    disposeNetwork: (n) => open.disposeNetwork(n),
    localObjective: (n, c) => open.localObjective(n, c),
    trainableVariables: (n) => open.trainableVariables(n),
    personalKeys: (k) => open.personalKeys(k),
    aggregatedKeys: (g) => open.aggregatedKeys(g),
  };
}

/** The client's whole training set as one batch (no augmentation): a fixed batch for loss checks. */
export function wholeBatch(client: FederatedClientData): Batch {
  const batches = [...client.batches(new Rng(0, 'whole-batch'), client.numSamples, { augment: false })];
  if (batches.length !== 1) throw new Error('wholeBatch: expected exactly one batch');
  return batches[0]!;
}

/** Mean of −log softmax(z + o)[y] in float64 over rows, classes with offset −∞ left out. */
export function referenceOffsetCrossEntropy(logits: number[][], labels: ArrayLike<number>, offsets: readonly number[]): number {
  let total = 0;
  logits.forEach((row, i) => {
    const shifted = row.map((v, c) => v + offsets[c]!);
    const finite = shifted.filter((v) => Number.isFinite(v));
    const max = Math.max(...finite);
    total += max + Math.log(finite.reduce((s, v) => s + Math.exp(v - max), 0)) - shifted[labels[i]!]!;
  });
  return total / logits.length;
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Whether two records hold exactly the same values under `key`. */
export function sameEntry(a: ArrayRecord, b: ArrayRecord, key: string): boolean {
  const x = a[key];
  const y = b[key];
  if (!x || !y) throw new Error(`sameEntry: '${key}' missing (${!x ? 'first' : 'second'} record)`);
  return maxAbsDiff(x.data, y.data) === 0;
}
