import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type FedLC, fedLcPlugin } from './fedlc.js';
import { harness, hooksOf, referenceOffsetCrossEntropy, wholeBatch } from './__fixtures__/harness.js';

describe('FedLC', () => {
  const h = harness();

  it('trains on CE of logits − τ·n^{-1/4}, leaving out a class the client lacks', () => {
    const strategy = h.strategy<FedLC>(fedLcPlugin, { tau: 0.5 });
    const client = h.client(0, [16, 1, 8, 0]);
    const global = strategy.initialize(h.server([client]));
    const hooks = hooksOf(strategy);
    const before = tf.memory().numTensors;
    const net = hooks.buildNetwork(h.models, global);
    const batch = wholeBatch(client);
    const objective = hooks.localObjective(net, h.trainContext(client, global));
    const loss = tf.tidy(() => objective.loss(batch, { epoch: 0, batch: 0 }).dataSync()[0]!);
    const logits = tf.tidy(() => net.head.apply(net.backbone.apply(batch.x, 'train')).arraySync());
    // 16^{-1/4} = 1/2, 1^{-1/4} = 1, 8^{-1/4}; class 3 is absent: −∞.
    const expected = referenceOffsetCrossEntropy(logits, batch.y.dataSync(), [-0.5 / 2, -0.5, -0.5 * Math.pow(8, -0.25), -Infinity]);
    expect(loss).toBeCloseTo(expected, 5);
    tf.dispose([batch.x, batch.y]);
    hooks.disposeNetwork(net);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('aggregates everything (no personal keys) and defaults τ to 1', async () => {
    const strategy = h.strategy<FedLC>(fedLcPlugin);
    expect(strategy.summary()['options']).toEqual({ tau: 1 });
    const client = h.client(1, [10, 5, 3, 2]);
    const global = strategy.initialize(h.server([client]));
    const update = await strategy.trainClient(h.trainContext(client, global));
    expect(Object.keys(update.arrays).sort()).toEqual(Object.keys(global).sort());
    expect(update.state).toBeUndefined();
    expect(Number.isFinite(update.metrics!['loss'])).toBe(true);
  });

  it('rejects a negative τ with the option name in the message', () => {
    expect(() => h.strategy(fedLcPlugin, { tau: -1 })).toThrow(/option tau/);
  });
});
