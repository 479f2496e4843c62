/**
 * Plugin descriptors. A plugin is one small typed object (vite/vitest style): a name, a one-line
 * description, an options schema with the defaults, and a `create` (or `load`) function that
 * builds the thing from a context. Built-ins and user modules named in config
 * (`plugins: ["./my-strategy.js"]`) register the same objects in the same DI container, and the
 * container calls `create` (a tsyringe factory), so plugin classes need no decorators and no
 * `inject(...)` calls: a strategy is `class MyStrategy extends FedAvg { … }` and
 * `create: (ctx) => new MyStrategy(ctx)`.
 */
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { Rng } from '../random.js';
import type { Backbone, Head } from '../nn/module.js';
import type { Aggregator } from '../aggregator.js';
import type { ImageDataset } from '../dataset.js';
import type { Logger } from '../logger.js';
import type { Strategy } from '../strategy.js';

interface PluginBase<O> {
  /** Registered name, used in config and on the command line (lower-case, e.g. `fedloge`). */
  readonly name: string;
  /** One line shown in `--help` and in error messages. */
  readonly description: string;
  /** Validates the plugin's options and fills in defaults. */
  readonly options?: z.ZodType<O>;
}

/** What every `create` receives: the plugin's registered name, its parsed options and the run's services. */
export interface PluginContext<O> {
  /** The name the plugin was registered (and selected) under; a strategy reports it as its `name`. */
  readonly name: string;
  /** The options, parsed by the plugin's schema (defaults filled in). */
  readonly options: O;
  /** The run's logger: plugins report through it, never through the console. */
  readonly logger: Logger;
  /**
   * The child container the plugin is built in, for host services a plugin may ask for by token
   * (e.g. `TOKENS.Kernels`); most plugins never need it.
   */
  readonly container: DependencyContainer;
}

/** The context a strategy is built with: the configured aggregator on top of the common one. */
export interface StrategyContext<O = unknown> extends PluginContext<O> {
  readonly aggregator: Aggregator;
}

/** A strategy plugin: `create` builds the strategy (typically `(ctx) => new MyStrategy(ctx)`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- lists hold plugins of many option types (`unknown` would refuse `StrategyPlugin<MyOptions>`)
export interface StrategyPlugin<O = any> extends PluginBase<O> {
  readonly kind: 'strategy';
  /** Paper reference shown in README tables and summaries. */
  readonly paper?: string;
  create(context: StrategyContext<O>): Strategy;
}

/** The context an aggregator is built with. */
export type AggregatorContext<O = unknown> = PluginContext<O>;

/** An aggregator plugin: `create` builds the aggregator (typically `({ options, logger }) => new X(options, logger)`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- lists hold plugins of many option types (`unknown` would refuse `StrategyPlugin<MyOptions>`)
export interface AggregatorPlugin<O = any> extends PluginBase<O> {
  readonly kind: 'aggregator';
  create(context: AggregatorContext<O>): Aggregator;
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

/** Download progress of one file, as a dataset loader reports it. */
export interface DatasetDownloadProgress {
  /** Base name of the file being downloaded. */
  readonly file: string;
  readonly receivedBytes: number;
  /** From Content-Length; undefined when the server does not send it. */
  readonly totalBytes: number | undefined;
}

/**
 * Progress of a data set's one-time preparation (e.g. decoding a JPEG collection into a cache),
 * reported after every item.
 */
export interface DatasetPreparationProgress {
  /** What is being prepared, e.g. the split (`train`, `test`). */
  readonly stage: string;
  /** Items handled so far (prepared or failed), including those of an earlier, interrupted pass. */
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

/** An item a data set's preparation could not use (a missing or corrupt file); the pass goes on without it. */
export interface DatasetItemFailure {
  readonly stage: string;
  readonly path: string;
  readonly reason: string;
}

/** What a dataset plugin's `load` receives: where to look, whether it may download, and its parsed options. */
export interface DatasetContext<O = unknown> {
  /** The name the dataset was registered (and selected) under. */
  readonly name: string;
  readonly options: O;
  /**
   * The folder that holds the data set (`--data-dir`). When given, the loader looks there only and
   * never downloads; otherwise it searches its usual places and its cache.
   */
  readonly dataDir?: string | undefined;
  /** Whether missing files may be downloaded. Worker threads always load with `false`. */
  readonly download: boolean;
  /** Download progress, once per received chunk. */
  readonly onProgress?: ((progress: DatasetDownloadProgress) => void) | undefined;
  /** Progress of a long one-time preparation pass (loaders that have one). */
  readonly onPreparationProgress?: ((progress: DatasetPreparationProgress) => void) | undefined;
  /** Called once per item the preparation left out, so the host can list them by path. */
  readonly onItemFailed?: ((failure: DatasetItemFailure) => void) | undefined;
  /** Aborting stops a long preparation at a point the next load resumes from. */
  readonly signal?: AbortSignal | undefined;
  readonly logger: Logger;
}

/**
 * A data set (`fashion-mnist`, `cifar10`, …): `load` returns it in memory. Runs in the main thread
 * and again in every worker thread (with `download: false`), so it must give the same data each time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- lists hold plugins of many option types (`unknown` would refuse `StrategyPlugin<MyOptions>`)
export interface DatasetPlugin<O = any> extends PluginBase<O> {
  readonly kind: 'dataset';
  load(context: DatasetContext<O>): Promise<ImageDataset>;
}

export type Plugin = StrategyPlugin | AggregatorPlugin | ModelPlugin | HeadPlugin | DatasetPlugin;
export type PluginKind = Plugin['kind'];
