/**
 * FedAvg's reported GM and PM (masked and unmasked) against numbers computed here from the final
 * global model's logits, independently of the evaluator (FedAvg has no personalPredictor, so its
 * PM is the global model on each client's local test set, docs/metrics.md#personalized-model-pm, docs/baselines.md#fedavg).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Simulation, buildClientRuntime, silentLogger } from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { createPatternFederation } from './fixtures/pattern-federation.js';
import { testContainer } from './fixtures/plugins.js';

describe('FedAvg metrics', () => {
  it('match an independent computation from the global model’s logits', async () => {
    const data = createPatternFederation({ numClasses: 5, trainPerClass: 80, testPerClass: 30, numClients: 7, seed: 4, noise: 1.6 });
    const config = {
      rounds: 2,
      clientsPerRound: 4,
      seed: 8,
      train: { localEpochs: 1, batchSize: 16, lr: 0.05, momentum: 0.5, weightDecay: 0 },
    };
    const logger = silentLogger();
    const runtime = buildClientRuntime(
      testContainer(),
      {
        strategy: { name: 'fedavg' },
        aggregator: { name: 'fedavg' },
        model: { backbone: { name: 'tiny-mlp' } },
        train: config.train,
        seed: 8,
        augment: true,
      },
      data,
      logger,
    );
    const result = await new Simulation({ ...runtime, config, logger }).run();

    const { dataset, partition } = data;
    const predictor = runtime.strategy.globalPredictor(result.global, {
      numClients: 7,
      numClasses: 5,
      clientClassCounts: [],
      clientSizes: [],
      models: runtime.models,
      rng: new Rng(0),
      train: config.train,
      logger,
    });
    const [h, w, c] = dataset.imageShape;
    const n = dataset.test.count;
    const pixels = new Float32Array(n * h * w * c);
    dataset.fillBatch(
      'test',
      Array.from({ length: n }, (_, i) => i),
      pixels,
      { augment: false },
    );
    const logits = tf.tidy(() => predictor.heads(predictor.features(tf.tensor4d(pixels, [n, h, w, c])))['global']!.arraySync());
    predictor.dispose();
    const labels = dataset.test.labels;
    const argmax = (row: number[], allowed: (k: number) => boolean) =>
      row.reduce((best, v, k) => (allowed(k) && (best < 0 || v > row[best]!) ? k : best), -1);

    // GM: plain accuracy and per-class accuracy on the balanced test set.
    const gmHits = logits.map((row, i) => argmax(row, () => true) === labels[i]);
    expect(result.final.gm.acc).toBeCloseTo(gmHits.filter(Boolean).length / n, 12);
    for (let k = 0; k < 5; k++) {
      const mine = gmHits.filter((_, i) => labels[i] === k);
      expect(result.perClassAccuracy[k]).toBeCloseTo(mine.filter(Boolean).length / mine.length, 12);
    }

    // PM: mean over clients with local test data of each client's accuracy, with and without masking.
    const masked: number[] = [];
    const unmasked: number[] = [];
    partition.localTestIndices.forEach((idx) => {
      if (idx.length === 0) return;
      const present = new Set(idx.map((i) => labels[i]!));
      masked.push(idx.filter((i) => argmax(logits[i]!, (k) => present.has(k)) === labels[i]).length / idx.length);
      unmasked.push(idx.filter((i) => argmax(logits[i]!, () => true) === labels[i]).length / idx.length);
    });
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(result.final.variants['pm/global']!.acc).toBeCloseTo(mean(masked), 12);
    expect(result.final.variants['pm/global/unmasked']!.acc).toBeCloseTo(mean(unmasked), 12);
    // FedAvg's reference PM (localtest_villina) is unmasked, so that is the headline; both are recorded.
    expect(result.pmMasked).toBe(false);
    expect(result.final.pm).toEqual(result.final.variants['pm/global/unmasked']);
    expect(result.final.pmMasked).toEqual(result.final.variants['pm/global']);
    expect(result.final.pmUnmasked).toEqual(result.final.variants['pm/global/unmasked']);
    // Masking can only help: it removes wrong candidates.
    expect(mean(masked)).toBeGreaterThanOrEqual(mean(unmasked));
    expect(mean(masked)).not.toBe(mean(unmasked));
  });
});
