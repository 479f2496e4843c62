// Every built-in aggregator resolves through the plugin registry and a tsyringe container, with
// its options parsed and the run's logger injected.
import 'reflect-metadata';
import { container as rootContainer, inject, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { TOKENS } from '../plugins/tokens.js';
import { PluginError, createAggregator, listPlugins, registerPlugin } from '../plugins/registry.js';
import { record, update, valuesOf } from './__fixtures__/updates.js';
import { BaseAggregator, CORE_AGGREGATOR_PLUGINS, FedAvgAggregator, KrumAggregator } from './index.js';

function containerWithBuiltins() {
  const container = rootContainer.createChildContainer();
  for (const plugin of CORE_AGGREGATOR_PLUGINS) registerPlugin(container, plugin);
  return container;
}

// Four identical clients: every rule must return their common value.
const current = record({ w: [0, 0] });
const updates = [0, 1, 2, 3].map((k) => update(k, 1 + k, { w: [1, 2] }));

describe('createAggregator', () => {
  it('registers eight distinct names', () => {
    const names = listPlugins(containerWithBuiltins(), 'aggregator').map((p) => p.name);
    expect(names.sort()).toEqual(['fedadam', 'fedavg', 'fedavgm', 'fedyogi', 'krum', 'median', 'multi-krum', 'trimmed-mean']);
  });

  it.each(CORE_AGGREGATOR_PLUGINS.map((p) => [p.name, p] as const))('builds %s with defaults and aggregates', (name, plugin) => {
    const logger = silentLogger();
    const agg = createAggregator(containerWithBuiltins(), name, undefined, logger);
    // The plugin builds the same class as plain construction with defaults (no container needed).
    expect(agg.constructor).toBe(plugin.create({ name, options: {}, logger, container: rootContainer }).constructor);
    expect(agg).toBeInstanceOf(BaseAggregator);
    expect(agg.name).toBe(name);
    const w = valuesOf(agg.aggregate({ round: 1, current, updates }), 'w');
    // Adaptive rules take one step from 0 towards the common value [1, 2] (Δ = [1, 2], m = 0 and
    // v = τ² = 1e-6 before): x = η·0.1·Δ/(√v₁ + τ) with v₁ = 0.99·τ² + 0.01·Δ² (Adam) or τ² + 0.01·Δ² (Yogi)
    const adam = [1, 2].map((d) => (0.1 * 0.1 * d) / (Math.sqrt(0.99e-6 + 0.01 * d * d) + 1e-3));
    const yogi = [1, 2].map((d) => (0.01 * 0.1 * d) / (Math.sqrt(1e-6 + 0.01 * d * d) + 1e-3));
    const expected: Record<string, number[]> = { fedadam: adam, fedyogi: yogi };
    const want = expected[name] ?? [1, 2];
    w.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 6));
    expect(agg.summary?.()).toMatchObject({ aggregator: name });
  });

  it('passes the parsed options and the run logger through the container', () => {
    const logger = silentLogger();
    const agg = createAggregator(containerWithBuiltins(), 'trimmed-mean', { beta: 0.1 }, logger);
    expect(agg.summary?.()).toEqual({ aggregator: 'trimmed-mean', beta: 0.1 });
    agg.aggregate({ round: 6, current, updates });
    // the degenerate-beta warning reaches the injected logger
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/^trimmed-mean, round 6/);
  });

  it('prefers a logger registered in the container', () => {
    const container = containerWithBuiltins();
    const registered = silentLogger();
    container.register(TOKENS.Logger, { useValue: registered });
    const agg = createAggregator(container, 'fedavg', {}, silentLogger());
    agg.aggregate({ round: 1, current, updates: [] });
    expect(registered.warnings).toHaveLength(1);
  });

  it('reports bad options with the plugin and field', () => {
    expect(() => createAggregator(containerWithBuiltins(), 'krum', { f: -2 }, silentLogger())).toThrow(PluginError);
    expect(() => createAggregator(containerWithBuiltins(), 'fedadam', { betaOne: 0.9 }, silentLogger())).toThrow(
      /aggregator 'fedadam' option \(options\): Unrecognized key: "betaOne"/,
    );
  });

  it('lists the built-ins for an unknown name', () => {
    expect(() => createAggregator(containerWithBuiltins(), 'fedprox', {}, silentLogger())).toThrow(
      /Unknown aggregator 'fedprox'. Registered aggregator plugins: fedadam, fedavg, fedavgm, fedyogi, krum, median, multi-krum, trimmed-mean/,
    );
  });

  it('builds a class-only plugin of the older form (tsyringe @inject tokens) through the container', () => {
    const container = containerWithBuiltins();
    class Legacy extends FedAvgAggregator {
      constructor(options: Record<string, never>, logger: ReturnType<typeof silentLogger>) {
        super(options, logger);
      }
    }
    inject(TOKENS.AggregatorOptions)(Legacy, undefined, 0);
    inject(TOKENS.Logger)(Legacy, undefined, 1);
    injectable()(Legacy);
    registerPlugin(container, { kind: 'aggregator', name: 'legacy', description: 'old form', aggregator: Legacy } as never);
    const logger = silentLogger();
    const agg = createAggregator(container, 'legacy', {}, logger);
    expect(agg).toBeInstanceOf(Legacy);
    agg.aggregate({ round: 1, current, updates: [] });
    expect(logger.warnings).toHaveLength(1);
  });

  it('refuses a plugin without create, saying what to add', () => {
    expect(() =>
      registerPlugin(rootContainer.createChildContainer(), { kind: 'aggregator', name: 'half', description: 'x' } as never),
    ).toThrow(
      /The aggregator plugin 'half' has no create function; add one, e.g. create: \(\{ options, logger \}\) => new MyAggregator\(options, logger\)/,
    );
  });
});

describe('plain construction', () => {
  it('gives every aggregator its defaults without a container', () => {
    expect(new FedAvgAggregator().options).toEqual({});
    expect(new KrumAggregator().options).toEqual({ f: 0 });
    expect(new KrumAggregator({ f: 1 }).summary()).toEqual({ aggregator: 'krum', f: 1 });
  });
});
