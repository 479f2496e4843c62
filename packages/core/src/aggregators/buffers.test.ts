import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Aggregator, ClientContribution } from '../aggregator.js';
import type { ArrayRecord } from '../arrays.js';
import { initBackend } from '../engine/backend.js';
import { silentLogger } from '../logger.js';
import { SmallCnn } from '../models/small-cnn.js';
import { Rng } from '../random.js';
import { record, update, valuesOf } from './__fixtures__/updates.js';
import { FedAdamAggregator } from './fedadam.js';
import { FedAvgAggregator } from './fedavg.js';
import { FedAvgMAggregator } from './fedavgm.js';
import { FedYogiAggregator } from './fedyogi.js';
import { KrumAggregator } from './krum.js';
import { MedianAggregator } from './median.js';
import { MultiKrumAggregator } from './multi-krum.js';
import { TrimmedMeanAggregator } from './trimmed-mean.js';

const AGGREGATORS: Record<string, () => Aggregator> = {
  fedavg: () => new FedAvgAggregator({}, silentLogger()),
  fedavgm: () => new FedAvgMAggregator({}, silentLogger()),
  fedadam: () => new FedAdamAggregator({}, silentLogger()),
  fedyogi: () => new FedYogiAggregator({}, silentLogger()),
  median: () => new MedianAggregator({}, silentLogger()),
  'trimmed-mean': () => new TrimmedMeanAggregator({ beta: 0.25 }, silentLogger()),
  krum: () => new KrumAggregator({}, silentLogger()),
  'multi-krum': () => new MultiKrumAggregator({}, silentLogger()),
};

describe('statistics buffers', () => {
  it.each(Object.keys(AGGREGATORS))('%s gives buffers the plain sample-weighted mean, whatever its rule for parameters', (name) => {
    const agg = AGGREGATORS[name]!();
    const current = record({ 'bn.runningVar': [1, 1], 'bn.gamma': [1, 1] });
    // Client 3 is far away, so robust rules would ignore it; the buffers still average all four.
    const updates = [
      update(0, 1, { 'bn.runningVar': [0.2, 0.4], 'bn.gamma': [0.9, 1.1] }),
      update(1, 3, { 'bn.runningVar': [0.4, 0.8], 'bn.gamma': [1.0, 1.0] }),
      update(2, 2, { 'bn.runningVar': [0.3, 0.6], 'bn.gamma': [1.1, 0.9] }),
      update(3, 4, { 'bn.runningVar': [0.1, 0.2], 'bn.gamma': [1.0, 1.2] }),
    ];
    const expected = [0, 1].map((i) => updates.reduce((s, u) => s + u.numSamples * u.arrays['bn.runningVar']!.data[i]!, 0) / 10);
    const out = agg.aggregate({ round: 1, current, updates, bufferKeys: ['bn.runningVar'] });
    expect(valuesOf(out, 'bn.runningVar')[0]).toBeCloseTo(expected[0]!, 6);
    expect(valuesOf(out, 'bn.runningVar')[1]).toBeCloseTo(expected[1]!, 6);
    expect(Object.keys(out)).toEqual(['bn.runningVar', 'bn.gamma']);
    // Server optimisers keep no state for buffers.
    const state = agg.stateDict?.() ?? {};
    expect(Object.keys(state).filter((k) => k.endsWith('runningVar'))).toEqual([]);
  });

  it('treats only the declared keys as buffers: a key named like one is a parameter unless declared', () => {
    const agg = new FedAvgMAggregator({ serverLearningRate: 2, serverMomentum: 0 }, silentLogger());
    const current = record({ 'bn.runningVar': [0] });
    const updates = [update(0, 1, { 'bn.runningVar': [1] }), update(1, 1, { 'bn.runningVar': [3] })];
    expect(valuesOf(agg.aggregate({ round: 1, current, updates }), 'bn.runningVar')).toEqual([4]); // the server step
    expect(valuesOf(agg.aggregate({ round: 1, current, updates, bufferKeys: ['bn.runningVar'] }), 'bn.runningVar')).toEqual([2]);
  });

  it('takes the buffer keys from AggregationInput.bufferKeys', () => {
    const agg = new FedAvgMAggregator({ serverLearningRate: 2, serverMomentum: 0 }, silentLogger());
    const current = record({ stat: [0], w: [0] });
    const updates = [update(0, 1, { stat: [1], w: [1] }), update(1, 1, { stat: [3], w: [3] })];
    const out = agg.aggregate({ round: 1, current, updates, bufferKeys: ['stat'] });
    expect(valuesOf(out, 'stat')).toEqual([2]); // the mean
    expect(valuesOf(out, 'w')).toEqual([4]); // x − η·(x − mean) = 0 + 2·2
  });
});

describe('server optimisers and a BatchNorm model over several rounds', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', logger: silentLogger() });
  });

  /**
   * Each round, 4 clients start from the global model and run 5 train-mode forward passes on
   * inputs whose scale shrinks by 3× per round, so their running variances fall towards 0: the
   * trend a momentum or Adam step on the statistics overshoots below zero.
   */
  function clientUpdates(global: ArrayRecord, round: number, rng: Rng): ClientContribution[] {
    return [0, 1, 2, 3].map((clientId) => {
      const net = new SmallCnn([8, 8, 1], new Rng(1));
      try {
        net.loadState(global);
        const scale = 3 ** -round * (1 + 0.1 * clientId);
        for (let step = 0; step < 5; step++) {
          const pixels = Float32Array.from({ length: 4 * 64 }, () => scale * rng.normal());
          tf.tidy(() => net.apply(tf.tensor4d(pixels, [4, 8, 8, 1]), 'train'));
        }
        return { clientId, numSamples: 10 + clientId, arrays: net.exportState() };
      } finally {
        net.dispose();
      }
    });
  }

  it.each(Object.keys(AGGREGATORS))('%s keeps every running variance >= 0 and the eval forward finite for 10 rounds', (name) => {
    const agg = AGGREGATORS[name]!();
    const rng = new Rng(5);
    const net = new SmallCnn([8, 8, 1], new Rng(1));
    try {
      let global = net.exportState();
      const bufferKeys = [...net.buffers.keys()]; // what the model declares
      for (let round = 1; round <= 10; round++) {
        global = agg.aggregate({ round, current: global, updates: clientUpdates(global, round, rng), bufferKeys });
        for (const [key, entry] of Object.entries(global)) {
          if (key.endsWith('runningVar')) expect(Math.min(...entry.data), `${key} after round ${round}`).toBeGreaterThanOrEqual(0);
        }
        net.loadState(global);
        const features = tf.tidy(() => net.apply(tf.ones([2, 8, 8, 1]), 'eval').dataSync());
        expect(features.every(Number.isFinite), `eval features after round ${round}`).toBe(true);
      }
    } finally {
      net.dispose();
    }
  });
});
