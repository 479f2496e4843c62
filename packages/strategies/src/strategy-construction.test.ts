/**
 * How strategies are built: through their plugin's `create` (a factory the container calls) or by
 * hand with `new`, with the same name, defaults and validation either way, and subclasses that
 * need no constructor, no decorators and no `inject(...)` calls.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FedAvgAggregator,
  KrumAggregator,
  PluginError,
  PluginModelBuilder,
  Simulation,
  createAggregator,
  createStrategy,
  registerPlugin,
  silentLogger,
  type Aggregator,
  type StrategyPlugin,
} from '@fedloge/core';
import { createPatternFederation } from '../../../test/fixtures/pattern-federation.js';
import { testContainer } from '../../../test/fixtures/plugins.js';
import { FedProx } from './baselines/fedprox.js';
import { FedAvg, fedAvgPlugin, type StrategyInit } from './fedavg.js';
import { FedLoGe } from './fedloge/fedloge.js';
import { BUILTIN_STRATEGIES } from './register-builtins.js';

/** The options a strategy reports in its summary. */
const optionsOf = (s: { summary(): Record<string, unknown> }) => s.summary()['options'];

describe('building a strategy by hand', () => {
  it('new FedAvg() needs no container: name, options and aggregator have defaults', () => {
    const fedavg = new FedAvg();
    expect(fedavg.name).toBe('fedavg');
    expect(fedavg.summary()).toEqual({ strategy: 'fedavg', options: {}, aggregator: 'fedavg' });
  });

  it('takes options (parsed by its own schema, defaults filled in), an aggregator and a logger', () => {
    const logger = silentLogger();
    const prox = new FedProx({ options: { mu: 0 }, aggregator: new KrumAggregator({ f: 1 }), logger });
    expect(prox.name).toBe('fedprox');
    expect(prox.summary()).toMatchObject({ options: { mu: 0, proxForm: 'sqL2/2' }, aggregator: 'krum', f: 1 });
    expect(logger.warnings).toEqual(['fedprox: mu = 0 makes FedProx identical to FedAvg']);
    expect(() => new FedProx({ options: { proxForm: 'l1' as never } })).toThrow(/strategy 'fedprox' option proxForm/);
  });

  it('gives FedLoGe its defaults and reports kernel fallbacks to the given logger', () => {
    const logger = silentLogger();
    const fedloge = new FedLoGe({ options: { kernels: 'tfjs', sparsity: 0.5 }, logger });
    expect(fedloge.resolvedOptions).toMatchObject({ sparsity: 0.5, realignNorm: 1.7, etfBias: 'random' });
    expect(logger.warnings).toEqual([]);
  });

  it.each(Object.entries(BUILTIN_STRATEGIES))('%s: new X() equals what the registry builds from {}', (name, plugin) => {
    const container = testContainer();
    const logger = silentLogger();
    const built = createStrategy(container, name, {}, createAggregator(container, 'fedavg', {}, logger), logger);
    expect(built.name).toBe(name);
    const Class = built.constructor as new (init?: StrategyInit<object>) => FedAvg<object>;
    expect((Class as unknown as { plugin: StrategyPlugin }).plugin).toBe(plugin);
    const byHand = new Class({ logger: silentLogger() });
    expect(byHand.name).toBe(name);
    expect(optionsOf(byHand)).toEqual(optionsOf(built as FedAvg<object>));
  });

  it('runs in a hand-assembled Simulation (no registry involved in the strategy)', async () => {
    const data = createPatternFederation({ numClasses: 4, trainPerClass: 40, testPerClass: 10, numClients: 4, seed: 9 });
    const models = new PluginModelBuilder(
      testContainer(),
      { backbone: { name: 'tiny-mlp' } },
      data.dataset.imageShape,
      data.dataset.numClasses,
    );
    const logger = silentLogger();
    const config = {
      rounds: 2,
      clientsPerRound: 2,
      seed: 4,
      train: { localEpochs: 1, batchSize: 16, lr: 0.1, momentum: 0.5, weightDecay: 0 },
    };
    const result = await new Simulation({ strategy: new FedProx({ options: { mu: 0.01 }, logger }), data, models, config, logger }).run();
    expect(result.strategy).toBe('fedprox');
    expect(result.rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(result.final.gm.acc).toBeGreaterThan(0.25); // 4 classes: chance 0.25
    expect(logger.warnings).toEqual([]);
  });

  it('explains the new constructor to a subclass written the old way', () => {
    class OldStyle extends FedAvg {
      constructor(aggregator: Aggregator, options: object) {
        super(aggregator as never);
        void options;
      }
    }
    expect(() => new OldStyle(new FedAvgAggregator(), {})).toThrow(
      /OldStyle was constructed the old way.*create: \(ctx\) => new OldStyle\(ctx\)/s,
    );
  });
});

describe('a subclass as a plugin', () => {
  const smoothing = z.strictObject({ smoothing: z.number().min(0).lt(1).default(0.1) });
  type Smoothing = z.output<typeof smoothing>;

  /** No constructor, no name, no decorators: everything comes from the plugin object. */
  class LabelSmoothing extends FedAvg<Smoothing> {
    get smoothing(): number {
      return this.options.smoothing;
    }
  }
  const plugin: StrategyPlugin<Smoothing> = {
    kind: 'strategy',
    name: 'fedavg-ls',
    description: 'test',
    options: smoothing,
    create: (ctx) => new LabelSmoothing(ctx),
  };

  it('gets its name once, from the plugin, and its options parsed by the plugin schema', () => {
    const container = testContainer();
    registerPlugin(container, plugin);
    const logger = silentLogger();
    const aggregator = createAggregator(container, 'median', {}, logger);
    const s = createStrategy(container, 'fedavg-ls', { smoothing: 0.2 }, aggregator, logger) as LabelSmoothing;
    expect(s).toBeInstanceOf(LabelSmoothing);
    expect(s.name).toBe('fedavg-ls');
    expect(s.smoothing).toBe(0.2);
    expect(s.summary()).toMatchObject({ strategy: 'fedavg-ls', aggregator: 'median' });
    expect(createStrategy(container, 'fedavg-ls', undefined, aggregator, logger).name).toBe('fedavg-ls');
    expect(() => createStrategy(container, 'fedavg-ls', { smoothing: 2 }, aggregator, logger)).toThrow(
      /strategy 'fedavg-ls' option smoothing/,
    );
  });

  it('can reuse a built-in class under another name (its options then come from the new plugin)', () => {
    const container = testContainer();
    registerPlugin(container, { ...fedAvgPlugin, name: 'plain-avg' });
    const logger = silentLogger();
    const s = createStrategy(container, 'plain-avg', {}, createAggregator(container, 'fedavg', {}, logger), logger);
    expect(s).toBeInstanceOf(FedAvg);
    expect(s.name).toBe('plain-avg');
  });

  it('names the plugin when create returns something that is not a strategy', () => {
    const container = testContainer();
    registerPlugin(container, { ...plugin, name: 'broken', create: () => ({}) as never });
    const logger = silentLogger();
    expect(() => createStrategy(container, 'broken', {}, createAggregator(container, 'fedavg', {}, logger), logger)).toThrow(PluginError);
  });
});
