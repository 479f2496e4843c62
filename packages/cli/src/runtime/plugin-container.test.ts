import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  InlineExecutor,
  Rng,
  RUN_STREAMS,
  buildClientData,
  buildClientRuntime,
  initBackend,
  listPlugins,
  silentLogger,
} from '@fedloge/core';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '@fedloge/datasets';
import { FASHION_MNIST_DIR, tinyPartition } from '../__fixtures__/tiny-run.js';
import { validateConfig } from '../config/validate.js';
import { checkPluginChoices } from '../run/check-plugins.js';
import { buildPluginContainer } from './plugin-container.js';
import { clientRuntimeSpec } from './runtime-spec.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const logger = silentLogger();

describe('buildPluginContainer', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', logger });
  });

  it('registers the built-ins: core models, heads, aggregators and the strategies', async () => {
    const c = await buildPluginContainer([], examples);
    expect(listPlugins(c, 'strategy').map((p) => p.name)).toEqual(expect.arrayContaining(['fedavg', 'fedloge']));
    expect(listPlugins(c, 'aggregator').map((p) => p.name)).toEqual(expect.arrayContaining(['fedavg', 'fedadam', 'median']));
    expect(listPlugins(c, 'model').map((p) => p.name)).toContain('cnn');
  });

  it('loads the README example plugin, which trains a client', async () => {
    const config = validateConfig({
      plugins: ['./plugins/fedavg-label-smoothing.mjs'],
      strategy: { name: 'fedavg-ls', options: { smoothing: 0.2 } },
      clients: { total: 3, perRound: 1 },
      train: { batchSize: 16 },
    });
    const container = await buildPluginContainer(config.plugins, examples);
    checkPluginChoices(container, config);
    expect(() => checkPluginChoices(container, { ...config, strategy: { name: 'fedavg-ls', options: { smoothing: 2 } } })).toThrow(
      /strategy: Invalid options for strategy 'fedavg-ls'.*smoothing/,
    );

    const dataset = await loadDataset({ name: 'fashion-mnist', dataDir: FASHION_MNIST_DIR, download: false });
    const data = { dataset, partition: tinyPartition(3, 32) };
    const spec = clientRuntimeSpec(config, data.partition, examples);
    const runtime = buildClientRuntime(container, spec, data, logger);
    expect(runtime.strategy.name).toBe('fedavg-ls');
    const clients = buildClientData(data, true);
    const before = tf.memory().numTensors;
    const global = await runtime.strategy.initialize({
      numClients: 3,
      numClasses: 10,
      clientClassCounts: clients.map((c) => c.classCounts),
      clientSizes: clients.map((c) => c.numSamples),
      models: runtime.models,
      rng: RUN_STREAMS.strategy(new Rng(1)),
      train: spec.train,
      logger,
    });
    const [update] = await new InlineExecutor(runtime).run([{ round: 1, clientId: 0, payload: global, state: undefined }]);
    expect(tf.memory().numTensors).toBe(before);
    const loss = update!.metrics!['loss']!;
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
    const key = Object.keys(global).find((k) => k.endsWith('weight'))!;
    expect(update!.arrays[key]!.data).not.toEqual(global[key]!.data);
  });
});
