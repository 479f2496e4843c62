import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  FederatedClientData,
  PluginModelBuilder,
  RUN_STREAMS,
  createAggregator,
  createStrategy,
  parsePluginOptions,
  registerPlugin,
  silentLogger,
  type ArrayRecord,
  type ClientTrainContext,
  type ServerContext,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { testContainer } from '../../../../test/fixtures/plugins.js';
import { createPatternDataset } from '../../../../test/fixtures/pattern-dataset.js';
import { FEDLOGE_DEFAULTS, type FedLoGe, fedLoGePlugin, type FedLoGeOptions } from './fedloge.js';

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
// A short SSE-C refinement keeps the tests fast; the geometry itself is tested in sse-c.test.ts.
const fast: Partial<FedLoGeOptions> = { etfSteps: 300, sparsity: 0.3 };
const make = (options: Partial<FedLoGeOptions> = {}): FedLoGe =>
  createStrategy(container, 'fedloge', { ...fast, ...options }, aggregator, logger) as FedLoGe;
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

/** Client 2's round-1 stream. A fresh object each time: trainClient consumes the stream it is given. */
const clientStream = (seed = SEED): Rng => RUN_STREAMS.clientTrain(new Rng(seed), 1, 2);

function context(payload: ArrayRecord, overrides: Partial<ClientTrainContext> = {}): ClientTrainContext {
  return {
    round: 1,
    clientId: 2,
    payload,
    state: undefined,
    data: new FederatedClientData(dataset, 2, INDICES, { augment: false }),
    train,
    numClasses: C,
    rng: clientStream(),
    models,
    logger,
    ...overrides,
  };
}

/** Row-major matrix · vector helpers for the hand calculations. */
const dot = (a: ArrayLike<number>, b: ArrayLike<number>, offset = 0): number => {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += a[offset + i]! * b[i]!;
  return s;
};
const softmax = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / s);
};

/** Images of INDICES as flat vectors, and their labels. */
function batchOf(indices: number[]): { x: Float32Array[]; y: number[] } {
  const [h, w, c] = dataset.imageShape;
  const n = h * w * c;
  const pixels = new Float32Array(indices.length * n);
  dataset.fillBatch('train', indices, pixels, { augment: false });
  return {
    x: indices.map((_, i) => pixels.subarray(i * n, (i + 1) * n)),
    y: indices.map((i) => dataset.train.labels[i]!),
  };
}

/** tiny-mlp features relu(W1 x + b1) under `arrays`. */
function features(arrays: ArrayRecord, x: Float32Array): number[] {
  const W1 = arrays['backbone.fc.weight']!.data;
  const b1 = arrays['backbone.fc.bias']!.data;
  return Array.from({ length: D }, (_, j) => Math.max(0, b1[j]! + dot(W1, x, j * x.length)));
}

/** Expected bias after one full-batch SGD step on mean CE of a linear head (W [C, D], b) over features fs. */
function headBiasAfterStep(W: ArrayLike<number>, b: ArrayLike<number>, fs: number[][], y: number[]): number[] {
  const grad = new Array<number>(C).fill(0);
  fs.forEach((f, i) => {
    const p = softmax(Array.from({ length: C }, (_, c) => b[c]! + dot(W, f, c * D)));
    p.forEach((v, c) => (grad[c]! += (v - (c === y[i] ? 1 : 0)) / fs.length));
  });
  return Array.from({ length: C }, (_, c) => b[c]! - train.lr * grad[c]!);
}

describe('FedLoGe strategy', () => {
  const strategy = make();
  const global = strategy.initialize(server);

  it('sends and aggregates only backbone.* and gaux.* (no SSE-C, no local head)', () => {
    expect(Object.keys(global).sort()).toEqual([
      'backbone.fc.bias',
      'backbone.fc.weight',
      'backbone.featureMean',
      'gaux.bias',
      'gaux.weight',
    ]);
    expect(global['gaux.weight']!.shape).toEqual([C, D]);
  });

  it('one local step: backbone through the frozen SSE-C only, both heads by CE on the pre-step features', async () => {
    const update = await strategy.trainClient(context(global));
    const { x, y } = batchOf(INDICES);
    const fs = x.map((xi) => features(global, xi));
    const sse = strategy.sseCFor(SEED, D, C).sseC;

    // Backbone: d/db1 of mean CE(f·Sᵀ + s_b) through relu, one SGD step (momentum 0, full batch).
    const gradB1 = new Array<number>(D).fill(0);
    fs.forEach((f, i) => {
      const p = softmax(Array.from({ length: C }, (_, c) => sse.bias[c]! + dot(sse.weight, f, c * D)));
      for (let j = 0; j < D; j++) {
        if (f[j]! <= 0) continue; // relu gate
        let dLdf = 0;
        for (let c = 0; c < C; c++) dLdf += (p[c]! - (c === y[i] ? 1 : 0)) * sse.weight[c * D + j]!;
        gradB1[j]! += dLdf / fs.length;
      }
    });
    const b1 = global['backbone.fc.bias']!.data;
    Array.from(update.arrays['backbone.fc.bias']!.data).forEach((v, j) => expect(v).toBeCloseTo(b1[j]! - train.lr * gradB1[j]!, 5));

    // g_aux: CE on the features of the backbone *before* its step.
    const gaux = headBiasAfterStep(global['gaux.weight']!.data, global['gaux.bias']!.data, fs, y);
    Array.from(update.arrays['gaux.bias']!.data).forEach((v, c) => expect(v).toBeCloseTo(gaux[c]!, 5));

    // Local head: from the client's deterministic initial head, same features.
    const initial = strategy.initialLocalState(models, SEED, 2);
    const local = headBiasAfterStep(initial['local.weight']!.data, initial['local.bias']!.data, fs, y);
    Array.from(update.state!['local.bias']!.data).forEach((v, c) => expect(v).toBeCloseTo(local[c]!, 5));

    expect(Object.keys(update.arrays).some((k) => k.startsWith('local.'))).toBe(false);
    expect(Object.keys(update.state!).sort()).toEqual(['local.bias', 'local.weight']);
    expect(update.numSamples).toBe(INDICES.length);
    expect(update.metrics!['loss']).toBeGreaterThan(0);
  });

  it('heads never influence the backbone; the SSE-C does', async () => {
    const ctx = context(global, { train: { ...train, batchSize: 4, localEpochs: 2, momentum: 0.5 } });
    const base = await strategy.trainClient(ctx);
    // Other g_aux weights and another local head: the backbone result is unchanged.
    const otherGaux = { ...global, 'gaux.weight': { shape: [C, D], data: global['gaux.weight']!.data.map((v) => v * -3 + 0.1) } };
    const otherLocal = {
      'local.weight': { shape: [C, D], data: new Float32Array(C * D).fill(0.7) },
      'local.bias': { shape: [C], data: new Float32Array(C).fill(-1) },
    };
    const again = await strategy.trainClient({ ...ctx, payload: otherGaux, state: otherLocal, rng: clientStream() });
    for (const k of ['backbone.fc.weight', 'backbone.fc.bias', 'backbone.featureMean']) {
      expect(again.arrays[k]!.data).toEqual(base.arrays[k]!.data);
    }
    expect(again.arrays['gaux.weight']!.data).not.toEqual(base.arrays['gaux.weight']!.data);
    // Another SSE-C (other sparsity), same data order: the backbone trains differently.
    const otherSseC = await make({ sparsity: 0.5 }).trainClient({ ...ctx, rng: clientStream() });
    expect(otherSseC.arrays['backbone.fc.weight']!.data).not.toEqual(base.arrays['backbone.fc.weight']!.data);
  });

  it('keeps training the local head from the client state across rounds', async () => {
    const first = await strategy.trainClient(context(global));
    const second = await strategy.trainClient(context(global, { state: first.state, round: 2 }));
    const fresh = await strategy.trainClient(context(global, { round: 2 }));
    expect(second.state!['local.weight']!.data).not.toEqual(fresh.state!['local.weight']!.data);
    // g_aux starts from the payload, not from anything the client kept.
    expect(second.arrays['gaux.weight']!.data).toEqual(fresh.arrays['gaux.weight']!.data);
  });

  it('the SSE-C is frozen and never changes with training', async () => {
    const before = strategy.sseCFor(SEED, D, C);
    const weights = before.etf.denseWeight().arraySync();
    await strategy.trainClient(context(global, { train: { ...train, batchSize: 3, localEpochs: 2 } }));
    const after = strategy.sseCFor(SEED, D, C);
    expect(after).toBe(before);
    expect(after.etf.denseWeight().arraySync()).toEqual(weights);
  });

  it('builds the identical SSE-C in every instance from the run seed, whichever stream a hook was handed', () => {
    const onServer = make();
    const onWorker = make();
    onServer.globalPredictor(global, server).dispose(); // server: the strategy stream
    const clientStream = RUN_STREAMS.clientTrain(new Rng(SEED), 7, 3);
    const a = onServer.sseCFor(server.rng.seed, D, C).sseC;
    const b = onWorker.sseCFor(clientStream.seed, D, C).sseC;
    expect(b.etf).toEqual(a.etf);
    expect(b.bias).toEqual(a.bias);
    expect(make().sseCFor(SEED + 1, D, C).sseC.etf).not.toEqual(a.etf);
  });

  it('aggregates backbone and g_aux by n_k, never local heads', () => {
    const shift = (by: number): ArrayRecord =>
      Object.fromEntries(Object.entries(global).map(([k, v]) => [k, { shape: v.shape, data: v.data.map((x) => x + by) }]));
    const local = { 'local.weight': { shape: [C, D], data: new Float32Array(C * D).fill(9) } };
    const next = strategy.aggregateTrain(
      1,
      global,
      [
        { clientId: 0, numSamples: 30, arrays: shift(1), state: local },
        { clientId: 1, numSamples: 10, arrays: shift(-1), state: local },
      ],
      server,
    );
    expect(Object.keys(next).sort()).toEqual(Object.keys(global).sort());
    for (const [k, v] of Object.entries(global)) Array.from(next[k]!.data).forEach((x, i) => expect(x).toBeCloseTo(v.data[i]! + 0.5, 5));
  });

  it('GM variants sse-c (headline), ga-fr, gaux match hand-computed logits', () => {
    const predictor = strategy.globalPredictor(global, server);
    const { x } = batchOf([11, 12]);
    const input = tf.tensor4d(Float32Array.from(x.flatMap((v) => Array.from(v))), [2, ...dataset.imageShape]);
    const f = predictor.features(input);
    const logits = predictor.heads(f);
    expect(Object.keys(logits)).toEqual(['sse-c', 'ga-fr', 'gaux']);
    const sse = strategy.sseCFor(SEED, D, C).sseC;
    const W = global['gaux.weight']!.data;
    const b = global['gaux.bias']!.data;
    const rowNorm = (c: number): number => Math.hypot(...Array.from(W.subarray(c * D, (c + 1) * D)));
    x.forEach((xi, i) => {
      const fi = features(global, xi);
      for (let c = 0; c < C; c++) {
        expect(logits['sse-c']!.arraySync()[i]![c]).toBeCloseTo(sse.bias[c]! + dot(sse.weight, fi, c * D), 5);
        expect(logits['gaux']!.arraySync()[i]![c]).toBeCloseTo(b[c]! + dot(W, fi, c * D), 5);
        expect(logits['ga-fr']!.arraySync()[i]![c]).toBeCloseTo(b[c]! + (1.7 / rowNorm(c)) * dot(W, fi, c * D), 5);
      }
    });
    for (const t of [input, f, ...Object.values(logits)]) t.dispose();
    predictor.dispose();
  });

  it('PM variants stage1 (headline) and la-fr; a never-selected client uses its initial local head', async () => {
    const trained = await strategy.trainClient(context(global));
    const f = tf.tensor2d([
      [0.5, 0, 1, 2, 0.25, 0],
      [0, 1, 0, 0, 3, 1],
    ]);
    const W = global['gaux.weight']!.data;
    const b = global['gaux.bias']!.data;
    const data = new FederatedClientData(dataset, 2, INDICES, { augment: false });
    for (const state of [trained.state!, undefined]) {
      const predictor = strategy.personalPredictor(
        global,
        { clientId: 2, state, data, rng: RUN_STREAMS.personal(new Rng(SEED), 1, 2) },
        server,
      );
      expect(predictor.kind).toBe('heads');
      if (predictor.kind !== 'heads') throw new Error('unreachable');
      const logits = predictor.heads(f);
      expect(Object.keys(logits)).toEqual(['stage1', 'la-fr']);
      const localState = state ?? strategy.initialLocalState(models, SEED, 2);
      const LW = localState['local.weight']!.data;
      const Lb = localState['local.bias']!.data;
      f.arraySync().forEach((fi, i) => {
        for (let c = 0; c < C; c++) {
          const localNorm = Math.hypot(...Array.from(LW.subarray(c * D, (c + 1) * D)));
          const local = Lb[c]! + dot(LW, fi, c * D);
          expect(logits['stage1']!.arraySync()[i]![c]).toBeCloseTo(local + b[c]! + dot(W, fi, c * D), 4);
          expect(logits['la-fr']!.arraySync()[i]![c]).toBeCloseTo(local + b[c]! + localNorm * dot(W, fi, c * D), 4);
        }
      });
      for (const t of Object.values(logits)) t.dispose();
      predictor.dispose();
    }
    f.dispose();
  });

  it('leaks no tensors across rounds of training and evaluation', async () => {
    const round = async (r: number): Promise<void> => {
      const update = await strategy.trainClient(context(global, { round: r, train: { ...train, batchSize: 4 } }));
      const gm = strategy.globalPredictor(global, server);
      tf.dispose(tf.tidy(() => gm.heads(gm.features(tf.zeros([3, ...dataset.imageShape]) as tf.Tensor4D))));
      gm.dispose();
      const pm = strategy.personalPredictor(
        global,
        { clientId: 2, state: update.state, data: context(global).data, rng: new Rng(1) },
        server,
      );
      if (pm.kind === 'heads') tf.dispose(tf.tidy(() => pm.heads(tf.ones([2, D]) as tf.Tensor2D)));
      pm.dispose();
    };
    await round(1); // warms the SSE-C cache
    const before = tf.memory().numTensors;
    await round(2);
    await round(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gives the same update with 'tfjs' and 'native' kernels", async () => {
    const ctx = context(global, { train: { ...train, batchSize: 4, momentum: 0.5 } });
    const viaTfjs = await make({ kernels: 'tfjs' }).trainClient(ctx);
    const viaNative = await make({ kernels: 'native' }).trainClient({ ...ctx, rng: clientStream() });
    for (const [k, v] of Object.entries(viaTfjs.arrays)) {
      Array.from(viaNative.arrays[k]!.data).forEach((x, i) => expect(x).toBeCloseTo(v.data[i]!, 4));
    }
  });

  it('resolves its options with the documented defaults and explains bad ones', () => {
    expect(parsePluginOptions(fedLoGePlugin, {})).toEqual(FEDLOGE_DEFAULTS);
    expect(() => parsePluginOptions(fedLoGePlugin, { sparsity: 1 })).toThrow(/fedloge' option sparsity/);
    expect(() => parsePluginOptions(fedLoGePlugin, { kernels: 'gpu' })).toThrow(/option kernels/);
    expect(() => parsePluginOptions(fedLoGePlugin, { realignNorm: 0 })).toThrow(/option realignNorm/);
    // A misspelt option is an error, not silently ignored.
    expect(() => parsePluginOptions(fedLoGePlugin, { sparstiy: 0.5 })).toThrow(/sparstiy/);
  });
});
