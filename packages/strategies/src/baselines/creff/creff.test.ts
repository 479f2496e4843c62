import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropy, type ClientResult } from '@fedloge/core';
import { fedAvgPlugin, type FedAvg } from '../../fedavg.js';
import { type CReFF, creffPlugin } from './creff.js';
import { FEATURE_DIM, NUM_CLASSES, harness, hooksOf, maxAbsDiff, sameEntry, wholeBatch } from '../__fixtures__/harness.js';

const h = harness();
// Class 2 is absent from client A.
const clientA = h.client(0, [10, 5, 0, 3]);
const clientB = h.client(1, [2, 3, 6, 9]);
const small = {
  featuresPerClass: 5,
  matchSteps: 30,
  retrainEpochs: 20,
  retrainBatchSize: 8,
  retrainLr: 0.1,
  gradientDraws: 1,
  realBatchSize: 64,
};

describe('CReFF', () => {
  it("defaults to the official code's values (100 features per class, 10 draws) and says when a run scales them down", () => {
    const strategy = h.strategy<CReFF>(creffPlugin);
    expect(strategy.summary()['options']).toEqual({
      featuresPerClass: 100,
      matchSteps: 100,
      featureLr: 0.1,
      retrainEpochs: 300,
      retrainBatchSize: 32,
      retrainLr: 0.01,
      realBatchSize: 32,
      gradientDraws: 10,
    });
    expect(strategy.scaledDown()).toBeUndefined();
    expect(h.strategy<CReFF>(creffPlugin, small).scaledDown()).toBe(
      'CReFF runs with featuresPerClass 5 (official 100), gradientDraws 1 (official 10), matchSteps 30 (official 100), ' +
        "retrainEpochs 20 (official 300); its numbers are not the paper's setting.",
    );
  });

  it("uploads, per held class, the re-trained classifier's CE gradient on the client's real features", async () => {
    const strategy = h.strategy<CReFF>(creffPlugin, small);
    const global = strategy.initialize(h.server([clientA]));
    const payload = strategy.payloadFor(1, global);
    expect(payload['creff.features']).toBeUndefined();
    const update = await strategy.trainClient(h.trainContext(clientA, payload));
    const gradientKeys = Object.keys(update.arrays)
      .filter((k) => k.startsWith('creff.gradient.'))
      .sort();
    expect(gradientKeys).toEqual(['0.bias', '0.weight', '1.bias', '1.weight', '3.bias', '3.weight'].map((k) => `creff.gradient.${k}`));
    // Independent: every image of class c (realBatchSize exceeds the counts), global backbone in
    // eval mode, autodiff of CE with respect to the re-trained classifier.
    const net = hooksOf(strategy).buildNetwork(h.models, payload);
    const batch = wholeBatch(clientA);
    const w = tf.tensor2d(payload['creff.classifier.weight']!.data, [NUM_CLASSES, FEATURE_DIM]);
    const b = tf.tensor1d(payload['creff.classifier.bias']!.data);
    const labels = batch.y.dataSync();
    for (const c of [0, 1, 3]) {
      const [gw, gb] = tf.tidy(() => {
        const features = net.backbone.apply(batch.x, 'eval');
        const rows = tf.tensor1d(
          Array.from(labels).flatMap((y, i) => (y === c ? [i] : [])),
          'int32',
        );
        const own = tf.gather(features, rows) as tf.Tensor2D;
        const y = tf.fill([rows.size], c, 'int32') as tf.Tensor1D;
        return tf
          .grads((wt: tf.Tensor, bt: tf.Tensor) => crossEntropy(tf.add(tf.matMul(own, wt, false, true), bt) as tf.Tensor2D, y))([w, b])
          .map((t) => t.dataSync());
      });
      expect(maxAbsDiff(update.arrays[`creff.gradient.${c}.weight`]!.data, gw!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(update.arrays[`creff.gradient.${c}.bias`]!.data, gb!)).toBeLessThan(1e-5);
    }
    tf.dispose([w, b, batch.x, batch.y]);
    hooksOf(strategy).disposeNetwork(net);
  });

  it("its local update of the model is FedAvg's", async () => {
    const creff = h.strategy<CReFF>(creffPlugin, small);
    const fedAvg = h.strategy<FedAvg>(fedAvgPlugin);
    const global = creff.initialize(h.server([clientA]));
    const fromCreff = await creff.trainClient(h.trainContext(clientA, creff.payloadFor(1, global), { train: { localEpochs: 2 } }));
    const model = Object.fromEntries(Object.entries(global).filter(([k]) => !k.startsWith('creff.')));
    const fromFedAvg = await fedAvg.trainClient(h.trainContext(clientA, model, { train: { localEpochs: 2 } }));
    for (const k of Object.keys(model)) expect(sameEntry(fromCreff.arrays, fromFedAvg.arrays, k)).toBe(true);
  });

  it('server: FedAvg of the model, features matched for reported classes, and a re-trained classifier that fits them', async () => {
    const server = h.server([clientA, clientB]);
    const strategy = h.strategy<CReFF>(creffPlugin, { ...small, retrainEpochs: 60, retrainLr: 0.5 });
    const global = strategy.initialize(server);
    const results: ClientResult[] = [];
    // Only client A reports: class 2 gets no real gradient this round.
    results.push({ ...(await strategy.trainClient(h.trainContext(clientA, strategy.payloadFor(1, global)))), clientId: 0 });
    const before = tf.memory().numTensors;
    const next = strategy.aggregateTrain(1, global, results, server);
    expect(tf.memory().numTensors).toBe(before);
    expect(sameEntry(next, results[0]!.arrays, 'backbone.fc.weight')).toBe(true); // a single client: its model
    const rows = (r: typeof next, c: number) => r['creff.features']!.data.subarray(c * 5 * FEATURE_DIM, (c + 1) * 5 * FEATURE_DIM);
    expect(maxAbsDiff(rows(next, 2), rows(global, 2))).toBe(0);
    expect(maxAbsDiff(rows(next, 0), rows(global, 0))).toBeGreaterThan(0);
    expect(sameEntry(next, global, 'creff.classifier.weight')).toBe(false);
    // The re-trained classifier fits the federated features it was trained on (chance: 5 of 20),
    // far better than the classifier the round started with.
    const f = next['creff.features']!.data;
    const correct = (r: typeof next) => {
      const w = r['creff.classifier.weight']!.data;
      const b = r['creff.classifier.bias']!.data;
      let n = 0;
      for (let i = 0; i < NUM_CLASSES * 5; i++) {
        const scores = Array.from(
          { length: NUM_CLASSES },
          (_, c) =>
            b[c]! +
            Array.from({ length: FEATURE_DIM }, (_, j) => w[c * FEATURE_DIM + j]! * f[i * FEATURE_DIM + j]!).reduce((s, v) => s + v, 0),
        );
        if (scores.indexOf(Math.max(...scores)) === Math.floor(i / 5)) n++;
      }
      return n;
    };
    expect(correct(next)).toBeGreaterThanOrEqual(14);
    expect(correct(next)).toBeGreaterThan(correct(global) + 4);
  });

  it('GM scores the global features with the re-trained classifier first, the FedAvg head second', () => {
    const server = h.server([clientA]);
    const strategy = h.strategy<CReFF>(creffPlugin, small);
    const global = strategy.initialize(server);
    const gm = strategy.globalPredictor(global, server);
    const f = [[1, 0, 0.5, 0, 2, 0, 0.1, 0.3]];
    const heads = tf.tidy(() => Object.entries(gm.heads(tf.tensor2d(f))).map(([name, t]) => [name, t.arraySync()[0]!] as const));
    gm.dispose();
    expect(heads.map(([name]) => name)).toEqual(['re-trained', 'fedavg']);
    const linear = (prefix: string) =>
      Array.from(
        { length: NUM_CLASSES },
        (_, c) =>
          global[`${prefix}bias`]!.data[c]! + f[0]!.reduce((s, v, j) => s + v * global[`${prefix}weight`]!.data[c * FEATURE_DIM + j]!, 0),
      );
    expect(maxAbsDiff(heads[0]![1], linear('creff.classifier.'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(heads[1]![1], linear('head.'))).toBeLessThan(1e-5);
  });
});
