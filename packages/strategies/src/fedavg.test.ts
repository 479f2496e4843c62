import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  FederatedClientData,
  PluginModelBuilder,
  createAggregator,
  createStrategy,
  silentLogger,
  type ArrayRecord,
  type ClientTrainContext,
  type ServerContext,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { testContainer } from '../../../test/fixtures/plugins.js';
import { createPatternDataset } from '../../../test/fixtures/pattern-dataset.js';
import { FedAvg } from './fedavg.js';

const dataset = createPatternDataset({ numClasses: 3, trainPerClass: 20, testPerClass: 4, side: 4, seed: 3 });
const train = { localEpochs: 1, batchSize: 32, lr: 0.5, momentum: 0, weightDecay: 0 };
const container = testContainer();
const logger = silentLogger();
const models = new PluginModelBuilder(container, { backbone: { name: 'tiny-mlp', options: { featureDim: 5 } } }, dataset.imageShape, 3);
const aggregator = createAggregator(container, 'fedavg', {}, logger);
const fedavg = createStrategy(container, 'fedavg', {}, aggregator, logger) as FedAvg;
const server: ServerContext = {
  numClients: 2,
  numClasses: 3,
  clientClassCounts: [],
  clientSizes: [],
  models,
  rng: new Rng(1),
  train,
  logger,
};

function context(global: ArrayRecord, indices: number[], overrides: Partial<ClientTrainContext> = {}): ClientTrainContext {
  return {
    round: 1,
    clientId: 0,
    payload: global,
    state: undefined,
    data: new FederatedClientData(dataset, 0, indices, { augment: false }),
    train,
    numClasses: 3,
    rng: new Rng(5),
    models,
    logger,
    ...overrides,
  };
}

describe('FedAvg', () => {
  const global = fedavg.initialize(server);

  it('initialises backbone and head state, buffers included', () => {
    expect(Object.keys(global).sort()).toEqual([
      'backbone.fc.bias',
      'backbone.fc.weight',
      'backbone.featureMean',
      'head.bias',
      'head.weight',
    ]);
    expect(global['head.weight']!.shape).toEqual([3, 5]);
  });

  it('takes one SGD step on the cross-entropy of the whole network (checked on the head bias)', async () => {
    // 10 images and batch 32: one full-batch step, whose bias gradient is mean(softmax(z) − onehot(y)).
    const indices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const before = tf.memory().numTensors;
    const update = await fedavg.trainClient(context(global, indices));
    expect(tf.memory().numTensors).toBe(before);

    const [h, w, c] = dataset.imageShape;
    const pixels = new Float32Array(indices.length * h * w * c);
    dataset.fillBatch('train', indices, pixels, { augment: false });
    const x = Array.from({ length: indices.length }, (_, i) => pixels.subarray(i * h * w * c, (i + 1) * h * w * c));
    const W1 = global['backbone.fc.weight']!.data,
      b1 = global['backbone.fc.bias']!.data;
    const W2 = global['head.weight']!.data,
      b2 = global['head.bias']!.data;
    const grad = [0, 0, 0];
    x.forEach((xi, i) => {
      const f = Array.from({ length: 5 }, (_, j) => Math.max(0, b1[j]! + xi.reduce((s, v, p) => s + v * W1[j * 16 + p]!, 0)));
      const z = [0, 1, 2].map((k) => b2[k]! + f.reduce((s, v, j) => s + v * W2[k * 5 + j]!, 0));
      const zmax = Math.max(...z);
      const e = z.map((v) => Math.exp(v - zmax));
      const sum = e.reduce((s, v) => s + v, 0);
      const y = dataset.train.labels[indices[i]!]!;
      e.forEach((v, k) => (grad[k]! += (v / sum - (k === y ? 1 : 0)) / indices.length));
    });
    const expected = [0, 1, 2].map((k) => b2[k]! - train.lr * grad[k]!);
    Array.from(update.arrays['head.bias']!.data).forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    expect(update.numSamples).toBe(10);
    expect(update.state).toBeUndefined();
    expect(update.metrics!['loss']).toBeGreaterThan(0);
    // The running-statistics buffer moved with training (it is part of the update).
    expect(update.arrays['backbone.featureMean']!.data).not.toEqual(global['backbone.featureMean']!.data);
  });

  it('is a pure function of its context', async () => {
    const ctx = context(global, [3, 8, 13, 21, 34, 55], { train: { ...train, batchSize: 2, localEpochs: 2, momentum: 0.5 } });
    const a = await fedavg.trainClient(ctx);
    const b = await fedavg.trainClient({ ...ctx, rng: new Rng(5) });
    expect(a.arrays).toEqual(b.arrays);
  });

  it('aggregates every entry, buffers included, weighted by n_k', () => {
    const shift = (by: number): ArrayRecord =>
      Object.fromEntries(Object.entries(global).map(([k, v]) => [k, { shape: v.shape, data: v.data.map((x) => x + by) }]));
    const next = fedavg.aggregateTrain(
      1,
      global,
      [
        { clientId: 0, numSamples: 30, arrays: shift(1) },
        { clientId: 1, numSamples: 10, arrays: shift(-1) },
      ],
      server,
    );
    // (30·(w+1) + 10·(w−1)) / 40 = w + 0.5 for every entry.
    for (const [k, v] of Object.entries(global)) {
      Array.from(next[k]!.data).forEach((x, i) => expect(x).toBeCloseTo(v.data[i]! + 0.5, 5));
    }
  });

  it('hands the aggregator the buffers the model declares, not keys guessed from their names', () => {
    const seen: (readonly string[] | undefined)[] = [];
    const spy = createAggregator(container, 'fedavg', {}, logger);
    const recording = {
      name: 'recording',
      aggregate: (input: Parameters<typeof spy.aggregate>[0]) => (seen.push(input.bufferKeys), spy.aggregate(input)),
    };
    const strategy = createStrategy(container, 'fedavg', {}, recording, logger) as FedAvg;
    strategy.aggregateTrain(1, global, [{ clientId: 0, numSamples: 3, arrays: global }], server);
    strategy.aggregateTrain(2, global, [{ clientId: 0, numSamples: 3, arrays: global }], server);
    // tiny-mlp's one buffer (`featureMean`, a name no list of BatchNorm spellings holds), under the backbone prefix
    expect(seen).toEqual([['backbone.featureMean'], ['backbone.featureMean']]);
  });

  it('predicts GM with one variant, `global`, of shape [n, C]', () => {
    const predictor = fedavg.globalPredictor(global, server);
    const logits = tf.tidy(() => predictor.heads(predictor.features(tf.zeros([7, 4, 4, 1]))));
    expect(Object.keys(logits)).toEqual(['global']);
    expect(logits['global']!.shape).toEqual([7, 3]);
    logits['global']!.dispose();
    predictor.dispose();
  });

  it('builds an undecorated subclass with defaults, even when the container resolves the class itself', () => {
    class Undecorated extends FedAvg {}
    const s = container.resolve(Undecorated);
    expect(s.name).toBe('Undecorated');
    expect(s.summary()).toEqual({ strategy: 'Undecorated', options: {}, aggregator: 'fedavg' });
  });
});
