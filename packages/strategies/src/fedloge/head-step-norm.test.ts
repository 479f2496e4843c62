import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import {
  FederatedClientData,
  PluginModelBuilder,
  RUN_STREAMS,
  createAggregator,
  createStrategy,
  registerPlugin,
  silentLogger,
  type ArrayRecord,
  type ClientTrainContext,
  type ServerContext,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { testContainer } from '../../../../test/fixtures/plugins.js';
import { createPatternDataset } from '../../../../test/fixtures/pattern-dataset.js';
import { type FedLoGe, fedLoGePlugin, type FedLoGeOptions } from './fedloge.js';

// The headStepNorm stabiliser against a hand calculation: one full-batch step, momentum 0.
const C = 3;
const D = 6;
const SEED = 17;
const dataset = createPatternDataset({ numClasses: C, trainPerClass: 20, testPerClass: 4, side: 4, seed: 3 });
const train = { localEpochs: 1, batchSize: 32, lr: 0.5, momentum: 0, weightDecay: 0 };
const container = testContainer();
registerPlugin(container, fedLoGePlugin);
const logger = silentLogger();
const models = new PluginModelBuilder(container, { backbone: { name: 'tiny-mlp', options: { featureDim: D } } }, dataset.imageShape, C);
const aggregator = createAggregator(container, 'fedavg', {}, logger);
const make = (options: Partial<FedLoGeOptions> = {}): FedLoGe =>
  createStrategy(container, 'fedloge', { etfSteps: 300, sparsity: 0.3, kernels: 'tfjs', ...options }, aggregator, logger) as FedLoGe;
const server: ServerContext = {
  numClients: 4,
  numClasses: C,
  clientClassCounts: [],
  clientSizes: [],
  models,
  rng: RUN_STREAMS.strategy(new Rng(SEED)),
  train,
  logger,
};
const INDICES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const context = (payload: ArrayRecord): ClientTrainContext => ({
  round: 1,
  clientId: 2,
  payload,
  state: undefined,
  data: new FederatedClientData(dataset, 2, INDICES, { augment: false }),
  train,
  numClasses: C,
  rng: RUN_STREAMS.clientTrain(new Rng(SEED), 1, 2),
  models,
  logger,
});

/** tiny-mlp features relu(W1 x + b1) of the INDICES images under `arrays`, and their labels. */
function featuresAndLabels(arrays: ArrayRecord): { fs: number[][]; y: number[] } {
  const n = dataset.imageShape[0] * dataset.imageShape[1] * dataset.imageShape[2];
  const pixels = new Float32Array(INDICES.length * n);
  dataset.fillBatch('train', INDICES, pixels, { augment: false });
  const W1 = arrays['backbone.fc.weight']!.data;
  const b1 = arrays['backbone.fc.bias']!.data;
  const fs = INDICES.map((_, i) =>
    Array.from({ length: D }, (_, j) => {
      let s = b1[j]!;
      for (let p = 0; p < n; p++) s += W1[j * n + p]! * pixels[i * n + p]!;
      return Math.max(0, s);
    }),
  );
  return { fs, y: INDICES.map((i) => dataset.train.labels[i]!) };
}

/** Gradient of mean CE w.r.t. the bias of a linear head W [C, D], b over features fs. */
function biasGradient(W: ArrayLike<number>, b: ArrayLike<number>, fs: number[][], y: number[]): number[] {
  const grad = new Array<number>(C).fill(0);
  fs.forEach((f, i) => {
    const z = Array.from({ length: C }, (_, c) => b[c]! + f.reduce((s, v, j) => s + v * W[c * D + j]!, 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, v) => a + v, 0);
    e.forEach((v, c) => (grad[c]! += (v / sum - (c === y[i] ? 1 : 0)) / fs.length));
  });
  return grad;
}

describe('FedLoGe headStepNorm (stabiliser, off by default)', () => {
  const reference = make();
  const global = reference.initialize(server);
  const { fs, y } = featuresAndLabels(global);
  const meanSquaredNorm = fs.reduce((s, f) => s + f.reduce((a, v) => a + v * v, 0), 0) / fs.length;

  it('is off by default: the reference head step, and the feature norm and head update norms are reported', async () => {
    expect(reference.resolvedOptions.headStepNorm).toBeUndefined();
    const update = await reference.trainClient(context(global));
    const g = biasGradient(global['gaux.weight']!.data, global['gaux.bias']!.data, fs, y);
    Array.from(update.arrays['gaux.bias']!.data).forEach((v, c) =>
      expect(v).toBeCloseTo(global['gaux.bias']!.data[c]! - train.lr * g[c]!, 5),
    );
    expect(update.metrics!['featureNorm']).toBeCloseTo(Math.sqrt(meanSquaredNorm), 4);
    expect(update.metrics!['headStepScale']).toBe(1);
    let moved = 0;
    for (const key of ['gaux.weight', 'gaux.bias']) {
      update.arrays[key]!.data.forEach((v, i) => (moved += (v - global[key]!.data[i]!) ** 2));
    }
    expect(update.metrics!['gauxUpdateNorm']).toBeCloseTo(Math.sqrt(moved), 5);
  });

  it('scales each head step by ρ²/mean‖f‖² when the features are larger than ρ, and leaves the backbone alone', async () => {
    const rho = 0.5 * Math.sqrt(meanSquaredNorm); // scale 1/4
    const stabilised = make({ headStepNorm: rho });
    const update = await stabilised.trainClient(context(global));
    const plain = await reference.trainClient(context(global));
    const scale = (rho * rho) / meanSquaredNorm;
    expect(update.metrics!['headStepScale']).toBeCloseTo(scale, 5);
    const g = biasGradient(global['gaux.weight']!.data, global['gaux.bias']!.data, fs, y);
    Array.from(update.arrays['gaux.bias']!.data).forEach((v, c) =>
      expect(v).toBeCloseTo(global['gaux.bias']!.data[c]! - train.lr * scale * g[c]!, 5),
    );
    // The reported head loss is the unscaled cross-entropy, as without the option.
    expect(update.metrics!['gauxLoss']).toBeCloseTo(plain.metrics!['gauxLoss']!, 5);
    expect(update.arrays['backbone.fc.weight']!.data).toEqual(plain.arrays['backbone.fc.weight']!.data);
    // Features already smaller than ρ: no scaling at all.
    const loose = await make({ headStepNorm: 2 * Math.sqrt(meanSquaredNorm) }).trainClient(context(global));
    expect(loose.arrays['gaux.bias']!.data).toEqual(plain.arrays['gaux.bias']!.data);
  });

  it('refuses a non-positive ρ', () => {
    expect(() => make({ headStepNorm: 0 })).toThrow(/headStepNorm/);
  });
});
