import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropy, type ArrayRecord } from '@fedloge/core';
import { fedAvgPlugin, type FedAvg } from '../fedavg.js';
import { type Ditto, dittoPlugin } from './ditto.js';
import { harness, hooksOf, maxAbsDiff, sameEntry, wholeBatch } from './__fixtures__/harness.js';

const h = harness();
const client = h.client(0, [8, 4, 2, 2]);
// One batch per epoch, plain SGD: one local step is v − lr·∇loss(v).
const oneStep = { localEpochs: 1, batchSize: 64, lr: 0.1, momentum: 0 };

/** ∇CE at `arrays` on the client's whole training set, per state key, computed independently. */
function crossEntropyGradient(strategy: Ditto, arrays: ArrayRecord): Map<string, Float32Array> {
  const hooks = hooksOf(strategy);
  const net = hooks.buildNetwork(h.models, arrays);
  const batch = wholeBatch(client);
  const named = [
    ...[...net.backbone.params].map(([k, v]) => [`backbone.${k}`, v] as const),
    ...[...net.head.params].map(([k, v]) => [`head.${k}`, v] as const),
  ];
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(net.head.apply(net.backbone.apply(batch.x, 'train')), batch.y),
    named.map(([, v]) => v),
  );
  const out = new Map(named.map(([k, v]) => [k, grads[v.name]!.dataSync().slice() as Float32Array]));
  tf.dispose([value, ...Object.values(grads), batch.x, batch.y]);
  hooks.disposeNetwork(net);
  return out;
}

/** `v` moved one step by `lr · (grad + lambda·(v − anchor))`, per key (weights and biases only). */
function expectedStep(
  v: ArrayRecord,
  grad: Map<string, Float32Array>,
  anchor: ArrayRecord,
  lr: number,
  lambda: number,
): Map<string, Float32Array> {
  return new Map([...grad].map(([k, g]) => [k, v[k]!.data.map((x, i) => x - lr * (g[i]! + lambda * (x - anchor[k]!.data[i]!)))]));
}

describe('Ditto', () => {
  it('takes the personal step on CE + λ/2·‖v − w^t‖², anchored to the global model it received', async () => {
    const strategy = h.strategy<Ditto>(dittoPlugin, { lambda: 2 });
    const global = strategy.initialize(h.server([client]));
    // A personal model from an earlier round, away from w^t.
    const v = Object.fromEntries(Object.entries(global).map(([k, e]) => [k, { shape: e.shape, data: e.data.map((x) => x + 0.05) }]));
    const update = await strategy.trainClient(h.trainContext(client, global, { state: v, train: oneStep }));
    const expected = expectedStep(v, crossEntropyGradient(strategy, v), global, oneStep.lr, 2);
    for (const [k, want] of expected) expect(maxAbsDiff(update.state![k]!.data, want)).toBeLessThan(1e-5);
  });

  it('trains and uploads the global copy exactly as FedAvg does', async () => {
    const ditto = h.strategy<Ditto>(dittoPlugin, { personalEpochs: 0 });
    const fedAvg = h.strategy<FedAvg>(fedAvgPlugin);
    const global = ditto.initialize(h.server([client]));
    const v = Object.fromEntries(Object.entries(global).map(([k, e]) => [k, { shape: e.shape, data: e.data.map((x) => x * 2) }]));
    const fromDitto = await ditto.trainClient(h.trainContext(client, global, { state: v }));
    const fromFedAvg = await fedAvg.trainClient(h.trainContext(client, global));
    // The personal model does not leak into the global copy, and w is FedAvg's update.
    for (const k of Object.keys(global)) expect(sameEntry(fromDitto.arrays, fromFedAvg.arrays, k)).toBe(true);
    // Zero personal epochs: v comes back unchanged.
    expect(sameEntry(fromDitto.state!, v, 'head.weight')).toBe(true);
  });

  it('PM runs the personal model; a client that never trained uses the global model', async () => {
    const strategy = h.strategy<Ditto>(dittoPlugin);
    const server = h.server([client]);
    const global = strategy.initialize(server);
    const { state } = await strategy.trainClient(h.trainContext(client, global, { train: { localEpochs: 3 } }));
    const { x, y } = wholeBatch(client);
    const logits = (s: ArrayRecord | undefined) => {
      const pm = strategy.personalPredictor(global, h.personalContext(client, s), server);
      if (pm.kind !== 'model') throw new Error('Ditto PM must run the model');
      const out = tf.tidy(() => Array.from(pm.predict(x)['personal']!.dataSync()));
      pm.dispose();
      return out;
    };
    const gm = strategy.globalPredictor(global, server);
    const gmLogits = tf.tidy(() => Array.from(Object.values(gm.heads(gm.features(x)))[0]!.dataSync()));
    gm.dispose();
    expect(maxAbsDiff(logits(undefined), gmLogits)).toBeLessThan(1e-6);
    const net = hooksOf(strategy).buildNetwork(h.models, state!);
    const own = tf.tidy(() => Array.from(net.head.apply(net.backbone.apply(x, 'eval')).dataSync()));
    hooksOf(strategy).disposeNetwork(net);
    expect(maxAbsDiff(logits(state), own)).toBeLessThan(1e-6);
    expect(maxAbsDiff(own, gmLogits)).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
  });

  it('dittoRepoCompat: no aggregation, and the un-squared prox (anchored to v at round start) skips batch 0', async () => {
    const strategy = h.strategy<Ditto>(dittoPlugin, { lambda: 2, dittoRepoCompat: true });
    const server = h.server([client]);
    const global = strategy.initialize(server);
    const v = Object.fromEntries(Object.entries(global).map(([k, e]) => [k, { shape: e.shape, data: e.data.map((x) => x + 0.05) }]));
    const update = await strategy.trainClient(h.trainContext(client, global, { state: v, train: oneStep }));
    expect(update.arrays).toEqual({});
    // The only batch is batch 0, where the reference skips the term: a plain CE step from v.
    const expected = expectedStep(v, crossEntropyGradient(strategy, v), v, oneStep.lr, 0);
    for (const [k, want] of expected) expect(maxAbsDiff(update.state![k]!.data, want)).toBeLessThan(1e-5);
    expect(strategy.aggregateTrain(1, global, [{ ...update, clientId: 0 }], server)).toBe(global);
  });
});
