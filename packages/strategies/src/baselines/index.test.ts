/**
 * Every baseline, registered as a built-in, run end to end by the framework's own Simulation on a
 * tiny long-tailed federation: the plugin wiring (DI, option schemas), the client-state store and
 * the GM/PM evaluator with each strategy's predictors. Per-method behaviour is tested beside each
 * strategy; this checks they all learn something and report every variant they promise.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, buildClientRuntime, getPlugin, silentLogger } from '@fedloge/core';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { testContainer } from '../../../../test/fixtures/plugins.js';
import { BASELINE_STRATEGIES, BASELINE_STRATEGY_PLUGINS } from './index.js';

const data = createPatternFederation({ numClasses: 4, trainPerClass: 60, testPerClass: 20, numClients: 4, seed: 5 });

/** Small settings so each run takes a second or two on the cpu backend. */
const fastOptions: Partial<Record<keyof typeof BASELINE_STRATEGIES, object>> = {
  fedbabu: { fineTuneEpochs: 1 },
  fedetf: { adaptation: { localEpochs: 1, rounds: 1 } },
  fedrep: { headEpochs: 1 },
  creff: { featuresPerClass: 10, matchSteps: 50, retrainEpochs: 40, retrainLr: 0.1, gradientDraws: 1 },
};

/** The PM variant each strategy reports (PM of FedProx, FedLC and CReFF is the GM on local data). */
const pmVariant: Record<keyof typeof BASELINE_STRATEGIES, string> = {
  fedprox: 'global',
  fedlc: 'global',
  creff: 're-trained',
  fedrod: 'generic+personal',
  fedbabu: 'fine-tuned',
  fedetf: 'adapted',
  ditto: 'personal',
  fedrep: 'personal',
  fedper: 'personal',
  fedbn: 'personal',
};

describe('baseline strategies', () => {
  it('are all registered as built-ins, each with a paper reference', () => {
    const container = testContainer();
    expect(BASELINE_STRATEGY_PLUGINS).toHaveLength(10);
    for (const plugin of BASELINE_STRATEGY_PLUGINS) {
      expect(getPlugin(container, 'strategy', plugin.name)).toBe(plugin);
      expect(plugin.paper).toMatch(/20\d\d/);
    }
  });

  for (const name of Object.keys(BASELINE_STRATEGIES) as (keyof typeof BASELINE_STRATEGIES)[]) {
    it(`${name} runs in the simulation and beats chance on GM and PM`, async () => {
      const logger = silentLogger();
      const config = {
        rounds: 3,
        clientsPerRound: 3,
        evalEvery: 3,
        seed: 2,
        train: { localEpochs: 2, batchSize: 16, lr: 0.1, momentum: 0.5, weightDecay: 0 },
      };
      const runtime = buildClientRuntime(
        testContainer(),
        {
          strategy: { name, options: fastOptions[name] },
          aggregator: { name: 'fedavg' },
          model: { backbone: { name: 'tiny-mlp', options: { featureDim: 12 } } },
          train: config.train,
          seed: config.seed,
          augment: true,
        },
        data,
        logger,
      );
      const result = await new Simulation({ ...runtime, config, reporters: [], logger }).run();
      expect(result.final.variants[`pm/${pmVariant[name]}`]).toBeDefined();
      // Four classes: chance is 0.25.
      expect(result.final.gm.acc).toBeGreaterThan(0.4);
      expect(result.final.pm.acc).toBeGreaterThan(0.4);
      expect(logger.warnings).toEqual([]);
    });
  }
});
