/**
 * The generic model export of core (`exportStateModel` / `loadStateModel`) with real strategies: a
 * loaded model's predictors give exactly the logits of the strategy's own predictors on the arrays
 * and client states it was exported from, and broken exports fail with errors that say what is wrong.
 */
import 'reflect-metadata';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FederatedClientData,
  PluginModelBuilder,
  RUN_STREAMS,
  createAggregator,
  createStrategy,
  exportStateModel,
  loadStateModel,
  silentLogger,
  type ArrayRecord,
  type ServerContext,
  type Strategy,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { testContainer } from '../../../test/fixtures/plugins.js';
import { createPatternDataset } from '../../../test/fixtures/pattern-dataset.js';

const C = 3;
const SEED = 7;
const ROUND = 4;
const dataset = createPatternDataset({ numClasses: C, trainPerClass: 12, testPerClass: 2, side: 4, seed: 2 });
const train = { localEpochs: 1, batchSize: 4, lr: 0.2, momentum: 0.5, weightDecay: 0 };
const container = testContainer();
const logger = silentLogger();
const model = { backbone: { name: 'tiny-mlp', options: { featureDim: 5 } } };
const models = new PluginModelBuilder(container, model, dataset.imageShape, C);
const clientIndices = [
  [0, 1, 2, 3, 12, 13],
  [4, 5, 6, 14, 15, 24],
  [7, 8, 25, 26, 27, 28],
];
const clients = clientIndices.map((indices, k) => new FederatedClientData(dataset, k, indices, { augment: false }));
const server = (rng: Rng): ServerContext => ({
  numClients: 3,
  numClasses: C,
  clientClassCounts: clients.map((c) => c.classCounts),
  clientSizes: clients.map((c) => c.numSamples),
  models,
  rng,
  train,
  logger,
});
const strategyOf = (name: string, options: object = {}): Strategy =>
  createStrategy(container, name, options, createAggregator(container, 'fedavg', {}, logger), logger);

/** Global arrays after client 1 trained once, and the client states (client 1's only). */
async function trained(strategy: Strategy): Promise<{ global: ArrayRecord; states: (ArrayRecord | undefined)[] }> {
  const initial = await strategy.initialize(server(RUN_STREAMS.serverCall(new Rng(SEED), 'initialize', 0)));
  const update = await strategy.trainClient({
    round: 1,
    clientId: 1,
    payload: initial,
    state: undefined,
    data: clients[1]!,
    train,
    numClasses: C,
    rng: RUN_STREAMS.clientTrain(new Rng(SEED), 1, 1),
    models,
    logger,
  });
  return { global: { ...initial, ...update.arrays }, states: [undefined, update.state, undefined] };
}

async function exportTo(dir: string, name: string, global: ArrayRecord, states: (ArrayRecord | undefined)[], options: object = {}) {
  return exportStateModel(dir, {
    strategy: { name, options },
    aggregator: { name: 'fedavg' },
    model,
    inputShape: dataset.imageShape,
    numClasses: C,
    seed: SEED,
    round: ROUND,
    train,
    augment: false,
    clientSizes: clients.map((c) => c.numSamples),
    clientClassCounts: clients.map((c) => c.classCounts),
    global,
    clientStates: states,
  });
}

/** Every variant's logits of `predict` on the first test images, as plain arrays. */
function logitsOf(predict: (x: tf.Tensor4D) => Record<string, tf.Tensor2D>): Record<string, number[]> {
  const [h, w, c] = dataset.imageShape;
  const pixels = new Float32Array(6 * h * w * c);
  dataset.fillBatch('test', [0, 1, 2, 3, 4, 5], pixels, { augment: false });
  const x = tf.tensor4d(pixels, [6, h, w, c]);
  try {
    const out = predict(x);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.dataSync())]));
  } finally {
    x.dispose();
  }
}

describe('generic model export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-model-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['fedper', { gmPersonalPart: 'initial' }],
    ['fedrod', {}],
    ['ditto', {}],
  ])('%s: the loaded GM and PM predict what the strategy predicts on the exported arrays', async (name, options) => {
    const strategy = strategyOf(name, options);
    const { global, states } = await trained(strategy);
    const out = join(dir, name);
    const { manifest, files } = await exportTo(out, name, global, states, options);
    expect(files).toEqual(['manifest.json', 'global.f32', 'client-states.f32', 'model.safetensors']);
    expect(manifest.clientsWithState).toEqual([1]);

    const loaded = await loadStateModel(out, { container, logger });
    const evaluate = server(RUN_STREAMS.serverCall(new Rng(SEED), 'evaluate', ROUND));
    const gm = strategy.globalPredictor(global, evaluate);
    const expectedGm = logitsOf((x) => tf.tidy(() => gm.heads(gm.features(x))));
    gm.dispose();
    const loadedGm = loaded.globalPredictor();
    expect(logitsOf((x) => loadedGm.logits(x))).toEqual(expectedGm);
    loadedGm.dispose();

    for (const k of [0, 1]) {
      const personal = await strategy.personalPredictor!(
        global,
        { clientId: k, state: states[k], data: clients[k]!, rng: RUN_STREAMS.personal(new Rng(SEED), ROUND, k) },
        evaluate,
      );
      let expected: Record<string, number[]>;
      if (personal.kind === 'model') {
        expected = logitsOf((x) => personal.predict(x));
      } else {
        const features = strategy.globalPredictor(global, evaluate);
        expected = logitsOf((x) => tf.tidy(() => personal.heads(features.features(x))));
        features.dispose();
      }
      personal.dispose();
      const pm = await loaded.personalPredictor(k);
      expect(
        logitsOf((x) => pm.logits(x)),
        `client ${k}`,
      ).toEqual(expected);
      pm.dispose();
    }
    // Client 1's personal part changed in training, so its PM differs from client 0's.
    const [pm0, pm1] = [await loaded.personalPredictor(0), await loaded.personalPredictor(1)];
    expect(logitsOf((x) => pm0.logits(x))).not.toEqual(logitsOf((x) => pm1.logits(x)));
    pm0.dispose();
    pm1.dispose();
  });

  it('fedbabu fine-tunes before predicting: with the client data as the run evaluated, without it a clear error', async () => {
    const strategy = strategyOf('fedbabu');
    const { global, states } = await trained(strategy);
    const out = join(dir, 'fedbabu');
    await exportTo(out, 'fedbabu', global, states);
    const withData = await loadStateModel(out, { container, logger, clientData: (k) => clients[k]! });
    const evaluate = server(RUN_STREAMS.serverCall(new Rng(SEED), 'evaluate', ROUND));
    const personal = await strategy.personalPredictor!(
      global,
      { clientId: 2, state: undefined, data: clients[2]!, rng: RUN_STREAMS.personal(new Rng(SEED), ROUND, 2) },
      evaluate,
    );
    if (personal.kind !== 'model') throw new Error('FedBABU predicts with its fine-tuned network');
    const expected = logitsOf((x) => personal.predict(x));
    personal.dispose();
    const pm = await withData.personalPredictor(2);
    expect(logitsOf((x) => pm.logits(x))).toEqual(expected);
    pm.dispose();

    const withoutData = await loadStateModel(out, { container, logger });
    await expect(withoutData.personalPredictor(2)).rejects.toThrow(
      /strategy 'fedbabu' trains client 2 on its training data before predicting; pass clientData/,
    );
    expect(() => withoutData.clientState(3)).toThrow(/client 3 is not in the model: the run had 3 clients \(ids 0 to 2\)/);
  });

  it('refuses broken exports, saying what is wrong', async () => {
    const strategy = strategyOf('fedavg');
    const { global, states } = await trained(strategy);
    const out = join(dir, 'broken');
    await exportTo(out, 'fedavg', global, states);
    await expect(loadStateModel(join(dir, 'missing'), { container })).rejects.toThrow(/No model at .*missing: cannot read manifest.json/);
    await writeFile(join(out, 'global.f32'), new Uint8Array(8));
    await expect(loadStateModel(out, { container })).rejects.toThrow(/global.f32: expected \d+ float32 values .* but the file has 8 bytes/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    await writeFile(join(out, 'manifest.json'), JSON.stringify({ ...manifest, format: 'fedloge-model' }));
    await expect(loadStateModel(out, { container })).rejects.toThrow(/expected format 'fedloge-state-model' but found 'fedloge-model'/);
    await expect(exportTo(join(dir, 'short'), 'fedavg', global, [undefined])).rejects.toThrow(/1 client states for 3 clients/);
  });
});
