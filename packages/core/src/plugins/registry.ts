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
import type { Logger } from '../logger.js';
import type { Strategy } from '../strategy.js';
import { TOKENS } from './tokens.js';
import type { AggregatorPlugin, HeadPlugin, ModelPlugin, Plugin, PluginKind, StrategyPlugin } from './types.js';

const TOKEN_OF: Record<PluginKind, symbol> = {
  strategy: TOKENS.StrategyPlugin,
  aggregator: TOKENS.AggregatorPlugin,
  model: TOKENS.ModelPlugin,
  head: TOKENS.HeadPlugin,
};

type PluginOfKind<K extends PluginKind> = Extract<Plugin, { kind: K }>;

/** Error for bad plugin names, options or modules. `code` lets the CLI pick an exit status. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function isPlugin(x: unknown): x is Plugin {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Plugin).name === 'string' &&
    typeof (x as Plugin).kind === 'string' &&
    (x as Plugin).kind in TOKEN_OF
  );
}

/** Register one plugin. A second plugin of the same kind and name replaces the first. */
export function registerPlugin(container: DependencyContainer, plugin: Plugin): void {
  if (!isPlugin(plugin)) {
    throw new PluginError(
      `Expected a plugin object { kind: 'strategy'|'aggregator'|'model'|'head', name, … } but received ${describe(plugin)}`,
    );
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(plugin.name)) {
    throw new PluginError(
      `Plugin name '${plugin.name}' is not allowed: use lower-case letters, digits, '.', '_' or '-' (e.g. 'my-strategy')`,
    );
  }
  container.register(TOKEN_OF[plugin.kind], { useValue: plugin });
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
        (kind === 'strategy' || kind === 'aggregator'
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

/** Build the named aggregator with its options in a child container. */
export function createAggregator(
  container: DependencyContainer,
  name: string,
  rawOptions: unknown,
  logger: Logger,
): Aggregator {
  const plugin = getPlugin(container, 'aggregator', name) as AggregatorPlugin;
  const child = buildScope(container, logger, [[TOKENS.AggregatorOptions, parsePluginOptions(plugin, rawOptions)]]);
  return child.resolve(plugin.aggregator);
}

/** Build the named strategy, injecting its parsed options and the given aggregator. */
export function createStrategy(
  container: DependencyContainer,
  name: string,
  rawOptions: unknown,
  aggregator: Aggregator,
  logger: Logger,
): Strategy {
  const plugin = getPlugin(container, 'strategy', name) as StrategyPlugin;
  const child = buildScope(container, logger, [
    [TOKENS.StrategyOptions, parsePluginOptions(plugin, rawOptions)],
    [TOKENS.Aggregator, aggregator],
  ]);
  try {
    return child.resolve(plugin.strategy);
  } catch (e) {
    throw new PluginError(`Could not build strategy '${name}': ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The child container one plugin instance is built in: `values` registered by token, and `logger`
 * as the Logger unless the parent container already provides one.
 */
function buildScope(
  container: DependencyContainer,
  logger: Logger,
  values: readonly (readonly [symbol, unknown])[],
): DependencyContainer {
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
        if (isPlugin(item)) {
          registerPlugin(container, item);
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
