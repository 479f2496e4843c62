/**
 * The plugin registry, on top of a tsyringe container: plugins register under one multi-token
 * per kind, config selects them by name, and user modules named in config register the same way.
 */
import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { Aggregator } from '../aggregator.js';
import type { ImageDataset } from '../dataset.js';
import type { Logger } from '../logger.js';
import type { Strategy } from '../strategy.js';
import { TOKENS } from './tokens.js';
import type { DatasetContext, HeadPlugin, ModelPlugin, Plugin, PluginKind } from './types.js';

const TOKEN_OF: Record<PluginKind, symbol> = {
  strategy: TOKENS.StrategyPlugin,
  aggregator: TOKENS.AggregatorPlugin,
  model: TOKENS.ModelPlugin,
  head: TOKENS.HeadPlugin,
  dataset: TOKENS.DatasetPlugin,
};

/** What each kind's plugin object must carry besides kind, name and description. */
const BUILDER_OF: Record<PluginKind, 'create' | 'load'> = {
  strategy: 'create',
  aggregator: 'create',
  model: 'create',
  head: 'create',
  dataset: 'load',
};

type PluginOfKind<K extends PluginKind> = Extract<Plugin, { kind: K }>;

/** Error for bad plugin names, options or modules. `code` lets the CLI pick an exit status. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Looks like a plugin object of some kind (it may still lack its builder; see `pluginProblem`). */
function isPluginLike(x: unknown): x is { kind: PluginKind; name: string } {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Plugin).name === 'string' &&
    typeof (x as Plugin).kind === 'string' &&
    (x as Plugin).kind in TOKEN_OF
  );
}

/**
 * The plugin form before `create(context)`: `{ kind: 'strategy', strategy: SomeClass }` (or
 * `aggregator: SomeClass`) whose constructor parameters carry tsyringe `@inject` tokens. Still
 * accepted: the class is resolved in the plugin's child container, where the same tokens are
 * registered. A subclass of FedAvg in this form fails with instructions (its constructor changed).
 */
interface LegacyClassPlugin {
  readonly kind: 'strategy' | 'aggregator';
  readonly name: string;
  readonly strategy?: new (...args: never[]) => unknown;
  readonly aggregator?: new (...args: never[]) => unknown;
}

/** The plugin in today's form: a legacy class plugin gets a `create` that resolves its class. */
function normalize(plugin: Plugin | LegacyClassPlugin): Plugin {
  if (plugin.kind !== 'strategy' && plugin.kind !== 'aggregator') return plugin as Plugin;
  if (typeof (plugin as { create?: unknown }).create === 'function') return plugin as Plugin;
  const cls = plugin.kind === 'strategy' ? (plugin as LegacyClassPlugin).strategy : (plugin as LegacyClassPlugin).aggregator;
  if (typeof cls !== 'function') return plugin as Plugin;
  const { strategy: _s, aggregator: _a, ...rest } = plugin as LegacyClassPlugin & Record<string, unknown>;
  const create = (ctx: { container: DependencyContainer }): unknown => {
    try {
      return ctx.container.resolve(cls as never);
    } catch (e) {
      throw new PluginError(
        `The ${plugin.kind} plugin '${plugin.name}' uses the earlier form { ${plugin.kind}: ${cls.name} } and ${cls.name} could not be ` +
          `built (${(e as Error).message}). Give the plugin object create: (ctx) => new ${cls.name}(ctx) instead, and delete ` +
          `${cls.name}'s @inject / inject(TOKENS…) calls: a subclass of FedAvg then needs no constructor at all; a class of your ` +
          'own takes name, options, aggregator and logger from ctx.',
        { cause: e },
      );
    }
  };
  return { ...rest, create } as unknown as Plugin;
}

/** Why `plugin` cannot be registered, or undefined when it can. */
function pluginProblem(plugin: unknown): string | undefined {
  if (!isPluginLike(plugin)) {
    return (
      "Expected a plugin object { kind: 'strategy'|'aggregator'|'model'|'head'|'dataset', name, description, options, " +
      `create (load for a dataset) } but received ${describe(plugin)}`
    );
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(plugin.name)) {
    return `Plugin name '${plugin.name}' is not allowed: use lower-case letters, digits, '.', '_' or '-' (e.g. 'my-strategy')`;
  }
  const builder = BUILDER_OF[plugin.kind];
  if (typeof (plugin as unknown as Record<string, unknown>)[builder] !== 'function') {
    const example =
      plugin.kind === 'strategy'
        ? 'create: (ctx) => new MyStrategy(ctx)'
        : plugin.kind === 'aggregator'
          ? 'create: ({ options, logger }) => new MyAggregator(options, logger)'
          : plugin.kind === 'dataset'
            ? 'load: async ({ options, dataDir, download }) => myDataset'
            : 'create: (args, options) => …';
    return `The ${plugin.kind} plugin '${plugin.name}' has no ${builder} function; add one, e.g. ${example}`;
  }
  return undefined;
}

/** Register one plugin. A second plugin of the same kind and name replaces the first. */
export function registerPlugin(container: DependencyContainer, plugin: Plugin): void {
  const normalized = isPluginLike(plugin) ? normalize(plugin) : plugin;
  const problem = pluginProblem(normalized);
  if (problem !== undefined) throw new PluginError(problem);
  container.register(TOKEN_OF[normalized.kind], { useValue: normalized });
}

/** Every registered plugin of a kind, last registration winning on duplicate names. */
export function listPlugins<K extends PluginKind>(container: DependencyContainer, kind: K): PluginOfKind<K>[] {
  const token = TOKEN_OF[kind];
  if (!container.isRegistered(token, true)) return [];
  const byName = new Map<string, PluginOfKind<K>>();
  for (const p of container.resolveAll<PluginOfKind<K>>(token)) byName.set(p.name, p);
  return [...byName.values()];
}

/** The plugin of `kind` called `name`, or an error that lists the registered names. */
export function getPlugin<K extends PluginKind>(container: DependencyContainer, kind: K, name: string): PluginOfKind<K> {
  const all = listPlugins(container, kind);
  const found = all.find((p) => p.name === name);
  if (!found) {
    const names = all.map((p) => p.name).sort();
    throw new PluginError(
      `Unknown ${kind} '${name}'. Registered ${kind} plugins: ${names.length ? names.join(', ') : '(none)'}.` +
        (kind === 'strategy' || kind === 'aggregator' || kind === 'dataset'
          ? ` To add your own, list its module in config: plugins: ["./my-${kind}.js"].`
          : ''),
    );
  }
  return found;
}

/** Parse plugin options with its schema; errors name the plugin, the field and the problem. */
export function parsePluginOptions<O>(plugin: { kind: string; name: string; options?: z.ZodType<O> }, raw: unknown): O {
  if (!plugin.options) return (raw ?? {}) as O;
  const r = plugin.options.safeParse(raw ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const field = i.path.length ? i.path.join('.') : '(options)';
    return `  ${plugin.kind} '${plugin.name}' option ${field}: ${i.message}`;
  });
  throw new PluginError(`Invalid options for ${plugin.kind} '${plugin.name}':\n${lines.join('\n')}`);
}

/** Build the named aggregator with its options: the container calls the plugin's `create` (a factory registration). */
export function createAggregator(container: DependencyContainer, name: string, rawOptions: unknown, logger: Logger): Aggregator {
  const plugin = getPlugin(container, 'aggregator', name);
  const child = buildScope(container, logger, [[TOKENS.AggregatorOptions, parsePluginOptions(plugin, rawOptions)]]);
  child.register(TOKENS.Aggregator, {
    useFactory: (c) =>
      plugin.create({ name, options: c.resolve(TOKENS.AggregatorOptions), logger: c.resolve(TOKENS.Logger), container: c }),
  });
  const aggregator = build(() => child.resolve<Aggregator>(TOKENS.Aggregator), 'aggregator', name);
  if (!aggregator || typeof aggregator.aggregate !== 'function') {
    throw new PluginError(
      `The create() of aggregator '${name}' returned ${describe(aggregator)}, not an Aggregator (an object with aggregate())`,
    );
  }
  return aggregator;
}

/** Build the named strategy with its parsed options and the given aggregator, through the plugin's `create`. */
export function createStrategy(
  container: DependencyContainer,
  name: string,
  rawOptions: unknown,
  aggregator: Aggregator,
  logger: Logger,
): Strategy {
  const plugin = getPlugin(container, 'strategy', name);
  const child = buildScope(container, logger, [
    [TOKENS.StrategyOptions, parsePluginOptions(plugin, rawOptions)],
    [TOKENS.Aggregator, aggregator],
  ]);
  child.register(TOKENS.Strategy, {
    useFactory: (c) =>
      plugin.create({
        name,
        options: c.resolve(TOKENS.StrategyOptions),
        aggregator: c.resolve(TOKENS.Aggregator),
        logger: c.resolve(TOKENS.Logger),
        container: c,
      }),
  });
  const strategy = build(() => child.resolve<Strategy>(TOKENS.Strategy), 'strategy', name);
  if (!strategy || typeof strategy.trainClient !== 'function' || typeof strategy.initialize !== 'function') {
    throw new PluginError(
      `The create() of strategy '${name}' returned ${describe(strategy)}, not a Strategy (initialize, trainClient, aggregateTrain, globalPredictor)`,
    );
  }
  return strategy;
}

/** Where a run's dataset comes from: a registered dataset plugin, its options and the data folder. */
export interface DatasetRef {
  readonly name: string;
  readonly options?: unknown;
  readonly dataDir?: string | undefined;
}

/** Load the named dataset through its plugin; `download: false` in worker threads. */
export async function loadDatasetPlugin(
  container: DependencyContainer,
  ref: DatasetRef,
  io: Pick<DatasetContext, 'download' | 'logger' | 'onProgress' | 'onPreparationProgress' | 'onItemFailed' | 'signal'>,
): Promise<ImageDataset> {
  const plugin = getPlugin(container, 'dataset', ref.name);
  const options = parsePluginOptions(plugin, ref.options);
  return plugin.load({
    name: ref.name,
    options,
    ...(ref.dataDir !== undefined ? { dataDir: ref.dataDir } : {}),
    download: io.download,
    ...(io.onProgress ? { onProgress: io.onProgress } : {}),
    ...(io.onPreparationProgress ? { onPreparationProgress: io.onPreparationProgress } : {}),
    ...(io.onItemFailed ? { onItemFailed: io.onItemFailed } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    logger: io.logger,
  });
}

/** Runs a plugin's construction, naming the plugin in the error. */
function build<T>(construct: () => T, kind: PluginKind, name: string): T {
  try {
    return construct();
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError(`Could not build ${kind} '${name}': ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The child container one plugin instance is built in: `values` registered by token, and `logger`
 * as the Logger unless the parent container already provides one.
 */
function buildScope(container: DependencyContainer, logger: Logger, values: readonly (readonly [symbol, unknown])[]): DependencyContainer {
  const child = container.createChildContainer();
  for (const [token, value] of values) child.register(token, { useValue: value });
  if (!child.isRegistered(TOKENS.Logger, true)) child.register(TOKENS.Logger, { useValue: logger });
  return child;
}

export function getModelPlugin(container: DependencyContainer, name: string): ModelPlugin {
  return getPlugin(container, 'model', name) as ModelPlugin;
}

export function getHeadPlugin(container: DependencyContainer, name: string): HeadPlugin {
  return getPlugin(container, 'head', name) as HeadPlugin;
}

/**
 * Import user plugin modules and register what they export. A module may export (as `default`
 * or any named export) a plugin object, an array of them, or a function `(container) => void`
 * that registers them itself. Relative paths resolve against `baseDir` (the config file's folder).
 * Returns the names registered, per module.
 */
export async function loadPluginModules(
  container: DependencyContainer,
  specifiers: readonly string[],
  baseDir: string,
): Promise<Map<string, string[]>> {
  const loaded = new Map<string, string[]>();
  for (const spec of specifiers) {
    const isPath = spec.startsWith('.') || isAbsolute(spec);
    const url = isPath ? pathToFileURL(resolvePath(baseDir, spec)).href : spec;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginError(
        `Could not load plugin module '${spec}'${isPath ? ` (resolved to ${resolvePath(baseDir, spec)})` : ''}: ${(e as Error).message}. ` +
          'Check the path in `plugins:` (relative paths are resolved against the config file) and that the module is JavaScript Node can import.',
        { cause: e },
      );
    }
    const names: string[] = [];
    for (const value of Object.values(mod)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (isPluginLike(item)) {
          const problem = pluginProblem(normalize(item as Plugin));
          if (problem !== undefined) throw new PluginError(`Plugin module '${spec}': ${problem}`);
          registerPlugin(container, item as Plugin);
          names.push(`${item.kind}:${item.name}`);
        } else if (typeof item === 'function' && value === mod['default'] && !isConstructor(item)) {
          (item as (c: DependencyContainer) => void)(container);
          names.push('(register function)');
        }
      }
    }
    if (names.length === 0) {
      throw new PluginError(
        `Plugin module '${spec}' exports no plugin. Export a plugin object ({ kind: 'strategy', name, description, strategy }), ` +
          'an array of them, or a default function (container) => void.',
      );
    }
    loaded.set(spec, names);
  }
  return loaded;
}

function isConstructor(f: unknown): boolean {
  return typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return `${String(x)} of type ${typeof x}`;
  return `an object with keys [${Object.keys(x as object).join(', ')}]`;
}
