/**
 * FedAvg end to end on real Fashion-MNIST-LT (/usr/share/datasets/fashion-mnist): data loader,
 * long-tailed Dirichlet partition, the `cnn` model, the `fedavg` aggregator, the round loop and the
 * evaluator together. Kept to a per-class subset and two rounds so it runs in well under a minute
 * on two CPU cores; skipped when the data set files are absent.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Simulation,
  buildClientRuntime,
  initBackend,
  silentLogger,
  type FederatedData,
  type SimulationConfig,
  type TrainConfig,
} from '@fedloge/core';
import { Rng } from '@fedloge/core/data';
import { FASHION_MNIST_SYSTEM_DIR, buildFederatedData, loadDataset } from '@fedloge/datasets';
import { balancedSubset } from './fixtures/dataset-subset.js';
import { testContainer } from './fixtures/plugins.js';

const available = existsSync(`${FASHION_MNIST_SYSTEM_DIR}/train-images-idx3-ubyte.gz`);

describe.skipIf(!available)('FedAvg on Fashion-MNIST-LT', () => {
  let data: FederatedData;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger: silentLogger() });
    const full = await loadDataset({ name: 'fashion-mnist' });
    // 80 train / 100 test images per class, then the long-tailed subset (IF 0.5) over 5 clients.
    data = buildFederatedData({
      dataset: balancedSubset(full, 80, 100),
      numClients: 5,
      alpha: 1,
      imbalanceFactor: 0.5,
      rng: new Rng(3407),
    });
  });

  function run(model: string, config: SimulationConfig & { readonly train: TrainConfig; readonly seed: number }, onRoundEnd?: () => void) {
    const logger = silentLogger();
    const runtime = buildClientRuntime(
      testContainer(),
      {
        strategy: { name: 'fedavg' },
        aggregator: { name: 'fedavg' },
        model: { backbone: { name: model } },
        train: config.train,
        seed: config.seed,
        augment: true,
      },
      data,
      logger,
    );
    return new Simulation({ ...runtime, config, logger, reporters: onRoundEnd ? [{ onRoundEnd }] : [] }).run();
  }

  it('learns well above chance with the cnn, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const live: number[] = [];
    const result = await run(
      'cnn',
      {
        rounds: 2,
        evalEvery: 2,
        clientsPerRound: 5,
        seed: 1,
        train: { localEpochs: 2, batchSize: 16, lr: 0.05, momentum: 0.5, weightDecay: 0 },
      },
      () => void live.push(tf.memory().numTensors),
    );
    // 10 classes: chance is 0.1.
    expect(result.final.gm.acc).toBeGreaterThan(0.4);
    expect(result.final.pm.acc).toBeGreaterThan(0.4);
    expect(result.perClassAccuracy).toHaveLength(10);
    expect(live).toEqual([before, before]);
  });

  it('gives identical metrics for the same seed', async () => {
    const config = {
      rounds: 2,
      clientsPerRound: 3,
      seed: 9,
      train: { localEpochs: 1, batchSize: 32, lr: 0.05, momentum: 0.5, weightDecay: 0 },
    } satisfies SimulationConfig;
    const metrics = (r: Awaited<ReturnType<typeof run>>) =>
      r.rounds.map(({ gm, pm, pmUnmasked, variants, trainLoss, clients }) => ({
        gm,
        pm,
        pmUnmasked,
        variants,
        trainLoss,
        clients: clients.map((c) => [c.clientId, c.metrics]),
      }));
    const a = await run('tiny-mlp', config);
    const b = await run('tiny-mlp', config);
    expect(metrics(a)).toEqual(metrics(b));
    expect(a.final.gm.acc).toBeGreaterThan(0.1);
  });
});
