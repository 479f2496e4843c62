import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ArrayRecord } from '@fedloge/core';
import { fedAvgPlugin, type FedAvg } from '../fedavg.js';
import { type FedProx, fedProxPlugin } from './fedprox.js';
import { harness, hooksOf, referenceOffsetCrossEntropy, wholeBatch } from './__fixtures__/harness.js';

const h = harness();
const client = h.client(0, [12, 6, 3, 2]);

/** Squared distance between two records over the trainable keys (weights and biases). */
function squaredDistance(a: ArrayRecord, b: ArrayRecord): number {
  let s = 0;
  for (const key of Object.keys(a)) {
    if (!/\.(weight|bias)$/.test(key)) continue;
    a[key]!.data.forEach((v, i) => (s += (v - b[key]!.data[i]!) ** 2));
  }
  return s;
}

/**
 * The objective's loss after moving every trainable weight by `delta` from the global model,
 * next to an independent float64 computation: CE from the logits, plus the prox term of the
 * known displacement (number of trainable values · delta²).
 */
function lossAfterShift(strategy: FedProx, delta: number, batchIndex: number) {
  const hooks = hooksOf(strategy);
  const global = strategy.initialize(h.server([client]));
  const net = hooks.buildNetwork(h.models, global);
  const objective = hooks.localObjective(net, h.trainContext(client, global));
  const weights = hooks.trainableVariables(net);
  for (const w of weights) tf.tidy(() => w.assign(tf.add(w, delta)));
  const batch = wholeBatch(client);
  const loss = tf.tidy(() => objective.loss(batch, { epoch: 0, batch: batchIndex }).dataSync()[0]!);
  const logits = tf.tidy(() => net.head.apply(net.backbone.apply(batch.x, 'train')).arraySync());
  const ce = referenceOffsetCrossEntropy(logits, batch.y.dataSync(), [0, 0, 0, 0]);
  const squared = weights.reduce((s, w) => s + w.size, 0) * delta * delta;
  objective.dispose?.();
  tf.dispose([batch.x, batch.y]);
  hooks.disposeNetwork(net);
  return { loss, ce, squared };
}

describe('FedProx', () => {
  it("adds the paper's μ/2·‖w − w^t‖² to cross-entropy", () => {
    const before = tf.memory().numTensors;
    const { loss, ce, squared } = lossAfterShift(h.strategy<FedProx>(fedProxPlugin, { mu: 0.3 }), 0.01, 0);
    expect(tf.memory().numTensors).toBe(before);
    expect(squared).toBeGreaterThan(0);
    expect(loss).toBeCloseTo(ce + (0.3 / 2) * squared, 4);
  });

  it("'l2' adds the reference's un-squared μ·‖w − w^t‖, except on the first batch of an epoch", () => {
    const strategy = h.strategy<FedProx>(fedProxPlugin, { mu: 0.3, proxForm: 'l2' });
    const first = lossAfterShift(strategy, 0.01, 0);
    expect(first.loss).toBeCloseTo(first.ce, 5);
    const later = lossAfterShift(strategy, 0.01, 3);
    expect(later.loss).toBeCloseTo(later.ce + 0.3 * Math.sqrt(later.squared), 4);
  });

  it('keeps the local model closer to the global model than FedAvg does, and aggregates every key', async () => {
    const fedAvg = h.strategy<FedAvg>(fedAvgPlugin);
    const fedProx = h.strategy<FedProx>(fedProxPlugin, { mu: 5 });
    const global = fedAvg.initialize(h.server([client]));
    const train = { localEpochs: 3, lr: 0.2 };
    const avg = await fedAvg.trainClient(h.trainContext(client, global, { train }));
    const prox = await fedProx.trainClient(h.trainContext(client, global, { train }));
    expect(squaredDistance(prox.arrays, global)).toBeLessThan(0.5 * squaredDistance(avg.arrays, global));
    expect(Object.keys(prox.arrays).sort()).toEqual(Object.keys(global).sort());
    expect(prox.state).toBeUndefined();
  });

  it('defaults to the paper form with μ = 0.01', () => {
    expect(h.strategy<FedProx>(fedProxPlugin).summary()['options']).toEqual({ mu: 0.01, proxForm: 'sqL2/2' });
    expect(() => h.strategy(fedProxPlugin, { proxForm: 'l1' })).toThrow(/option proxForm/);
  });
});
