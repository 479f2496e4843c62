import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ArrayRecord, ClientResult } from '@fedloge/core';
import { type FedBN, fedBnPlugin } from './fedbn.js';
import { harness, maxAbsDiff, sameEntry, wholeBatch } from './__fixtures__/harness.js';

// bn-mlp names its shortcut BatchNorm `shortcut.1`, as the reference ResNet does.
const h = harness({ name: 'bn-mlp' });
const clientA = h.client(0, [6, 3, 2, 1]);
const clientB = h.client(1, [1, 2, 3, 6]);

function isBatchNormKey(key: string): boolean {
  return /^backbone\.(bn1|shortcut\.1)\.(gamma|beta|runningMean|runningVar)$/.test(key);
}

describe('FedBN', () => {
  it('keeps every BatchNorm parameter and statistic local, shortcut BatchNorm included, and uploads the rest', async () => {
    const strategy = h.strategy<FedBN>(fedBnPlugin, { gmPersonalPart: 'initial' });
    const global = strategy.initialize(h.server([clientA]));
    const update = await strategy.trainClient(h.trainContext(clientA, global));
    const stateKeys = Object.keys(update.state!).sort();
    expect(stateKeys).toEqual(Object.keys(global).filter(isBatchNormKey).sort());
    expect(stateKeys).toHaveLength(8);
    // The reference's "bn" substring test would have aggregated these:
    expect(stateKeys).toContain('backbone.shortcut.1.gamma');
    expect(stateKeys).toContain('backbone.shortcut.1.runningVar');
    expect(Object.keys(update.arrays).some(isBatchNormKey)).toBe(false);
    expect(Object.keys(update.arrays).length + stateKeys.length).toBe(Object.keys(global).length);
  });

  it('the server averages the shared weights and leaves the global BatchNorm alone', async () => {
    const server = h.server([clientA, clientB]);
    const strategy = h.strategy<FedBN>(fedBnPlugin, { gmPersonalPart: 'initial' });
    const global = strategy.initialize(server);
    const results: ClientResult[] = [];
    for (const client of [clientA, clientB])
      results.push({ ...(await strategy.trainClient(h.trainContext(client, global))), clientId: client.clientId });
    const next = strategy.aggregateTrain(1, global, results, server);
    const key = 'backbone.fc.weight';
    const wa = clientA.numSamples / (clientA.numSamples + clientB.numSamples);
    const mean = results[0]!.arrays[key]!.data.map((v, i) => wa * v + (1 - wa) * results[1]!.arrays[key]!.data[i]!);
    expect(maxAbsDiff(next[key]!.data, mean)).toBeLessThan(1e-6);
    for (const k of Object.keys(global).filter(isBatchNormKey)) expect(sameEntry(next, global, k)).toBe(true);
  });

  it("PM runs the client's own model: its BatchNorm, the global shared weights", async () => {
    const server = h.server([clientA]);
    const strategy = h.strategy<FedBN>(fedBnPlugin);
    const global = strategy.initialize(server);
    const { state } = await strategy.trainClient(h.trainContext(clientA, global, { train: { localEpochs: 2 } }));
    const { x, y } = wholeBatch(clientA);
    y.dispose();
    const logitsWith = (s: ArrayRecord | undefined) => {
      const p = strategy.personalPredictor(global, h.personalContext(clientA, s), server);
      if (p.kind !== 'model') throw new Error('FedBN PM must run the model');
      const out = tf.tidy(() => Array.from(p.predict(x)['personal']!.dataSync()));
      p.dispose();
      return out;
    };
    const gm = strategy.globalPredictor(global, server);
    const gmLogits = tf.tidy(() => Array.from(Object.values(gm.heads(gm.features(x)))[0]!.dataSync()));
    gm.dispose();
    const before = tf.memory().numTensors;
    const own = logitsWith(state);
    expect(tf.memory().numTensors).toBe(before);
    // A client that never trained is scored with the global model; one that did, with its BatchNorm.
    expect(maxAbsDiff(logitsWith(undefined), gmLogits)).toBeLessThan(1e-5);
    expect(maxAbsDiff(own, gmLogits)).toBeGreaterThan(1e-3);
    // Swapping only the BatchNorm entries back to the global ones restores the GM logits.
    const globalBn = Object.fromEntries(Object.keys(state!).map((k) => [k, global[k]!]));
    expect(maxAbsDiff(logitsWith(globalBn), gmLogits)).toBeLessThan(1e-5);
    x.dispose();
  });
});
