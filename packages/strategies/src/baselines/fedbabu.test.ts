import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ArrayRecord, ClientResult, PersonalContext, ServerContext } from '@fedloge/core';
import { type FedBABU, fedBabuPlugin } from './fedbabu.js';
import { harness, maxAbsDiff, sameEntry, wholeBatch } from './__fixtures__/harness.js';

const h = harness();
const clientA = h.client(0, [12, 6, 3, 2]);
const clientB = h.client(1, [2, 3, 6, 12]);

/** FedBABU's protected fine-tuning step, opened for the test. */
interface FineTuneAccess {
  fineTune(global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<ArrayRecord>;
}

function fineTune(strategy: FedBABU, global: ArrayRecord, client: PersonalContext, ctx: ServerContext): Promise<ArrayRecord> {
  return (strategy as unknown as FineTuneAccess).fineTune(global, client, ctx);
}

describe('FedBABU', () => {
  it('never trains the head during FL and never aggregates it', async () => {
    const server = h.server([clientA, clientB]);
    const strategy = h.strategy<FedBABU>(fedBabuPlugin);
    const global = strategy.initialize(server);
    const results: ClientResult[] = [];
    for (const client of [clientA, clientB]) {
      const update = await strategy.trainClient(h.trainContext(client, global, { train: { localEpochs: 2 } }));
      expect(sameEntry(update.arrays, global, 'head.weight')).toBe(true);
      expect(sameEntry(update.arrays, global, 'head.bias')).toBe(true);
      expect(sameEntry(update.arrays, global, 'backbone.fc.weight')).toBe(false);
      results.push({ ...update, clientId: client.clientId });
    }
    const next = strategy.aggregateTrain(1, global, results, server);
    expect(sameEntry(next, global, 'head.weight')).toBe(true);
    expect(sameEntry(next, global, 'backbone.fc.weight')).toBe(false);
  });

  it("PM fine-tunes the whole model on the client's data (or only the head, as an option)", async () => {
    const server = h.server([clientA]);
    const whole = h.strategy<FedBABU>(fedBabuPlugin, { fineTuneEpochs: 2 });
    const global = whole.initialize(server);
    const tunedWhole = await fineTune(whole, global, h.personalContext(clientA, undefined), server);
    expect(sameEntry(tunedWhole, global, 'head.weight')).toBe(false);
    expect(sameEntry(tunedWhole, global, 'backbone.fc.weight')).toBe(false);
    const headOnly = h.strategy<FedBABU>(fedBabuPlugin, { fineTuneEpochs: 2, fineTunePart: 'head' });
    const tunedHead = await fineTune(headOnly, global, h.personalContext(clientA, undefined), server);
    expect(sameEntry(tunedHead, global, 'head.weight')).toBe(false);
    expect(sameEntry(tunedHead, global, 'backbone.fc.weight')).toBe(true);
    // Fine-tuning is over: FL training freezes the head again.
    const update = await headOnly.trainClient(h.trainContext(clientA, global));
    expect(sameEntry(update.arrays, global, 'head.weight')).toBe(true);
  });

  it('PM is a model predictor that scores the fine-tuned network; zero epochs give the GM', async () => {
    const server = h.server([clientA]);
    const { x, y } = wholeBatch(clientA);
    const scores = async (epochs: number) => {
      const strategy = h.strategy<FedBABU>(fedBabuPlugin, { fineTuneEpochs: epochs });
      const global = strategy.initialize(server);
      const gm = strategy.globalPredictor(global, server);
      const gmLogits = tf.tidy(() => Array.from(Object.values(gm.heads(gm.features(x)))[0]!.dataSync()));
      gm.dispose();
      const before = tf.memory().numTensors;
      const pm = await strategy.personalPredictor(global, h.personalContext(clientA, undefined), server);
      if (pm.kind !== 'model') throw new Error('FedBABU PM must run the model');
      const pmLogits = tf.tidy(() => Array.from(pm.predict(x)['fine-tuned']!.dataSync()));
      pm.dispose();
      expect(tf.memory().numTensors).toBe(before);
      return maxAbsDiff(pmLogits, gmLogits);
    };
    expect(await scores(0)).toBeLessThan(1e-6);
    expect(await scores(2)).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
  });
});
