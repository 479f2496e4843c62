/**
 * FedLoGe inside the framework's round loop: payloads, the client-state store, aggregation and the
 * evaluator's GM/PM variants, then the export of the finished run (the exportModel hook) scored against the evaluator.
 */
import 'reflect-metadata';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Simulation, buildClientRuntime, silentLogger } from '@fedloge/core';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { testContainer } from '../../../../test/fixtures/plugins.js';
import type { FedLoGe } from './fedloge.js';
import { loadFedLoGeModel } from './predict.js';

describe('FedLoGe in a simulation', () => {
  it('trains, reports every GM/PM variant, keeps local heads per client and exports what it evaluated', async () => {
    const numClasses = 5;
    const numClients = 6;
    const data = createPatternFederation({ numClasses, trainPerClass: 60, testPerClass: 20, numClients, seed: 4, noise: 1.2 });
    const train = { localEpochs: 2, batchSize: 8, lr: 0.05, momentum: 0.5, weightDecay: 0 };
    const config = { rounds: 3, clientsPerRound: 3, seed: 8, train };
    const logger = silentLogger();
    const container = testContainer();
    const backbone = { name: 'tiny-mlp', options: { featureDim: 16 } };
    const runtime = buildClientRuntime(
      container,
      {
        strategy: { name: 'fedloge', options: { etfSteps: 500 } },
        aggregator: { name: 'fedavg' },
        model: { backbone },
        train,
        seed: config.seed,
        augment: false,
      },
      data,
      logger,
    );
    const simulation = new Simulation({ ...runtime, config, logger });
    const result = await simulation.run();

    const v = result.final.variants;
    for (const name of ['gm/sse-c', 'gm/ga-fr', 'gm/gaux', 'pm/stage1', 'pm/la-fr', 'pm/stage1/unmasked', 'pm/la-fr/unmasked']) {
      expect(v[name], name).toBeDefined();
    }
    expect(result.final.gm).toEqual(v['gm/sse-c']); // headline GM: the universal model
    expect(result.final.pm).toEqual(v['pm/stage1']); // headline PM: local + global head, masked (as the reference)
    expect(result.pmMasked).toBe(true);
    expect(result.final.pmUnmasked).toEqual(v['pm/stage1/unmasked']);
    // Well above chance (0.2) after three short rounds on this easy data.
    expect(v['gm/sse-c']!.acc!).toBeGreaterThan(0.4);
    expect(v['pm/stage1']!.acc!).toBeGreaterThan(0.4);
    expect(Object.keys(result.global).every((k) => k.startsWith('backbone.') || k.startsWith('gaux.'))).toBe(true);

    // Only selected clients hold a state, and it is exactly their local head.
    const states = Array.from({ length: numClients }, (_, k) => simulation.clientStates.get(k));
    const selected = new Set(result.rounds.flatMap((r) => r.clients.map((c) => c.clientId)));
    states.forEach((state, k) => {
      expect(state === undefined, `client ${k}`).toBe(!selected.has(k));
      if (state) expect(Object.keys(state).sort()).toEqual(['local.bias', 'local.weight']);
    });

    // The exported universal model scores exactly the evaluator's gm/sse-c on the balanced test set.
    const dir = await mkdtemp(join(tmpdir(), 'fedloge-sim-'));
    try {
      const strategy = runtime.strategy as FedLoGe;
      // Through the Strategy hook the CLI calls (it wraps exportFedLoGeModel), listing the files it wrote.
      const info = await strategy.exportModel(dir, {
        global: result.global,
        clientStates: states,
        models: runtime.models,
        backbone,
        seed: config.seed,
        logger,
      });
      expect(info.format).toBe('fedloge-model');
      expect((await readdir(dir)).sort()).toEqual([...info.files].sort());
      const model = await loadFedLoGeModel(dir, { container });
      const { dataset } = data;
      const [h, w, c] = dataset.imageShape;
      const n = dataset.test.count;
      const pixels = new Float32Array(n * h * w * c);
      dataset.fillBatch(
        'test',
        Array.from({ length: n }, (_, i) => i),
        pixels,
        { augment: false },
      );
      const x = tf.tensor4d(pixels, [n, h, w, c]);
      const predicted = model.classify(x, { mode: 'universal' });
      x.dispose();
      model.dispose();
      const hits = Array.from(predicted).filter((y, i) => y === dataset.test.labels[i]).length;
      expect(hits / n).toBeCloseTo(v['gm/sse-c']!.acc!, 12);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
