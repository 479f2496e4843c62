import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCoreContainer } from '../../../../test/fixtures/core-container.js';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { PersonalHeadAvg, personalHeadAvgPlugin } from '../../../../test/fixtures/my-strategy.js';
import type { ArrayEntry, ArrayRecord } from '../arrays.js';
import { silentLogger } from '../logger.js';
import { argmaxRows } from '../metrics/argmax.js';
import { tallyPredictions } from '../metrics/class-tally.js';
import { globalModelAccuracy, globalTestDistribution, meanOverClients, type ShotAccuracy } from '../metrics/shot-accuracy.js';
import { registerPlugin } from '../plugins/registry.js';
import { Rng } from '../random.js';
import type { GlobalPredictor, PersonalPredictor, ServerContext, Strategy } from '../strategy.js';
import { buildClientData, buildClientRuntime } from './client-runtime.js';
import { NO_DATA, downloadLogits, localTestSets, scoreLocalLogits, testImages } from './client-scoring.js';
import { ClientStateStore } from './client-state-store.js';
import { Evaluator } from './evaluator.js';
import { RUN_STREAMS } from './streams.js';

// A real model with BatchNorm (ResNet-8: conv, BN in eval mode, residual adds, GAP) on small images.
// Its BatchNorm statistics and affine parameters are drawn at random and its head is the nearest
// class mean of its training features, rather than trained: the property under test holds for any
// weights, and a briefly trained ResNet-8 on this long tail predicts one class for nearly every
// image, under which a wrong row in the cache would go unnoticed. Half of the clients hold a personal
// head: that head plus noise.
const data = createPatternFederation({ numClasses: 4, trainPerClass: 60, testPerClass: 24, numClients: 6, side: 8, seed: 5 });
const train = { localEpochs: 1, batchSize: 32, lr: 0.05, momentum: 0.5, weightDecay: 0 };
const SEED = 13;
const EVAL_BATCH = 32;

/** Counts the images that go through the global backbone (`GlobalPredictor.features`). */
class CountingStrategy extends PersonalHeadAvg {
  backboneImages = 0;
  override globalPredictor(global: ArrayRecord, ctx: ServerContext): GlobalPredictor {
    const inner = super.globalPredictor(global, ctx);
    return {
      features: (x) => {
        this.backboneImages += x.shape[0];
        return inner.features(x);
      },
      heads: (f) => inner.heads(f),
      dispose: () => inner.dispose(),
    };
  }
}

/** The same strategy without a personal predictor: its PM is the default (the GM heads on the global features). */
function withoutPersonalPredictor(s: CountingStrategy): Strategy {
  return {
    name: s.name,
    initialize: (ctx) => s.initialize(ctx),
    trainClient: (ctx) => s.trainClient(ctx),
    aggregateTrain: (round, global, results) => s.aggregateTrain(round, global, results),
    globalPredictor: (global, ctx) => s.globalPredictor(global, ctx),
  };
}

let runtime: ReturnType<typeof buildClientRuntime>;
let global: ArrayRecord;
let states: ClientStateStore;

beforeAll(async () => {
  const container = testCoreContainer();
  registerPlugin(container, personalHeadAvgPlugin);
  runtime = buildClientRuntime(
    container,
    {
      strategy: { name: 'personal-head-avg', options: { pmPredictor: 'heads' } },
      aggregator: { name: 'fedavg' },
      model: { backbone: { name: 'resnet8' } },
      train,
      seed: SEED,
      augment: false,
    },
    data,
    silentLogger(),
  );
  const rng = new Rng(SEED, 'evaluator-test');
  const draw = (e: ArrayEntry, f: () => number): ArrayEntry => ({ shape: e.shape, data: e.data.map(f) });
  const initial = await runtime.strategy.initialize(serverContext(0));
  const withBn: ArrayRecord = Object.fromEntries(
    Object.entries(initial).map(([key, e]) => {
      if (key.endsWith('.runningVar')) return [key, draw(e, () => rng.uniform(0.5, 2))];
      if (key.endsWith('.gamma')) return [key, draw(e, () => rng.uniform(0.5, 1.5))];
      if (key.endsWith('.runningMean') || key.endsWith('.beta')) return [key, draw(e, () => rng.normal(0, 0.3))];
      return [key, e];
    }),
  );
  global = { ...withBn, ...nearestMeanHead(withBn) };
  states = new ClientStateStore();
  for (const k of [0, 2, 4]) {
    const w = global['head.weight']!;
    const b = global['head.bias']!;
    states.set(k, {
      'personal.weight': { shape: w.shape, data: w.data.map((v) => v + rng.normal(0, 0.3 * Math.abs(v) + 1e-3)) },
      'personal.bias': { shape: b.shape, data: b.data.map((v) => v + rng.normal(0, 0.3 * Math.abs(v) + 1e-3)) },
    });
  }
});

/** head.weight = μ_c, head.bias = −‖μ_c‖²/2 (argmax = the nearest class mean μ_c of the training features). */
function nearestMeanHead(arrays: ArrayRecord): ArrayRecord {
  const predictor = runtime.strategy.globalPredictor(arrays, serverContext(0));
  try {
    const indices = Int32Array.from(data.partition.trainIndices.flat());
    const [h, w, c] = data.dataset.imageShape;
    const pixels = new Float32Array(indices.length * h * w * c);
    data.dataset.fillBatch('train', indices, pixels, { augment: false });
    const features = tf.tidy(() => predictor.features(tf.tensor4d(pixels, [indices.length, h, w, c])).arraySync());
    const d = features[0]!.length;
    const C = data.dataset.numClasses;
    const sums = Array.from({ length: C }, () => new Float64Array(d));
    const counts = new Array<number>(C).fill(0);
    indices.forEach((i, r) => {
      const y = data.dataset.train.labels[i]!;
      counts[y]!++;
      features[r]!.forEach((v, j) => (sums[y]![j]! += v));
    });
    const means = sums.map((s, y) => Array.from(s, (v) => v / counts[y]!));
    return {
      'head.weight': { shape: [C, d], data: Float32Array.from(means.flat()) },
      'head.bias': { shape: [C], data: Float32Array.from(means, (m) => -m.reduce((s, v) => s + v * v, 0) / 2) },
    };
  } finally {
    predictor.dispose();
  }
}

function serverContext(round: number): ServerContext {
  const clients = buildClientData(data, false);
  return {
    numClients: clients.length,
    numClasses: data.dataset.numClasses,
    clientClassCounts: clients.map((c) => c.classCounts),
    clientSizes: clients.map((c) => c.numSamples),
    models: runtime.models,
    rng: RUN_STREAMS.serverCall(new Rng(SEED), 'evaluate', round),
    train,
    logger: silentLogger(),
  };
}

function evaluator(strategy: Strategy): Evaluator {
  return new Evaluator({ strategy, data, clients: buildClientData(data, false), batchSize: EVAL_BATCH, pmMasking: true, seed: SEED });
}

/** Logits of the images `indices` per variant, every one of them through the global backbone in one batch. */
async function forwardAll(
  strategy: Strategy,
  ctx: ServerContext,
  indices: Int32Array,
  personal: PersonalPredictor | undefined,
): Promise<Map<string, Float32Array>> {
  const predictor = strategy.globalPredictor(global, ctx);
  try {
    const logits = tf.tidy(() => {
      const features = predictor.features(testImages(data, 'test', indices));
      if (!personal) return predictor.heads(features);
      if (personal.kind !== 'heads') throw new Error('expected a heads predictor');
      return personal.heads(features);
    });
    return await downloadLogits(logits, data.dataset.numClasses, 'test');
  } finally {
    predictor.dispose();
  }
}

/**
 * The evaluation without the feature cache: the whole test set through the backbone for GM, then
 * every client's local test images through the backbone again, for its own PM.
 */
async function uncachedVariants(strategy: Strategy, round: number): Promise<Record<string, ShotAccuracy>> {
  const ctx = serverContext(round);
  const clients = buildClientData(data, false);
  const variants: Record<string, ShotAccuracy> = {};
  const all = Int32Array.from({ length: data.dataset.test.count }, (_, i) => i);
  const labels = Int32Array.from(data.dataset.test.labels);
  const C = data.dataset.numClasses;
  const distribution = globalTestDistribution(labels, data.partition.localTestIndices, C);
  for (const [name, logits] of await forwardAll(strategy, ctx, all, undefined)) {
    variants[`gm/${name}`] = globalModelAccuracy(tallyPredictions(argmaxRows(logits, all.length, C), labels, C), distribution);
  }
  const perClient = new Map<string, { masked: ShotAccuracy[]; unmasked: ShotAccuracy[] }>();
  for (const [k, local] of localTestSets(data).entries()) {
    if (local.indices.length === 0) continue;
    const personal = await strategy.personalPredictor?.(
      global,
      { clientId: k, state: states.get(k), data: clients[k]!, rng: RUN_STREAMS.personal(new Rng(SEED), round, k) },
      ctx,
    );
    try {
      const scores = scoreLocalLogits(await forwardAll(strategy, ctx, local.indices, personal), local, data.dataset.numClasses);
      for (const [name, s] of scores) {
        const entry = perClient.get(name) ?? { masked: [], unmasked: [] };
        entry.masked.push(s.masked);
        entry.unmasked.push(s.unmasked);
        perClient.set(name, entry);
      }
    } finally {
      personal?.dispose();
    }
  }
  for (const [name, { masked, unmasked }] of perClient) {
    variants[`pm/${name}`] = meanOverClients(masked);
    variants[`pm/${name}/unmasked`] = meanOverClients(unmasked);
  }
  return variants;
}

describe('Evaluator: shared global features', () => {
  it.each([
    { what: 'a heads PM predictor (personal head on the global backbone)', personal: true },
    { what: 'the default PM (the GM on each local test set)', personal: false },
  ])('scores $what exactly as running the backbone again per client, with one forward pass per test image', async ({ personal }) => {
    const counting = new CountingStrategy(strategyArgs());
    const strategy = personal ? counting : withoutPersonalPredictor(counting);
    const cached = await evaluator(strategy).evaluate(2, global, serverContext(2), states);
    // Each distinct test image went through the backbone once: the local test sets are rows of the test split.
    expect(counting.backboneImages).toBe(data.dataset.test.count);
    const local = localTestSets(data);
    expect(local.every((l) => l.indices.every((i) => i < data.dataset.test.count))).toBe(true);

    counting.backboneImages = 0;
    const uncached = await uncachedVariants(strategy, 2);
    const localImages = local.reduce((s, l) => s + l.indices.length, 0);
    expect(counting.backboneImages).toBe(data.dataset.test.count + localImages);
    // The predictions vary over the images (head, middle and tail classes all predicted), so a cache
    // that handed a client the wrong rows would change the counts.
    expect(Object.values(cached.gmPredicted['gm/avg']!).every((n) => n > 0)).toBe(true);
    // Identical, not close: on the cpu backend an image's features do not depend on which other
    // images share its batch (convolution, BatchNorm in eval mode and pooling are per image; the
    // head's matmul sums over the feature dimension only), and the cache hands each client exact
    // copies of its rows, so every argmax and therefore every count is the same.
    expect(cached.variants).toEqual(uncached);
    expect(Object.keys(uncached).some((k) => k.startsWith('pm/'))).toBe(true);
    expect(cached.pm).not.toEqual(NO_DATA);
  });

  it('keeps the number of live tensors constant across evaluations', async () => {
    const e = evaluator(new CountingStrategy(strategyArgs()));
    await e.evaluate(2, global, serverContext(2), states); // warm-up: the backend's first kernels
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await e.evaluate(2, global, serverContext(2), states);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

function strategyArgs() {
  return { name: 'personal-head-avg', aggregator: runtime.aggregator, options: { pmPredictor: 'heads' as const } };
}
