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
  silentLogger,
  type ArrayRecord,
  type ServerContext,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { testContainer } from '../../../../test/fixtures/plugins.js';
import { createPatternDataset } from '../../../../test/fixtures/pattern-dataset.js';
import { exportFedLoGeModel } from './export.js';
import type { FedLoGe } from './fedloge.js';
import { MANIFEST_FILE } from './model-format.js';
import { loadFedLoGeModel, type FedLoGeModel } from './predict.js';

const C = 3;
const D = 6;
const SEED = 5;
const dataset = createPatternDataset({ numClasses: C, trainPerClass: 20, testPerClass: 4, side: 4, seed: 3 });
const train = { localEpochs: 1, batchSize: 4, lr: 0.3, momentum: 0.5, weightDecay: 0 };
const container = testContainer();
const logger = silentLogger();
const backbone = { name: 'tiny-mlp', options: { featureDim: D } };
const models = new PluginModelBuilder(container, { backbone }, dataset.imageShape, C);
const strategy = createStrategy(
  container,
  'fedloge',
  { etfSteps: 200, sparsity: 0.3, realignNorm: 2.5 },
  createAggregator(container, 'fedavg', {}, logger),
  logger,
) as FedLoGe;
const server: ServerContext = {
  numClients: 3,
  numClasses: C,
  clientClassCounts: [],
  clientSizes: [],
  models,
  rng: RUN_STREAMS.strategy(new Rng(SEED)),
  train,
  logger,
};

describe('FedLoGe model export and inference modes', () => {
  let dir: string;
  let global: ArrayRecord;
  let states: (ArrayRecord | undefined)[];
  let model: FedLoGeModel;
  let x: tf.Tensor4D;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedloge-model-'));
    global = strategy.initialize(server);
    // Client 1 trained once (its head is in its state); clients 0 and 2 were never selected.
    const update = await strategy.trainClient({
      round: 1,
      clientId: 1,
      payload: global,
      state: undefined,
      data: new FederatedClientData(dataset, 1, [0, 1, 2, 3, 4, 5, 6, 7], { augment: false }),
      train,
      numClasses: C,
      rng: RUN_STREAMS.clientTrain(new Rng(SEED), 1, 1),
      models,
      logger,
    });
    global = { ...global, ...update.arrays };
    states = [undefined, update.state, undefined];
    await exportFedLoGeModel(dir, { strategy, global, clientStates: states, models, backbone, runSeed: SEED });
    model = await loadFedLoGeModel(dir, { container });
    const pixels = new Float32Array(4 * 16);
    dataset.fillBatch('test', [0, 1, 2, 3], pixels, { augment: false });
    x = tf.tensor4d(pixels, [4, ...dataset.imageShape]);
  });

  afterAll(async () => {
    x.dispose();
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  /** The strategy's own GM logits for variant `name`. */
  function gm(name: string): number[][] {
    const p = strategy.globalPredictor(global, server);
    try {
      const logits = tf.tidy(() => p.heads(p.features(x)));
      const out = logits[name]!.arraySync();
      tf.dispose(logits);
      return out;
    } finally {
      p.dispose();
    }
  }

  /** The strategy's own PM logits of client k for variant `name`. */
  function pm(k: number, name: string): number[][] {
    const p = strategy.personalPredictor(
      global,
      { clientId: k, state: states[k], data: undefined as never, rng: RUN_STREAMS.personal(new Rng(SEED), 1, k) },
      server,
    );
    const gp = strategy.globalPredictor(global, server);
    try {
      if (p.kind !== 'heads') throw new Error('expected a heads predictor');
      const logits = tf.tidy(() => p.heads(gp.features(x)));
      const out = logits[name]!.arraySync();
      tf.dispose(logits);
      return out;
    } finally {
      p.dispose();
      gp.dispose();
    }
  }

  const expectClose = (a: number[][], b: number[][]): void =>
    a.forEach((row, i) => row.forEach((v, c) => expect(v).toBeCloseTo(b[i]![c]!, 5)));

  it('writes a self-describing manifest', async () => {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ format: 'fedloge-model', numClasses: C, featureDim: D, numClients: 3, realignNorm: 2.5, backbone });
    expect(manifest.groups['local-heads'].arrays.map((a: { key: string }) => a.key)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '2.weight',
      '2.bias',
    ]);
  });

  it("universal = the strategy's SSE-C GM", () => {
    const logits = model.predict(x, { mode: 'universal' });
    expectClose(logits.arraySync(), gm('sse-c'));
    logits.dispose();
  });

  it("global = the strategy's GA-FR GM (rows at norm realignNorm)", () => {
    const logits = model.predict(x, { mode: 'global' });
    expectClose(logits.arraySync(), gm('ga-fr'));
    logits.dispose();
  });

  it.each([0, 1, 2])("personalized client %i = the strategy's LA-FR PM (trained or initial local head)", (k) => {
    const logits = model.predict(x, { mode: 'personalized', clientId: k });
    expectClose(logits.arraySync(), pm(k, 'la-fr'));
    logits.dispose();
  });

  it('classifies by argmax without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const classes = model.classify(x, { mode: 'universal' });
    expect(tf.memory().numTensors).toBe(before);
    const logits = gm('sse-c');
    expect(Array.from(classes)).toEqual(logits.map((row) => row.indexOf(Math.max(...row))));
  });

  it.each([
    // Personalized inference must name one of the run's clients.
    [{ mode: 'personalized' as const }, /needs a clientId in \[0, 3\)/],
    [{ mode: 'personalized' as const, clientId: 3 }, /needs a clientId in \[0, 3\) .* received 3/],
    [{ mode: 'local' as 'global' }, /unknown mode 'local'/],
  ])('rejects bad predict options %#', (options, message) => {
    expect(() => model.predict(x, options)).toThrow(message);
  });

  it('explains a folder that is not an export, or a truncated one', async () => {
    await expect(loadFedLoGeModel(join(dir, 'missing'))).rejects.toThrow(/No FedLoGe model at .*manifest.json/);
    const broken = await mkdtemp(join(tmpdir(), 'fedloge-broken-'));
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
      await writeFile(join(broken, MANIFEST_FILE), JSON.stringify(manifest));
      for (const g of Object.values(manifest.groups) as { file: string }[]) {
        await writeFile(join(broken, g.file), await readFile(join(dir, g.file)));
      }
      await writeFile(join(broken, 'sse-c.f32'), new Uint8Array(8));
      await expect(loadFedLoGeModel(broken, { container })).rejects.toThrow(/sse-c.f32: expected \d+ float32 values/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
