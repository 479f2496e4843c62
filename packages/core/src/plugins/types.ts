/**
 * Plugin descriptors. A plugin is one small typed object (vite/vitest style): a name, a one-line
 * description, an options schema with the defaults, and a way to build the thing. Built-ins and
 * user modules named in config (`plugins: ["./my-strategy.js"]`) register the same objects in
 * the same DI container.
 */
import type { InjectionToken } from 'tsyringe';
import type { z } from 'zod';
import type { Rng } from '../random.js';
import type { Backbone, Head } from '../nn/module.js';
import type { Aggregator } from '../aggregator.js';
import type { Strategy } from '../strategy.js';

/** A class the DI container can build. Its constructor parameters use explicit `@inject(TOKEN)`. */
export type Constructor<T> = Extract<InjectionToken<T>, new (...args: never[]) => T>;

interface PluginBase<O> {
  /** Registered name, used in config and on the command line (lower-case, e.g. `fedloge`). */
  readonly name: string;
  /** One line shown in `--help` and in error messages. */
  readonly description: string;
  /** Validates the plugin's options and fills in defaults. */
  readonly options?: z.ZodType<O>;
}

/**
 * A strategy plugin. The class is resolved by the container with these tokens available:
 * `TOKENS.Aggregator` (the configured aggregator), `TOKENS.StrategyOptions` (the parsed options),
 * `TOKENS.Kernels` (when registered) and anything else the host registered.
 */
export interface StrategyPlugin<O = unknown> extends PluginBase<O> {
  readonly kind: 'strategy';
  /** Paper reference shown in README tables and summaries. */
  readonly paper?: string;
  readonly strategy: Constructor<Strategy>;
}

/** An aggregator plugin; resolved with `TOKENS.AggregatorOptions` available. */
export interface AggregatorPlugin<O = unknown> extends PluginBase<O> {
  readonly kind: 'aggregator';
  readonly aggregator: Constructor<Aggregator>;
  /**
   * Why `options` can never work with `clientsPerRound` updates per round (e.g. Krum's f with
   * n ≤ 2f + 2), with the numbers and a remedy; undefined when they can. Hosts call it before
   * training so that such a run is refused up front rather than failing in round 1.
   */
  settingProblem?(options: O, clientsPerRound: number): string | undefined;
}

/** Arguments every backbone factory receives. */
export interface BackboneArgs {
  readonly inputShape: readonly [number, number, number];
  /** Stream for the initial weights. */
  readonly rng: Rng;
}

/** A backbone architecture (`cnn`, `resnet8`, …). */
export interface ModelPlugin<O = unknown> extends PluginBase<O> {
  readonly kind: 'model';
  create(args: BackboneArgs, options: O): Backbone;
}

/** Arguments every head factory receives. */
export interface HeadArgs {
  readonly inputDim: number;
  readonly numClasses: number;
  readonly rng: Rng;
}

/** A head type (`linear`, …). */
export interface HeadPlugin<O = unknown> extends PluginBase<O> {
  readonly kind: 'head';
  create(args: HeadArgs, options: O): Head;
}

export type Plugin = StrategyPlugin | AggregatorPlugin | ModelPlugin | HeadPlugin;
export type PluginKind = Plugin['kind'];
