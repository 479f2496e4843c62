/**
 * A strategy written in one file outside the packages (test/fixtures/my-strategy.ts), loaded by
 * path the way `plugins: ["./my-strategy.js"]` in a config loads it, and run by its name.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Simulation,
  buildClientRuntime,
  createAggregator,
  createStrategy,
  listPlugins,
  loadPluginModules,
  silentLogger,
} from '@fedloge/core';
import { createPatternFederation } from './fixtures/pattern-federation.js';
import { testContainer } from './fixtures/plugins.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('a user strategy loaded from a module path', () => {
  it('registers under its name and runs through the round loop', async () => {
    const container = testContainer();
    expect(listPlugins(container, 'strategy').map((p) => p.name)).not.toContain('personal-head-avg');
    const loaded = await loadPluginModules(container, ['./fixtures/my-strategy.ts'], here);
    expect(loaded.get('./fixtures/my-strategy.ts')).toContain('strategy:personal-head-avg');

    const data = createPatternFederation({ numClasses: 5, trainPerClass: 60, testPerClass: 20, numClients: 6, seed: 21 });
    const config = {
      rounds: 2,
      clientsPerRound: 3,
      seed: 5,
      train: { localEpochs: 1, batchSize: 16, lr: 0.1, momentum: 0.5, weightDecay: 0 },
    };
    const logger = silentLogger();
    const runtime = buildClientRuntime(
      container,
      {
        strategy: { name: 'personal-head-avg', options: { pmPredictor: 'model' } },
        aggregator: { name: 'fedavg' },
        model: { backbone: { name: 'tiny-mlp' } },
        train: config.train,
        seed: config.seed,
        augment: true,
      },
      data,
      logger,
    );
    const result = await new Simulation({ ...runtime, config, logger }).run();

    expect(result.strategy).toBe('personal-head-avg');
    expect(result.rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(Object.keys(result.final.variants).sort()).toEqual(['gm/avg', 'pm/personal', 'pm/personal/unmasked']);
    expect(result.final.gm.acc).toBeGreaterThan(0.2); // 5 classes: chance 0.2
    expect(logger.warnings).toEqual([]);
  });

  it('tells the author of a FedAvg subclass in the earlier plugin form what to change', async () => {
    const container = testContainer();
    expect(
      (await loadPluginModules(container, ['./fixtures/legacy-fedavg-plugin.mjs'], here)).get('./fixtures/legacy-fedavg-plugin.mjs'),
    ).toEqual(['strategy:legacy-fedavg']);
    const logger = silentLogger();
    expect(() => createStrategy(container, 'legacy-fedavg', {}, createAggregator(container, 'fedavg', {}, logger), logger)).toThrow(
      /The strategy plugin 'legacy-fedavg' uses the earlier form \{ strategy: LegacyFedAvg \}.*create: \(ctx\) => new LegacyFedAvg\(ctx\).*delete LegacyFedAvg's @inject \/ inject\(TOKENS…\) calls: a subclass of FedAvg then needs no constructor/s,
    );
  });

  it('fails with the module path when the module does not exist', async () => {
    await expect(loadPluginModules(testContainer(), ['./fixtures/missing-strategy.ts'], here)).rejects.toThrow(
      /Could not load plugin module '.\/fixtures\/missing-strategy.ts'/,
    );
  });
});
