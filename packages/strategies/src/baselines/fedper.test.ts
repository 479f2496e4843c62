import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ArrayRecord, ClientResult } from '@fedloge/core';
import { type FedPer, fedPerPlugin } from './fedper.js';
import { FEATURE_DIM, NUM_CLASSES, harness, maxAbsDiff, sameEntry } from './__fixtures__/harness.js';

const h = harness();
const clientA = h.client(0, [12, 6, 3, 2]);
const clientB = h.client(1, [2, 3, 6, 12]);
const headKeys = ['head.bias', 'head.weight'];

function keysOf(r: ArrayRecord): string[] {
  return Object.keys(r).sort();
}

describe('FedPer', () => {
  it('trains backbone and head jointly, keeps the head in the client state and uploads only the backbone', async () => {
    const strategy = h.strategy<FedPer>(fedPerPlugin, { gmPersonalPart: 'initial' });
    const global = strategy.initialize(h.server([clientA]));
    const update = await strategy.trainClient(h.trainContext(clientA, global));
    expect(keysOf(update.state!)).toEqual(headKeys);
    expect(keysOf(update.arrays)).toEqual(keysOf(global).filter((k) => k.startsWith('backbone.')));
    // Joint training: both parts moved in the same round.
    expect(sameEntry(update.state!, global, 'head.weight')).toBe(false);
    expect(sameEntry(update.arrays, global, 'backbone.fc.weight')).toBe(false);
  });

  it("resumes from the client's own head, not the payload's", async () => {
    const strategy = h.strategy<FedPer>(fedPerPlugin);
    const global = strategy.initialize(h.server([clientA]));
    const first = await strategy.trainClient(h.trainContext(clientA, global));
    // Zero local epochs: what comes back is exactly what the client started from.
    const second = await strategy.trainClient(h.trainContext(clientA, global, { state: first.state, train: { localEpochs: 0 } }));
    expect(sameEntry(second.state!, first.state!, 'head.weight')).toBe(true);
    expect(sameEntry(second.arrays, global, 'backbone.fc.weight')).toBe(true);
  });

  it("'initial': the server averages the backbone and never touches the head; 'average': the GM head is the clients' mean", async () => {
    const server = h.server([clientA, clientB]);
    for (const mode of ['initial', 'average'] as const) {
      const strategy = h.strategy<FedPer>(fedPerPlugin, { gmPersonalPart: mode });
      const global = strategy.initialize(server);
      const results: ClientResult[] = [];
      for (const client of [clientA, clientB]) {
        results.push({ ...(await strategy.trainClient(h.trainContext(client, global))), clientId: client.clientId });
      }
      const next = strategy.aggregateTrain(1, global, results, server);
      const [a, b] = results.map((r) => ({ ...r.arrays, ...r.state }));
      const wa = clientA.numSamples / (clientA.numSamples + clientB.numSamples);
      const mean = (key: string) => a![key]!.data.map((v, i) => wa * v + (1 - wa) * b![key]!.data[i]!);
      expect(maxAbsDiff(next['backbone.fc.weight']!.data, mean('backbone.fc.weight'))).toBeLessThan(1e-6);
      if (mode === 'initial') expect(sameEntry(next, global, 'head.weight')).toBe(true);
      else expect(maxAbsDiff(next['head.weight']!.data, mean('head.weight'))).toBeLessThan(1e-6);
    }
  });

  it('PM applies the client head to the global features: logits = f·Wᵀ + b by hand', async () => {
    const strategy = h.strategy<FedPer>(fedPerPlugin);
    const server = h.server([clientA]);
    const global = strategy.initialize(server);
    const { state } = await strategy.trainClient(h.trainContext(clientA, global));
    const before = tf.memory().numTensors;
    const predictor = strategy.personalPredictor(global, h.personalContext(clientA, state), server);
    expect(predictor.kind).toBe('heads');
    const features = [[0.5, 0, 1, 2, 0, 0.1, 0.3, 0.7]];
    const logits = tf.tidy(() => (predictor.kind === 'heads' ? predictor.heads(tf.tensor2d(features))['personal']!.arraySync()[0]! : []));
    predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const w = state!['head.weight']!.data;
    const b = state!['head.bias']!.data;
    const expected = Array.from(
      { length: NUM_CLASSES },
      (_, c) => b[c]! + features[0]!.reduce((s, f, j) => s + f * w[c * FEATURE_DIM + j]!, 0),
    );
    expect(maxAbsDiff(logits, expected)).toBeLessThan(1e-5);
  });
});
